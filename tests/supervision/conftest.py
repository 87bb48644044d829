"""Fixtures supervision tests share: the discipline liaison, a conference ruling to refuse, and the calendar of the
weeks ahead."""

import datetime as dt

import pytest
from django.utils import timezone

from arbitration.choices import Role
from arbitration.models import CalendarYear, Ruling
from arbitration.services.calendar import calendar_year_enter
from arbitration.services.conferences import agenda_item_close, vote_cast
from tests import factories

# The conference's own fixtures (a disputed ticket, a session, its agenda item, seated bodies), shared as they are.
from tests.arbitration.conference.conftest import (  # noqa: F401
    bodies,
    chair,
    dispute,
    fresh_ticket,
    item,
    seat_members,
    session,
)


@pytest.fixture
def discipline_liaison(db):
    return factories.user("jiwei", Role.DISCIPLINE_LIAISON, full_name="纪委联络员")


@pytest.fixture
def ruling(item, session, bodies, city, django_capture_on_commit_callbacks):  # noqa: F811 (fixtures above)
    """The conference rules that the urban bureau leads (four votes to one); its PDF is stored."""
    members = seat_members(session, bodies[:5])
    for member, lead in zip(members, [city["urban"]] * 4 + [city["market"]], strict=True):
        vote_cast(item_id=item.pk, actor=member, lead_department_id=lead.pk, co_handler_ids=[], reason="职责清单明确")
    with django_capture_on_commit_callbacks(execute=True):
        agenda_item_close(item_id=item.pk, actor=session.chair, reasons="占道经营属城市管理职责", basis="《条例》")
    return Ruling.objects.get()


@pytest.fixture
def calendar_for_the_coming_weeks(db) -> None:
    """Windows counted in working days from today need the calendar of the weeks ahead; in late December the next
    year's notice may not be out yet, so a plain year (weekdays only) stands in for it in the test database."""
    year = (timezone.localdate() + dt.timedelta(days=40)).year
    if not CalendarYear.objects.filter(year=year).exists():
        calendar_year_enter(year=year, source="test: weekdays only", days=[], reason="test")
