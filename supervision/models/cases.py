"""Supervision cases: what the sweep (or a supervisor) opened against a ticket or a department, and its ladder."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.history import HistoricalRecords
from arbitration.models.transitions import AttributedRecord
from supervision.choices import (
    AnswerKind,
    CaseEventKind,
    CaseStatus,
    ExtensionDecision,
    LetterKind,
    ReminderStatus,
    Tier,
    Trigger,
)

# A case without a response due time (it waits for the calendar's next year) comes last in the queue: the queue sorts
# on its due time read as this far-off moment, never NULL, so a page's "at or after the key" bound is a range of the
# index on the very same expression (`case_open_queue_due`) and a deep page starts at its key. Sorting on the
# nullable column itself needed "at or after the key, or NULL", which no index range serves: a deep page walked the
# open cases from the top of the queue.
NO_DUE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def case_queue_due() -> Coalesce:
    """The queue's first key: the response due time, or NO_DUE (selectors.CASE_QUEUE_ORDER)."""
    return Coalesce("step_due_at", Value(NO_DUE))


class LadderRule(models.Model):
    """督办阶梯规则: how long a department has to respond at one tier before the case moves up a rung.

    Rules are data (defaults in `supervision.selectors.DEFAULT_LADDER`, described in docs/supervision.md); a
    tier without a row falls back to its default, so an empty table still works.
    """

    tier = models.CharField(_("tier"), max_length=16, choices=Tier, unique=True)
    response_working_days = models.PositiveSmallIntegerField(
        _("response deadline (working days)"),
        help_text=_("No response or no progress within this many working days moves the case up a rung."),
    )
    letter_kind = models.CharField(
        _("letter drafted on entry"),
        max_length=16,
        choices=LetterKind,
        blank=True,
        help_text=_("The letter drafted for a supervisor to issue when a case reaches this tier."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ladder rule")
        verbose_name_plural = _("ladder rules")
        ordering = ["tier"]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: {self.response_working_days}"


class SupervisionCase(models.Model):
    """督办件: pressure on one ticket (or one department) for one trigger, moving up routine → key → task force.

    `subject_key` names what the case is about ("ticket:12", "department:3", "problem:5"): at most one open
    case per trigger and subject, enforced by the database so that two sweeps running at once cannot both
    open it. A case about a problem (repeated requests) covers every ticket of the problem; `ticket` is then
    the one whose lead department is pressed.
    """

    subject_key = models.CharField(_("subject"), max_length=80)
    ticket = models.ForeignKey(
        "arbitration.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_cases",
    )
    problem = models.ForeignKey(
        "supervision.Problem",
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("For repeated requests: the problem whose tickets the case covers."),
    )
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("department pressed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_cases",
    )
    trigger = models.CharField(_("trigger"), max_length=24, choices=Trigger)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier, default=Tier.ROUTINE)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus, default=CaseStatus.OPEN)
    reason = models.TextField(_("reason"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step_started_at = models.DateTimeField(_("tier entered at"), default=timezone.now)
    step_due_at = models.DateTimeField(_("response due at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_reason = models.TextField(_("why closed"), blank=True)
    # Which sweep run inserted the row (the insert's RETURNING tells a run the rows it won: services.opening).
    sweep_run = models.CharField(_("sweep run"), max_length=32, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["sweep_run"])

    class Meta:
        verbose_name = _("supervision case")
        verbose_name_plural = _("supervision cases")
        ordering = ["-opened_at", "-pk"]
        permissions = [
            ("supervise_case", _("Can open, raise and close supervision cases")),
            ("answer_case", _("Can answer supervision cases for one's department")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "subject_key"],
                condition=Q(status="open"),
                name="one_open_case_per_subject_and_trigger",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "step_due_at"]),  # the ladder's lapsed steps
            models.Index(fields=["status", "tier"]),  # the queue by tier
            models.Index(fields=["department", "status"]),  # the liaison's desk
            # Every case (open or closed) about a subject: the sweep asks whether an alert ever had a case and when
            # a department's last unreasonable-bounce case opened; the unique index above holds only open cases.
            models.Index(fields=["trigger", "subject_key", "opened_at"], name="case_trigger_subject"),
            # The supervisors' queue in its keyset order (selectors.CASE_QUEUE_ORDER), over the open cases only:
            # closed cases pile up over the years, the queue reads a page of open ones from its key.
            models.Index(
                case_queue_due(),
                F("opened_at").desc(),
                F("id").desc(),
                condition=Q(status="open"),
                name="case_open_queue_due",
            ),
            models.Index(
                F("tier"),
                case_queue_due(),
                F("opened_at").desc(),
                F("id").desc(),
                condition=Q(status="open"),
                name="case_open_tier_queue_due",
            ),
        ]

    def __str__(self) -> str:
        subject = self.ticket.hotline_no if self.ticket_id else str(self.department)
        return f"{subject} · {self.get_trigger_display()} · {self.get_tier_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class CaseEvent(AttributedRecord):
    """督办记录: what happened to a case (from, to, actor, reason, when) — the case timeline and dossiers."""

    case = models.ForeignKey(SupervisionCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=CaseEventKind)
    from_tier = models.CharField(_("from"), max_length=16, choices=Tier, blank=True)
    to_tier = models.CharField(_("to"), max_length=16, choices=Tier, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    subject_field = "case"

    class Meta(AttributedRecord.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class CaseAnswer(models.Model):
    """督办反馈: a department's answer to a case — progress, result, or a request for more time."""

    case = models.ForeignKey(SupervisionCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="answers")
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="supervision_answers",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AnswerKind)
    text = models.TextField(_("text"))
    requested_due_at = models.DateTimeField(_("requested due time"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=ExtensionDecision, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case answer")
        verbose_name_plural = _("case answers")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class Reminder(models.Model):
    """催单: a nudge queued for the department of a case; `step` makes queuing it twice impossible."""

    case = models.ForeignKey(
        SupervisionCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="reminders"
    )
    department = models.ForeignKey(
        "arbitration.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_reminders",
    )
    step = models.CharField(_("step"), max_length=40)
    message = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=8, choices=ReminderStatus, default=ReminderStatus.QUEUED)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-queued_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="one_reminder_per_case_step")]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step_label}"

    @property
    def step_label(self) -> str:
        """The step in words: it is stored as a key ("opened", "tier:key", "press:12") that keeps a step unique."""
        kind, _sep, value = self.step.partition(":")
        if kind == "opened":
            return str(_("Case opened"))
        if kind == "tier" and value in Tier.values:
            return str(_("Moved to {tier}")).format(tier=Tier(value).label)
        if kind == "press":
            return str(_("Pressed by the platform (event {event})")).format(event=value)
        return self.step
