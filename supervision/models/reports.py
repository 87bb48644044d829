"""Reports to leaders (docs/cockpit.md, "Reports")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arbitration.history import HistoricalRecords
from arbitration.models.documents import IssuedDocument


class DailyReport(IssuedDocument):
    """工作日报: the numbered daily work report to the city's leaders, copied to the discipline commission.

    `data` is the frozen `LetterData` written from the daily counts of `day`; the PDF is built from it once.
    """

    day = models.DateField(_("day reported"), unique=True)
    # Empty when the schedule issued it (Celery beat, the command): no person signs a daily report.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
        null=True,
        blank=True,
    )
    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = _("daily work report")
        verbose_name_plural = _("daily work reports")
        ordering = ["-day"]

    def build_pdf(self) -> bytes:
        from arbitration.documents.render import LetterData, render_letter

        return render_letter(LetterData.from_dict(self.data))
