"""A liaison's ticket list, read through the departments' assignments (docs/scale.md, "A liaison's list").

The list is driven by each assignment's copy of its ticket's received_at (Assignment.ticket_received_at): these
tests pin that the list shows exactly the tickets of the liaison's departments, each once, newest first across
pages, and that every path writing assignments or moving a ticket's received_at keeps the copy right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from arbitration.models import Assignment, Ticket
from arbitration.services.bulk import tickets_bulk_receive
from arbitration.services.dispatch import ticket_dispatch
from arbitration.services.tickets import ticket_receive
from tests import factories

pytestmark = pytest.mark.django_db

BULK = 53  # more than one page of the ticket list page (50 rows)


def _stale_copies() -> list[str]:
    """Assignments whose copy of the received_at differs from their ticket's."""
    return list(
        Assignment.objects.exclude(ticket_received_at=F("ticket__received_at")).values_list(
            "ticket__hotline_no", flat=True
        )
    )


def _dispatch(ticket: Ticket, lead, *co_handlers, actor) -> None:
    ticket_dispatch(
        ticket_id=ticket.pk,
        lead_department_id=lead.pk,
        co_handler_ids=[d.pk for d in co_handlers],
        actor=actor,
        reason="测试",
        override_reason="测试",
    )


@pytest.fixture
def liaison_two(city):
    """Liaison of the urban-management and the market-supervision bureaus."""
    return factories.user("liaison_two", "liaison", departments=(city["urban"], city["market"]))


@pytest.fixture
def tickets(city, dispatcher):
    """The urban bureau's many tickets (bulk, some at the same instant), and one of each awkward kind."""
    start = factories.at(2026, 3, 1, 8)
    tickets_bulk_receive(
        [
            factories.intake(
                city, f"B{n:03d}", dispatched_to=city["urban"], received_at=start + dt.timedelta(minutes=n // 2)
            )
            for n in range(BULK)
        ],
        actor=dispatcher,
        reason="bulk",
    )
    both = factories.ticket(city, hotline_no="BOTH", received_at=factories.at(2026, 3, 1, 8, 10))
    _dispatch(both, city["urban"], city["market"], actor=dispatcher)  # two of the liaison's departments at once
    back = factories.ticket(
        city, hotline_no="BACK", dispatched_to=city["urban"], received_at=factories.at(2026, 3, 1, 8, 5)
    )
    _dispatch(back, city["housing"], actor=dispatcher)
    _dispatch(back, city["urban"], actor=dispatcher)  # urban had it, lost it and got it back: two assignments
    factories.ticket(city, hotline_no="MARKET", dispatched_to=city["market"], received_at=factories.at(2026, 3, 1, 9))
    factories.ticket(city, hotline_no="OTHER", dispatched_to=city["housing"], received_at=factories.at(2026, 3, 1, 9))
    factories.ticket(city, hotline_no="UNDISPATCHED", received_at=factories.at(2026, 3, 1, 9))
    moved = factories.ticket(
        city, hotline_no="MOVED", dispatched_to=city["market"], received_at=factories.at(2026, 3, 3)
    )
    # The platform corrects the receiving time: the ticket moves from the top of the list to the middle.
    ticket_receive(
        intake=factories.intake(city, "MOVED", dispatched_to=city["market"], **_fields_of(moved, received_at=start)),
        actor=dispatcher,
    )
    return Ticket.objects.all()


def _fields_of(ticket: Ticket, **changes) -> dict:
    names = ("received_at", "dispatched_at", "request_type", "matter_id", "territory_id", "title", "content",
             "citizen_name", "citizen_phone")  # fmt: skip
    return {**{name: getattr(ticket, name) for name in names}, **changes}


def _expected(department_ids: set[int]) -> list[str]:
    """The tickets ever assigned to one of the departments, newest first (ties by id), computed in Python."""
    held = {a.ticket for a in Assignment.objects.select_related("ticket") if a.department_id in department_ids}
    return [t.hotline_no for t in sorted(held, key=lambda t: (t.received_at, t.pk), reverse=True)]


def _page_walk(client, query: dict) -> list[str]:
    numbers, cursor = [], None
    while True:
        response = client.get("/tickets/", {**query, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        page = response.context["page"]
        numbers += [ticket["hotline_no"] for ticket in page.rows]
        if not page.next_cursor:
            return numbers
        cursor = page.next_cursor


def _api_walk(user, query: dict) -> list[str]:
    client = APIClient()
    client.force_login(user)
    numbers, url = [], "/api/v1/tickets/"
    response = client.get(url, {**query, "page_size": 7})
    while True:
        assert response.status_code == 200, response.content
        numbers += [row["hotline_no"] for row in response.json()["results"]]
        if not response.json()["next"]:
            return numbers
        response = client.get(response.json()["next"])


def test_the_liaison_list_page_shows_each_ticket_of_their_departments_once_newest_first(
    client, city, tickets, liaison_two
):
    expected = _expected({city["urban"].pk, city["market"].pk})
    client.force_login(liaison_two)

    shown = _page_walk(client, {})

    assert shown == expected
    assert len(shown) == BULK + 4  # BOTH, BACK, MARKET and MOVED; not OTHER nor UNDISPATCHED
    assert shown.count("BOTH") == 1 and shown.count("BACK") == 1
    assert shown.index("MOVED") > shown.index("BOTH")  # its corrected, earlier time


def test_the_liaison_list_api_gives_the_same_tickets_across_small_pages(city, tickets, liaison_two):
    assert _api_walk(liaison_two, {}) == _expected({city["urban"].pk, city["market"].pk})


def test_the_list_of_one_department_keeps_its_tickets_once_on_the_page_and_in_the_api(
    client, city, tickets, liaison_two, supervisor
):
    market = _expected({city["market"].pk})
    client.force_login(liaison_two)

    assert _page_walk(client, {"department": city["market"].pk}) == market
    assert _api_walk(liaison_two, {"department": "SJJ"}) == market
    assert _api_walk(supervisor, {"department": "CGJ"}) == _expected({city["urban"].pk})
    assert set(market) == {"BOTH", "MOVED", "MARKET"}


def test_a_liaison_filtering_by_their_own_department_reads_its_assignments_through_one_join(
    client, city, tickets, liaison_two
):
    """The department is one of the liaison's: its tickets are all theirs, so the list joins that department's
    assignments alone (joining the liaison's departments too made a capped count take 612 ms at 1 M tickets)."""
    client.force_login(liaison_two)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/tickets/", {"department": city["market"].pk})

    reads = [q["sql"] for q in captured.captured_queries if "held_by" in q["sql"]]  # the page and its count
    assert [ticket["hotline_no"] for ticket in response.context["page"].rows] == _expected({city["market"].pk})
    assert reads and all(sql.count('JOIN "arbitration_assignment"') == 1 for sql in reads)


def test_the_liaison_list_names_its_departments_once_per_join(client, city, tickets, liaison_two):
    """The join's own condition names the departments; a second `department_id IN (…)` on the same rows made
    PostgreSQL count their selectivity twice (274 rows expected of 9,070 at 10 M tickets) and sort every one of them
    instead of walking the index for a page (docs/scale.md, "At 10 M tickets")."""
    client.force_login(liaison_two)
    with CaptureQueriesContext(connection) as captured:
        client.get("/tickets/")

    reads = [q["sql"] for q in captured.captured_queries if "held_by_viewer" in q["sql"]]  # the page and its count
    assert reads and all(sql.count('held_by_viewer."department_id" IN') == 1 for sql in reads)


def test_a_liaison_filtering_by_another_department_sees_only_the_tickets_both_held(city, tickets, liaison_two):
    """BACK went to housing, then to urban (the liaison's): it is the only ticket housing and the liaison share."""
    assert _api_walk(liaison_two, {"department": "ZJJ"}) == ["BACK"]


def test_a_filter_on_the_ticket_keeps_the_liaison_list_exact(client, city, tickets, liaison_two):
    """A status filter reads the assignments' copies of the status (selectors.ticket_list), which a ticket's save
    keeps right (tests/arbitration/test_assignment_copies.py walks the services that move it)."""
    for ticket in Ticket.objects.filter(hotline_no__in=["BACK", "B007"]):
        ticket.status = "closed"
        ticket.save(update_fields=["status"])
    client.force_login(liaison_two)

    shown = _page_walk(client, {"status": "closed"})

    assert shown == ["BACK", "B007"]


def test_a_liaison_list_by_urgency_is_exact_across_pages(client, city, tickets, liaison_two):
    """Urgency through departments reads the departments' open tickets by due time and sorts them on an expression
    no index yields in order (selectors._listed_at): the same tickets, each once, newest first across pages, and the
    cursor's key compares the same values."""
    from arbitration.selectors import ticket_urgency

    now = timezone.now()
    for ticket in Ticket.objects.all():  # saved one by one: Ticket.save keeps the assignments' copies
        soon = ticket.hotline_no in ("BOTH", "B003", "B004")
        ticket.due_at = now + dt.timedelta(hours=2) if soon else now - dt.timedelta(days=1)
        ticket.save(update_fields=["due_at"])
    closed = Ticket.objects.get(hotline_no="B006")
    closed.status = "closed"
    closed.save(update_fields=["status"])
    urgency = {t.hotline_no: ticket_urgency(t) for t in Ticket.objects.all()}
    mine = _expected({city["urban"].pk, city["market"].pk})
    client.force_login(liaison_two)

    overdue = _page_walk(client, {"urgency": "overdue"})
    due_soon = _page_walk(client, {"urgency": "due_soon"})

    assert overdue == [n for n in mine if urgency[n] == "overdue"]
    assert len(overdue) > 50 and "B006" not in overdue  # two pages: the cursor's key on the expression
    assert due_soon == [n for n in mine if urgency[n] == "due_soon"] and set(due_soon) == {"BOTH", "B003", "B004"}
    assert _page_walk(client, {"urgency": "overdue", "department": city["market"].pk}) == [
        n for n in _expected({city["market"].pk}) if urgency[n] == "overdue"
    ]


def test_a_liaison_list_by_matter_or_territory_is_exact_whether_a_leaf_or_a_subtree(client, city, tickets, liaison_two):
    """A liaison's list by matter or place filters the assignments' copies of the ticket's matter and territory
    (selectors._in_subtree), for a leaf and for a subtree alike: the tickets of the liaison's departments in that
    subtree, each once, newest first across pages."""
    moves = {"matter": (["BOTH", "BACK", "B010", "B011", "OTHER"], city["food"]),
             "territory": (["BOTH", "MOVED", "B020", "OTHER"], city["community_b1"])}  # fmt: skip
    for field, (numbers, value) in moves.items():
        for ticket in Ticket.objects.filter(hotline_no__in=numbers):
            setattr(ticket, field, value)
            ticket.save(update_fields=[field])  # the assignments' copies follow
    mine = _expected({city["urban"].pk, city["market"].pk})
    in_matter = {
        pk: set(Ticket.objects.filter(matter__path__startswith=matter.path).values_list("hotline_no", flat=True))
        for pk, matter in ((city["food"].pk, city["food"]), (city["urban_env"].pk, city["urban_env"]))
    }
    client.force_login(liaison_two)

    with CaptureQueriesContext(connection) as captured:
        by_food = _page_walk(client, {"matter": city["food"].pk})
    assert by_food == [n for n in mine if n in in_matter[city["food"].pk]]
    assert set(by_food) == {"BOTH", "BACK", "B010", "B011"}
    listed = [q["sql"] for q in captured.captured_queries if "held_by_viewer" in q["sql"]]
    assert listed and all('"ticket_matter_id" IN' in sql for sql in listed)
    assert not any('"arbitration_ticket"."matter_id" IN' in sql for sql in listed)
    by_subtree = _page_walk(client, {"matter": city["urban_env"].pk})
    assert by_subtree == [n for n in mine if n in in_matter[city["urban_env"].pk]] == mine
    in_b = [n for n in mine if n in {"BOTH", "MOVED", "B020"}]
    assert _api_walk(liaison_two, {"territory": city["community_b1"].code}) == in_b
    assert _api_walk(liaison_two, {"territory": city["district_b"].code}) == in_b
    food_in_a = [n for n in by_food if n != "BOTH"]
    assert _api_walk(liaison_two, {"territory": city["district_a"].code, "matter": city["food"].code}) == food_in_a


# --- the copy stays right on every writing path ----------------------------------------------------------------
def test_dispatch_and_re_dispatch_copy_the_tickets_received_at(city, dispatcher):
    ticket = factories.ticket(city, received_at=factories.at(2026, 3, 4, 7))
    _dispatch(ticket, city["urban"], city["market"], actor=dispatcher)
    _dispatch(ticket, city["housing"], actor=dispatcher)

    assert ticket.assignments.count() == 3
    assert set(ticket.assignments.values_list("ticket_received_at", flat=True)) == {factories.at(2026, 3, 4, 7)}
    assert _stale_copies() == []


def test_the_platform_moving_received_at_moves_every_copy(city, dispatcher):
    ticket = factories.ticket(city, hotline_no="R1", dispatched_to=city["urban"])
    _dispatch(ticket, city["market"], actor=dispatcher)

    ticket_receive(
        intake=factories.intake(
            city, "R1", **_fields_of(ticket, received_at=factories.at(2026, 2, 27), dispatched_to=None)
        ),
        actor=dispatcher,
    )

    assert set(ticket.assignments.values_list("ticket_received_at", flat=True)) == {factories.at(2026, 2, 27)}
    assert _stale_copies() == []


def test_import_tickets_copies_received_at_onto_the_platforms_dispatch(city, tmp_path: Path):
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=["hotline_no", "received_at", "request_type", "matter", "territory",
                                                    "title", "content", "dispatched_to"])  # fmt: skip
        writer.writeheader()
        for n, when in enumerate(("2026-03-02T09:00:00+08:00", "2026-03-05T18:30:00+08:00")):
            writer.writerow({"hotline_no": f"IMP{n}", "received_at": when, "request_type": "投诉",
                             "matter": "010101", "territory": "370802001001", "title": "占道经营",
                             "content": "夜市摊贩占用人行道。", "dispatched_to": "CGJ"})  # fmt: skip

    call_command("import_tickets", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    copies = dict(Assignment.objects.values_list("ticket__hotline_no", "ticket_received_at"))
    assert copies == {"IMP0": factories.at(2026, 3, 2, 9), "IMP1": factories.at(2026, 3, 5, 18, 30)}


def test_api_intake_copies_received_at_and_a_later_correction_moves_it(city, dispatcher):
    client = APIClient()
    client.force_login(dispatcher)
    body = {"hotline_no": "API1", "received_at": "2026-03-02T09:00:00+08:00", "request_type": "complaint",
            "matter": "010101", "territory": "370802001001", "title": "占道经营", "content": "小区门口每天晚上有摊贩。",
            "dispatched_to": "CGJ"}  # fmt: skip

    assert client.post("/api/v1/tickets/", body, format="json").status_code == 201
    assert list(Assignment.objects.values_list("ticket_received_at", flat=True)) == [factories.at(2026, 3, 2, 9)]

    corrected = {**body, "received_at": "2026-03-01T20:00:00+08:00"}
    assert client.post("/api/v1/tickets/", corrected, format="json").status_code == 200
    assert list(Assignment.objects.values_list("ticket_received_at", flat=True)) == [factories.at(2026, 3, 1, 20)]
    assert _stale_copies() == []
