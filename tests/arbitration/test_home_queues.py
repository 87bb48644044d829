"""Each role's home queue on a known state built through the services: what is listed, in which order, the
navigation's counts, and a constant number of queries whatever the queue's length (docs/homes.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arbitration.choices import Role, TicketStatus
from arbitration.models import Ticket
from arbitration.services.bounces import bounce_uphold
from arbitration.services.conferences import session_schedule
from arbitration.services.disputes import dispute_put_on_agenda, dispute_refer_to_leader
from legal.choices import CaseOrigin
from legal.services import cases as legal_cases
from supervision.choices import LetterKind, Tier
from supervision.services.cases import case_open
from supervision.services.letters import letter_issue_for_case
from tests import factories
from tests.arbitration.conference.conftest import bounce, seat_members
from tests.factories import at, ticket


def section(response, key: str) -> list:
    """The rows (their labels) of one section of the home queue."""
    for template, data in response.context["cards"]:
        if template.endswith("_queue.html"):
            for shown in data["sections"]:
                if shown.section.key == key:
                    return [item["row"].label for item in shown.rows]
    raise AssertionError(f"no section {key}")


def sections(response) -> set[str]:
    return {
        shown.section.key
        for template, data in response.context["cards"]
        if template.endswith("_queue.html")
        for shown in data["sections"]
    }


def nav_counts(response) -> dict[str, int]:
    return {item["key"]: item["count"] for item in response.context["queue_counts"]}


@pytest.fixture
def disputed(city, dispatcher, liaison_urban, liaison_market):
    """urban bounces to market (upheld), market bounces back: a pending bounce and a dispute between the two."""
    fresh = ticket(city, dispatched_to=city["urban"], received_at=timezone.now(), hotline_no="D1")
    bounce_uphold(
        bounce_id=bounce(fresh, liaison_urban, proposed=city["market"]).pk,
        actor=dispatcher,
        lead_department_id=city["market"].pk,
        note="属市场监管职责",
        override_reason="复核认定",
    )
    bounce(fresh, liaison_market, proposed=city["urban"])
    return fresh.disputes.get()


def test_dispatcher_queue_lists_waiting_work_oldest_first(client, city, dispatcher, disputed):
    ticket(city, hotline_no="R-late", received_at=at(2026, 3, 3, 9))
    ticket(city, hotline_no="R-early", received_at=at(2026, 3, 2, 9))
    client.force_login(dispatcher)
    response = client.get("/")
    assert section(response, "arbitration.received") == ["R-early", "R-late"]
    assert section(response, "arbitration.bounces") == ["D1"]  # market's bounce back, waiting for review
    assert section(response, "arbitration.disputes") == ["D1"]
    html = response.content.decode()
    assert 'href="/tickets/R-early/"' in html  # one click from the dispatch form
    counts = nav_counts(response)
    assert counts["arbitration.received"] == 2
    assert counts["arbitration.bounces"] == 1 and counts["arbitration.disputes"] == 1


def test_dispatcher_sees_waiting_tickets_the_catalogue_names_no_owner_for(client, city, dispatcher):
    orphan = factories.matter("990101", "无主事项")  # no duty, no precedent names a lead for it
    ticket(city, hotline_no="R-owned", received_at=at(2026, 3, 2, 9))
    ticket(city, hotline_no="R-orphan", received_at=at(2026, 3, 3, 9), matter_id=orphan.pk)
    client.force_login(dispatcher)
    response = client.get("/")
    assert section(response, "arbitration.received") == ["R-owned", "R-orphan"]
    assert section(response, "arbitration.unowned") == ["R-orphan"]
    assert nav_counts(response)["arbitration.unowned"] == 1


def test_liaison_queue_lists_their_due_tickets_by_due_time_and_their_bounce_windows(
    client, city, liaison_urban, liaison_market
):
    later = ticket(city, dispatched_to=city["urban"], hotline_no="U-later", received_at=at(2026, 3, 4, 9))
    earlier = ticket(city, dispatched_to=city["urban"], hotline_no="U-earlier", received_at=at(2026, 3, 2, 9))
    ticket(city, dispatched_to=city["market"], hotline_no="M-1", received_at=at(2026, 3, 2, 9))
    ticket(city, dispatched_to=city["urban"], hotline_no="U-fresh", received_at=timezone.now())
    assert earlier.due_at < later.due_at < timezone.now()
    client.force_login(liaison_urban)
    response = client.get("/")
    assert section(response, "arbitration.due") == ["U-earlier", "U-later"]  # the market's ticket is not theirs
    # The window counts from the assignment (docs/bounces.md): all three were assigned just now, oldest first; a
    # bounced one leaves the section.
    assert section(response, "arbitration.bounce_windows") == ["U-later", "U-earlier", "U-fresh"]
    bounce(later, liaison_urban, proposed=city["market"])
    assert section(client.get("/"), "arbitration.bounce_windows") == ["U-earlier", "U-fresh"]
    Ticket.objects.filter(pk=earlier.pk).update(status=TicketStatus.CLOSED)  # a closed ticket is not bounced
    assert section(client.get("/"), "arbitration.bounce_windows") == ["U-fresh"]
    assert "overdue" in response.content.decode() or "逾期" in response.content.decode()
    assert nav_counts(response)["arbitration.due"] == 2
    assert "supervision.to_answer" in sections(response)


def test_member_sees_items_to_vote_and_why_they_are_recused(client, city, disputed):
    chair = factories.user("chair", Role.DISPATCHER)
    session = session_schedule(
        title="第1次联席会议", scheduled_for=timezone.now() + dt.timedelta(days=1), chair_id=chair.pk, actor=chair
    )
    dispute_put_on_agenda(dispute_id=disputed.pk, session_id=session.pk, actor=chair)
    outsider_body = factories.department("B1", "市司法局")
    party_member, neutral_member = seat_members(session, [city["urban"], outsider_body])
    client.force_login(neutral_member)
    response = client.get("/")
    assert section(response, "arbitration.votes") == ["第1次联席会议"]
    assert section(response, "arbitration.sessions") == ["第1次联席会议"]
    client.force_login(party_member)
    html = client.get("/").content.decode()
    assert "第1次联席会议" in html
    assert "回避" in html or "recused" in html


def test_supervisor_queue_puts_the_heaviest_rung_first(client, city, supervisor):
    routine = ticket(city, dispatched_to=city["urban"], hotline_no="S-routine")
    heavy = ticket(city, dispatched_to=city["market"], hotline_no="S-heavy")
    case_open(actor=supervisor, reason="人工督办", ticket_id=routine.pk, tier=Tier.ROUTINE)
    case_open(actor=supervisor, reason="人工督办", ticket_id=heavy.pk, tier=Tier.TASK_FORCE)
    client.force_login(supervisor)
    response = client.get("/")
    assert section(response, "supervision.cases") == ["S-heavy", "S-routine"]
    assert nav_counts(response)["supervision.cases"] == 2


def test_legal_desk_queue_lists_cases_waiting_for_a_lawyer_first(client, city):
    desk_lead = factories.user("desk_lead", Role.LEGAL_DESK_LEAD)
    lawyer = factories.user("lawyer", Role.LAWYER)
    assigned = ticket(city, hotline_no="L-assigned")
    waiting = ticket(city, hotline_no="L-waiting")
    for t in (assigned, waiting):
        legal_cases.legal_case_open(ticket=t, origin=CaseOrigin.DISPATCHER, actor=desk_lead, reason="test")
    legal_cases.legal_case_assign(case_id=assigned.legal_case.pk, lawyer_id=lawyer.pk, actor=desk_lead)
    client.force_login(desk_lead)
    assert section(client.get("/"), "legal.cases") == ["L-waiting", "L-assigned"]
    client.force_login(lawyer)
    response = client.get("/")
    assert section(response, "legal.cases") == ["L-assigned"]
    assert section(response, "legal.advice") == ["L-assigned"]


def _grow(city, n: int, start: int) -> None:
    """n more tickets waiting for dispatch and n more overdue at the urban bureau."""
    for i in range(start, start + n):
        ticket(city, hotline_no=f"G-R{i}", received_at=at(2026, 3, 2, 9))
        ticket(city, dispatched_to=city["urban"], hotline_no=f"G-D{i}", received_at=at(2026, 3, 2, 9))


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "roles",
    [
        (Role.DISPATCHER,),
        (Role.LIAISON,),
        (Role.SUPERVISOR,),
        (Role.CONFERENCE_MEMBER,),
        (Role.LAWYER,),
        (Role.LEGAL_DESK_LEAD,),
        (Role.DISCIPLINE_LIAISON,),
        (Role.PROCURATORATE_LIAISON,),
    ],
)
def test_home_costs_the_same_queries_at_two_sizes(client, city, roles):
    person = factories.user("someone", *roles, departments=(city["urban"],) if Role.LIAISON in roles else ())
    client.force_login(person)
    _grow(city, 2, 0)
    client.get("/")  # the session and the per-process caches, once
    small = _home_queries(client)
    _grow(city, 15, 2)  # past the rows a section shows
    assert _home_queries(client) == small


def test_leader_sign_off_is_counted_in_the_navigation(client, city, dispatcher, disputed):
    leader = factories.user("leader", Role.CITY_LEADER)
    client.force_login(leader)
    assert "arbitration.sign_off" not in nav_counts(client.get("/supervision/cockpit/"))  # nothing waits yet
    session = session_schedule(
        title="第2次联席会议",
        scheduled_for=timezone.now() + dt.timedelta(days=1),
        chair_id=dispatcher.pk,
        actor=dispatcher,
    )
    dispute_put_on_agenda(dispute_id=disputed.pk, session_id=session.pk, actor=dispatcher)
    dispute_refer_to_leader(dispute_id=disputed.pk, actor=dispatcher, reason="会议未形成多数")  # a deadlock
    response = client.get("/supervision/cockpit/")
    assert nav_counts(response)["arbitration.sign_off"] == 1
    assert 'href="/leader/"' in response.content.decode()  # the count links to the sign-off queue


def test_liaison_queue_lists_cases_and_letters_to_answer_with_their_dates(client, city, supervisor, liaison_urban):
    pressed = ticket(city, dispatched_to=city["urban"], hotline_no="C-1")
    case = case_open(actor=supervisor, reason="人工督办", ticket_id=pressed.pk)
    letter = letter_issue_for_case(case_id=case.pk, kind=LetterKind.REMINDER, actor=supervisor, reason="催办")
    client.force_login(liaison_urban)
    response = client.get("/")
    assert response.status_code == 200
    assert section(response, "supervision.to_answer") == ["C-1"]
    assert section(response, "supervision.letters_to_answer") == [letter.document_number]
    if letter.response_due_on:  # a day, shown without a time of day
        assert f"{letter.response_due_on:%Y-%m-%d}<br>" in response.content.decode()
