"""Looking a document up in the public register by its verification code, and checking a reader's copy.

Used by the public page (`arbitration.views.verify`) and its API twin; both show only what the register holds,
which names bodies, never people (docs/documents.md, "How a third party verifies").
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from arbitration.models import DocumentRegistration

from .verification import code_normalise

PDF_MAGIC = b"%PDF-"


def registration_by_code(code: str) -> DocumentRegistration | None:
    """The registration under `code` (case, spaces and missing dashes forgiven), or None."""
    return DocumentRegistration.objects.filter(code=code_normalise(code)).first()


def upload_max_bytes() -> int:
    return settings.MINGZE_VERIFY_UPLOAD_MAX_MB * 1024 * 1024


def upload_check(upload: UploadedFile) -> None:
    """A reader's copy must be a PDF no larger than MINGZE_VERIFY_UPLOAD_MAX_MB; raises ValidationError."""
    if upload.size > upload_max_bytes():
        raise ValidationError(
            _("The file is larger than %(max)s MB."),
            code="too_large",
            params={"max": settings.MINGZE_VERIFY_UPLOAD_MAX_MB},
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(_("Only PDF files can be checked."), code="not_pdf")


def upload_sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def upload_matches(registration: DocumentRegistration, upload: UploadedFile) -> bool:
    """Whether the copy is byte for byte the registered file (its SHA-256 equals the register's)."""
    return upload_sha256(upload) == registration.sha256
