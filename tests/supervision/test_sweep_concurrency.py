"""Two sweeps at once on PostgreSQL open each case exactly once (threads, each with its own connection), and write
its records once, chained."""

import threading
from collections import Counter

import pytest
from django.db import connection

from arbitration.audit.verify import run_verification
from supervision.choices import CaseStatus
from supervision.models import CaseEvent, Problem, ProblemTicket, Reminder, SupervisionCase
from supervision.services.sweep import supervision_sweep
from tests import factories
from tests.factories import at
from tests.supervision.helpers import dispatched_ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sweeps_at_once_open_each_case_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and ON CONFLICT races need PostgreSQL")
    city = factories.small_city()
    tickets = [dispatched_ticket(city) for _ in range(60)]  # all overdue on 03-10
    barrier, reports, errors = threading.Barrier(2), [], []

    def sweep():
        try:
            barrier.wait()
            reports.append(supervision_sweep(now=at(2026, 3, 10, 10)))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    opened = SupervisionCase.objects.filter(status=CaseStatus.OPEN)
    assert set(Counter(opened.values_list("trigger", "subject_key")).values()) == {1}
    overdue = Counter(opened.filter(trigger="overdue").values_list("ticket_id", flat=True))
    assert overdue == Counter({ticket.pk: 1 for ticket in tickets})
    assert opened.filter(trigger="repeated").count() == 1  # sixty requests about one matter at one place
    assert Problem.objects.count() == 1 and ProblemTicket.objects.count() == len(tickets)
    assert Problem.history.count() == 1 and ProblemTicket.history.count() == len(tickets)
    cases = len(tickets) + 1
    assert sum(sum(report.opened.values()) for report in reports) == cases
    assert Reminder.objects.count() == CaseEvent.objects.filter(kind="opened").count() == cases
    assert SupervisionCase.history.count() == cases
    # Their history rows went in chained (each the first of its object's chain): none is left for the chainer, and
    # every chain verifies, the two sweeps' rows numbered one after the other.
    for model in (SupervisionCase, Reminder, Problem, ProblemTicket):
        history = model.history.model
        assert not history.objects.filter(chain_hash=None).exists()
        assert sorted(history.objects.values_list("chain_seq", flat=True)) == list(
            range(1, history.objects.count() + 1)
        )
    assert run_verification().ok
