"""Appeals (考核申诉): a liaison objects to one ticket in their department's draft scorecard; a supervisor decides."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.history import WHO_COLUMN, HistoricalRecords
from arbitration.models.transitions import StatusTransition
from supervision.choices import AppealDecision, AppealStatus


def appeal_upload_to(appeal: "ScoreAppeal", filename: str) -> str:
    return f"supervision/appeals/{timezone.localdate():%Y}/{filename}"


class ScoreAppeal(models.Model):
    """考核申诉: a department objects to one ticket charged to it in a draft period, with a reason and evidence.

    Accepted, the ticket leaves the department's scorecard (`exclude`) or is charged to `target_department`
    instead (`reattribute`), from the next computation of the draft on; the reasons stay on the record.
    One appeal per department, ticket and period: a refused appeal is final.
    """

    period = models.ForeignKey(
        "supervision.ScorePeriod", verbose_name=_("period"), on_delete=models.PROTECT, related_name="appeals"
    )
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("appealing department"),
        on_delete=models.PROTECT,
        related_name="score_appeals",
    )
    ticket = models.ForeignKey(
        "arbitration.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="score_appeals"
    )
    reason = models.TextField(_("reason"))
    attachment = models.FileField(_("attachment"), upload_to=appeal_upload_to, max_length=255)
    attachment_name = models.CharField(_("attachment file name"), max_length=255)
    lodged_at = models.DateTimeField(_("lodged at"), default=timezone.now)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lodged by"), on_delete=models.PROTECT, related_name="+", **WHO_COLUMN
    )
    status = models.CharField(_("status"), max_length=16, choices=AppealStatus, default=AppealStatus.PENDING)
    decision = models.CharField(_("decision"), max_length=16, choices=AppealDecision, blank=True)
    target_department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("charged instead to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **WHO_COLUMN,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scorecard appeal")
        verbose_name_plural = _("scorecard appeals")
        ordering = ["-lodged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "department", "ticket"], name="one_appeal_per_ticket"),
            models.CheckConstraint(
                condition=~models.Q(decision="reattribute") | models.Q(target_department__isnull=False),
                name="reattributed_appeal_names_a_department",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "status"]),
            # A period's appeals newest first (a keyset page); a status filter is checked on the period's rows.
            models.Index(fields=["period", "-lodged_at", "-id"], name="appeal_period_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.ticket_id} ({self.get_status_display()})"


class ScoreAppealTransition(StatusTransition):
    """申诉记录: an appeal's status moves (lodged, accepted, refused), who made them and why."""

    appeal = models.ForeignKey(
        ScoreAppeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=AppealStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=AppealStatus)

    subject_field = "appeal"

    class Meta(StatusTransition.Meta):
        verbose_name = _("scorecard appeal transition")
        verbose_name_plural = _("scorecard appeal transitions")
