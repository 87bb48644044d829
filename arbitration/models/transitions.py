"""What every record of something that happened shares: who did it, why and when.

`AttributedRecord` is the base of the event logs (ticket events, supervision case events); `StatusTransition`
adds the move from one status to another, and each app's transition table adds the record it belongs to and its
own `from_status` / `to_status` choices.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.audit.mixins import AuditChained
from arbitration.history import WHO_COLUMN


class AttributedRecord(AuditChained):
    """An audit row (docs/audit.md): append-only, chained per subject (`subject_field`, set by each table)."""

    subject_field = ""  # the name of the foreign key to the record the row is about: its chain

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **WHO_COLUMN,  # shown with each record, never searched by
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class StatusTransition(AttributedRecord):
    class Meta(AttributedRecord.Meta):
        abstract = True

    def __str__(self) -> str:
        subject = getattr(self, f"{self.subject_field}_id")
        # Every concrete transition gives its two status fields choices: shown by their labels, never as codes.
        before = self.get_from_status_display() if self.from_status else "—"
        return f"{subject}: {before} → {self.get_to_status_display()}"
