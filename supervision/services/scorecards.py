"""Scorecards: a period's draft (computed, recomputed, appealed), then its publication, which freezes it, issues
the bulletin (通报) and drafts the letters the published scores call for (warning to the last three of a group,
interview below the bar).

Which tickets count for whom and how each rate judges them: `supervision.services.score_rules` and
docs/scorecards.md. Here: the figures per department (counts of the period's entries), the service index
(weighted mean of the rates that have judged tickets, settings.MINGZE_SCORE_WEIGHTS), the ranking within each
comparable group, and the bounce figures beside them (bounces lodged in the period per assignment received on
its tickets; unreasonable ones per bounce).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from arbitration.calendar import WorkingCalendar
from arbitration.choices import AssignmentRole, BounceOutcome
from arbitration.errors import CalendarYearMissing, NotFound
from arbitration.history import attribute, real_user, save_attributed
from arbitration.models import Assignment, Bounce, Department
from supervision.choices import AppealStatus, LetterKind, PeriodKind, PeriodStatus
from supervision.errors import AppealsPending, AppealWindowOpen, PeriodNotDrafted, PeriodPublished
from supervision.models import Scorecard, ScorePeriod, ScorePeriodTransition
from supervision.rates import RATES
from supervision.reasons import SCORECARDS_COMPUTED
from supervision.services import score_rules
from supervision.services.bulletins import bulletin_issue, period_label
from supervision.services.letters import letter_draft_for_scorecard

RATE = Decimal("0.0001")
INDEX = Decimal("0.01")


def period_bounds(period_kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the month or quarter that begins on or contains `start`."""
    if period_kind == PeriodKind.QUARTER:
        first = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        months = 3
    else:
        first, months = start.replace(day=1), 1
    month = first.month - 1 + months
    return first, dt.date(first.year + month // 12, month % 12 + 1, 1)


# --- the figures of one card -----------------------------------------------------------------------------------
def _rate(part: int, whole: int) -> Decimal | None:
    """None when nothing was judged: a rate without tickets is no evidence either way."""
    return (Decimal(part) / Decimal(whole)).quantize(RATE, ROUND_HALF_UP) if whole else None


def service_index(rates: tuple[Decimal | None, ...]) -> Decimal | None:
    """Weighted mean × 100 over the rates that have judged tickets (their weights scaled up to the whole);
    None when no rate has any."""
    pairs = [
        (Decimal(weight), rate)
        for weight, rate in zip(settings.MINGZE_SCORE_WEIGHTS, rates, strict=True)
        if rate is not None
    ]
    total = sum(weight for weight, _rate in pairs)
    if not total:
        return None
    return (sum(weight * rate for weight, rate in pairs) * 100 / total).quantize(INDEX, ROUND_HALF_UP)


def bounce_figures(start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, int]]:
    """Assignments received on the period's tickets (copies aside), and bounces lodged in the period, per department."""
    figures: dict[int, dict[str, int]] = defaultdict(dict)
    received = (
        Assignment.objects.filter(ticket__dispatched_at__gte=start, ticket__dispatched_at__lt=end)
        .exclude(role=AssignmentRole.COPIED)
        .order_by()
        .values("department_id")
        .annotate(n=Count("pk"))
    )
    for row in received:
        figures[row["department_id"]]["received"] = row["n"]
    bounces = (
        Bounce.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("department_id")
        .annotate(n=Count("pk"), unreasonable=Count("pk", filter=Q(outcome=BounceOutcome.REJECTED)))
    )
    for row in bounces:
        figures[row["department_id"]].update(bounces=row["n"], unreasonable_bounces=row["unreasonable"])
    return figures


COUNT_FIELDS = (
    "tickets",
    "withdrawn",
    "held",
    *(name for fields in RATES for name in (fields.met, fields.judged, fields.unknown)),
    "received",
    "bounces",
    "unreasonable_bounces",
)


def _apply(card: Scorecard, counts: dict[str, int]) -> None:
    for name in COUNT_FIELDS:
        setattr(card, name, counts.get(name, 0))
    for fields in RATES:
        setattr(card, fields.value, _rate(getattr(card, fields.met), getattr(card, fields.judged)))
    card.bounce_rate = _rate(card.bounces, card.received) or Decimal(0)
    card.unreasonable_bounce_rate = _rate(card.unreasonable_bounces, card.bounces) or Decimal(0)
    card.service_index = service_index(tuple(getattr(card, fields.value) for fields in RATES))


def _rank(cards: list[Scorecard]) -> None:
    """Rank within each comparable group (department kind); the last N of a group larger than N are marked.
    A card without an index (no judged ticket in any rate) is not ranked."""
    bottom = settings.MINGZE_SCORE_BOTTOM_COUNT
    groups: dict[str, list[Scorecard]] = defaultdict(list)
    for card in cards:
        card.rank, card.group_size, card.in_bottom = 0, 0, False
        if card.service_index is not None:
            groups[card.group].append(card)
    for members in groups.values():
        members.sort(key=lambda c: (-c.service_index, -c.tickets, c.department.code))
        for position, card in enumerate(members, start=1):
            card.rank, card.group_size = position, len(members)
            card.in_bottom = len(members) > bottom and position > len(members) - bottom


# --- the draft ------------------------------------------------------------------------------------------------
def _period_locked(period_kind: str, period_start: dt.date) -> ScorePeriod:
    """The period row, created on first use, locked for the caller's transaction."""
    first, end = period_bounds(period_kind, period_start)
    period = ScorePeriod.objects.select_for_update().filter(period_kind=period_kind, period_start=first).first()
    if period is not None:
        return period
    try:
        with transaction.atomic():  # a concurrent first computation of the same period may win the insert
            return save_attributed(
                ScorePeriod(period_kind=period_kind, period_start=first, period_end=end),
                actor=None,
                reason=gettext_noop("scorecard period opened"),
            )
    except IntegrityError:
        return ScorePeriod.objects.select_for_update().get(period_kind=period_kind, period_start=first)


def _appeal_closes(period: ScorePeriod, calendar: WorkingCalendar) -> dt.datetime:
    """Office closing on the N-th working day after the draft was first computed (CalendarYearMissing if unknown)."""
    drafted = period.drafted_at.astimezone(calendar.tz).date()
    return calendar.closing_time(calendar.add_working_days(drafted, settings.MINGZE_SCORE_APPEAL_WORKING_DAYS))


def appeal_window_closes(period: ScorePeriod) -> dt.datetime:
    """When appeals against a drafted period close. Counted when first needed if the calendar lacked the days
    at drafting time; raises CalendarYearMissing while it still does (the caller holds the period's lock)."""
    if period.drafted_at is None:
        raise PeriodNotDrafted(period=period_label(period))
    if period.appeal_closes_at is None:
        period.appeal_closes_at = _appeal_closes(period, WorkingCalendar.load())
        save_attributed(
            period, actor=None, reason=gettext_noop("appeal window counted"), update_fields=["appeal_closes_at"]
        )
    return period.appeal_closes_at


def _compute(period: ScorePeriod, *, actor, now: dt.datetime) -> list[Scorecard]:
    """Rewrite the period's entries and cards from the facts as they are now. The caller holds the period's lock."""
    calendar = WorkingCalendar.load()
    score_rules.entries_write(period, now=now, calendar=calendar)
    figures: dict[int, dict[str, int]] = defaultdict(dict, score_rules.entry_counts(period))
    for department_id, counts in bounce_figures(*score_rules.period_span(period, calendar)).items():
        figures[department_id].update(counts)
    departments = Department.objects.in_bulk(
        [pk for pk, counts in figures.items() if counts.get("tickets") or counts.get("bounces")]
    )
    existing = {card.department_id: card for card in Scorecard.objects.select_for_update().filter(period=period)}
    cards = []
    for pk, department in departments.items():
        card = existing.pop(pk, None) or Scorecard(
            period=period, department=department, period_kind=period.period_kind, period_start=period.period_start
        )
        card.department, card.period_end, card.group, card.computed_at = (
            department,
            period.period_end,
            department.kind,
            now,
        )
        _apply(card, figures[pk])
        cards.append(card)
    _rank(cards)
    reason = SCORECARDS_COMPUTED.format(kind=period.period_kind, start=period.period_start)
    for card in cards:
        save_attributed(card, actor=actor, reason=reason)
    for stale in existing.values():  # a department no longer charged with anything (e.g. appealed away)
        attribute(stale, actor=actor, reason=reason).delete()  # its last figures stay in history
    fields = ["computed_at"]
    period.computed_at = now
    if period.drafted_at is None:
        period.drafted_at = now
        with contextlib.suppress(CalendarYearMissing):  # counted later, when the year's notice is in
            period.appeal_closes_at = _appeal_closes(period, calendar)
        fields += ["drafted_at", "appeal_closes_at"]
    save_attributed(period, actor=actor, reason=reason, update_fields=fields)
    return sorted(cards, key=lambda c: (c.group, c.rank == 0, c.rank, c.department.code))


@transaction.atomic
def scorecards_compute(
    *, period_kind: str, period_start: dt.date, actor=None, now: dt.datetime | None = None
) -> list[Scorecard]:
    """Compute (or recompute) a period's draft from the facts as they stand, honouring accepted appeals.

    A published period is frozen and refused. Letters are not drafted here: only published scores call for them.
    """
    # Lock the period first: an appeal being lodged or a publication must not interleave with the rewrite.
    period = _period_locked(period_kind, period_start)
    if period.is_published:
        raise PeriodPublished(period=period_label(period))
    return _compute(period, actor=actor, now=now or timezone.now())


def scorecards_compute_last_month(*, today: dt.date | None = None) -> list[Scorecard]:
    """The beat task's job: last month's draft, and the last quarter's once it has ended; published ones are left."""
    today = today or timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    wanted = [(PeriodKind.MONTH, last_month)]
    quarter_first, quarter_end = period_bounds(PeriodKind.QUARTER, last_month)
    if quarter_end <= today:
        wanted.append((PeriodKind.QUARTER, quarter_first))
    cards = []
    for kind, start in wanted:
        published = ScorePeriod.objects.filter(period_kind=kind, period_start=start, status=PeriodStatus.PUBLISHED)
        if not published.exists():
            cards += scorecards_compute(period_kind=kind, period_start=start)
    return cards


# --- publication ----------------------------------------------------------------------------------------------
@transaction.atomic
def scorecards_publish(*, period_id: int, actor, reason: str = "", now: dt.datetime | None = None) -> ScorePeriod:
    """Publish a draft once its appeal window has closed and every appeal is decided: the figures are computed a
    last time (honouring every accepted appeal) and frozen with the tickets behind them, the bulletin is issued,
    and the letters the published scores call for are drafted. Every refusal is raised before anything is written.
    """
    now = now or timezone.now()
    # Lock the period: appeals lodged or decided at this moment wait, then find it published.
    period = ScorePeriod.objects.select_for_update().filter(pk=period_id).first()
    if period is None:
        raise NotFound()
    label = period_label(period)
    if period.is_published:
        raise PeriodPublished(period=label)
    closes = appeal_window_closes(period)
    if now < closes:
        raise AppealWindowOpen(period=label, closes_at=timezone.localtime(closes).strftime("%Y-%m-%d %H:%M"))
    pending = period.appeals.filter(status=AppealStatus.PENDING).count()
    if pending:
        raise AppealsPending(count=pending, period=label)
    cards = _compute(period, actor=actor, now=now)
    period.status, period.published_at, period.published_by = PeriodStatus.PUBLISHED, now, real_user(actor)
    save_attributed(
        period, actor=actor, reason=reason or "published", update_fields=["status", "published_at", "published_by"]
    )
    ScorePeriodTransition.objects.create(
        period=period,
        from_status=PeriodStatus.DRAFT,
        to_status=PeriodStatus.PUBLISHED,
        actor=real_user(actor),
        reason=reason,
        at=now,
    )
    bulletin_issue(period=period, cards=cards, actor=actor, now=now)
    for card in cards:
        _draft_letters(card, actor=actor)
    return period


def _draft_letters(card: Scorecard, *, actor) -> None:
    """Warning letter for the last of a group, interview for an index under the bar; each drafted once."""
    wanted = []
    if card.in_bottom:
        wanted.append(LetterKind.WARNING)
    if card.service_index is not None and card.service_index < settings.MINGZE_SCORE_INTERVIEW_BELOW:
        wanted.append(LetterKind.INTERVIEW)
    for kind in wanted:
        letter_draft_for_scorecard(
            scorecard=card, kind=kind, actor=actor, reason=f"{card.period_start:%Y-%m} {card.service_index}"
        )
