"""Scorecards: each department's rates and service index for a month or a quarter, ranked within its group."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.history import HistoricalRecords
from supervision.choices import PeriodKind


class Scorecard(models.Model):
    """考核成绩: one department's counts, rates and service index (服务指数) for one period.

    Rates are fractions (0–1); the index is 0–100. `group` is the comparable group (the department kind),
    `rank` the place within it (1 = best). Recomputing a period overwrites its rows (history keeps the old).
    """

    department = models.ForeignKey(
        "arbitration.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="scorecards"
    )
    period_kind = models.CharField(_("period kind"), max_length=8, choices=PeriodKind)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("The first day after the period."))
    group = models.CharField(_("comparable group"), max_length=16)
    tickets = models.PositiveIntegerField(_("tickets"), default=0)
    responded = models.PositiveIntegerField(_("responded"), default=0)
    completed_on_time = models.PositiveIntegerField(_("completed on time"), default=0)
    fed_back_on_time = models.PositiveIntegerField(_("feedback on time"), default=0)
    rated = models.PositiveIntegerField(_("rated"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    bounces = models.PositiveIntegerField(_("bounces"), default=0)
    unreasonable_bounces = models.PositiveIntegerField(_("unreasonable bounces"), default=0)
    response_rate = models.DecimalField(_("response rate"), max_digits=5, decimal_places=4, default=0)
    on_time_rate = models.DecimalField(_("on-time completion rate"), max_digits=5, decimal_places=4, default=0)
    feedback_rate = models.DecimalField(_("timely feedback rate"), max_digits=5, decimal_places=4, default=0)
    satisfaction_rate = models.DecimalField(_("satisfaction rate"), max_digits=5, decimal_places=4, default=0)
    bounce_rate = models.DecimalField(_("bounce rate"), max_digits=5, decimal_places=4, default=0)
    unreasonable_bounce_rate = models.DecimalField(
        _("unreasonable bounce rate"), max_digits=5, decimal_places=4, default=0
    )
    service_index = models.DecimalField(_("service index"), max_digits=5, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(_("rank in group"), default=0)
    group_size = models.PositiveIntegerField(_("group size"), default=0)
    in_bottom = models.BooleanField(_("among the last"), default=False)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-period_start", "group", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "period_kind", "period_start"], name="one_scorecard_per_department_period"
            ),
        ]
        indexes = [models.Index(fields=["period_kind", "period_start", "group", "rank"])]

    def __str__(self) -> str:
        return f"{self.department} {self.period_start:%Y-%m} {self.service_index}"
