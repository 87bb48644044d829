"""Due times on the official 2026 calendar, and the unknown-year path (docs/domain.md §3–4)."""

import pytest

from arbitration.calendar import WorkingCalendar
from arbitration.choices import CalendarDayKind, TimeUnit
from arbitration.errors import CalendarYearMissing
from arbitration.models import CalendarYear, Ticket
from arbitration.services.calendar import calendar_year_enter
from tests.factories import at, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar():
    return WorkingCalendar.load()


@pytest.mark.parametrize("day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
def test_make_up_days_of_2026_are_working_days(calendar, day):
    import datetime as dt

    assert calendar.is_working_day(dt.date.fromisoformat(day))


@pytest.mark.parametrize("day", ["2026-02-16", "2026-02-23", "2026-10-01", "2026-10-07", "2026-01-02"])
def test_holidays_of_2026_are_not_working_days(calendar, day):
    import datetime as dt

    assert not calendar.is_working_day(dt.date.fromisoformat(day))


def test_five_working_days_across_spring_festival_count_the_make_up_saturday(calendar):
    # Thu 2-12 dispatched; 2-13 (Fri), 2-14 (make-up Sat), 2-24, 2-25, 2-26: the holiday week is skipped.
    assert calendar.due_at(at(2026, 2, 12, 10), 5, TimeUnit.WORKING_DAYS) == at(2026, 2, 26, 17, 30)


def test_three_working_days_across_national_day_end_on_the_make_up_saturday(calendar):
    assert calendar.due_at(at(2026, 9, 30, 10), 3, TimeUnit.WORKING_DAYS) == at(2026, 10, 10, 17, 30)


def test_the_day_of_dispatch_is_not_counted_even_in_the_morning(calendar):
    assert calendar.due_at(at(2026, 3, 2, 8, 0), 1, TimeUnit.WORKING_DAYS) == at(2026, 3, 3, 17, 30)


def test_a_day_period_ending_on_a_holiday_runs_to_the_next_working_day(calendar):
    # 9-28 + 3 calendar days = 10-1, National Day: the period ends on 10-8.
    assert calendar.due_at(at(2026, 9, 28, 10), 3, TimeUnit.CALENDAR_DAYS) == at(2026, 10, 8, 17, 30)


def test_working_hours_skip_the_night_and_the_holiday(calendar):
    # Fri 2-13 17:00 + 2 working hours: 30 minutes that day, then 90 minutes on make-up Saturday 2-14.
    assert calendar.due_at(at(2026, 2, 13, 17, 0), 2, TimeUnit.WORKING_HOURS) == at(2026, 2, 14, 10, 30)


def test_natural_hours_ignore_the_calendar(calendar):
    assert calendar.due_at(at(2026, 10, 1, 10), 24, TimeUnit.NATURAL_HOURS) == at(2026, 10, 2, 10)


def test_counting_into_a_year_without_calendar_data_refuses_to_guess(calendar):
    with pytest.raises(CalendarYearMissing):
        calendar.due_at(at(2026, 12, 29, 10), 5, TimeUnit.WORKING_DAYS)


def test_a_ticket_due_in_an_unknown_year_is_accepted_with_its_due_time_marked_unknown(city):
    late = ticket(city, dispatched_to=city["urban"], received_at=at(2026, 12, 29, 10))
    assert late.due_at is None
    assert "2027" in late.due_unknown_reason


def test_entering_the_missing_year_recomputes_every_waiting_due_time(city):
    import datetime as dt

    late = ticket(city, dispatched_to=city["urban"], received_at=at(2026, 12, 29, 10))
    calendar_year_enter(
        year=2027,
        source="国办发明电〔2026〕示例号",
        reason="2027 notice published",
        days=[(dt.date(2027, 1, 1), CalendarDayKind.HOLIDAY, "元旦")],
    )
    late = Ticket.objects.get(pk=late.pk)
    # 12-30, 12-31, (1-1 holiday), 1-4 Mon, 1-5, 1-6: five working days end on Wed 2027-01-06.
    assert late.due_at == at(2027, 1, 6, 17, 30)
    assert late.due_unknown_reason == ""
    assert late.history.first().history_change_reason == "2027 notice published"
    assert CalendarYear.objects.filter(year=2027).exists()


def test_an_extension_survives_the_platform_resending_the_ticket_with_other_changes(city, supervisor):
    from arbitration.services.tickets import TicketIntake, ticket_extend_due, ticket_receive

    first = ticket(city, dispatched_to=city["urban"], hotline_no="T-EXT-1")
    ticket_extend_due(ticket_id=first.pk, new_due_at=at(2026, 3, 20, 17, 30), actor=supervisor, reason="延期获批")
    fields = {
        name: getattr(first, name)
        for name in (
            "received_at",
            "dispatched_at",
            "request_type",
            "matter_id",
            "territory_id",
            "title",
            "citizen_name",
            "citizen_phone",
        )
    }
    ticket_receive(intake=TicketIntake(hotline_no="T-EXT-1", fields={**fields, "content": "补充：摊贩增多。"}))
    assert Ticket.objects.get(pk=first.pk).due_at == at(2026, 3, 20, 17, 30)
