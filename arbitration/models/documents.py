"""Gapless document numbering (文号) and the issued-document base shared by every app that issues documents."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
        return f"{self.issuer_code}〔{self.year}〕{self.kind}: {self.last}"


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

    @property
    def pdf_filename(self) -> str:
        """The download name: the document number itself, e.g. 明责督〔2026〕12号.pdf."""
        return f"{self.document_number}.pdf"
