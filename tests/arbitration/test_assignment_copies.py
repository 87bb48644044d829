"""Each assignment keeps copies of its ticket's status, due time, matter and territory (Assignment.ticket_status,
ticket_due_at, ticket_matter, ticket_territory), read by a liaison's status, urgency, matter and territory filters and
the home's count of due tickets (docs/scale.md, "The ticket's state on the assignment"). A stale copy would show the
wrong tickets, so every path that moves a ticket's status, due time, matter or place is walked here, through the API,
`import_tickets` and the platform's events, and the copies compared with the tickets after each step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from arbitration.models import Assignment, Ticket
from arbitration.queues import QueueContext, _liaison_due_count, liaison_due_rows
from arbitration.services.dispatch import ticket_dispatch
from arbitration.services.tickets import assignment_create, ticket_extend_due
from tests import factories
from tests.arbitration.test_import_events import import_tickets, life, through_the_api, write_csv

pytestmark = pytest.mark.django_db


COPIES = {
    "ticket_status": "status",
    "ticket_due_at": "due_at",
    "ticket_matter": "matter",
    "ticket_territory": "territory",
}


def stale_copies() -> list[tuple]:
    """(number, each copy, each of the ticket's values) of every assignment whose copies are not its ticket's; and
    the check that there is at least one assignment to compare."""
    rows = Assignment.objects.values_list(
        "ticket__hotline_no", *COPIES, *(f"ticket__{name}" for name in COPIES.values())
    )
    assert rows, "no assignment to compare"
    return [row for row in rows if row[1 : 1 + len(COPIES)] != row[1 + len(COPIES) :]]


def test_every_platform_event_through_the_api_keeps_the_copies(city, dispatcher):
    rows = life("SD1")
    through_the_api(rows[:1], dispatcher)  # received and dispatched to the lead by the platform
    ticket_dispatch(
        ticket_id=Ticket.objects.get(hotline_no="SD1").pk,
        lead_department_id=city["urban"].pk,
        co_handler_ids=[city["market"].pk],
        actor=dispatcher,
        reason="测试",
        override_reason="测试",
    )
    assert stale_copies() == []
    seen = set()
    for row in rows[1:]:
        through_the_api([row], dispatcher)
        assert stale_copies() == [], row["kind"]
        seen.add(Ticket.objects.get(hotline_no="SD1").status)
    # The walk went through handling, replied, handling again after re-handling (a new due time) and closed.
    assert {"handling", "replied", "closed"} <= seen


def test_a_withdrawal_and_an_extension_keep_the_copies(city, dispatcher):
    through_the_api(life("SD2")[:1], dispatcher)
    ticket = Ticket.objects.get(hotline_no="SD2")
    ticket_extend_due(ticket_id=ticket.pk, new_due_at=ticket.due_at + dt.timedelta(days=3), actor=dispatcher,
                      reason="延期")  # fmt: skip
    assert stale_copies() == []

    through_the_api([{"hotline_no": "SD2", "event_id": "W1", "kind": "withdrawn", "at": "2026-03-03T10:00:00"}],
                    dispatcher)  # fmt: skip

    assert Ticket.objects.get(hotline_no="SD2").status == "withdrawn"
    assert stale_copies() == []


def test_import_tickets_writes_the_copies_and_its_events_move_them(city, tmp_path):
    rows = life("IMP1") + life("IMP2")[:6]  # one ticket closed, one left replied

    _out, err = import_tickets(write_csv(tmp_path / "month.csv", rows))

    assert err == "", err
    statuses = dict(Ticket.objects.values_list("hotline_no", "status"))
    assert statuses == {"IMP1": "closed", "IMP2": "replied"}
    assert stale_copies() == []


def test_import_tickets_new_tickets_carry_the_copies_as_dispatched(city, tmp_path):
    import_tickets(write_csv(tmp_path / "new.csv", [life("NEW1")[0], life("NEW2")[0]]))

    copies = set(Assignment.objects.values_list("ticket_status", flat=True))
    assert copies == {"dispatched"}
    assert stale_copies() == []


def test_the_home_counts_a_due_ticket_two_of_the_liaisons_departments_hold_once(city, dispatcher):
    liaison = factories.user("liaison_both", "liaison", departments=(city["urban"], city["market"]))
    held = factories.ticket(city, dispatched_to=city["urban"], hotline_no="BOTH")
    assignment_create(ticket=held, department_id=city["market"].pk, role="co_handler", method="direct",
                      actor=dispatcher)  # fmt: skip
    factories.ticket(city, dispatched_to=city["housing"], hotline_no="OTHER")  # not the liaison's
    now = timezone.now()
    for ticket in Ticket.objects.all():
        ticket.due_at = now + dt.timedelta(hours=2)  # due soon
        ticket.save(update_fields=["due_at"])
    assert stale_copies() == []

    ctx = QueueContext(user=liaison, now=now)

    assert [row.label for row in liaison_due_rows(ctx)] == ["BOTH"]
    assert _liaison_due_count(ctx) == 1


def test_a_ticket_sent_again_with_another_matter_and_place_moves_the_copies(city, dispatcher):
    row = life("MOVE1")[0]
    through_the_api([row], dispatcher)
    ticket = Ticket.objects.get(hotline_no="MOVE1")
    assert (ticket.matter, ticket.territory) == (city["stall"], city["community_a1"])

    client = APIClient()
    client.force_login(dispatcher)
    resent = client.post("/api/v1/tickets/", {**row, "matter": "010102", "territory": "370811001001"}, format="json")
    assert resent.json()["outcome"] == "updated", resent.json()  # the platform reclassified it

    ticket.refresh_from_db()
    assert (ticket.matter, ticket.territory) == (city["food"], city["community_b1"])
    assert stale_copies() == []
    assert set(Assignment.objects.values_list("ticket_matter", "ticket_territory")) == {
        (city["food"].pk, city["community_b1"].pk)
    }


def test_the_admin_path_and_a_new_assignment_copy_the_matter_and_place(city, dispatcher):
    ticket = factories.ticket(city, dispatched_to=city["urban"], hotline_no="ADM1")
    ticket.territory = city["community_b1"]
    ticket.save()  # every field, as the admin saves
    assignment_create(
        ticket=ticket,
        department_id=city["market"].pk,
        role="co_handler",
        method="direct",
        actor=dispatcher,
        reason="测试",
    )
    assert stale_copies() == []
