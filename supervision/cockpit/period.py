"""The period a cockpit figure covers, its buckets (day, week, month) and the same period a year before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

GRAINS = ("day", "week", "month")
DEFAULT_DAYS = 30
MAX_DAYS = 732  # two years: beyond that a figure is a history, not a cockpit


def year_before(day: dt.date) -> dt.date:
    """The same calendar day a year before; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def bucket(day: dt.date, grain: str) -> dt.date:
    """The first day of the bucket `day` falls in: itself, its week's Monday, or its month's first day."""
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    grain: str = "day"

    @classmethod
    def ending_today(cls, days: int = DEFAULT_DAYS, grain: str = "day") -> Period:
        today = timezone.localdate()
        return cls(today - dt.timedelta(days=days - 1), today, grain)

    def year_before(self) -> Period:
        return Period(year_before(self.first), year_before(self.last), self.grain)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1
