"""Background jobs of the legal desk: the monthly screening for public-interest leads."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from legal.choices import ScreeningTrigger
from legal.services.screening import screening_run


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[first moment of the month, first moment of the next) in the city's time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, end


def last_month(today: dt.date) -> tuple[int, int]:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


@shared_task(acks_late=True)
def screen_leads_last_month_task() -> int:
    """Screen last month's tickets; returns how many leads were proposed. Safe to run twice."""
    start, end = month_bounds(*last_month(timezone.localdate()))
    return screening_run(period_start=start, period_end=end, trigger=ScreeningTrigger.MONTHLY).leads_proposed
