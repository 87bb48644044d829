"""Two workers taking the same ruling's backlog at once (a retried task and the beat sweep): on PostgreSQL, with
real row locks, each ticket moves once and each department hears of it once."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from arbitration.choices import AssignmentRole, NoticeKind
from arbitration.models import Notice, Ruling
from arbitration.services.conferences import agenda_item_close
from arbitration.services.precedents import decision_backlog_apply
from tests import factories
from tests.arbitration.conference.conftest import seat_members
from tests.arbitration.conference.test_concurrency import in_thread
from tests.arbitration.conference.test_conference import vote

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks exist on PostgreSQL only"),
]


def test_a_backlog_taken_twice_at_once_moves_each_ticket_once(item, session, bodies, city):
    for member in seat_members(session, bodies[:3]):
        vote(item, member, city["market"])
    agenda_item_close(item_id=item.pk, actor=session.chair)  # its own backlog is empty yet
    ruling = Ruling.objects.get()
    tickets = [
        factories.ticket(city, dispatched_to=city["urban"], received_at=timezone.now(), hotline_no=f"BL{n:03d}")
        for n in range(12)
    ]  # in the street, still with urban: as if the platform had dispatched them before hearing of the ruling
    results: dict = {}
    start = threading.Barrier(2)

    def worker():
        start.wait()
        return decision_backlog_apply(model_label="arbitration.Ruling", pk=ruling.pk)

    threads = [threading.Thread(target=in_thread, args=(worker, results, n)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(isinstance(moved, int) for moved in results.values()), results  # neither worker failed
    assert sum(results.values()) == len(tickets)  # between them, every ticket once
    for ticket in tickets:
        leads = ticket.assignments.filter(role=AssignmentRole.LEAD, ended_at=None)
        assert [a.department_id for a in leads] == [city["market"].pk]
        assert sorted(Notice.objects.filter(ticket=ticket).values_list("kind", flat=True)) == sorted(
            [NoticeKind.TICKET_GAINED, NoticeKind.TICKET_LOST]
        )
