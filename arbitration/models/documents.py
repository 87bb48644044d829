"""Gapless document numbering (文号) shared by every app that issues official documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
