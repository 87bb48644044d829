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


class MonthlyReport(IssuedDocument):
    """月度工作通报: the numbered monthly bulletin of the hotline's work, issued on schedule for the month just ended.

    Written from the daily counts of the month like the daily report; `month` is the month's first day. The
    scorecards' bulletin (ScoreBulletin) stays apart: it waits for appeals and a supervisor's publication.
    """

    month = models.DateField(_("month reported"), unique=True)
    # Empty when the schedule issued it (Celery beat, the command), as for the daily report.
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
        verbose_name = _("monthly work bulletin")
        verbose_name_plural = _("monthly work bulletins")
        ordering = ["-month"]

    def build_pdf(self) -> bytes:
        from arbitration.documents.render import LetterData, render_letter

        return render_letter(LetterData.from_dict(self.data))
