"""The public rankings (docs/cockpit.md, "Reports"): published quarterly scorecards, as the bulletins publish them.

Only what a bulletin prints leaves this module: department names, their group, rank, service index and the four
rates. No draft, no ticket, no person, no internal count (bounces, held tickets, tickets not yet judged).
"""

from __future__ import annotations

from collections import defaultdict

from supervision.choices import PeriodKind, PeriodStatus
from supervision.models import Scorecard, ScorePeriod
from supervision.services.bulletins import RATE_WORDS, group_name, percent, period_label

PUBLIC_QUARTERS = 8


def published_rankings(limit: int = PUBLIC_QUARTERS) -> list[dict]:
    periods = list(
        ScorePeriod.objects.filter(period_kind=PeriodKind.QUARTER, status=PeriodStatus.PUBLISHED).order_by(
            "-period_start"
        )[:limit]
    )
    cards = (
        Scorecard.objects.filter(period__in=periods, rank__gt=0)
        .select_related("department")
        .order_by("group", "rank", "department__code")
    )
    by_period: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for card in cards:
        by_period[card.period_id][group_name(card.group)].append(
            {
                "rank": card.rank,
                "department": card.department.name,
                "service_index": card.service_index,
                "rates": [(words, percent(getattr(card, field))) for field, words in RATE_WORDS],
            }
        )
    return [
        {"label": period_label(period), "groups": dict(by_period[period.pk])}
        for period in periods
        if by_period[period.pk]
    ]
