"""A lawyer sees only their own cases — on the page, in the API and in the admin; the desk lead sees all."""

import pytest

from tests.legal.helpers import case_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(legal_city, desk_lead, lawyer, other_lawyer):
    mine = case_for(legal_city, desk_lead=desk_lead, lawyer=lawyer, title="我的案件")
    theirs = case_for(legal_city, desk_lead=desk_lead, lawyer=other_lawyer, title="别人的案件")
    return mine, theirs


def test_a_lawyer_opens_their_own_case_page_but_not_another_lawyers(client, two_cases, lawyer):
    mine, theirs = two_cases
    client.force_login(lawyer)
    assert client.get(f"/legal/cases/{mine.pk}/").status_code == 200
    assert client.get(f"/legal/cases/{theirs.pk}/").status_code == 404
    desk = client.get("/legal/").content.decode()
    assert "我的案件" in desk and "别人的案件" not in desk


def test_a_lawyer_gets_only_their_cases_from_the_api(api, two_cases, lawyer):
    mine, theirs = two_cases
    client = api(lawyer)
    listed = client.get("/api/v1/legal/cases/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert client.get(f"/api/v1/legal/cases/{mine.pk}/").status_code == 200
    missing = client.get(f"/api/v1/legal/cases/{theirs.pk}/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_a_lawyer_sees_only_their_cases_in_the_admin(client, two_cases, lawyer):
    mine, theirs = two_cases
    client.force_login(lawyer)
    changelist = client.get("/admin/legal/legalcase/")
    assert changelist.status_code == 200
    assert mine.ticket.hotline_no in changelist.content.decode()
    assert theirs.ticket.hotline_no not in changelist.content.decode()
    assert client.get(f"/admin/legal/legalcase/{mine.pk}/change/").status_code == 200
    # The admin answers a case outside the queryset by redirecting to its index ("does not exist").
    assert client.get(f"/admin/legal/legalcase/{theirs.pk}/change/").status_code in (302, 404)


def test_the_desk_lead_sees_every_case(api, two_cases, desk_lead):
    listed = api(desk_lead).get("/api/v1/legal/cases/").json()["results"]
    assert {row["id"] for row in listed} == {case.pk for case in two_cases}


def test_reassigning_a_case_takes_it_away_from_the_first_lawyer(api, legal_city, desk_lead, lawyer, other_lawyer):
    case = case_for(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    response = api(desk_lead).post(f"/api/v1/legal/cases/{case.pk}/assign/", {"lawyer": other_lawyer.pk}, format="json")
    assert response.status_code == 200
    assert api(lawyer).get(f"/api/v1/legal/cases/{case.pk}/").status_code == 404
    assert api(other_lawyer).get(f"/api/v1/legal/cases/{case.pk}/").status_code == 200


def test_a_lawyer_cannot_assign_cases(api, legal_city, desk_lead, lawyer, other_lawyer):
    case = case_for(legal_city, desk_lead=desk_lead, lawyer=lawyer)
    response = api(lawyer).post(f"/api/v1/legal/cases/{case.pk}/assign/", {"lawyer": other_lawyer.pk}, format="json")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.lawyer == lawyer
