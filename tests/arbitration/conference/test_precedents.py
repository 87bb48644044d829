"""A ruling binds where the conference says: its scope along the ticket's territory chain routes later tickets,
refuses their bounces on settled grounds, takes the open tickets already there (with notices), and shows in the
catalogue analysis. Tickets arrive as the hotline platform sends them: through the intake API or service."""

import pytest
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from arbitration.choices import AssignmentMethod, DisputeStatus, NoticeKind, Role, RulingScope, TerritoryLevel
from arbitration.errors import BoundByDecision, ScopeBeyondPlace
from arbitration.graph import current_graph, gaps, overlaps, settled_gaps
from arbitration.models import LeaderDecision, Notice, Ruling, Ticket
from arbitration.services.conferences import agenda_item_close
from arbitration.services.precedents import decision_backlog_apply
from arbitration.services.reference import HOTLINE_PLATFORM_USER
from arbitration.services.rulings import leader_decision_issue
from tests import factories
from tests.arbitration.conference.conftest import bounce, lead_assignment, reason, seat_members
from tests.arbitration.conference.test_conference import vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(city):
    """The disputed ticket is in 柳岸社区 (湖滨街道, 东湖区). Its street gets a second community; its district a
    second street with a community of its own."""
    city["community_a2"] = factories.territory("370802001002", "荷塘社区", TerritoryLevel.COMMUNITY, city["street_a1"])
    city["street_a2"] = factories.territory("370802002", "湖东街道", TerritoryLevel.STREET, city["district_a"])
    city["community_a3"] = factories.territory("370802002001", "湖东社区", TerritoryLevel.COMMUNITY, city["street_a2"])
    return city


def platform() -> APIClient:
    """The hotline platform, posting with its token."""
    from arbitration.models import User

    client = APIClient()
    key = Token.objects.get_or_create(user=User.objects.get(username=HOTLINE_PLATFORM_USER))[0].key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def as_user(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(user)
    return client


def receive(hotline_no: str, territory, *, dispatched_to: str | None = None, **extra) -> Ticket:
    """A ticket of 占道经营 received now through POST /api/v1/tickets/, dispatched by the platform if it says so."""
    payload = {
        "hotline_no": hotline_no,
        "received_at": timezone.localtime().isoformat(),
        "request_type": "complaint",
        "matter": "010101",
        "territory": territory.code,
        "title": "占道经营",
        "content": "门口每天晚上有摊贩占道经营。",
        **extra,
    }
    if dispatched_to:
        payload |= {"dispatched_to": dispatched_to, "dispatched_at": payload["received_at"]}
    response = platform().post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 201, response.json()
    return Ticket.objects.get(hotline_no=hotline_no)


def rule(item, session, bodies, lead, django_capture_on_commit_callbacks, *, scope=None) -> Ruling:
    """Three non-party members vote `lead`; the chair closes the item with `scope` (default: the item's)."""
    for member in seat_members(session, bodies[:3]):
        vote(item, member, lead)
    with django_capture_on_commit_callbacks(execute=True):  # the PDF and the backlog run after commit
        agenda_item_close(item_id=item.pk, actor=session.chair, scope=scope, reasons="多数意见", basis="三定方案")
    return Ruling.objects.get()


# --- scope: a later ticket anywhere in the scope, and not beyond it -------------------------------------------------
def test_a_street_scoped_ruling_routes_a_new_ticket_in_another_community_of_the_street_and_refuses_its_bounce(
    places, item, session, bodies, dispatcher, liaison_market, django_capture_on_commit_callbacks
):
    assert item.scope == RulingScope.STREET  # the default
    ruling = rule(item, session, bodies, places["market"], django_capture_on_commit_callbacks)
    assert (ruling.scope, ruling.territory) == (RulingScope.STREET, places["street_a1"])

    receive("SD-IN-STREET", places["community_a2"])
    suggestion = as_user(dispatcher).get("/api/v1/tickets/SD-IN-STREET/suggestion/").json()
    top = suggestion["candidates"][0]
    assert (top["department_code"], top["source"], top["source_reference"]) == (
        "SJJ",
        "precedent",
        ruling.document_number,
    )
    dispatched = as_user(dispatcher).post(
        "/api/v1/tickets/SD-IN-STREET/dispatch/", {"lead_department_id": places["market"].pk}, format="json"
    )
    assert dispatched.status_code == 201 and not dispatched.json()["overridden"]  # the suggestion: no reason needed

    ticket = Ticket.objects.get(hotline_no="SD-IN-STREET")
    body = {"reason_id": reason("not_our_duty").pk, "explanation": "非本单位职责", "basis": "三定方案"}
    refused = as_user(liaison_market).post(
        f"/api/v1/assignments/{lead_assignment(ticket).pk}/bounce/", body, format="json"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "bound_by_decision"
    assert ruling.document_number in refused.json()["message"] and "不得再以" in refused.json()["message"]
    assert not ticket.bounces.exists()


def test_a_ticket_in_another_street_is_not_covered_by_a_street_scoped_ruling(
    places, item, session, bodies, dispatcher, liaison_market, django_capture_on_commit_callbacks
):
    ruling = rule(item, session, bodies, places["market"], django_capture_on_commit_callbacks)

    receive("SD-OTHER-STREET", places["community_a3"])  # same district, another street
    top = as_user(dispatcher).get("/api/v1/tickets/SD-OTHER-STREET/suggestion/").json()["candidates"][0]
    assert (top["department_code"], top["source"]) == ("CGJ", "catalogue")
    dispatched = as_user(dispatcher).post(
        "/api/v1/tickets/SD-OTHER-STREET/dispatch/",
        {"lead_department_id": places["market"].pk, "override_reason": "现场核实为食品摊点"},
        format="json",
    )
    assert dispatched.status_code == 201 and dispatched.json()["overridden"]

    ticket = Ticket.objects.get(hotline_no="SD-OTHER-STREET")
    made = bounce(ticket, liaison_market)  # the same ground the ruling settled, outside its scope: allowed
    assert made.pk and made.outcome == "pending" and ruling.document_number


def test_a_city_wide_ruling_binds_the_other_district_too(
    places, item, session, bodies, liaison_market, django_capture_on_commit_callbacks
):
    ruling = rule(item, session, bodies, places["market"], django_capture_on_commit_callbacks, scope="city")
    assert ruling.territory == places["city"]
    far = receive("SD-FAR", places["community_b1"], dispatched_to="SJJ")  # the other district
    with pytest.raises(BoundByDecision):
        bounce(far, liaison_market)


def test_a_ticket_only_ruling_opens_no_precedent_and_binds_no_other_ticket(
    places, item, session, bodies, liaison_market, django_capture_on_commit_callbacks
):
    rule(item, session, bodies, places["market"], django_capture_on_commit_callbacks, scope="ticket")
    near = receive("SD-NEAR", places["community_a2"], dispatched_to="SJJ")
    assert bounce(near, liaison_market).pk


def test_a_scope_finer_than_the_tickets_place_is_refused_before_anything_is_written(places, session, dispatcher):
    ticket = receive("SD-STREET-ONLY", places["street_a1"], dispatched_to="CGJ")  # known down to the street only
    opened = as_user(dispatcher).post(
        "/api/v1/disputes/",
        {"ticket_id": ticket.pk, "party_ids": [places["urban"].pk, places["market"].pk], "reason": "互相推诿"},
        format="json",
    )
    dispute_id = opened.json()["id"]
    url = f"/api/v1/disputes/{dispute_id}/agenda/"
    response = as_user(dispatcher).post(url, {"session_id": session.pk, "scope": "community"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "scope_beyond_place"
    assert "湖滨街道" in response.json()["message"]
    assert not session.items.exists() and ticket.disputes.get().status == DisputeStatus.OPEN

    accepted = as_user(dispatcher).post(url, {"session_id": session.pk}, format="json")
    assert accepted.status_code == 201 and session.items.get().scope == RulingScope.STREET
    with pytest.raises(ScopeBeyondPlace):
        agenda_item_close(item_id=session.items.get().pk, actor=session.chair, scope="community")
    assert session.items.get().is_open


# --- the backlog --------------------------------------------------------------------------------------------------
def test_the_backlog_in_scope_is_redispatched_to_the_ruled_owner_with_a_notice_to_both_liaisons(
    places, item, session, bodies, liaison_urban, liaison_market, django_capture_on_commit_callbacks, client
):
    waiting = receive("SD-BACKLOG", places["community_a2"], dispatched_to="CGJ")  # in the street, with urban
    beyond = receive("SD-BEYOND", places["community_a3"], dispatched_to="CGJ")  # another street
    done = receive("SD-DONE", places["community_a2"], dispatched_to="CGJ", status="closed", result="已劝离摊贩")
    already = receive("SD-ALREADY", places["community_a2"], dispatched_to="SJJ")  # already with the owner

    ruling = rule(item, session, bodies, places["market"], django_capture_on_commit_callbacks)

    lead = lead_assignment(waiting)
    assert (lead.department, lead.method) == (places["market"], AssignmentMethod.CONFERENCE_RULING)
    assert ruling.document_number in lead.reason
    for untouched, department in ((beyond, "urban"), (done, "urban"), (already, "market")):
        assert untouched.assignments.get(role="lead").department == places[department]
    notices = Notice.objects.filter(ticket=waiting)
    assert {(n.department, n.kind) for n in notices} == {
        (places["urban"], NoticeKind.TICKET_LOST),
        (places["market"], NoticeKind.TICKET_GAINED),
    }
    assert Notice.objects.count() == 2  # none for the tickets left alone
    ruling.refresh_from_db()
    assert ruling.backlog_applied_at is not None

    for liaison, other in ((liaison_urban, "市市场监督管理局"), (liaison_market, "市城市管理局")):
        [notice] = as_user(liaison).get("/api/v1/notices/?unread=1").json()["results"]
        assert notice["hotline_no"] == "SD-BACKLOG" and ruling.document_number in notice["message"]
        assert other in notice["message"]
    [lost] = as_user(liaison_urban).get("/api/v1/notices/").json()["results"]
    assert as_user(liaison_market).post(f"/api/v1/notices/{lost['id']}/read/").status_code == 404  # not theirs
    read = as_user(liaison_urban).post(f"/api/v1/notices/{lost['id']}/read/")
    assert read.status_code == 200 and read.json()["read_at"]
    assert as_user(liaison_urban).get("/api/v1/notices/?unread=1").json()["results"] == []

    client.force_login(liaison_market)
    with translation.override("zh-hans"):
        home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        page = client.get(f"/rulings/ruling/{ruling.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "SD-BACKLOG" in home and ruling.document_number in home
    assert "SD-BACKLOG" in page and "SD-BEYOND" not in page

    # Taking the backlog again moves nothing: each ticket is moved once.
    assert decision_backlog_apply(model_label="arbitration.Ruling", pk=ruling.pk) == 0
    assert Notice.objects.count() == 2


def test_a_leader_decision_binds_its_scope_and_takes_its_backlog_like_a_ruling(
    places, item, session, bodies, liaison_urban, django_capture_on_commit_callbacks
):
    waiting = receive("SD-DISTRICT", places["community_a3"], dispatched_to="SJJ")  # the district's other street
    for member, lead in zip(seat_members(session, bodies[:2]), ["urban", "market"], strict=True):
        vote(item, member, places[lead])
    agenda_item_close(item_id=item.pk, actor=session.chair)  # a tie: the leader decides
    leader = factories.user("leader", Role.CITY_LEADER, full_name="王副市长")
    with django_capture_on_commit_callbacks(execute=True):
        decision = leader_decision_issue(
            dispute_id=item.dispute_id,
            actor=leader,
            lead_department_id=places["urban"].pk,
            scope="district",
            reasons="属城市管理职责",
            basis="市政府常务会议纪要",
        )
    assert (decision.scope, decision.territory) == (RulingScope.DISTRICT, places["district_a"])
    lead = lead_assignment(waiting)
    assert (lead.department, lead.method) == (places["urban"], AssignmentMethod.LEADER_DECISION)
    with pytest.raises(BoundByDecision) as refused:
        bounce(waiting, liaison_urban)
    assert decision.document_number in str(refused.value)
    assert LeaderDecision.objects.get().backlog_applied_at is not None


# --- the catalogue analysis ---------------------------------------------------------------------------------------
def test_the_overlap_a_ruling_settles_shows_as_settled_by_it_in_the_analysis(
    places, item, session, bodies, dispatcher, client, django_capture_on_commit_callbacks
):
    factories.duty(places["street_gov_a1"], places["stall"], places["street_a1"])  # a tie in the street…
    factories.duty(places["urban"], places["stall"], places["street_a1"])
    factories.duty(places["housing"], places["stall"], places["city"])  # …and a city-wide one
    unsettled = {
        (o.territory_code, o.settled_by, o.settled_within) for o in overlaps(current_graph(), at=timezone.now())
    }
    assert unsettled == {("370800", "", ()), ("370802001", "", ())}

    ruling = rule(item, session, bodies, places["market"], django_capture_on_commit_callbacks)

    rows = {o.territory_code: o for o in overlaps(current_graph(), at=timezone.now())}
    assert rows["370802001"].settled_by == ruling.document_number
    assert (rows["370800"].settled_by, rows["370800"].settled_within) == ("", ((ruling.document_number, "湖滨街道"),))
    client.force_login(dispatcher)
    csv = client.get("/graph/overlaps/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert csv.count(ruling.document_number) == 2 and "湖滨街道" in csv
    api = as_user(dispatcher).get("/api/v1/catalogue/overlaps/").json()["results"]
    assert {r["territory_code"]: r["settled_within"] for r in api}["370800"] == [
        {"document_number": ruling.document_number, "territory": "湖滨街道"}
    ]


def test_the_gap_an_agreement_made_a_precedent_fills_shows_as_settled_by_it(places, dispatcher, client):
    from arbitration.services.disputes import dispute_agree, dispute_open

    noise = factories.matter("010103", "噪声扰民", places["urban_env"])
    ticket = factories.ticket(places, matter_id=noise.pk, dispatched_to=places["gov_a"], received_at=timezone.now())
    assert [(g.territory_code, g.whole_subtree) for g in gaps(current_graph(), at=timezone.now())
            if g.matter_code == "010103"] == [("370800", True)]  # fmt: skip
    dispute = dispute_open(
        ticket_id=ticket.pk,
        actor=dispatcher,
        trigger="dispatcher",
        party_ids=[places["gov_a"].pk, places["street_gov_a1"].pk],
        reason="区街互相推诿",
    )
    dispute_agree(
        dispute_id=dispute.pk,
        actor=dispatcher,
        lead_department_id=places["street_gov_a1"].pk,
        minutes="经协商，噪声扰民由街道办事处牵头处理。",
        scope="street",
    )
    number = dispute.agreements.get().document_number

    now = timezone.now()
    open_rows = [
        (g.territory_code, g.whole_subtree) for g in gaps(current_graph(), at=now) if g.matter_code == "010103"
    ]
    assert ("370802001", True) not in open_rows and ("370811", True) in open_rows
    [settled] = [g for g in settled_gaps(current_graph(), at=now) if g.matter_code == "010103"]
    assert (settled.territory_code, settled.settled_by, settled.whole_subtree) == ("370802001", number, True)
    client.force_login(dispatcher)
    page = client.get("/graph/gaps/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert number in page
    api = as_user(dispatcher).get("/api/v1/catalogue/gaps/", {"settled": "1"}).json()["results"]
    assert [(r["territory_code"], r["settled_by"]) for r in api] == [("370802001", number)]
