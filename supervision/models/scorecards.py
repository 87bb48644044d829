"""Scorecards: a period's rates per department, the tickets behind each rate, and the period's draft → published life.

The rules (which tickets count, for whom, how each rate judges them) are in docs/scorecards.md and
`supervision.services.score_rules`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.choices import DepartmentKind
from arbitration.history import WHO_COLUMN, HistoricalRecords
from arbitration.models import IssuedDocument
from arbitration.models.transitions import StatusTransition
from supervision.choices import PeriodKind, PeriodStatus, ScoreBasis, ScoreOutcome


class ScorePeriod(models.Model):
    """考核期: one month's or quarter's scorecards as a whole — a draft liaisons may appeal, then published and frozen.

    While a draft, its scorecards and the tickets behind them are recomputed from the platform's facts (honouring
    accepted appeals). Publishing freezes both: nothing recomputes or appeals a published period.
    """

    period_kind = models.CharField(_("period kind"), max_length=8, choices=PeriodKind)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("The first day after the period."))
    status = models.CharField(_("status"), max_length=16, choices=PeriodStatus, default=PeriodStatus.DRAFT)
    drafted_at = models.DateTimeField(_("draft first computed at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("last computed at"), null=True, blank=True)
    appeal_closes_at = models.DateTimeField(
        _("appeals close at"),
        null=True,
        blank=True,
        help_text=_("Office closing on the last working day of the appeal window; empty while the calendar lacks it."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **WHO_COLUMN,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scorecard period")
        verbose_name_plural = _("scorecard periods")
        ordering = ["-period_start", "period_kind"]
        permissions = [("publish_scorecards", _("Can publish scorecards and decide appeals"))]
        constraints = [models.UniqueConstraint(fields=["period_kind", "period_start"], name="one_score_period")]

    def __str__(self) -> str:
        return f"{self.get_period_kind_display()} {self.period_start:%Y-%m} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == PeriodStatus.PUBLISHED


class ScorePeriodTransition(StatusTransition):
    """考核期记录: the period's status moves (draft → published), who made them and why."""

    period = models.ForeignKey(
        ScorePeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=PeriodStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=PeriodStatus)

    subject_field = "period"

    class Meta(StatusTransition.Meta):
        verbose_name = _("scorecard period transition")
        verbose_name_plural = _("scorecard period transitions")


class Scorecard(models.Model):
    """考核成绩: one department's counts, rates and service index (服务指数) for one period.

    For each rate: the tickets that met it, the tickets judged (met or missed: the denominator) and the tickets
    whose fact is not yet known (left out of the rate). Rates are fractions (0–1), empty when nothing was judged;
    the index is 0–100 over the rates that have tickets. `group` is the comparable group (the department kind),
    `rank` the place within it (1 = best; 0 = not ranked: no rate had a judged ticket).
    """

    period = models.ForeignKey(
        ScorePeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="scorecards"
    )
    department = models.ForeignKey(
        "arbitration.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="scorecards"
    )
    period_kind = models.CharField(_("period kind"), max_length=8, choices=PeriodKind)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("The first day after the period."))
    group = models.CharField(_("comparable group"), max_length=16, choices=DepartmentKind)  # peers of one kind
    tickets = models.PositiveIntegerField(_("tickets"), default=0)
    withdrawn = models.PositiveIntegerField(_("withdrawn tickets"), default=0)
    held = models.PositiveIntegerField(_("tickets held before an upheld bounce"), default=0)
    responded_on_time = models.PositiveIntegerField(_("responded on time"), default=0)
    response_judged = models.PositiveIntegerField(_("response judged"), default=0)
    response_unknown = models.PositiveIntegerField(_("response not yet known"), default=0)
    completed_on_time = models.PositiveIntegerField(_("completed on time"), default=0)
    completion_judged = models.PositiveIntegerField(_("completion judged"), default=0)
    completion_unknown = models.PositiveIntegerField(_("completion not yet known"), default=0)
    fed_back_on_time = models.PositiveIntegerField(_("feedback on time"), default=0)
    feedback_judged = models.PositiveIntegerField(_("feedback judged"), default=0)
    feedback_unknown = models.PositiveIntegerField(_("feedback not yet known"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    rated = models.PositiveIntegerField(_("rated"), default=0)
    satisfaction_unknown = models.PositiveIntegerField(_("satisfaction not yet known"), default=0)
    received = models.PositiveIntegerField(_("assignments received"), default=0)
    bounces = models.PositiveIntegerField(_("bounces"), default=0)
    unreasonable_bounces = models.PositiveIntegerField(_("unreasonable bounces"), default=0)
    response_rate = models.DecimalField(_("response rate"), max_digits=5, decimal_places=4, null=True, blank=True)
    on_time_rate = models.DecimalField(
        _("on-time completion rate"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    feedback_rate = models.DecimalField(
        _("timely feedback rate"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    satisfaction_rate = models.DecimalField(
        _("satisfaction rate"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    bounce_rate = models.DecimalField(_("bounce rate"), max_digits=5, decimal_places=4, default=0)
    unreasonable_bounce_rate = models.DecimalField(
        _("unreasonable bounce rate"), max_digits=5, decimal_places=4, default=0
    )
    service_index = models.DecimalField(_("service index"), max_digits=5, decimal_places=2, null=True, blank=True)
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

    @property
    def perfect(self) -> bool:
        """100% on all four rates (the bulletin names these departments): every rate judged and fully met."""
        rates = (self.response_rate, self.on_time_rate, self.feedback_rate, self.satisfaction_rate)
        return all(rate is not None and rate == 1 for rate in rates)


class ScoreEntry(models.Model):
    """考核明细: one ticket charged to one department in one period, and how it stands in each rate.

    The scorecard's counts are counts of these rows, so the list behind every number is exactly these rows.
    Written in bulk when a draft is computed (replacing the draft's rows) and frozen when the period is
    published. No history table: rows are never edited, only replaced as a whole while the period is a draft,
    and a history copy would double the largest table of supervision.
    """

    # No database constraints on these keys: an entry is derived from the rows it names, which are never deleted
    # (the ORM's on_delete still guards them), and a month's entries are rewritten in one statement — checking each
    # key would lock every ticket of the month while the statement runs (bench/bench_scorecards.py: 3.5× slower).
    period = models.ForeignKey(
        ScorePeriod,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the index below starts with it
    )
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the (period, department, ticket) index serves it
    )
    ticket = models.ForeignKey(
        "arbitration.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,  # looked up through (period, department, ticket)
    )
    basis = models.CharField(_("charged as"), max_length=8, choices=ScoreBasis)
    response = models.CharField(_("on-time response"), max_length=8, choices=ScoreOutcome, blank=True)
    on_time = models.CharField(_("on-time completion"), max_length=8, choices=ScoreOutcome, blank=True)
    feedback = models.CharField(_("timely feedback"), max_length=8, choices=ScoreOutcome, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=8, choices=ScoreOutcome, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    appeal = models.ForeignKey(
        "supervision.ScoreAppeal",
        verbose_name=_("re-attributed by appeal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,  # shown with the row, never searched by
    )

    class Meta:
        verbose_name = _("scorecard entry")
        verbose_name_plural = _("scorecard entries")
        # A scorecard's lists and an appeal's checks; every index costs each of the month's rows when it is written.
        indexes = [models.Index(fields=["period", "department", "ticket"])]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.department_id}/{self.ticket_id} {self.basis}"


class ScoreBulletin(IssuedDocument):
    """考核通报: the numbered monthly (or quarterly) bulletin issued when a period is published.

    `data` is the frozen `LetterData` (ranking by group, the last three, the departments at 100%).
    """

    period = models.OneToOneField(
        ScorePeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="bulletin"
    )
    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = _("scorecard bulletin")
        verbose_name_plural = _("scorecard bulletins")
        ordering = ["-issued_at", "-pk"]

    def build_pdf(self) -> bytes:
        from arbitration.documents.render import LetterData, render_letter

        return render_letter(LetterData.from_dict(self.data))
