"""Scorecards: rates per department per month or quarter, the service index, ranking within comparable groups,
and the letters they call for (warning to the last three of a group, interview below the bar).

Local formulas (DOMAIN.md §5), computed from tickets dispatched in the period. A department is scored on the
tickets it currently holds as lead or as the copied regulator (双加双减: on a dual-handled ticket both the
territory and the regulator are scored):
- response rate: tickets it has taken up (status moved past "dispatched");
- on-time completion rate: tickets replied by their due time;
- timely feedback rate: tickets whose reply reached the citizen with a result;
- satisfaction rate: satisfied or basically satisfied among rated tickets (no rated ticket → full marks);
- bounce rate: its bounces lodged in the period per assignment it received on the period's tickets;
- unreasonable bounce rate: its bounces rejected on review per bounce lodged.
Service index = weighted mean of the first four rates × 100 (weights: settings.MINGZE_SCORE_WEIGHTS).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from arbitration.choices import AssignmentRole, BounceOutcome, Satisfaction, TicketStatus
from arbitration.history import save_attributed
from arbitration.models import Assignment, Bounce, Department
from supervision.choices import LetterKind, PeriodKind
from supervision.models import Scorecard
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


def _rate(part: int, whole: int, *, empty: Decimal) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(RATE, ROUND_HALF_UP) if whole else empty


def department_figures(start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, int]]:
    """Counts per department for tickets dispatched in [start, end): three aggregate queries."""
    held = Assignment.objects.filter(
        role__in=(AssignmentRole.LEAD, AssignmentRole.COPIED),
        ended_at=None,
        ticket__dispatched_at__gte=start,
        ticket__dispatched_at__lt=end,
    )
    ticket = "ticket"
    rows = (
        held.order_by()
        .values("department_id")
        .annotate(
            tickets=Count(ticket, distinct=True),
            responded=Count(
                ticket, distinct=True, filter=~Q(ticket__status__in=(TicketStatus.RECEIVED, TicketStatus.DISPATCHED))
            ),
            completed_on_time=Count(
                ticket,
                distinct=True,
                filter=Q(ticket__replied_at__isnull=False)
                & (Q(ticket__due_at__isnull=True) | Q(ticket__replied_at__lte=F("ticket__due_at"))),
            ),
            fed_back_on_time=Count(
                ticket, distinct=True, filter=Q(ticket__replied_at__isnull=False) & ~Q(ticket__result="")
            ),
            rated=Count(
                ticket,
                distinct=True,
                filter=Q(
                    ticket__satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED)
                ),
            ),
            satisfied=Count(
                ticket,
                distinct=True,
                filter=Q(ticket__satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASICALLY)),
            ),
        )
    )
    figures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        figures[row.pop("department_id")].update(row)
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
        figures[row["department_id"]]["bounces"] = row["n"]
        figures[row["department_id"]]["unreasonable_bounces"] = row["unreasonable"]
    return figures


def service_index(rates: tuple[Decimal, Decimal, Decimal, Decimal]) -> Decimal:
    weights = [Decimal(w) for w in settings.MINGZE_SCORE_WEIGHTS]
    total = sum(weights)
    return (sum(w * r for w, r in zip(weights, rates, strict=True)) * 100 / total).quantize(INDEX, ROUND_HALF_UP)


def _apply(card: Scorecard, counts: dict[str, int]) -> None:
    for name in (
        "tickets",
        "responded",
        "completed_on_time",
        "fed_back_on_time",
        "rated",
        "satisfied",
        "bounces",
        "unreasonable_bounces",
    ):
        setattr(card, name, counts.get(name, 0))
    tickets, zero, one = card.tickets, Decimal("0.0000"), Decimal("1.0000")
    card.response_rate = _rate(card.responded, tickets, empty=one)
    card.on_time_rate = _rate(card.completed_on_time, tickets, empty=one)
    card.feedback_rate = _rate(card.fed_back_on_time, tickets, empty=one)
    card.satisfaction_rate = _rate(card.satisfied, card.rated, empty=one)
    card.bounce_rate = _rate(card.bounces, counts.get("received", 0), empty=zero)
    card.unreasonable_bounce_rate = _rate(card.unreasonable_bounces, card.bounces, empty=zero)
    card.service_index = service_index(
        (card.response_rate, card.on_time_rate, card.feedback_rate, card.satisfaction_rate)
    )


def _rank(cards: list[Scorecard]) -> None:
    """Rank within each comparable group (department kind); the last N of a group larger than N are marked."""
    bottom = settings.MINGZE_SCORE_BOTTOM_COUNT
    groups: dict[str, list[Scorecard]] = defaultdict(list)
    for card in cards:
        groups[card.group].append(card)
    for members in groups.values():
        members.sort(key=lambda c: (-c.service_index, -c.tickets, c.department.code))
        for position, card in enumerate(members, start=1):
            card.rank, card.group_size = position, len(members)
            card.in_bottom = len(members) > bottom and position > len(members) - bottom


@transaction.atomic
def scorecards_compute(*, period_kind: str, period_start: dt.date, actor=None) -> list[Scorecard]:
    """Compute (or recompute) one period's scorecards, then draft the letters they call for. Idempotent."""
    first, end = period_bounds(period_kind, period_start)
    tz = timezone.get_current_timezone()
    figures = department_figures(dt.datetime.combine(first, dt.time(), tz), dt.datetime.combine(end, dt.time(), tz))
    departments = Department.objects.in_bulk(
        [pk for pk, counts in figures.items() if counts.get("tickets") or counts.get("bounces")]
    )
    existing = {
        card.department_id: card
        for card in Scorecard.objects.select_for_update().filter(period_kind=period_kind, period_start=first)
    }
    cards = []
    for pk, department in departments.items():
        card = existing.get(pk) or Scorecard(department=department, period_kind=period_kind, period_start=first)
        card.department, card.period_end, card.group = department, end, department.kind
        _apply(card, figures[pk])
        cards.append(card)
    _rank(cards)
    now = timezone.now()
    for card in cards:
        card.computed_at = now
        save_attributed(card, actor=actor, reason=f"scorecard {period_kind} {first}")
    for card in cards:
        _draft_letters(card, actor=actor)
    return sorted(cards, key=lambda c: (c.group, c.rank))


def _draft_letters(card: Scorecard, *, actor) -> None:
    """Warning letter for the last of a group, interview for an index under the bar; each drafted once."""
    wanted = []
    if card.in_bottom:
        wanted.append(LetterKind.WARNING)
    if card.service_index < settings.MINGZE_SCORE_INTERVIEW_BELOW:
        wanted.append(LetterKind.INTERVIEW)
    for kind in wanted:
        letter_draft_for_scorecard(
            scorecard=card, kind=kind, actor=actor, reason=f"{card.period_start:%Y-%m} {card.service_index}"
        )


def scorecards_compute_last_month(*, today: dt.date | None = None) -> list[Scorecard]:
    """The beat task's job: last month, and the last quarter once it has ended."""
    today = today or timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    cards = scorecards_compute(period_kind=PeriodKind.MONTH, period_start=last_month)
    quarter_first, quarter_end = period_bounds(PeriodKind.QUARTER, last_month)
    if quarter_end <= today:
        cards += scorecards_compute(period_kind=PeriodKind.QUARTER, period_start=quarter_first)
    return cards
