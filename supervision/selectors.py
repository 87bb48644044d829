"""Reads of supervision: the ladder rules, case queues, letter register, scorecards, referrals.

Permission filtering lives in `supervision.access`; these take querysets or objects the caller may see.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from arbitration.calendar import WorkingCalendar
from arbitration.choices import OPEN_TICKET_STATUSES, AssignmentRole, Satisfaction
from arbitration.errors import CalendarYearMissing
from arbitration.models import Assignment, Dispute, Ticket
from supervision.choices import (
    TIER_ORDER,
    TOPIC_WORKING_STATUSES,
    AppealStatus,
    CaseEventKind,
    CaseStatus,
    LetterKind,
    LetterStatus,
    PeriodKind,
    ReferralStatus,
    ScoreRate,
    Tier,
    TopicStatus,
)
from supervision.grouping import Member, RepeatRow, counting, groups_to_read
from supervision.models import (
    CaseEvent,
    DisciplineReferral,
    LadderRule,
    LetterDraft,
    ProblemTicket,
    ScoreAppeal,
    Scorecard,
    ScoreEntry,
    ScorePeriod,
    SupervisionCase,
    SupervisionLetter,
    Topic,
    TopicReport,
)
from supervision.models.cases import case_queue_due
from supervision.rates import OUTCOME_FILTERS, RATES

logger = logging.getLogger(__name__)


# --- the ladder -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rung:
    tier: str
    response_working_days: int
    letter_kind: str


# A reminder the day after the limit; a written notice if still overdue 5 working days later (docs/supervision.md).
DEFAULT_LADDER: dict[str, Rung] = {
    Tier.ROUTINE: Rung(Tier.ROUTINE, 5, ""),
    Tier.KEY: Rung(Tier.KEY, 5, LetterKind.ESCALATION),
    Tier.TASK_FORCE: Rung(Tier.TASK_FORCE, 5, LetterKind.ESCALATION),
}


def ladder() -> dict[str, Rung]:
    """Each tier's rung: the administrator's row where there is one, the default otherwise (one query)."""
    rungs = dict(DEFAULT_LADDER)
    for rule in LadderRule.objects.all():
        rungs[rule.tier] = Rung(rule.tier, rule.response_working_days, rule.letter_kind)
    return rungs


def step_due_at(calendar: WorkingCalendar, rung: Rung, start: dt.datetime) -> dt.datetime | None:
    """When the department's time to respond at this rung runs out: office closing, N working days on.

    None while the working calendar lacks the year the period reaches into: the case then waits at its rung
    (never a guessed deadline) until the administrator enters that year's notice.
    """
    local = start.astimezone(calendar.tz)
    try:
        return calendar.closing_time(calendar.add_working_days(local.date(), rung.response_working_days))
    except CalendarYearMissing:
        logger.warning("No calendar data past %s: supervision deadlines wait for it", local.date())
        return None


def near_due_cutoff(calendar: WorkingCalendar, now: dt.datetime) -> dt.datetime:
    """Tickets due before this moment get the yellow card: due on or before the next N working days' end.

    Without calendar data for the days ahead only overdue tickets are found (the cutoff is `now`).
    """
    today = now.astimezone(calendar.tz).date()
    try:
        last = calendar.add_working_days(today, settings.MINGZE_SUPERVISION_NEAR_DUE_WORKING_DAYS)
    except CalendarYearMissing:
        return now
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=calendar.tz)


# --- cases ----------------------------------------------------------------------------------------------------
# The queue's order: the response due soonest first (cases without a due time last: `queue_due`, see
# models.cases.NO_DUE), then the newest; the primary key makes the order total, so a keyset page starts exactly after
# the last row shown (docs/scale.md). Open cases are read in this order from the partial expression indexes
# `case_open_queue_due` / `case_open_tier_queue_due`: a page is an Index Scan from the key, LIMIT page + 1; a liaison's
# desk walks the same index from the key keeping their departments' cases (and those copied to them).
CASE_QUEUE_ORDER = ("queue_due", "-opened_at", "-pk")


def case_queue(
    visible: QuerySet[SupervisionCase], *, tier: str = "", status: str = CaseStatus.OPEN, trigger: str = ""
) -> QuerySet[SupervisionCase]:
    queryset = visible
    if status:
        queryset = queryset.filter(status=status)
    if tier:
        queryset = queryset.filter(tier=tier)
    if trigger:
        queryset = queryset.filter(trigger=trigger)
    queryset = queryset.annotate(queue_due=case_queue_due())
    return queryset.select_related("ticket", "department").order_by(*CASE_QUEUE_ORDER)


def case_counts_by_tier(visible: QuerySet[SupervisionCase]) -> dict[str, int]:
    rows = visible.filter(status=CaseStatus.OPEN).values("tier").annotate(n=Count("pk"))
    counts = {tier: 0 for tier in TIER_ORDER}
    counts.update({row["tier"]: row["n"] for row in rows})
    return counts


def case_detail(case: SupervisionCase) -> dict:
    """Everything the case page shows beside the ticket timeline, each list in one query."""
    return {
        "events": list(case.events.select_related("actor")),
        "answers": list(case.answers.select_related("department", "submitted_by", "decided_by")),
        "reminders": list(case.reminders.select_related("department")),
        "letters": list(case.letters.select_related("department").order_by("pk")),
    }


def ticket_copied_departments(ticket_id: int) -> list[int]:
    """Departments copied on the ticket (双向联办: the sector regulator)."""
    return list(
        Assignment.objects.filter(ticket_id=ticket_id, role=AssignmentRole.COPIED, ended_at=None).values_list(
            "department_id", flat=True
        )
    )


# --- problems (repeated requests) -----------------------------------------------------------------------------
# A ticket that still asks for something: open, or closed and rated unsatisfied at the return visit.
UNRESOLVED = Q(status__in=OPEN_TICKET_STATUSES) | Q(satisfaction=Satisfaction.DISSATISFIED)


def window_members(*, since: dt.datetime) -> list[Member]:
    """The tickets received since `since` that already belong to a problem, with their place and caller."""
    rows = (
        ProblemTicket.objects.filter(ticket__received_at__gte=since)
        .order_by()
        .values_list("ticket_id", "problem_id", "ticket__matter_id", "ticket__territory_id", "ticket__citizen_phone")
    )
    return [Member(ticket_id, problem_id, (m, t), phone or None) for ticket_id, problem_id, m, t, phone in rows]


def repeated_request_rows(*, since: dt.datetime, threshold: int, members: list[Member]) -> list[RepeatRow]:
    """The tickets received since `since` of the groups that count (see `grouping.counting`), by place and by
    caller: the size of every group of two or more (two grouped queries), then the tickets of the groups that may
    change a problem (`grouping.groups_to_read`; one more query each, when there are any — none in a steady
    state). All read only columns of the index `ticket_recent_window`: their cost follows the window."""
    recent = Ticket.objects.filter(received_at__gte=since).order_by()
    sizes = {
        "place": _group_sizes(recent, ("matter_id", "territory_id")),
        "caller": _group_sizes(recent.exclude(citizen_phone=""), ("citizen_phone",)),
    }
    reaching, wanted = groups_to_read(sizes, members, threshold)
    facts = ("pk", "received_at", "status", "satisfaction")
    rows = [
        RepeatRow(pk, at, status in OPEN_TICKET_STATUSES, satisfaction == Satisfaction.DISSATISFIED, (m, t))
        for pk, at, status, satisfaction, m, t in _at_places(
            recent, sorted(key for kind, key in wanted if kind == "place"), (*facts, "matter_id", "territory_id")
        )
    ]
    phones = sorted(key for kind, key in wanted if kind == "caller")
    for start in range(0, len(phones), CHUNK):
        rows += [
            RepeatRow(pk, at, status in OPEN_TICKET_STATUSES, satisfaction == Satisfaction.DISSATISFIED, None, phone)
            for pk, at, status, satisfaction, phone in recent.filter(
                citizen_phone__in=phones[start : start + CHUNK]
            ).values_list(*facts, "citizen_phone")
        ]
    return counting(rows, reaching=reaching, grouped={member.ticket_id for member in members})


CHUNK = 2000  # keys per statement: well within both databases' limits on parameters and statement size


def _group_sizes(recent: QuerySet[Ticket], columns: tuple[str, ...]) -> dict:
    """Key → (tickets, unresolved tickets) of every group of two or more tickets."""
    rows = (
        recent.values(*columns)
        .annotate(n=Count("pk"), unresolved=Count("pk", filter=UNRESOLVED))
        .filter(n__gte=2)
        .values_list(*columns, "n", "unresolved")
    )
    width = len(columns)
    return {(row[:width] if width > 1 else row[0]): row[width:] for row in rows}


def _at_places(recent: QuerySet[Ticket], places: list[tuple[int, int]], fields: tuple[str, ...]) -> list[tuple]:
    """`fields` of the tickets of `recent` at any of `places`: a row-value IN over a VALUES list, which the ORM
    does not spell (ids are integers from our own queries, so they are inlined)."""
    qn, table = connection.ops.quote_name, connection.ops.quote_name(Ticket._meta.db_table)
    columns = f"{table}.{qn('matter_id')}, {table}.{qn('territory_id')}"
    rows = []
    for start in range(0, len(places), CHUNK):
        values = ", ".join(f"({int(m)}, {int(t)})" for m, t in places[start : start + CHUNK])
        condition = RawSQL(f"({columns}) IN (VALUES {values})", [], output_field=BooleanField())
        rows += recent.filter(condition).values_list(*fields)
    return rows


def problems_of_tickets(ticket_ids: list[int]) -> dict[int, int]:
    """Ticket id → the problem it belongs to, for those of `ticket_ids` in one."""
    return dict(ProblemTicket.objects.filter(ticket_id__in=ticket_ids).values_list("ticket_id", "problem_id"))


def problem_ticket_ids(problem_id: int) -> list[int]:
    """The problem's tickets, oldest first."""
    return list(
        ProblemTicket.objects.filter(problem_id=problem_id)
        .order_by("ticket__received_at", "ticket_id")
        .values_list("ticket_id", flat=True)
    )


# --- the ladder as climbed ------------------------------------------------------------------------------------
# "Key supervision failed to move the case": it left the key rung upwards, or it reached the top and lapsed there.
KEY_RUNG_LAPSED = Q(kind=CaseEventKind.RAISED, from_tier=Tier.KEY) | Q(kind=CaseEventKind.LADDER_TOP)
LADDER_EVENTS = (CaseEventKind.OPENED, CaseEventKind.RAISED, CaseEventKind.LADDER_TOP, CaseEventKind.CLOSED)


@dataclass(frozen=True)
class KeyRungLapses:
    """When key supervision first failed to move a case, by the case's ticket and by its problem."""

    tickets: dict[int, dt.datetime]
    problems: dict[int, dt.datetime]

    def at(self, ticket_id: int | None, problem_id: int | None) -> dt.datetime | None:
        """The first lapse on a case about this ticket or this problem, or None if there was none."""
        moments = [self.tickets.get(ticket_id), self.problems.get(problem_id)]
        return min((moment for moment in moments if moment is not None), default=None)


def key_rung_lapses(*, ticket_ids: list[int], problem_ids: list[int]) -> KeyRungLapses:
    """Lapses of the key rung on the cases of these tickets or problems (one query, through the case indexes)."""
    tickets: dict[int, dt.datetime] = {}
    problems: dict[int, dt.datetime] = {}
    if not ticket_ids and not problem_ids:
        return KeyRungLapses(tickets, problems)
    rows = (
        CaseEvent.objects.filter(KEY_RUNG_LAPSED)
        .filter(Q(case__ticket_id__in=ticket_ids) | Q(case__problem_id__in=problem_ids))
        .order_by("at")
        .values_list("case__ticket_id", "case__problem_id", "at")
    )
    for ticket_id, problem_id, at in rows:
        if ticket_id is not None:
            tickets.setdefault(ticket_id, at)
        if problem_id is not None:
            problems.setdefault(problem_id, at)
    return KeyRungLapses(tickets, problems)


def cases_about(*, ticket_ids: list[int], problem_id: int | None) -> list[SupervisionCase]:
    """Every case about these tickets or this problem, oldest first, with the events that climbed its ladder."""
    about = Q(ticket_id__in=ticket_ids) | (Q(problem_id=problem_id) if problem_id else Q(pk__in=[]))
    return list(
        SupervisionCase.objects.filter(about)
        .select_related("ticket")
        .prefetch_related(_ladder_events())
        .order_by("opened_at", "pk")
    )


def _ladder_events() -> Prefetch:
    return Prefetch(
        "events", queryset=CaseEvent.objects.filter(kind__in=LADDER_EVENTS).order_by("at", "pk"), to_attr="climbs"
    )


# --- letters --------------------------------------------------------------------------------------------------
def letter_register(
    visible: QuerySet[SupervisionLetter], *, state: str = "", kind: str = "", today: dt.date | None = None
) -> QuerySet[SupervisionLetter]:
    """Letters with their register state: issued, answered, overdue (issued, unanswered, past its date), draft."""
    today = today or timezone.localdate()
    queryset = visible.select_related("department", "case__ticket", "ticket").order_by("-issued_at", "-pk")
    if kind:
        queryset = queryset.filter(kind=kind)
    if state == "overdue":
        return queryset.filter(status=LetterStatus.ISSUED, response_due_on__lt=today)
    if state == "issued":
        return queryset.filter(status=LetterStatus.ISSUED).exclude(response_due_on__lt=today)
    if state:
        return queryset.filter(status=state)
    return queryset


def letters_to_answer(visible: QuerySet[SupervisionLetter]) -> QuerySet[SupervisionLetter]:
    """Issued letters still unanswered, the answer due soonest first: the overdue ones lead, letters without a due
    date come last (read per department from the index `letter_to_answer`)."""
    return visible.filter(status=LetterStatus.ISSUED).select_related("department").order_by("response_due_on", "pk")


def drafts_to_review(visible: QuerySet[LetterDraft]) -> QuerySet[LetterDraft]:
    """Drafts not yet issued or withdrawn, newest first (the index `letterdraft_waiting`)."""
    return visible.filter(status=LetterStatus.DRAFT).select_related("department").order_by("-drafted_at", "-pk")


def letter_register_counts(visible: QuerySet[SupervisionLetter], *, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return visible.aggregate(
        draft=Count("pk", filter=Q(status=LetterStatus.DRAFT)),
        issued=Count("pk", filter=Q(status=LetterStatus.ISSUED) & ~Q(response_due_on__lt=today)),
        overdue=Count("pk", filter=Q(status=LetterStatus.ISSUED, response_due_on__lt=today)),
        answered=Count("pk", filter=Q(status=LetterStatus.ANSWERED)),
    )


# --- scorecards -----------------------------------------------------------------------------------------------
def score_periods(period_kind: str = PeriodKind.MONTH) -> list[ScorePeriod]:
    return list(ScorePeriod.objects.filter(period_kind=period_kind).order_by("-period_start"))


def scorecards_for(visible: QuerySet[Scorecard], period: ScorePeriod) -> QuerySet[Scorecard]:
    """A period's cards, group by group, ranked ones first (best first), unranked ones after them."""
    return (
        visible.filter(period=period)
        .select_related("department")
        .annotate(unranked=Case(When(rank=0, then=Value(1)), default=Value(0)))
        .order_by("group", "unranked", "rank", "department__code")
    )


def rate_figures(card: Scorecard) -> list[dict]:
    """Each rate of a card: numerator (met), denominator (judged), not yet known, and the rate itself."""
    return [
        {
            "rate": fields.rate,
            "label": ScoreRate(fields.rate).label,
            "met": getattr(card, fields.met),
            "judged": getattr(card, fields.judged),
            "unknown": getattr(card, fields.unknown),
            "value": getattr(card, fields.value),
            "percent": "—" if getattr(card, fields.value) is None else f"{getattr(card, fields.value) * 100:.1f}%",
        }
        for fields in RATES
    ]


def scorecard_entries(card: Scorecard, *, rate: str = "", outcome: str = "") -> QuerySet[ScoreEntry]:
    """The tickets behind one number of a card: a rate's met, missed, judged (the denominator) or not-yet-known
    tickets, or every ticket charged when no rate is named; oldest first."""
    entries = ScoreEntry.objects.filter(period_id=card.period_id, department_id=card.department_id)
    if rate in ScoreRate.values and outcome in OUTCOME_FILTERS:
        entries = entries.filter(**{f"{rate}__in": OUTCOME_FILTERS[outcome]})
    return entries.select_related("ticket__matter", "ticket__territory", "appeal__department").order_by(
        "ticket__received_at", "ticket_id", "basis"
    )


def appeals_of_period(
    visible: QuerySet[ScoreAppeal], period: ScorePeriod, *, status: str = ""
) -> QuerySet[ScoreAppeal]:
    """A period's appeals, newest first (the index `appeal_period_recent`; a status filter is checked on its rows)."""
    queryset = visible.filter(period=period)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("department", "ticket", "target_department", "lodged_by", "decided_by").order_by(
        "-lodged_at", "-pk"
    )


def appeals_waiting_for_recompute(period: ScorePeriod) -> int:
    """Appeals accepted since the draft was last computed: the draft does not show them yet."""
    if period.is_published or period.computed_at is None:
        return 0
    return period.appeals.filter(status=AppealStatus.ACCEPTED, decided_at__gt=period.computed_at).count()


TREND_DEPARTMENTS = 8  # lines of the trend chart besides "others": eighty lines of a city cannot be read


def scorecard_trend(period_kind: str, *, limit: int = 12, top: int = TREND_DEPARTMENTS) -> dict:
    """Service index per department over the last `limit` periods, for the trend chart (one query).

    The `top` departments with the most tickets over those periods have a line each; the rest share one line,
    "others", their service index averaged per period weighted by their tickets. A rate without judged tickets has
    no value and is left out of the average of its period.
    """
    periods = sorted(p.period_start for p in score_periods(period_kind)[:limit])
    rows = (
        Scorecard.objects.filter(period_kind=period_kind, period_start__in=periods)
        .select_related("department")
        .order_by("department__code", "period_start")
    )
    names = ("response_rate", "on_time_rate", "feedback_rate", "satisfaction_rate")
    series: dict[str, dict[str, float | None]] = {}
    sums: dict[str, list[float]] = {name: [0.0] * len(periods) for name in names}
    counts: dict[str, list[int]] = {name: [0] * len(periods) for name in names}
    index_of = {period: i for i, period in enumerate(periods)}
    volume: dict[str, int] = {}
    weights: dict[str, list[tuple[float, int]]] = {}
    for row in rows:
        position = index_of[row.period_start]
        index = None if row.service_index is None else float(row.service_index)
        name = row.department.name
        series.setdefault(name, {})[row.period_start.isoformat()] = index
        volume[name] = volume.get(name, 0) + row.tickets
        weights.setdefault(name, [(0.0, 0)] * len(periods))
        if index is not None:
            weights[name][position] = (index, row.tickets)
        for name in names:
            value = getattr(row, name)
            if value is not None:
                sums[name][position] += float(value)
                counts[name][position] += 1
    averages = {
        name: [round(total / counts[name][i], 4) if counts[name][i] else None for i, total in enumerate(totals)]
        for name, totals in sums.items()
    }
    labels = [period.isoformat() for period in periods]
    departments = {name: [points.get(label) for label in labels] for name, points in series.items()}
    ranked = sorted(departments, key=lambda name: (-volume[name], name))
    shown = {name: departments[name] for name in ranked[:top]}
    rest = ranked[top:]
    if rest:
        shown[str(_("Others"))] = [_weighted_index(weights, position, rest) for position in range(len(labels))]
    return {"labels": labels, "departments": shown, "rates": averages}


def _weighted_index(weights: dict[str, list[tuple[float, int]]], position: int, names: list[str]) -> float | None:
    """The ticket-weighted mean service index of `names` in one period; None when none of them has one."""
    points = [weights[name][position] for name in names if weights[name][position][1]]
    total = sum(tickets for _index, tickets in points)
    return round(sum(index * tickets for index, tickets in points) / total, 2) if total else None


# --- referrals ------------------------------------------------------------------------------------------------
def referral_list(visible: QuerySet[DisciplineReferral]) -> QuerySet[DisciplineReferral]:
    """Newest proposal first (the index `referral_recent`)."""
    return visible.select_related("ticket", "liaison").order_by("-proposed_at", "-pk")


def referral_yearly_progress(year: int | None = None) -> dict[str, int]:
    """Referrals sent this year against the target (settings.MINGZE_REFERRAL_YEARLY_TARGET)."""
    year = year or timezone.localdate().year
    sent = DisciplineReferral.objects.filter(sent_at__year=year).exclude(status=ReferralStatus.PROPOSED).count()
    target = settings.MINGZE_REFERRAL_YEARLY_TARGET
    return {"year": year, "sent": sent, "target": target, "percent": round(100 * sent / target) if target else 0}


# --- Monthly topics (docs/topics.md) -----------------------------------------------------------------------
def topic_rule_q(topic: Topic, *, prefix: str = "") -> Q:
    """The topic's rule as a ticket filter: the matter's subtree, the territory's subtree, any key word in the
    title or text. `prefix` reaches the ticket through a relation ("ticket__")."""
    rule = Q(**{f"{prefix}matter__path__startswith": topic.matter.path})
    if topic.territory_id:
        rule &= Q(**{f"{prefix}territory__path__startswith": topic.territory.path})
    words = Q()
    for word in topic.keyword_list:
        words |= Q(**{f"{prefix}title__icontains": word}) | Q(**{f"{prefix}content__icontains": word})
    return rule & words


def topic_window_start(topic: Topic) -> dt.datetime:
    """Tickets received from here on are the topic's: the look-back window before approval, and after."""
    return topic.decided_at - dt.timedelta(days=topic.lookback_days)


def topic_matches(topic: Topic, ticket: Ticket, matter_path: str, territory_path: str) -> bool:
    """The rule for one ticket already in memory (the arrival path); the same rule as `topic_rule_q`."""
    if not matter_path.startswith(topic.matter.path) or ticket.received_at < topic_window_start(topic):
        return False
    if topic.territory_id and not territory_path.startswith(topic.territory.path):
        return False
    text = f"{ticket.title}\n{ticket.content}".casefold()
    return not topic.keyword_list or any(word.casefold() in text for word in topic.keyword_list)


def working_topics() -> list[Topic]:
    """Topics that gather arriving tickets, with what their rules read."""
    return list(Topic.objects.filter(status__in=TOPIC_WORKING_STATUSES).select_related("matter", "territory"))


def topics_running(topics: QuerySet[Topic]) -> QuerySet[Topic]:
    """Topics at work: approved and not yet closed (they gather tickets and take progress reports)."""
    return topics.filter(status__in=TOPIC_WORKING_STATUSES)


def topics_past_deadline(topics: QuerySet[Topic], today: dt.date) -> QuerySet[Topic]:
    """Running topics whose deadline has passed without the topic being closed."""
    return topics_running(topics).filter(deadline__lt=today)


# The topic list's `state` filter (docs/topics.md): the cockpit's topic figures drill down to these.
TOPIC_LIST_STATES = {
    "running": lambda topics, today: topics_running(topics),
    "overdue": topics_past_deadline,
}


def topic_list(visible: QuerySet[Topic], *, state: str = "", today: dt.date | None = None) -> QuerySet[Topic]:
    """The topic list, newest proposal first (the index `topic_recent`), with each topic's last report time read in
    the same query, so that the report-overdue column costs no query per topic."""
    if state in TOPIC_LIST_STATES:
        visible = TOPIC_LIST_STATES[state](visible, today or timezone.localdate())
    last_report = TopicReport.objects.filter(topic=OuterRef("pk")).order_by("-submitted_at").values("submitted_at")
    return (
        visible.select_related("matter", "territory", "lead")
        .annotate(last_report_at=Subquery(last_report[:1]))
        .order_by("-proposed_at", "-pk")
    )


def topic_report_due_on(topic: Topic, calendar: WorkingCalendar) -> dt.date | None:
    """The day the lead department's next progress report is due: every MINGZE_TOPIC_REPORT_WORKING_DAYS working
    days after approval or after its last report; None when the topic takes no more reports. A topic read by
    `topic_list` carries its last report's time; any other is asked (one query)."""
    if topic.status not in TOPIC_WORKING_STATUSES or topic.decided_at is None:
        return None
    if hasattr(topic, "last_report_at"):
        last = topic.last_report_at or topic.decided_at
    else:
        last = topic.reports.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
        last = last or topic.decided_at
    return calendar.add_working_days(timezone.localtime(last).date(), settings.MINGZE_TOPIC_REPORT_WORKING_DAYS)


def topic_report_overdue(topic: Topic, calendar: WorkingCalendar, today: dt.date) -> bool:
    due = topic_report_due_on(topic, calendar)
    return due is not None and today > due


@dataclass(frozen=True)
class PeriodFigures:
    """One side of a topic's before/after comparison."""

    tickets: int
    weeks: float
    repeat_callers: int  # tickets from a phone number that called about the topic more than once in the period
    disputes: int

    @property
    def per_week(self) -> float:
        return round(self.tickets / self.weeks, 1) if self.weeks else 0.0

    @property
    def repeat_rate(self) -> float:
        return round(self.repeat_callers / self.tickets, 3) if self.tickets else 0.0


def _period_figures(topic: Topic, start: dt.datetime, end: dt.datetime) -> PeriodFigures:
    tickets = Ticket.objects.filter(topic_memberships__topic=topic, received_at__gte=start, received_at__lt=end)
    phones = tickets.exclude(citizen_phone="").values("citizen_phone").annotate(n=Count("pk")).filter(n__gt=1)
    return PeriodFigures(
        tickets=tickets.count(),
        weeks=max((end - start).total_seconds() / (7 * 86400), 1 / 7),
        repeat_callers=sum(row["n"] for row in phones),
        disputes=Dispute.objects.filter(ticket__in=tickets.values("pk")).count(),
    )


def topic_figures(topic: Topic, *, now: dt.datetime) -> dict[str, PeriodFigures]:
    """Before approval (the look-back window) and since approval (until closing, or now)."""
    if topic.decided_at is None or topic.status == TopicStatus.REJECTED:
        return {}
    end = topic.closed_at or now
    return {
        "before": _period_figures(topic, topic_window_start(topic), topic.decided_at),
        "after": _period_figures(topic, topic.decided_at, max(end, topic.decided_at + dt.timedelta(seconds=1))),
    }
