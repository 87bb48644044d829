"""Notices to departments: a short message their liaisons read on the home page, the notices page and the API."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from arbitration.choices import NoticeKind
from arbitration.history import WHO_COLUMN, HistoricalRecords


class Notice(models.Model):
    """通知: something a department's liaisons must know about one of its tickets (e.g. a ruling moved it).

    The text is not stored: it is written from `kind` and `data` in the reader's language when shown.
    """

    department = models.ForeignKey(
        "arbitration.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="notices"
    )
    ticket = models.ForeignKey(
        "arbitration.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        db_index=False,  # read per department; the ticket's own page reads its events
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NoticeKind)
    document_number = models.CharField(_("document number"), max_length=40, blank=True, db_index=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **WHO_COLUMN,
    )
    history = HistoricalRecords(no_db_index=["department", "document_number"])

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["department", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        values = {"hotline_no": "", "other": "", "document": self.document_number, **self.data}
        if self.kind == NoticeKind.SURGE_ALERT:
            text = gettext(
                "Surge alert: {matter} in {place} had {observed} requests against {expected} expected; "
                "please acknowledge it and report what you do."
            )
        elif self.kind == NoticeKind.TICKET_GAINED:
            text = gettext("Ticket {hotline_no} is now your department's, under {document} (it was with {other}).")
        else:
            text = gettext(
                "Ticket {hotline_no} was given to {other} under {document}; your department no longer leads it."
            )
        return text.format(**values)
