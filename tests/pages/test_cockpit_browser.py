"""Browser: a city leader signs in and lands on the cockpit, sees the trend and the dispute network drawn, and drills
down from a district to exactly the tickets counted there (docs/cockpit.md)."""

import datetime as dt

import pytest
from django.utils import timezone

from arbitration.choices import AssignmentRole, Role
from arbitration.models import BounceReason
from arbitration.services.bounces import bounce_create
from arbitration.services.tickets import ticket_receive
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_lands_on_the_cockpit_and_drills_down_to_the_tickets(live_server, page, city):
    factories.user("leader", Role.CITY_LEADER)
    yesterday = timezone.now() - dt.timedelta(days=1)
    in_a = {"received_at": yesterday, "territory_id": city["community_a1"].pk}
    in_b = {"received_at": yesterday, "territory_id": city["community_b1"].pk}
    for number, place, lead in (("BR001", in_a, "urban"), ("BR002", in_a, "market"), ("BR003", in_b, "urban")):
        ticket_receive(intake=factories.intake(city, number, dispatched_to=city[lead], **place))
    # One bounce from the city management bureau towards the market regulator, so the network has an edge.
    liaison = factories.user("liaison_ring", Role.LIAISON, departments=(city["urban"],))
    ticket = ticket_receive(intake=factories.intake(city, "BR004", dispatched_to=city["urban"], **in_b)).ticket
    bounce_create(
        assignment_id=ticket.assignments.get(role=AssignmentRole.LEAD, ended_at=None).pk,
        actor=liaison,
        reason_id=BounceReason.objects.filter(is_active=True).first().pk,
        explanation="非本单位职责",
        basis="三定方案",
        basis_document="编办〔2026〕1号",
        proposed_department_id=city["market"].pk,
    )

    # Signing in lands on the home page, which for a leader is the cockpit (so not the `login` fixture's wait).
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "pw-leader")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/supervision/cockpit/")
    assert page.get_attribute("#volume-total", "data-total") == "4"
    page.wait_for_selector("#network[data-nodes='2']")
    assert page.evaluate("document.getElementById('trend-chart').height") > 0

    page.click("#by-district a:text-is('2')")  # 东湖区: BR001 and BR002
    page.wait_for_url("**/tickets/?*")
    body = page.content()
    assert "BR001" in body and "BR002" in body
    assert "BR003" not in body and "BR004" not in body
