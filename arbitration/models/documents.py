"""Gapless document numbering (文号) and the issued-document base shared by every app that issues documents."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.audit.mixins import AuditChained
from arbitration.choices import RenderStatus


class DocumentSequence(models.Model):
    """文号序列: the last number issued per issuer code, document kind and year (GB/T 9704: no gaps).

    The row is locked while a number is drawn, so the number rolls back with the issuing transaction.
    """

    issuer_code = models.CharField(_("issuer code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document sequence")
        verbose_name_plural = _("document sequences")
        constraints = [models.UniqueConstraint(fields=["issuer_code", "kind", "year"], name="unique_sequence")]

    def __str__(self) -> str:
        from arbitration.documents.numbering import DOCUMENT_KIND_NAMES  # it imports this module

        return f"{self.issuer_code}〔{self.year}〕{DOCUMENT_KIND_NAMES.get(self.kind, self.kind)}: {self.last}"


def document_upload_to(instance: "IssuedDocument", filename: str) -> str:
    """documents/<app>/<model>/<year>/<file>: one folder per issuing app, kind and year."""
    issued = instance.issued_at or timezone.now()
    return f"documents/{instance._meta.app_label}/{instance._meta.model_name}/{issued.year}/{filename}"


class IssuedDocument(models.Model):
    """发文: an issued official document — its number, the frozen data it was issued with, and its PDF.

    Abstract: each app's documents (rulings, letters, hand-offs) subclass it and say in `build_pdf` how
    their snapshot becomes `LetterData` or `MinutesData`. The snapshot and the PDF never change once
    issued; `arbitration.documents.tasks` renders the PDF once, after the issuing transaction commits.
    """

    document_number = models.CharField(_("document number"), max_length=40, db_index=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    data = models.JSONField(_("document data"), default=dict, help_text=_("The frozen snapshot the PDF is built from."))
    pdf = models.FileField(_("PDF"), upload_to=document_upload_to, blank=True, max_length=255)
    render_status = models.CharField(
        _("PDF status"), max_length=16, choices=RenderStatus, default=RenderStatus.PENDING, db_index=True
    )
    render_attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    render_error = models.TextField(_("render error"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.document_number

    def build_pdf(self) -> bytes:
        """The PDF bytes of this document, built from `self.data` only (never from live records)."""
        raise NotImplementedError(f"{type(self).__name__} must say how its data becomes a PDF")

    def registration_facts(self) -> dict:
        """What the public register (DocumentRegistration) says about this document: kind, issuer, issue date
        and addressee body, from the frozen snapshot. A kind whose snapshot has no addressee overrides this."""
        issue_date = self.data.get("issue_date") or timezone.localtime(self.issued_at).date().isoformat()
        return {
            "kind": self._meta.model_name,
            "kind_name": str(self._meta.verbose_name),
            "issuer": self.data.get("issuer_name", ""),
            "issue_date": issue_date,
            "addressee": self.data.get("addressee", ""),
        }

    @property
    def pdf_filename(self) -> str:
        """The download name: the document number itself, e.g. 明责督〔2026〕12号.pdf."""
        return f"{self.document_number}.pdf"


class DocumentRegistration(AuditChained):
    """发文登记: the public register of every issued PDF, looked up by its verification code (核验码).

    Written in the transaction that stores the final (stamped, possibly signed) PDF; `sha256` is that stored
    file's digest, which a reader's copy is compared with. It names bodies only — the issuing office and the
    addressed department or body — never a person (docs/documents.md).
    """

    code = models.CharField(_("verification code"), max_length=24, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(_("object id"))
    document = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=48)
    kind_name = models.CharField(_("kind name"), max_length=48, help_text=_("The kind as printed on the page."))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100)
    issue_date = models.DateField(_("issue date"))
    addressee = models.CharField(_("addressee"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    signed = models.BooleanField(_("signed"), default=False)
    signer_fingerprint = models.CharField(
        _("signer certificate fingerprint"), max_length=64, blank=True, help_text=_("SHA-256 of the certificate.")
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)

    # An audit table (docs/audit.md): never updated or deleted, hash-chained per document kind.
    audit_chain_key = "content_type"

    class Meta:
        verbose_name = _("document registration")
        verbose_name_plural = _("document registrations")
        ordering = ["-registered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_registration_per_document")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.document_number}"
