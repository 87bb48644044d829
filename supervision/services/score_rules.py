"""Which tickets a period's scorecards count, for which department, and how each rate judges each of them.

The rules, in order (docs/scorecards.md says why):
1. A period covers the tickets first dispatched in it (`dispatched_at` in [start, end)).
2. A ticket is charged to the department leading it now (basis "handled") and to each regulator copied on it now
   (basis "copied", 双加双减); both are judged on the ticket's facts. Co-handlers are not charged, except under a
   dual dispatch (双派), where the territory (lead) and each sector department (co-handler) are charged on their
   part (basis "dual" for both). A first receiver (首接负责) is the lead and so charged until ownership is
   settled (docs/dispatch.md).
3. A department whose lead assignment ended because its bounce was upheld is charged the time it held the ticket
   (basis "held"): its response and completion are judged on the moment it let go (or first responded), against
   the limits counted from its own dispatch; feedback and satisfaction belong to the department that answered.
4. An accepted appeal leaves the ticket out of the appealing department's card, or charges it to another one.
5. Each charged ticket is, in each rate, met, missed or not yet known (left out of the rate); a deadline that
   passed without the fact is missed:
   - on-time response: the first response (failing that event, the handling) at or before `response_due_at`;
   - on-time completion: `handled_at` at or before `due_at` (for a tier the centre verifies, only once verified);
   - timely feedback: `replied_at` within the feedback limit after `handled_at` (a setting, on the working
     calendar); not yet known while the ticket is not handled;
   - satisfaction: satisfied or basically satisfied among the tickets rated at the return visit.
   A withdrawn ticket leaves the three time rates alone; a rating it has still counts.

Rules 1, 2, 4 and 5 run in the database as one INSERT … SELECT (the city has millions of tickets); rule 3 touches
only tickets with an upheld bounce (a few in a hundred) and counts their limits on the calendar one by one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from arbitration.calendar import WorkingCalendar
from arbitration.choices import AssignmentMethod, AssignmentRole, BounceOutcome, Satisfaction, TicketStatus, TimeUnit
from arbitration.errors import CalendarYearMissing
from arbitration.models import Assignment, Bounce, Ticket, TimeLimitTier
from supervision.choices import AppealDecision, AppealStatus, ScoreBasis, ScoreOutcome
from supervision.models import ScoreAppeal, ScoreEntry, ScorePeriod
from supervision.rates import RATES

MET, MISSED, UNKNOWN, NONE = ScoreOutcome.MET, ScoreOutcome.MISSED, ScoreOutcome.UNKNOWN, ""
RATED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED)


# The columns an entry is written with, in the order of the SELECT that produces them.
ENTRY_COLUMNS = (
    "period_id",
    "department_id",
    "ticket_id",
    "basis",
    "response",
    "on_time",
    "feedback",
    "satisfaction",
    "withdrawn",
    "appeal_id",
)


# --- rule 5: judging one fact against its deadline -----------------------------------------------------------
def _judged(fact: str, due: str, *, now: dt.datetime) -> Case:
    """Met when the fact came at or before its deadline, missed when after it or when the deadline passed
    without it, not yet known otherwise (no fact and the deadline ahead, or no deadline to judge by)."""
    happened = Q(**{f"{fact}__isnull": False})
    due_known = Q(**{f"{due}__isnull": False})
    return Case(
        When(happened & due_known & Q(**{f"{fact}__lte": F(due)}), then=Value(MET)),
        When(happened & due_known, then=Value(MISSED)),
        When(~happened & Q(**{f"{due}__lt": now}), then=Value(MISSED)),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _time_rate(fact: str, due: str, *, now: dt.datetime) -> Case:
    """A time rate, which a withdrawn ticket leaves alone."""
    return Case(
        When(ticket__status=TicketStatus.WITHDRAWN, then=Value(NONE)),
        default=_judged(fact, due, now=now),
        output_field=CharField(),
    )


def _feedback_rate(*, now: dt.datetime) -> Case:
    """Timely feedback is not yet known until the ticket is handled (its completion rate judges the delay)."""
    return Case(
        When(ticket__status=TicketStatus.WITHDRAWN, then=Value(NONE)),
        When(ticket__handled_at__isnull=True, then=Value(UNKNOWN)),
        default=_judged("ticket__replied_at", "feedback_due", now=now),
        output_field=CharField(),
    )


SATISFACTION_OUTCOME = Case(
    When(ticket__satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASICALLY), then=Value(MET)),
    When(ticket__satisfaction=Satisfaction.DISSATISFIED, then=Value(MISSED)),
    default=Value(UNKNOWN),  # no visit yet, or the citizen did not rate
    output_field=CharField(),
)


def feedback_limit() -> tuple[int, str]:
    """The feedback limit from settings; working hours are refused (their deadline depends on the hour, which the
    per-day table of `_feedback_due` cannot express)."""
    amount, unit = settings.MINGZE_SCORE_FEEDBACK_AMOUNT, settings.MINGZE_SCORE_FEEDBACK_UNIT
    if unit not in (TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS, TimeUnit.NATURAL_HOURS):
        raise ImproperlyConfigured(
            f"MINGZE_SCORE_FEEDBACK_UNIT must be working_days, calendar_days or natural_hours, not {unit!r}"
        )
    return amount, unit


def _feedback_due(tickets: QuerySet[Ticket], calendar: WorkingCalendar):
    """The feedback deadline of each ticket as an expression over `ticket__handled_at`.

    A limit in days ends at office closing of a day that depends only on the day the ticket was handled, so the
    calendar is asked once per distinct handling day (one query finds them), runs of days with the same deadline
    (a Friday and its weekend) are merged, and the answers become a CASE over plain time ranges.
    """
    amount, unit = feedback_limit()
    if unit == TimeUnit.NATURAL_HOURS:
        return ExpressionWrapper(F("ticket__handled_at") + dt.timedelta(hours=amount), output_field=DateTimeField())
    days = (
        tickets.filter(handled_at__isnull=False)
        .annotate(day=TruncDate("handled_at", tzinfo=calendar.tz))
        .order_by("day")
        .values_list("day", flat=True)
        .distinct()
    )
    spans: list[list] = []  # [from, until, deadline] of handling moments
    for day in days:
        begins = dt.datetime.combine(day, dt.time(), tzinfo=calendar.tz)
        ends = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=calendar.tz)
        try:
            due = calendar.due_at(begins, amount, unit)
        except CalendarYearMissing:
            continue  # no deadline: the feedback stays "not yet known" until the year is entered
        if spans and spans[-1][1] == begins and spans[-1][2] == due:
            spans[-1][1] = ends
        else:
            spans.append([begins, ends, due])
    if not spans:
        return Value(None, output_field=DateTimeField())
    whens = [
        When(ticket__handled_at__gte=begins, ticket__handled_at__lt=ends, then=Value(due, output_field=DateTimeField()))
        for begins, ends, due in spans
    ]
    return Case(*whens, default=None, output_field=DateTimeField())


# --- rules 1, 2 and 4: who is charged with which ticket -------------------------------------------------------
def period_tickets(start: dt.datetime, end: dt.datetime) -> QuerySet[Ticket]:
    return Ticket.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end)


def _accepted(period: ScorePeriod, decision: str, department: str) -> QuerySet[ScoreAppeal]:
    """The accepted appeal of one decision about the outer row's ticket and `department` (at most one exists)."""
    return ScoreAppeal.objects.filter(
        period=period,
        status=AppealStatus.ACCEPTED,
        decision=decision,
        ticket_id=OuterRef("ticket_id"),
        department_id=OuterRef(department),
    ).order_by()


def _appealed(rows: QuerySet[Assignment], period: ScorePeriod) -> QuerySet[Assignment]:
    """Rule 4 on the charged rows: `charged_to` (re-attributed or not) and `moved_by`, less the rows left out.

    Most periods have no accepted appeal: then the per-row look-ups are left out of the statement altogether.
    """
    if not ScoreAppeal.objects.filter(period=period, status=AppealStatus.ACCEPTED).exists():
        return rows.alias(charged_to=F("department_id"), moved_by=Value(None, output_field=IntegerField()))
    moved = _accepted(period, AppealDecision.REATTRIBUTE, "department_id")
    return (
        rows.alias(
            moved_to=Subquery(moved.values("target_department_id")[:1], output_field=IntegerField()),
            moved_by=Subquery(moved.values("pk")[:1], output_field=IntegerField()),
        )
        .alias(charged_to=Coalesce("moved_to", "department_id", output_field=IntegerField()))
        # Left out by an accepted appeal of the department it is charged to (re-attributed ones included).
        .exclude(Exists(_accepted(period, AppealDecision.EXCLUDE, "charged_to")))
    )


# A department's part of a dual dispatch: the lead or a co-handler dispatched "dual" (the copied regulator's
# assignment also carries that method, and stays "copied").
DUAL_PART = Q(method=AssignmentMethod.DUAL, role__in=(AssignmentRole.LEAD, AssignmentRole.CO_HANDLER))


def charged_assignments(start: dt.datetime, end: dt.datetime) -> QuerySet[Assignment]:
    """The current lead, copied and dual-part assignments of the period's tickets.

    A department copied on a ticket it also leads is charged once, as its lead.
    """
    leads_too = Assignment.objects.filter(
        ticket_id=OuterRef("ticket_id"),
        department_id=OuterRef("department_id"),
        role=AssignmentRole.LEAD,
        ended_at=None,
    )
    return Assignment.objects.filter(
        Q(role__in=(AssignmentRole.LEAD, AssignmentRole.COPIED)) | DUAL_PART,
        ended_at=None,
        ticket__dispatched_at__gte=start,
        ticket__dispatched_at__lt=end,
    ).filter(Q(role=AssignmentRole.LEAD) | ~Exists(leads_too))


def _completed_at() -> Case:
    """When the ticket counts as handled: its handling time, except that a ticket of a tier the centre verifies
    (MINGZE_VERIFICATION_TIERS) counts only once verified (核验, docs/dispatch.md)."""
    unverified = Q(ticket__time_limit_tier__code__in=settings.MINGZE_VERIFICATION_TIERS, ticket__verified_at=None)
    return Case(When(unverified, then=Value(None)), default=F("ticket__handled_at"), output_field=DateTimeField())


def facts_entries(period: ScorePeriod, *, now: dt.datetime, calendar: WorkingCalendar) -> QuerySet:
    """The "handled" and "copied" entries of the period as one SELECT producing ENTRY_COLUMNS."""
    start, end = period_span(period, calendar)
    rows = _appealed(charged_assignments(start, end), period).alias(
        responded_at=Coalesce("ticket__first_response_at", "ticket__handled_at"),
        completed_at=_completed_at(),
        feedback_due=_feedback_due(period_tickets(start, end), calendar),
    )
    return (
        rows.annotate(
            e_period=Value(period.pk, output_field=IntegerField()),
            e_department=F("charged_to"),
            e_ticket=F("ticket_id"),
            e_basis=Case(
                When(role=AssignmentRole.COPIED, then=Value(ScoreBasis.COPIED)),
                When(DUAL_PART, then=Value(ScoreBasis.DUAL_PART)),
                default=Value(ScoreBasis.HANDLED),
                output_field=CharField(),
            ),
            e_response=_time_rate("responded_at", "ticket__response_due_at", now=now),
            e_on_time=_time_rate("completed_at", "ticket__due_at", now=now),
            e_feedback=_feedback_rate(now=now),
            e_satisfaction=SATISFACTION_OUTCOME,
            e_withdrawn=Case(
                When(ticket__status=TicketStatus.WITHDRAWN, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            e_appeal=F("moved_by"),
        )
        .order_by()
        # Since Django 5.2 the SELECT lists values() in the order given: the INSERT's column list relies on it.
        .values(*(f"e_{column.removesuffix('_id')}" for column in ENTRY_COLUMNS))
    )


def period_span(period: ScorePeriod, calendar: WorkingCalendar) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the period as aware moments in the city's time zone."""
    return (
        dt.datetime.combine(period.period_start, dt.time(), tzinfo=calendar.tz),
        dt.datetime.combine(period.period_end, dt.time(), tzinfo=calendar.tz),
    )


# --- rule 3: the time a bouncer held the ticket --------------------------------------------------------------
def _held_outcome(moment: dt.datetime, start: dt.datetime, amount: int, unit: str, calendar: WorkingCalendar) -> str:
    try:
        due = calendar.due_at(start, amount, unit)
    except CalendarYearMissing:
        return UNKNOWN
    return MET if moment <= due else MISSED


def held_entries(period: ScorePeriod, *, calendar: WorkingCalendar) -> list[ScoreEntry]:
    """One entry per lead assignment of the period's tickets that ended on an upheld bounce (one query, then the
    calendar for each: these are the few tickets that were bounced and re-dispatched)."""
    start, end = period_span(period, calendar)
    tiers = {tier.pk: tier for tier in TimeLimitTier.objects.all()}
    appeals = {
        (appeal.ticket_id, appeal.department_id): appeal
        for appeal in ScoreAppeal.objects.filter(period=period, status=AppealStatus.ACCEPTED)
    }
    earlier_lead = Assignment.objects.filter(
        ticket_id=OuterRef("ticket_id"), role=AssignmentRole.LEAD, pk__lt=OuterRef("assignment_id")
    )
    rows = (
        Bounce.objects.filter(
            outcome=BounceOutcome.UPHELD,
            assignment__role=AssignmentRole.LEAD,
            assignment__ended_at__isnull=False,
            ticket__dispatched_at__gte=start,
            ticket__dispatched_at__lt=end,
        )
        # The first lead held the ticket from the platform's dispatch (its assignment may have been recorded later,
        # by an import); a later lead from its own re-dispatch.
        .annotate(
            held_from=Case(
                When(Exists(earlier_lead), then=F("assignment__assigned_at")), default=F("ticket__dispatched_at")
            )
        )
        .order_by("pk")
        .values_list(
            "ticket_id",
            "department_id",
            "held_from",
            "assignment__ended_at",
            "ticket__first_response_at",
            "ticket__status",
            "ticket__time_limit_tier_id",
        )
    )
    entries = []
    for ticket_id, department_id, held_from, held_until, responded, status, tier_id in rows:
        appeal = appeals.get((ticket_id, department_id))
        moved = appeal if appeal is not None and appeal.decision == AppealDecision.REATTRIBUTE else None
        charged_to = moved.target_department_id if moved else department_id
        left_out = appeals.get((ticket_id, charged_to))
        if left_out is not None and left_out.decision == AppealDecision.EXCLUDE:
            continue
        tier, withdrawn = tiers[tier_id], status == TicketStatus.WITHDRAWN
        # Its own first contact with the citizen counts as its response; otherwise letting go of the ticket does.
        answered = responded if responded is not None and held_from <= responded <= held_until else held_until
        entries.append(
            ScoreEntry(
                period=period,
                department_id=charged_to,
                ticket_id=ticket_id,
                basis=ScoreBasis.HELD,
                response=NONE
                if withdrawn
                else _held_outcome(answered, held_from, tier.response_amount, tier.response_unit, calendar),
                on_time=NONE if withdrawn else _held_outcome(held_until, held_from, tier.amount, tier.unit, calendar),
                feedback=NONE,
                satisfaction=NONE,
                withdrawn=withdrawn,
                appeal=moved,
            )
        )
    return entries


# --- writing and counting -----------------------------------------------------------------------------------
def entries_write(period: ScorePeriod, *, now: dt.datetime, calendar: WorkingCalendar) -> None:
    """Replace the period's entries: the facts entries in one INSERT … SELECT, the held ones in one bulk insert."""
    ScoreEntry.objects.filter(period=period).delete()  # no history and nothing refers to entries: one DELETE
    select, params = facts_entries(period, now=now, calendar=calendar).query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(ScoreEntry._meta.get_field(name).column) for name in ENTRY_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The statement runs once over a month of tickets: compiling its CASE expressions just in time cost more
            # than it saved (bench/bench_scorecards.py). SET LOCAL ends with the caller's transaction.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"INSERT INTO {quote(ScoreEntry._meta.db_table)} ({columns}) {select}", params)
    ScoreEntry.objects.bulk_create(held_entries(period, calendar=calendar), batch_size=1000)


def entry_counts(period: ScorePeriod) -> dict[int, dict[str, int]]:
    """Per department: tickets, withdrawn, held, and each rate's met / judged / unknown — one aggregate query."""
    counts = {
        "tickets": Count("ticket_id", distinct=True),
        "withdrawn": Count("ticket_id", distinct=True, filter=Q(withdrawn=True)),
        "held": Count("pk", filter=Q(basis=ScoreBasis.HELD)),
    }
    for fields in RATES:
        column = fields.rate
        counts[fields.met] = Count("pk", filter=Q(**{column: MET}))
        counts[fields.judged] = Count("pk", filter=Q(**{f"{column}__in": (MET, MISSED)}))
        counts[fields.unknown] = Count("pk", filter=Q(**{column: UNKNOWN}))
    rows = ScoreEntry.objects.filter(period=period).order_by().values("department_id").annotate(**counts)
    return {row.pop("department_id"): row for row in rows}
