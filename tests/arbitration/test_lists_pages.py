"""Arbitration's list pages page by keyset (cursor), one cursor per list, and cost the same queries at any page size
(docs/scale.md): the bounce pages, the conference home, the disputes, the rulings and the catalogue reform lists."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arbitration.choices import DisputeTrigger, ProposalOrigin, ReorganisationKind, Role, RulingScope
from arbitration.models import (
    AgendaItem,
    Agreement,
    CatalogueProposal,
    ConferenceSession,
    Dispute,
    LeaderDecision,
    Reorganisation,
    Ruling,
)
from arbitration.services.conferences import seat_grant, session_schedule
from tests import factories
from tests.arbitration.conference.conftest import bounce

pytestmark = pytest.mark.django_db
ROWS = 5  # more than the small page size below, fewer than the large one
SMALL, LARGE = 2, 5


def next_href(content: str, param: str) -> str | None:
    """The href of the "next" link of the list whose cursor travels in `param`, as the browser would follow it."""
    for href in re.findall(r'<a [^>]*rel="next" href="([^"]*)"', content):
        href = html.unescape(href)
        if re.search(rf"[?&]{param}=", href):
            return href
    return None


def two_pages(client, url: str, key: str, param: str, ids=lambda row: row.pk, **query) -> tuple[list, list, object]:
    """The first page at the small size, then the page its next link leads to; with the second response."""
    first = client.get(url, {**query, "page_size": SMALL})
    assert first.status_code == 200, first.content[:300]
    href = next_href(first.content.decode(), param)
    assert href is not None, f"no next link for {param}"
    second = client.get(url + href)
    assert second.status_code == 200, second.content[:300]
    return [ids(r) for r in first.context[key].rows], [ids(r) for r in second.context[key].rows], second


def queries(client, url: str, size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": size})
    assert response.status_code == 200, response.content[:300]
    return len(captured), response


def assert_same_queries(client, url: str, keys: list[str]) -> None:
    client.get(url, {"page_size": SMALL})  # warm: a first call builds the process's jurisdiction graph
    small, small_response = queries(client, url, SMALL)
    large, large_response = queries(client, url, LARGE)
    for key in keys:  # the comparison is between a short page and a full one, not two empty lists
        assert (len(small_response.context[key].rows), len(large_response.context[key].rows)) == (SMALL, LARGE), key
    assert small == large, (url, small, large)


def walks_in_order(first: list, second: list, expected: list) -> None:
    assert first == expected[:SMALL] and second == expected[SMALL : 2 * SMALL]
    assert not set(first) & set(second)


# --- bounces --------------------------------------------------------------------------------------------------------
@pytest.fixture
def bounced(city, liaison_urban):
    """ROWS tickets dispatched to the urban bureau just now, each bounced by its liaison (pending review), plus as
    many current assignments not bounced."""
    now = timezone.now()
    made = []
    for n in range(ROWS):
        ticket = factories.ticket(
            city, dispatched_to=city["urban"], hotline_no=f"B{n}", received_at=now - dt.timedelta(minutes=n)
        )
        made.append(bounce(ticket, liaison_urban, proposed=city["market"]))
    for n in range(ROWS):
        factories.ticket(city, dispatched_to=city["urban"], hotline_no=f"A{n}", received_at=now)
    return made


def test_the_review_queue_pages_oldest_first_by_its_next_link(client, bounced, dispatcher):
    client.force_login(dispatcher)
    first, second, _ = two_pages(client, "/bounces/review/", "page", "cursor", ids=lambda row: row["bounce"].pk)
    oldest_first = [b.pk for b in sorted(bounced, key=lambda b: (b.created_at, b.pk))]
    walks_in_order(first, second, oldest_first)


def test_the_review_queue_runs_the_same_queries_at_two_page_sizes(client, bounced, dispatcher):
    client.force_login(dispatcher)
    assert_same_queries(client, "/bounces/review/", ["page"])


def test_a_liaisons_assignments_and_bounces_page_each_by_their_own_cursor(client, bounced, liaison_urban):
    client.force_login(liaison_urban)
    first, second, response = two_pages(
        client, "/bounces/", "page", "assignments_cursor", ids=lambda row: row["assignment"].pk
    )
    assert len(first) == len(second) == SMALL and not set(first) & set(second)
    newest_first = [b.pk for b in sorted(bounced, key=lambda b: (b.created_at, b.pk), reverse=True)]
    assert [b.pk for b in response.context["bounces"].rows] == newest_first[:SMALL]  # the other list kept its place

    first, second, response = two_pages(client, "/bounces/", "bounces", "bounces_cursor")
    walks_in_order(first, second, newest_first)
    assert response.context["page"].previous_cursor is None  # the assignments stayed on their first page


def test_a_liaisons_bounce_page_runs_the_same_queries_at_two_page_sizes(client, bounced, liaison_urban):
    client.force_login(liaison_urban)
    assert_same_queries(client, "/bounces/", ["page", "bounces"])


def test_a_cursor_of_one_list_is_refused_naming_its_parameter(client, bounced, liaison_urban):
    client.force_login(liaison_urban)
    response = client.get("/bounces/", {"bounces_cursor": "abc"})
    assert response.status_code == 400
    assert "bounces_cursor" in response.content.decode()


# --- the conference home ----------------------------------------------------------------------------------------------
@pytest.fixture
def seated_member(city):
    """A member seated in ROWS sessions, each with one dispute on its agenda."""
    member = factories.user("member", Role.CONFERENCE_MEMBER)
    chair = factories.user("chair", Role.DISPATCHER)
    now = timezone.now()
    for n in range(ROWS):
        session = session_schedule(
            title=f"第{n}次联席会议", scheduled_for=now + dt.timedelta(days=n + 1), chair_id=chair.pk, actor=chair
        )
        seat_grant(session_id=session.pk, member_id=member.pk, department_id=city["housing"].pk, actor=None)
        AgendaItem.objects.create(session=session, dispute=dispute_on(city, f"C{n}"), position=1)
    return member


def dispute_on(city, hotline_no: str, **fields) -> Dispute:
    ticket = factories.ticket(city, dispatched_to=city["urban"], hotline_no=hotline_no)
    fields.setdefault("deadline", timezone.now() + dt.timedelta(days=3))
    dispute = Dispute.objects.create(ticket=ticket, trigger=DisputeTrigger.DISPATCHER, **fields)
    dispute.parties.set([city["urban"], city["market"]])
    return dispute


def test_a_members_items_and_sessions_page_each_by_their_own_cursor(client, seated_member):
    client.force_login(seated_member)
    newest_session_first = list(
        AgendaItem.objects.order_by("-session__scheduled_for", "-session_id", "position", "pk").values_list(
            "pk", flat=True
        )
    )
    first, second, response = two_pages(client, "/conference/", "items", "cursor")
    walks_in_order(first, second, newest_session_first)
    assert response.context["sessions"].previous_cursor is None

    first, second, _ = two_pages(client, "/conference/", "sessions", "sessions_cursor")
    walks_in_order(first, second, list(ConferenceSession.objects.values_list("pk", flat=True)))  # (-scheduled_for, -pk)


def test_the_conference_home_runs_the_same_queries_at_two_page_sizes(client, seated_member):
    client.force_login(seated_member)
    assert_same_queries(client, "/conference/", ["items", "sessions"])


# --- disputes ---------------------------------------------------------------------------------------------------------
@pytest.fixture
def disputes(city):
    now = timezone.now()
    return [dispute_on(city, f"D{n}", opened_at=now - dt.timedelta(hours=n % 3)) for n in range(ROWS)]  # ties


def test_the_dispute_list_pages_newest_first_by_its_next_link(client, disputes, supervisor):
    client.force_login(supervisor)
    first, second, _ = two_pages(client, "/disputes/", "page", "cursor", status="all")
    newest_first = [d.pk for d in sorted(disputes, key=lambda d: (d.opened_at, d.pk), reverse=True)]
    walks_in_order(first, second, newest_first)


def test_the_next_link_keeps_the_status_filter(client, disputes, supervisor):
    Dispute.objects.filter(pk=disputes[0].pk).update(status="agreed")  # a plain column: no history needed here
    client.force_login(supervisor)
    seen, url = [], "/disputes/?status=open&page_size=2"
    while url:
        response = client.get(url)
        seen += [d.pk for d in response.context["page"].rows]
        href = next_href(response.content.decode(), "cursor")
        url = "/disputes/" + href if href else None
    assert sorted(seen) == sorted(d.pk for d in disputes[1:])


@pytest.mark.parametrize("persona", ["supervisor", "liaison_urban"])
def test_the_dispute_list_runs_the_same_queries_at_two_page_sizes(request, client, disputes, persona):
    client.force_login(request.getfixturevalue(persona))
    assert_same_queries(client, "/disputes/", ["page"])


# --- rulings, leader decisions, agreements -------------------------------------------------------------------------
@pytest.fixture
def decisions(city, disputes, dispatcher):
    """ROWS of each kind, on the disputes above."""
    now = timezone.now()
    session = session_schedule(title="联席会议", scheduled_for=now, chair_id=dispatcher.pk, actor=dispatcher)
    items = [AgendaItem.objects.create(session=session, dispute=dispute) for dispute in disputes]
    made = {}
    for model in (Ruling, LeaderDecision, Agreement):
        made[model] = [
            model.objects.create(
                document_number=f"{model.__name__}〔2026〕{n}号",
                issued_at=now - dt.timedelta(days=n),
                issued_by=dispatcher,
                dispute=dispute,
                ticket=dispute.ticket,
                scope=RulingScope.TICKET,
                matter=city["stall"],
                territory=city["community_a1"],
                lead=city["urban"],
                reasons="理由",
                basis="依据",
                **({"agenda_item": items[n]} if model is Ruling else {}),  # a ruling closes an agenda item
            )
            for n, dispute in enumerate(disputes)
        ]
    return made


@pytest.mark.parametrize(
    ("model", "param"),
    [(Ruling, "rulings_cursor"), (LeaderDecision, "decisions_cursor"), (Agreement, "agreements_cursor")],
)
def test_each_kind_of_decision_pages_newest_first_by_its_own_cursor(client, decisions, supervisor, model, param):
    client.force_login(supervisor)
    first = client.get("/rulings/", {"page_size": SMALL})
    href = next_href(first.content.decode(), param)
    second = client.get("/rulings/" + href)
    lists = {kind: page for kind, _heading, page in second.context["lists"]}
    kind = {Ruling: "ruling", LeaderDecision: "decision", Agreement: "agreement"}[model]
    assert [d.pk for d in lists[kind].rows] == [d.pk for d in decisions[model]][SMALL : 2 * SMALL]
    for other, page in lists.items():  # the other two stayed on their first page
        if other != kind:
            assert page.previous_cursor is None and len(page.rows) == SMALL


def test_the_decision_list_runs_the_same_queries_at_two_page_sizes(client, decisions, supervisor):
    client.force_login(supervisor)
    client.get("/rulings/", {"page_size": SMALL})
    small, small_response = queries(client, "/rulings/", SMALL)
    large, large_response = queries(client, "/rulings/", LARGE)
    assert [len(page.rows) for _k, _h, page in small_response.context["lists"]] == [SMALL] * 3
    assert [len(page.rows) for _k, _h, page in large_response.context["lists"]] == [LARGE] * 3
    assert small == large


# --- catalogue reform -------------------------------------------------------------------------------------------------
@pytest.fixture
def proposals(dispatcher):
    now = timezone.now()
    return [
        CatalogueProposal.objects.create(
            title=f"修订建议{n}",
            origin=ProposalOrigin.GAP,
            rationale="依据",
            proposed_by=dispatcher,
            proposed_at=now - dt.timedelta(days=n // 2),  # ties on the time: the id breaks them
        )
        for n in range(ROWS)
    ]


@pytest.fixture
def reorganisations(dispatcher):
    now = timezone.now()
    return [
        Reorganisation.objects.create(
            kind=ReorganisationKind.RENAME,
            title=f"机构改革{n}",
            basis="三定方案",
            effective_at=now + dt.timedelta(days=n),
            planned_by=dispatcher,
        )
        for n in range(ROWS)
    ]


def test_the_proposal_list_pages_newest_first_by_its_next_link(client, proposals, dispatcher):
    client.force_login(dispatcher)
    first, second, _ = two_pages(client, "/catalogue/proposals/", "page", "cursor")
    walks_in_order(first, second, [p.pk for p in sorted(proposals, key=lambda p: (p.proposed_at, p.pk), reverse=True)])


def test_the_reorganisation_list_pages_latest_effective_first_by_its_next_link(client, reorganisations, dispatcher):
    client.force_login(dispatcher)
    first, second, _ = two_pages(client, "/catalogue/reorganisations/", "page", "cursor")
    walks_in_order(first, second, [r.pk for r in reversed(reorganisations)])


@pytest.mark.parametrize("url", ["/catalogue/proposals/", "/catalogue/reorganisations/"])
def test_the_reform_lists_run_the_same_queries_at_two_page_sizes(client, proposals, reorganisations, dispatcher, url):
    client.force_login(dispatcher)
    assert_same_queries(client, url, ["page"])


# --- exports ----------------------------------------------------------------------------------------------------------
def test_the_export_link_drops_the_cursors_and_the_page_size(client, bounced, liaison_urban):
    client.force_login(liaison_urban)
    first = client.get("/bounces/", {"page_size": SMALL, "outcome": "pending"})
    href = next_href(first.content.decode(), "bounces_cursor")
    content = client.get("/bounces/" + href).content.decode()
    [export] = re.findall(r'href="(/exports/bounces\.csv[^"]*)"', content)
    assert "cursor" not in export and "page_size" not in export and "outcome=pending" in export
