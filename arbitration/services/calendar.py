"""Writes to the working calendar: seeding years from chinese-calendar and entering a new year's notice."""

import datetime as dt

import chinese_calendar
from django.db import transaction
from django.utils.translation import gettext_noop

from arbitration.choices import CalendarDayKind
from arbitration.history import save_attributed
from arbitration.models import CalendarDay, CalendarYear

# The State Council notices the packaged tables come from (kept for the record on each year).
NOTICES = {
    2024: "国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）",
    2025: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
    2026: "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）",
}


def packaged_days(year: int) -> list[tuple[dt.date, str, str]]:
    """(date, kind, holiday name) for `year` from the chinese-calendar package; raises if it lacks the year.

    Only weekday holidays and weekend days that belong to a holiday block are listed: an ordinary weekend
    is already a day off, and listing it would make the table say more than the notice does.
    """
    days = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if on_holiday and name is not None:
            days.append((day, CalendarDayKind.HOLIDAY, chinese_calendar.Holiday(name).chinese))
        elif not on_holiday and day.weekday() >= 5:
            days.append((day, CalendarDayKind.MAKEUP_WORKDAY, ""))
        day += dt.timedelta(days=1)
    return days


@transaction.atomic
def calendar_year_enter(
    *, year: int, source: str, days: list[tuple[dt.date, str, str]], actor=None, reason: str
) -> CalendarYear:
    """Enter (or replace) one year's holidays and make-up days, then recompute due times waiting for it."""
    from arbitration.services.tickets import tickets_recompute_unknown_due

    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    if calendar_year is None:
        calendar_year = CalendarYear(year=year)
    calendar_year.source = source
    save_attributed(calendar_year, actor=actor, reason=reason)
    for old in calendar_year.days.all():
        old._history_user, old._change_reason = actor, reason
        old.delete()
    for day, kind, name in days:
        if day.year != year:
            raise ValueError(f"{day} is not in {year}")
        save_attributed(
            CalendarDay(calendar_year=calendar_year, date=day, kind=kind, name=name), actor=actor, reason=reason
        )
    tickets_recompute_unknown_due(actor=actor, reason=reason)
    return calendar_year


def calendar_seed_packaged(*, actor=None) -> list[int]:
    """Seed every year the package knows that the table lacks (2024 on); returns the years added."""
    added = []
    for year in range(2024, dt.date.today().year + 2):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        try:
            days = packaged_days(year)
        except NotImplementedError:
            continue  # the package does not know this year: leave it unknown, never guess
        source = NOTICES.get(year, f"chinese-calendar {chinese_calendar.__version__}")
        calendar_year_enter(
            year=year,
            source=source,
            days=days,
            actor=actor,
            reason=gettext_noop("seeded from the chinese-calendar package"),
        )
        added.append(year)
    return added
