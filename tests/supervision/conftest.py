"""Fixtures of the supervision tests."""

import datetime as dt

import pytest
from django.utils import timezone

from arbitration.models import CalendarYear
from arbitration.services.calendar import calendar_year_enter


@pytest.fixture
def calendar_for_the_coming_weeks(db) -> None:
    """Windows counted in working days from today need the calendar of the weeks ahead; in late December the next
    year's notice may not be out yet, so a plain year (weekdays only) stands in for it in the test database."""
    year = (timezone.localdate() + dt.timedelta(days=40)).year
    if not CalendarYear.objects.filter(year=year).exists():
        calendar_year_enter(year=year, source="test: weekdays only", days=[], reason="test")
