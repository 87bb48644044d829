"""A bounce is checked against the catalogue, and after an upheld bounce the new owner's clock starts at its own
dispatch (docs/bounces.md). Tickets arrive through POST /api/v1/tickets/ as the hotline platform sends them.

The small city's catalogue makes the urban bureau (CGJ) lead for stalls (010101) city-wide and the market bureau
lead for food safety (010102).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from arbitration.calendar import WorkingCalendar
from arbitration.choices import TicketEventKind
from arbitration.models import Bounce, Ticket
from tests.arbitration.conference.conftest import STAFFING_OFFICE_NOTICE, lead_assignment, reason

pytestmark = pytest.mark.django_db

CATALOGUE_NAMES_YOU = "目录列明贵单位为主办"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def received(dispatcher, hotline_no: str, *, matter: str = "010101", dispatched_ago: dt.timedelta | None = None):
    """The platform sends a ticket it dispatched to the urban bureau `dispatched_ago` (default: just now)."""
    dispatched = timezone.now() - (dispatched_ago or dt.timedelta(0))
    payload = {
        "hotline_no": hotline_no,
        "received_at": (dispatched - dt.timedelta(minutes=30)).isoformat(),
        "dispatched_at": dispatched.isoformat(),
        "dispatched_to": "CGJ",
        "time_limit": "24h",
        "request_type": "complaint",
        "matter": matter,
        "territory": "370802001001",
        "title": "占道经营",
        "content": "小区门口每天晚上有摊贩占道经营。",
    }
    response = client_for(dispatcher).post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 201, response.json()
    return Ticket.objects.get(hotline_no=hotline_no)


def bounce_body(code: str = "not_our_duty", **extra) -> dict:
    return {"reason_id": reason(code).pk, "explanation": "本单位三定方案不含此项职责。", "basis": "三定方案", **extra}


def bounce_url(ticket: Ticket) -> str:
    return f"/api/v1/assignments/{lead_assignment(ticket).pk}/bounce/"


def test_not_our_duty_against_the_catalogue_is_400_without_a_cited_document_and_201_with_one(
    city, dispatcher, liaison_urban
):
    ticket = received(dispatcher, "BC0001")
    api = client_for(liaison_urban)
    events = ticket.events.count()

    refused = api.post(bounce_url(ticket), bounce_body(), format="json")

    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "catalogue_names_department" and body["details"]["field"] == "basis_document"
    assert "市城市管理局" in body["message"] and "市城市管理局三定方案" in body["message"]  # which entry names it
    assert not Bounce.objects.exists() and ticket.events.count() == events  # nothing half-written

    created = api.post(bounce_url(ticket), bounce_body(basis_document=STAFFING_OFFICE_NOTICE), format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["basis_document"] == STAFFING_OFFICE_NOTICE
    assert created.json()["catalogue_names_department"] is True


def test_the_reviewer_sees_that_the_catalogue_names_the_department_on_the_screen_and_in_the_api(
    city, dispatcher, liaison_urban
):
    ticket = received(dispatcher, "BC0002")
    client_for(liaison_urban).post(bounce_url(ticket), bounce_body(basis_document=STAFFING_OFFICE_NOTICE))

    (listed,) = client_for(dispatcher).get("/api/v1/bounces/?outcome=pending").json()["results"]
    assert listed["catalogue_names_department"] is True and listed["catalogue_notice"] == CATALOGUE_NAMES_YOU
    assert listed["catalogue_reference"] == "市城市管理局三定方案"
    review = client_for(dispatcher).get("/bounces/review/").content.decode()
    assert CATALOGUE_NAMES_YOU in review and STAFFING_OFFICE_NOTICE in review


def test_a_bounce_the_catalogue_does_not_contradict_needs_no_document_and_carries_no_flag(
    city, dispatcher, liaison_urban
):
    ticket = received(dispatcher, "BC0003", matter="010102")  # food safety: the market bureau's duty

    created = client_for(liaison_urban).post(bounce_url(ticket), bounce_body(), format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["catalogue_names_department"] is False and created.json()["catalogue_notice"] == ""
    review = client_for(dispatcher).get("/bounces/review/").content.decode()
    assert CATALOGUE_NAMES_YOU not in review


def test_a_reason_that_does_not_deny_the_duty_needs_no_document_but_the_reviewer_still_sees_the_flag(
    city, dispatcher, liaison_urban
):
    ticket = received(dispatcher, "BC0004")

    created = client_for(liaison_urban).post(bounce_url(ticket), bounce_body("insufficient_information"))

    assert created.status_code == 201 and created.json()["catalogue_names_department"] is True


def test_the_bounce_form_warns_the_liaison_before_they_submit(city, dispatcher, liaison_urban):
    named = received(dispatcher, "BC0005")
    other = received(dispatcher, "BC0006", matter="010102")
    client = client_for(liaison_urban)

    page = client.get("/bounces/").content.decode()

    forms = {no: page.split(f"/assignments/{lead_assignment(t).pk}/bounce/")[1][:1500] for no, t in
             (("named", named), ("other", other))}  # fmt: skip
    assert CATALOGUE_NAMES_YOU in forms["named"] and "市城市管理局三定方案" in forms["named"]
    assert CATALOGUE_NAMES_YOU not in forms["other"].split("</form>")[0]
    assert 'name="basis_document"' in forms["named"]

    refused = client.post(
        f"/assignments/{lead_assignment(named).pk}/bounce/", bounce_body(), follow=True
    ).content.decode()
    assert "目录" in refused and not Bounce.objects.exists()
    client.post(f"/assignments/{lead_assignment(named).pk}/bounce/", bounce_body(basis_document=STAFFING_OFFICE_NOTICE))
    assert Bounce.objects.get().basis_document == STAFFING_OFFICE_NOTICE


def test_after_an_upheld_bounce_the_new_owners_time_limit_counts_from_its_own_dispatch(city, dispatcher, liaison_urban):
    ticket = received(dispatcher, "BC0007", dispatched_ago=dt.timedelta(hours=20))
    first_due = ticket.due_at
    assert first_due == ticket.dispatched_at + dt.timedelta(hours=24)  # the 24-hour tier, natural hours
    made = client_for(liaison_urban).post(
        bounce_url(ticket), bounce_body(basis_document=STAFFING_OFFICE_NOTICE), format="json"
    )

    upheld = client_for(dispatcher).post(
        f"/api/v1/bounces/{made.json()['id']}/uphold/",
        {"lead_department_id": city["market"].pk, "note": "属市场监管职责", "override_reason": "复核认定"},
        format="json",
    )

    assert upheld.status_code == 200, upheld.json()
    ticket.refresh_from_db()
    new_lead = lead_assignment(ticket)
    assert new_lead.department == city["market"]
    assert ticket.clock_started_at == new_lead.assigned_at
    assert ticket.due_at == new_lead.assigned_at + dt.timedelta(hours=24)
    assert ticket.due_at > first_due + dt.timedelta(hours=19)  # not the first dispatch's limit
    # The first-response limit restarts with it: the new owner has its own time to contact the citizen.
    tier = ticket.time_limit_tier
    assert ticket.response_due_at == WorkingCalendar.load().due_at(
        new_lead.assigned_at, tier.response_amount, tier.response_unit
    )
    assert ticket.dispatched_at < new_lead.assigned_at  # the platform's dispatch stays on record
    restart = ticket.events.filter(kind=TicketEventKind.DUE_TIME_SET).get()
    assert restart.data["counted_from"] == new_lead.assigned_at.isoformat() and restart.data["department"] == "SJJ"
    detail = client_for(dispatcher).get("/api/v1/tickets/BC0007/").json()
    assert detail["clock_started_at"] is not None


def test_a_rejected_bounce_leaves_the_clock_where_it_was(city, dispatcher, liaison_urban):
    ticket = received(dispatcher, "BC0008", dispatched_ago=dt.timedelta(hours=20))
    due = ticket.due_at
    made = client_for(liaison_urban).post(bounce_url(ticket), bounce_body(basis_document=STAFFING_OFFICE_NOTICE))

    client_for(dispatcher).post(f"/api/v1/bounces/{made.json()['id']}/reject/", {"note": "目录明确"}, format="json")

    ticket.refresh_from_db()
    assert (ticket.due_at, ticket.clock_started_at) == (due, None)


def test_a_later_resend_by_the_platform_keeps_the_new_owners_clock(city, dispatcher, liaison_urban):
    ticket = received(dispatcher, "BC0009", dispatched_ago=dt.timedelta(hours=20))
    made = client_for(liaison_urban).post(bounce_url(ticket), bounce_body(basis_document=STAFFING_OFFICE_NOTICE))
    client_for(dispatcher).post(
        f"/api/v1/bounces/{made.json()['id']}/uphold/",
        {"lead_department_id": city["market"].pk, "override_reason": "复核认定"},
        format="json",
    )
    ticket.refresh_from_db()
    restarted_due = ticket.due_at

    # The platform re-sends the ticket with another time limit: the limit is recounted from the new owner's dispatch.
    resend = {
        "hotline_no": "BC0009",
        "received_at": ticket.received_at.isoformat(),
        "dispatched_at": ticket.dispatched_at.isoformat(),
        "time_limit": "3h",
        "request_type": "complaint",
        "matter": "010101",
        "territory": "370802001001",
        "title": "占道经营",
        "content": "小区门口每天晚上有摊贩占道经营。",
    }
    assert client_for(dispatcher).post("/api/v1/tickets/", resend, format="json").status_code == 200
    ticket.refresh_from_db()
    assert ticket.due_at == ticket.clock_started_at + dt.timedelta(hours=3)
    assert ticket.due_at == restarted_due - dt.timedelta(hours=21)
