"""The version of the jurisdiction graph: bumped in the transaction of every duty or ruling change."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GraphVersion(models.Model):
    """管辖图版本: a single row whose number moves whenever the graph's sources change.

    Each process caches its graph under the number it was built from and rebuilds when the row moves.
    """

    number = models.PositiveBigIntegerField(_("number"), default=0)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("graph version")
        verbose_name_plural = _("graph versions")

    def __str__(self) -> str:
        return str(self.number)
