"""The working calendar: the one place that counts working days and time limits (docs/domain.md §3–4).

Counting follows the Civil Code, arts. 200–204: for periods in days the day the period starts is not
counted; a period whose last day is not a working day ends on the next working day; the last day ends
at office closing (art. 203, "有业务时间的，停止业务活动的时间为截止时间"). A year with no calendar data
is never guessed: counting into it raises `CalendarYearMissing`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from arbitration.choices import CalendarDayKind, TimeUnit
from arbitration.errors import CalendarYearMissing

ONE_DAY = dt.timedelta(days=1)


def _parse_clock(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable snapshot of the holiday table; load it once per request, command or batch."""

    known_years: frozenset[int]
    holidays: frozenset[dt.date]
    makeup_workdays: frozenset[dt.date]
    opens: dt.time
    closes: dt.time
    tz: dt.tzinfo

    @classmethod
    def load(cls) -> WorkingCalendar:
        from arbitration.models import CalendarDay, CalendarYear

        days = CalendarDay.objects.values_list("date", "kind")
        opens, closes = settings.MINGZE_OFFICE_HOURS
        return cls(
            known_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
            holidays=frozenset(d for d, kind in days if kind == CalendarDayKind.HOLIDAY),
            makeup_workdays=frozenset(d for d, kind in days if kind == CalendarDayKind.MAKEUP_WORKDAY),
            opens=_parse_clock(opens),
            closes=_parse_clock(closes),
            tz=ZoneInfo(settings.TIME_ZONE),
        )

    # --- days -------------------------------------------------------------------------------------
    def is_working_day(self, day: dt.date) -> bool:
        """Monday–Friday not in the holiday table, plus weekend days listed as make-up working days."""
        if day.year not in self.known_years:
            raise CalendarYearMissing(year=day.year)
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (the start day itself is not counted)."""
        day = start
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days have passed from `start` to `end`."""
        days, count = start, 0
        while days < end:
            days += ONE_DAY
            count += self.is_working_day(days)
        return count

    # --- time limits -------------------------------------------------------------------------------
    def closing_time(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.closes, tzinfo=self.tz)

    def due_at(self, start: dt.datetime, amount: int, unit: str) -> dt.datetime:
        """When a limit of `amount` `unit`s that starts at `start` (aware) runs out."""
        local = start.astimezone(self.tz)
        if unit == TimeUnit.NATURAL_HOURS:
            return local + dt.timedelta(hours=amount)
        if unit == TimeUnit.WORKING_HOURS:
            return self._add_working_hours(local, amount)
        if unit == TimeUnit.WORKING_DAYS:
            return self.closing_time(self.add_working_days(local.date(), amount))
        if unit == TimeUnit.CALENDAR_DAYS:
            last = local.date() + dt.timedelta(days=amount)
            if not self.is_working_day(last):
                last = self.next_working_day(last)
            return self.closing_time(last)
        raise ValueError(f"unknown time unit {unit!r}")

    def _add_working_hours(self, start: dt.datetime, hours: int) -> dt.datetime:
        """Count office time only: a limit that starts after closing begins at the next opening."""
        remaining = dt.timedelta(hours=hours)
        day, moment = start.date(), start
        while True:
            opening = dt.datetime.combine(day, self.opens, tzinfo=self.tz)
            closing = self.closing_time(day)
            if self.is_working_day(day) and moment < closing:
                moment = max(moment, opening)
                if moment + remaining <= closing:
                    return moment + remaining
                remaining -= closing - moment
            day += ONE_DAY
            moment = dt.datetime.combine(day, self.opens, tzinfo=self.tz)
