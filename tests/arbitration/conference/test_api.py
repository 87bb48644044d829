"""API: the same rules as the pages; forbidden answers 404 like missing; refusals as {code, message, details}."""

import pytest
from rest_framework.test import APIClient

from arbitration.models import Bounce
from tests.arbitration.conference.conftest import STAFFING_OFFICE_NOTICE, lead_assignment, reason, seat_members

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_liaison_bounces_through_the_api_and_an_outsider_gets_404(fresh_ticket, liaison_urban, outsider):
    url = f"/api/v1/assignments/{lead_assignment(fresh_ticket).pk}/bounce/"
    body = {
        "reason_id": reason("not_our_duty").pk,
        "explanation": "非本单位职责",
        "basis": "三定方案",
        "basis_document": STAFFING_OFFICE_NOTICE,  # the catalogue names the urban bureau (docs/bounces.md)
    }
    assert client_for(outsider).post(url, body, format="json").status_code == 404
    created = client_for(liaison_urban).post(url, body, format="json")
    assert created.status_code == 201 and created.json()["outcome"] == "pending"
    again = client_for(liaison_urban).post(url, body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_bounced" and again.json()["message"]
    assert Bounce.objects.count() == 1


def test_only_dispatchers_review_bounces(fresh_ticket, liaison_urban, dispatcher):
    made = (
        client_for(liaison_urban)
        .post(
            f"/api/v1/assignments/{lead_assignment(fresh_ticket).pk}/bounce/",
            {"reason_id": reason("not_our_duty").pk, "explanation": "x", "basis": "y", "basis_document": "z"},
            format="json",
        )
        .json()
    )
    assert client_for(liaison_urban).post(f"/api/v1/bounces/{made['id']}/reject/", {"note": "n"}).status_code == 404
    rejected = client_for(dispatcher).post(f"/api/v1/bounces/{made['id']}/reject/", {"note": "无理"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["outcome"] == "rejected"


def test_seated_members_vote_the_chair_sees_the_tally_and_closes(item, session, bodies, city, outsider):
    members = seat_members(session, bodies[:3])
    vote_url, tally_url = f"/api/v1/conference/items/{item.pk}/vote/", f"/api/v1/conference/items/{item.pk}/tally/"
    body = {"lead_department_id": city["urban"].pk, "co_handler_ids": [], "reason": "职责清单"}
    assert client_for(outsider).post(vote_url, body, format="json").status_code == 404
    for member in members:
        assert client_for(member).post(vote_url, body, format="json").status_code == 200
    assert client_for(members[0]).get(tally_url).status_code == 404  # the tally is the chair's
    assert client_for(session.chair).get(tally_url).json()["cast"] == 3
    closed = client_for(session.chair).post(f"/api/v1/conference/items/{item.pk}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["outcome"] == "ruling"
    late = client_for(members[0]).post(vote_url, body, format="json")
    assert late.status_code == 409 and late.json()["code"] == "item_closed"
    rulings = client_for(members[0]).get("/api/v1/rulings/").json()["results"]
    assert len(rulings) == 1 and rulings[0]["lead"] == city["urban"].name
    assert client_for(outsider).get(f"/api/v1/rulings/{rulings[0]['id']}/").status_code == 404


def test_the_schema_lists_the_conference_endpoints(dispatcher):
    schema = client_for(dispatcher).get("/api/schema/").content.decode()
    for path in (
        "/api/v1/conference/items/{item_id}/vote/",
        "/api/v1/bounces/{bounce_id}/uphold/",
        "/api/v1/disputes/{dispute_id}/leader-decision/",
        "/api/v1/rulings/{id}/pdf/",
    ):
        assert path in schema
