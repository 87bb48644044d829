"""Pages render for each person; the API carries every action with the same rules (forbidden = 404)."""

import pytest

from arbitration.choices import Role
from supervision.choices import PeriodKind
from supervision.models import SupervisionCase, SupervisionLetter
from supervision.services import cases, referrals, scorecards
from tests import factories
from tests.factories import at
from tests.supervision.helpers import client_for, dispatched_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(city, supervisor):
    ticket = dispatched_ticket(city)
    return cases.case_open(actor=supervisor, reason="超期未办结", ticket_id=ticket.pk, now=at(2026, 3, 10, 10))


def test_every_supervisor_page_renders(case, supervisor, city):
    scorecards.scorecards_compute(period_kind=PeriodKind.MONTH, period_start=at(2026, 3, 1).date())
    referral = referrals.referral_create(ticket_id=case.ticket_id, actor=supervisor, reason="推诿")
    client = client_for(supervisor)
    for url in (
        "/supervision/",
        "/supervision/?tier=key",
        f"/supervision/cases/{case.pk}/",
        "/supervision/letters/",
        "/supervision/letters/?state=overdue",
        "/supervision/scorecards/",
        "/supervision/referrals/",
        f"/supervision/referrals/{referral.pk}/",
    ):
        assert client.get(url).status_code == 200, url


def test_the_ranking_chart_shows_each_group_best_first_in_its_own_series(case, supervisor, city):
    dispatched_ticket(city, department=city["gov_a"])  # a district government: a second group beside the bureaus
    scorecards.scorecards_compute(period_kind=PeriodKind.MONTH, period_start=at(2026, 3, 1).date())
    response = client_for(supervisor).get("/supervision/scorecards/?period_start=2026-03-01")
    ranking = response.context["charts"]["ranking"]
    rows = response.context["rows"]
    assert len(ranking["groups"]) == len({row.group for row in rows}) >= 2
    for series in ranking["groups"]:
        mine = [value for value in series["values"] if value is not None]
        assert mine == sorted(mine, reverse=True)  # best first within the group
        assert len(series["values"]) == len(ranking["labels"]) == len(rows)
    assert all(sum(s["values"][i] is not None for s in ranking["groups"]) == 1 for i in range(len(rows)))


def test_the_liaison_sees_their_desk_and_case_but_not_others(case, liaison_urban, liaison_market, outsider):
    assert client_for(liaison_urban).get("/supervision/desk/").status_code == 200
    assert client_for(liaison_urban).get(f"/supervision/cases/{case.pk}/").status_code == 200
    assert client_for(liaison_market).get(f"/supervision/cases/{case.pk}/").status_code == 404
    assert client_for(outsider).get(f"/supervision/cases/{case.pk}/").status_code == 404
    assert client_for(outsider).get("/supervision/scorecards/").status_code == 404


def test_the_api_opens_raises_letters_and_answers(city, supervisor, liaison_urban, liaison_market):
    ticket = dispatched_ticket(city)
    api = client_for(supervisor)
    opened = api.post(
        "/api/v1/supervision/cases/",
        {"hotline_no": ticket.hotline_no, "reason": "媒体关注"},
        content_type="application/json",
    )
    assert opened.status_code == 201
    case_id = opened.json()["id"]
    assert (
        api.post(
            f"/api/v1/supervision/cases/{case_id}/raise/", {"reason": "领导批示"}, content_type="application/json"
        ).json()["tier"]
        == "key"
    )
    again = api.post(
        "/api/v1/supervision/cases/",
        {"hotline_no": ticket.hotline_no, "reason": "再开"},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "case_already_open")
    letter = api.post(
        f"/api/v1/supervision/cases/{case_id}/letters/", {"kind": "escalation"}, content_type="application/json"
    ).json()
    assert letter["document_number"].startswith("明责督")

    assert (
        client_for(liaison_market)
        .post(f"/api/v1/supervision/letters/{letter['id']}/answer/", {"text": "x"}, content_type="application/json")
        .status_code
        == 404
    )
    answered = client_for(liaison_urban).post(
        f"/api/v1/supervision/letters/{letter['id']}/answer/", {"text": "已办结"}, content_type="application/json"
    )
    assert answered.json()["status"] == "answered"
    answer = client_for(liaison_urban).post(
        f"/api/v1/supervision/cases/{case_id}/answers/",
        {"kind": "progress", "text": "处置中"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert (
        client_for(liaison_urban)
        .post(f"/api/v1/supervision/cases/{case_id}/raise/", {"reason": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert SupervisionCase.objects.get(pk=case_id).answers.count() == 1
    assert SupervisionLetter.objects.count() == 1


def test_the_discipline_liaison_api_lists_only_their_referrals(case, supervisor, city):
    liaison = factories.user("jiwei", Role.DISCIPLINE_LIAISON)
    other = factories.user("jiwei2", Role.DISCIPLINE_LIAISON)
    mine = referrals.referral_create(ticket_id=case.ticket_id, actor=supervisor, reason="推诿")
    theirs = referrals.referral_create(ticket_id=dispatched_ticket(city).pk, actor=supervisor, reason="推诿")
    referrals.referral_send(referral_id=mine.pk, liaison_id=liaison.pk, actor=supervisor)
    referrals.referral_send(referral_id=theirs.pk, liaison_id=other.pk, actor=supervisor)

    api = client_for(liaison)
    assert [row["id"] for row in api.get("/api/v1/supervision/referrals/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/supervision/referrals/{theirs.pk}/").status_code == 404
    recorded = api.post(
        f"/api/v1/supervision/referrals/{mine.pk}/record/", {"status": "received"}, content_type="application/json"
    )
    assert recorded.json()["status"] == "received"
    assert api.get(f"/api/v1/supervision/referrals/{mine.pk}/dossier/").status_code == 200
