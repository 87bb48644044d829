"""Calendar covariates of each day for the baseline model: day of week, public holiday, make-up working day, and
the first working day after a holiday (the backlog that follows a closed office). Taken from the working calendar
(arbitration.calendar), the one place that knows holidays; nothing here counts days itself."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

from arbitration.calendar import WorkingCalendar
from arbitration.choices import CalendarDayKind
from arbitration.services.calendar import packaged_days

ONE_DAY = dt.timedelta(days=1)


def day_range(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def day_features(calendar: WorkingCalendar, days: list[dt.date]) -> np.ndarray:
    """One row per day: weekday (0–6), holiday (0/1), make-up working day (0/1), first working day after a holiday.

    A year the calendar does not know is treated as ordinary weekdays and weekends: a baseline far in the past
    should not stop detection today (docs/alerts.md, "Calendar").
    """
    out = np.zeros((len(days), 4), dtype=np.int8)
    for i, day in enumerate(days):
        known = day.year in calendar.known_years
        out[i, 0] = day.weekday()
        out[i, 1] = known and day in calendar.holidays
        out[i, 2] = known and day in calendar.makeup_workdays
        previous = day - ONE_DAY
        out[i, 3] = known and not out[i, 1] and (day.weekday() < 5 or out[i, 2]) and previous in calendar.holidays
    return out


WORKING, WEEKEND, HOLIDAY = 0, 1, 2


def day_kinds(features: np.ndarray) -> np.ndarray:
    """Each day's kind: a working day (Mon–Fri not a holiday, or a make-up day), an ordinary weekend day, or a
    public holiday."""
    kinds = np.where(features[:, 0] >= 5, WEEKEND, WORKING)
    kinds = np.where(features[:, 2] == 1, WORKING, kinds)
    return np.where(features[:, 1] == 1, HOLIDAY, kinds)


def packaged_calendar(years: range) -> WorkingCalendar:
    """The official calendar of `years` straight from the chinese-calendar package, with no database: for synthetic
    series (bench/bench_alerts.py and the method's tests). Detection itself uses `WorkingCalendar.load()`."""
    rows = [row for year in years for row in packaged_days(year)]
    return WorkingCalendar(
        known_years=frozenset(years),
        holidays=frozenset(d for d, kind, _name in rows if kind == CalendarDayKind.HOLIDAY),
        makeup_workdays=frozenset(d for d, kind, _name in rows if kind == CalendarDayKind.MAKEUP_WORKDAY),
        opens=dt.time(9),
        closes=dt.time(17),
        tz=ZoneInfo("Asia/Shanghai"),
    )
