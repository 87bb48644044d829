"""Real races on PostgreSQL: threads, each with its own connection, against the real row locks."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from arbitration.choices import AgendaOutcome, DisputeTrigger
from arbitration.errors import ItemClosed
from arbitration.models import AgendaItem, Ruling, Vote
from arbitration.services.conferences import agenda_item_close, vote_cast
from arbitration.services.disputes import dispute_open, dispute_put_on_agenda
from tests import factories
from tests.arbitration.conference.conftest import seat_members

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks exist on PostgreSQL only"),
]


def in_thread(work, results, key):
    try:
        results[key] = work()
    except Exception as error:  # recorded and asserted on by the test
        results[key] = error
    finally:
        connections.close_all()


def open_item(city, session, chair, n):
    ticket = factories.ticket(city, dispatched_to=city["urban"], received_at=timezone.now(), hotline_no=f"R{n:05d}")
    dispute = dispute_open(
        ticket_id=ticket.pk,
        actor=chair,
        trigger=DisputeTrigger.DISPATCHER,
        party_ids=[city["urban"].pk, city["market"].pk],
        reason="test",
    )
    return dispute_put_on_agenda(dispute_id=dispute.pk, session_id=session.pk, actor=chair)


def test_fifty_votes_racing_the_close_are_each_counted_once_or_refused(city, session, chair):
    item = open_item(city, session, chair, 1)
    bodies = [factories.department(f"V{n:02d}", f"成员单位{n:02d}") for n in range(50)]
    members = seat_members(session, bodies)
    results: dict = {}
    start = threading.Barrier(len(members) + 1)

    def voter(member):
        def work():
            start.wait()
            return vote_cast(item_id=item.pk, actor=member, lead_department_id=city["urban"].pk, reason="同意").pk

        return work

    def closer():
        start.wait()
        # Close while votes are still arriving: once about half have committed (a condition, not a timer).
        while Vote.objects.filter(item_id=item.pk).count() < 20:
            pass
        return agenda_item_close(item_id=item.pk, actor=chair, reasons="多数", basis="表决")

    threads = [threading.Thread(target=in_thread, args=(voter(m), results, m.pk)) for m in members]
    threads.append(threading.Thread(target=in_thread, args=(closer, results, "close")))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not isinstance(results["close"], Exception), results["close"]
    counted = [key for key, value in results.items() if key != "close" and isinstance(value, int)]
    refused = [key for key, value in results.items() if isinstance(value, ItemClosed)]
    assert len(counted) + len(refused) == 50  # nothing else went wrong
    item = AgendaItem.objects.get(pk=item.pk)
    assert item.result["cast"] == len(counted) == Vote.objects.filter(item=item).count()
    assert sorted(v["member"] for v in item.result["votes"]) == sorted(str(m) for m in members if m.pk in counted)
    assert 20 <= len(counted) < 50 or refused == []
    if item.outcome == AgendaOutcome.RULING:
        assert Ruling.objects.get().data["tally"]["cast"] == len(counted)


def test_twenty_rulings_issued_at_once_get_twenty_consecutive_numbers(city, session, chair):
    bodies = [factories.department(f"W{n}", f"表决单位{n}") for n in range(3)]
    members = seat_members(session, bodies)
    items = [open_item(city, session, chair, n) for n in range(20)]
    for item in items:
        for member in members:
            vote_cast(item_id=item.pk, actor=member, lead_department_id=city["urban"].pk, reason="同意")
    results: dict = {}
    start = threading.Barrier(len(items))

    def closer(item):
        def work():
            start.wait()
            return agenda_item_close(item_id=item.pk, actor=chair).pk

        return work

    threads = [threading.Thread(target=in_thread, args=(closer(i), results, i.pk)) for i in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(value, int) for value in results.values()), results
    year = timezone.localdate().year
    numbers = sorted(Ruling.objects.values_list("document_number", flat=True))
    assert sorted(numbers) == sorted(f"明责认〔{year}〕{n}号" for n in range(1, 21))
