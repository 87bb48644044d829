"""The scorecards' trend chart at city scale: the busiest departments get a line each, the rest one "others" line."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from model_bakery import baker

from supervision.choices import PeriodKind
from supervision.models import Scorecard, ScorePeriod
from supervision.selectors import scorecard_trend

pytestmark = pytest.mark.django_db


def card(period, department, *, tickets, index):
    return baker.make(
        Scorecard,
        period=period,
        department=department,
        period_kind=PeriodKind.MONTH,
        period_start=period.period_start,
        period_end=period.period_end,
        tickets=tickets,
        service_index=None if index is None else Decimal(index),
    )


def test_the_busiest_departments_have_lines_and_the_rest_share_a_weighted_others_line():
    period = baker.make(
        ScorePeriod, period_kind=PeriodKind.MONTH, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 11, 1)
    )
    departments = [baker.make("arbitration.Department", code=f"D{i:02d}", name=f"单位{i:02d}") for i in range(12)]
    for i, department in enumerate(departments):
        # D00..D02 are the busiest; among the rest D03 (30 tickets, index 90) and D04 (10 tickets, index 50) matter
        tickets = {0: 100, 1: 90, 2: 80, 3: 30, 4: 10}.get(i, 5)
        index = {3: 90, 4: 50}.get(i, None if i > 4 else 70)
        card(period, department, tickets=tickets, index=index)
    with translation.override("zh-hans"):
        trend = scorecard_trend(PeriodKind.MONTH, top=3)
    assert list(trend["departments"]) == ["单位00", "单位01", "单位02", "其他"]
    assert trend["departments"]["其他"] == [80.0]  # (90 × 30 + 50 × 10) / 40; cards without an index left out


def test_a_small_city_keeps_a_line_per_department():
    period = baker.make(
        ScorePeriod, period_kind=PeriodKind.MONTH, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 11, 1)
    )
    for i in range(3):
        card(period, baker.make("arbitration.Department", code=f"S{i}", name=f"小{i}"), tickets=10 - i, index=60)
    assert list(scorecard_trend(PeriodKind.MONTH)["departments"]) == ["小0", "小1", "小2"]
