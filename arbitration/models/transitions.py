"""The shape every status record shares: who moved a record from one status to another, why and when.

Each app's transition table adds the record it belongs to and its own `from_status` / `to_status` choices.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatusTransition(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    subject_field = ""  # the name of the foreign key to the record that moved

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        subject = getattr(self, f"{self.subject_field}_id")
        return f"{subject}: {self.from_status or '—'} → {self.to_status}"
