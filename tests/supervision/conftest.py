"""Fixtures supervision tests share: the discipline liaison, and a conference ruling to refuse."""

import pytest

from arbitration.choices import Role
from arbitration.models import Ruling
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
