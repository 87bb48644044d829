"""Dispatch and re-dispatch with the suggestion (services.dispatch), through the service, the API and the page."""

import pytest
from django.urls import reverse

from arbitration.choices import AssignmentMethod, AssignmentRole, DutyRole
from arbitration.errors import InvalidInput, PermissionDenied
from arbitration.services.dispatch import ticket_dispatch
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulated_city(graph_city):
    factories.duty(graph_city["market"], graph_city["urban_env"], graph_city["city"], role=DutyRole.REGULATOR)
    return graph_city


def active(ticket):
    return sorted((a.department.code, a.role, a.method) for a in ticket.assignments.filter(ended_at=None))


def test_taking_the_suggestion_dispatches_the_lead_and_copies_the_regulator(regulated_city, dispatcher):
    ticket = factories.ticket(regulated_city)

    result = ticket_dispatch(
        ticket_id=ticket.pk,
        lead_department_id=regulated_city["urban"].pk,
        co_handler_ids=[regulated_city["housing"].pk],
        actor=dispatcher,
        reason="按目录派单",
    )

    assert not result.overridden
    assert active(ticket) == [("CGJ", "lead", "direct"), ("SJJ", "copied", "dual"), ("ZJJ", "co_handler", "direct")]
    ticket.refresh_from_db()
    assert ticket.status == "dispatched" and ticket.dispatched_at is not None


def test_overriding_the_suggestion_needs_a_reason_and_keeps_it(regulated_city, dispatcher):
    ticket = factories.ticket(regulated_city)

    with pytest.raises(InvalidInput):
        ticket_dispatch(
            ticket_id=ticket.pk, lead_department_id=regulated_city["housing"].pk, actor=dispatcher, reason="改派"
        )
    assert not ticket.assignments.exists()  # a refused dispatch leaves nothing behind

    result = ticket_dispatch(
        ticket_id=ticket.pk,
        lead_department_id=regulated_city["housing"].pk,
        actor=dispatcher,
        reason="改派",
        override_reason="现场为在建工地，属住建监管",
    )
    assert result.overridden and "现场为在建工地" in result.lead.reason


def test_re_dispatch_ends_the_active_assignments_and_keeps_them_on_record(regulated_city, dispatcher):
    ticket = factories.ticket(regulated_city, dispatched_to=regulated_city["housing"])

    ticket_dispatch(ticket_id=ticket.pk, lead_department_id=regulated_city["urban"].pk, actor=dispatcher, reason="改派")

    assert active(ticket) == [("CGJ", "lead", "direct"), ("SJJ", "copied", "dual")]
    assert ticket.assignments.filter(department__code="ZJJ", ended_at__isnull=False).exists()


def test_only_dispatchers_dispatch_on_their_own_judgement(regulated_city, liaison_urban):
    ticket = factories.ticket(regulated_city)

    with pytest.raises(PermissionDenied):
        ticket_dispatch(
            ticket_id=ticket.pk, lead_department_id=regulated_city["urban"].pk, actor=liaison_urban, reason=""
        )
    assert not ticket.assignments.exists()


def test_a_ruling_re_dispatches_without_an_override_reason(regulated_city, dispatcher):
    ticket = factories.ticket(regulated_city)

    result = ticket_dispatch(
        ticket_id=ticket.pk,
        lead_department_id=regulated_city["housing"].pk,
        actor=dispatcher,
        reason="联席会议认定",
        method=AssignmentMethod.CONFERENCE_RULING,
    )

    assert result.lead.method == AssignmentMethod.CONFERENCE_RULING and result.lead.role == AssignmentRole.LEAD


def test_the_api_suggests_and_dispatches(client, regulated_city, dispatcher):
    ticket = factories.ticket(regulated_city)
    client.force_login(dispatcher)

    suggestion = client.get(reverse("api:ticket-suggestion", args=[ticket.hotline_no])).json()
    assert [(c["department_code"], c["role"], c["source"]) for c in suggestion["candidates"]] == [
        ("CGJ", "lead", "catalogue"),
        ("SJJ", "regulator", "catalogue"),
    ]
    assert suggestion["candidates"][0]["territory_chain"] == ["柳岸社区", "湖滨街道", "东湖区", "明州市"]

    refused = client.post(
        reverse("api:ticket-dispatch", args=[ticket.hotline_no]),
        {"lead_department_id": regulated_city["housing"].pk},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["details"]["field"] == "override_reason"

    done = client.post(
        reverse("api:ticket-dispatch", args=[ticket.hotline_no]),
        {"lead_department_id": regulated_city["urban"].pk, "reason": "按目录"},
        content_type="application/json",
    )
    assert done.status_code == 201
    assert done.json()["lead"]["department_code"] == "CGJ" and done.json()["copied"][0]["department_code"] == "SJJ"


def test_the_api_hides_tickets_a_user_may_not_see(client, regulated_city, liaison_market):
    ticket = factories.ticket(regulated_city, dispatched_to=regulated_city["urban"])
    client.force_login(liaison_market)

    assert client.get(reverse("api:ticket-suggestion", args=[ticket.hotline_no])).status_code == 404
    assert (
        client.post(
            reverse("api:ticket-dispatch", args=[ticket.hotline_no]),
            {"lead_department_id": regulated_city["market"].pk},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_the_ticket_page_shows_the_suggestion_and_dispatches_from_it(client, regulated_city, dispatcher):
    ticket = factories.ticket(regulated_city)
    client.force_login(dispatcher)

    page = client.get(reverse("ticket-detail", args=[ticket.hotline_no])).content.decode()
    assert 'id="suggestion"' in page and "市城市管理局" in page and "dispatch-form" in page

    response = client.post(
        reverse("ticket-dispatch", args=[ticket.hotline_no]),
        {"lead_department": regulated_city["urban"].pk, "reason": "按目录"},
        follow=True,
    )
    assert response.status_code == 200
    assert active(ticket) == [("CGJ", "lead", "direct"), ("SJJ", "copied", "dual")]
