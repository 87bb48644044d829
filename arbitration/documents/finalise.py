"""The one way an issued PDF becomes final: rendered bytes in → stamp → sign → register → store.

Every issued document (each `IssuedDocument` kind through `tasks.document_pdf_store`, and supervision's referral
dossier) goes through here, in two halves around the caller's row lock:

    final = pdf_finalise(document, document.build_pdf())          # outside the lock: stamping and signing take time
    with transaction.atomic():
        document = Model.objects.select_for_update().get(pk=pk)
        final.register_and_store(document, field_name="pdf", filename="…pdf")   # same transaction

The stamp (verification code, QR code, previous day's audit seal), the signature and the register are described
in docs/documents.md.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.utils import translation

from arbitration.audit.seals import seal_previous_day
from arbitration.models import DocumentRegistration

from .signing import pdf_sign
from .verification import pdf_stamp, verification_code


@dataclass(frozen=True)
class FinalPdf:
    """A stamped (and, when configured, signed) PDF ready to be registered and stored."""

    code: str
    content: bytes
    signed: bool
    signer_fingerprint: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def register_and_store(
        self, document: models.Model, *, field_name: str, filename: str, facts: dict | None = None
    ) -> DocumentRegistration:
        """Register the final PDF and store it in the document's file field (the caller saves the row).

        Call it inside the transaction that saves the document, so the register and the stored file's row
        commit together. `facts` defaults to the document's `registration_facts()`.
        """
        with translation.override("zh-hans"):  # the register is read on a Chinese page, whoever rendered the PDF
            facts = document.registration_facts() if facts is None else facts
            kind_name = str(facts["kind_name"])
        issue_date = facts["issue_date"]
        if isinstance(issue_date, str):
            issue_date = datetime.date.fromisoformat(issue_date)
        registration = DocumentRegistration.objects.create(
            code=self.code,
            content_type=ContentType.objects.get_for_model(document),
            object_id=document.pk,
            kind=facts["kind"],
            kind_name=kind_name[:48],
            document_number=getattr(document, "document_number", "") or facts.get("document_number", ""),
            issuer=facts["issuer"][:100],
            issue_date=issue_date,
            addressee=facts.get("addressee", "")[:100],
            sha256=self.sha256,
            size=len(self.content),
            signed=self.signed,
            signer_fingerprint=self.signer_fingerprint,
        )
        getattr(document, field_name).save(filename, ContentFile(self.content), save=False)
        return registration


def _previous_seal(facts: dict) -> str:
    """The audit seal of the day before the document's issue date, printed on it (docs/audit.md): empty when that
    day cannot be sealed (it is not over, or a later day is sealed already, as for a back-dated document)."""
    issue_date = facts["issue_date"]
    if isinstance(issue_date, str):
        issue_date = datetime.date.fromisoformat(issue_date)
    seal = seal_previous_day(issue_date)
    return seal.seal_hash if seal is not None else ""


def pdf_finalise(document: models.Model, pdf: bytes, *, facts: dict | None = None) -> FinalPdf:
    """Stamp the rendered PDF with the document's verification code and sign it (when a certificate is set).

    `facts` (what the register will say, default `document.registration_facts()`) give the issue date whose
    previous day's seal is printed."""
    code = verification_code(document._meta.label, document.pk)
    seal = _previous_seal(document.registration_facts() if facts is None else facts)
    signed = pdf_sign(pdf_stamp(pdf, code, seal=seal))
    return FinalPdf(code=code, content=signed.content, signed=signed.signed, signer_fingerprint=signed.fingerprint)
