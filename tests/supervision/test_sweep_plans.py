"""What a steady sweep reads: a fixed set of selections, however many open tickets and cases there are, and one
read of the open ticket cases for both closing and turning red (bench/bench_sweep.py times the same selections as
its floor)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arbitration.choices import Satisfaction
from arbitration.models import Ticket
from supervision.choices import CaseStatus, Trigger
from supervision.models import SupervisionCase
from supervision.services.sweep import supervision_sweep
from tests.factories import at
from tests.supervision.helpers import dispatched_ticket, rehandled_and_unsatisfied

pytestmark = pytest.mark.django_db

# The selections of a steady sweep, one query each: the working calendar (years, days); the open ticket cases to
# close or turn red; the open alert cases; the open time-limit cases and the open tickets due before the cutoff;
# unsatisfied after re-handling; unreasonable bounces; alerts past their day; the repeat window's members, groups
# by place and by caller; the ladder's lapsed steps; the referral rules ping-pong and repeated dissatisfaction.
STEADY_SELECTIONS = 15


def steady_queries(now) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert supervision_sweep(now=now).changes == 0
    return [query["sql"] for query in queries]


def test_a_steady_sweep_makes_the_same_selections_however_many_tickets_and_cases_are_open(city):
    open_cases = SupervisionCase.objects.filter(status=CaseStatus.OPEN)
    for day in (2, 3):
        dispatched_ticket(city, received=at(2026, 3, day, 9))
    supervision_sweep(now=at(2026, 3, 12, 10))
    assert open_cases.count() == 2
    few = steady_queries(at(2026, 3, 12, 11))

    for day in (2, 3, 4, 5, 6, 9):
        dispatched_ticket(city, received=at(2026, 3, day, 10))
    supervision_sweep(now=at(2026, 3, 12, 12))
    assert open_cases.count() > 6  # overdue and yellow cards, and the repeated requests' problem
    many = steady_queries(at(2026, 3, 12, 13))

    assert len(few) == len(many) == STEADY_SELECTIONS
    assert not [sql for sql in many if "supervision_ladderrule" in sql]  # the ladder is read only to move a case


def test_one_read_of_the_open_ticket_cases_closes_the_cleared_and_turns_the_due_red(city):
    extended = dispatched_ticket(city)  # due Monday 2026-03-09 17:30
    yellow = dispatched_ticket(city, received=at(2026, 3, 3, 9))  # due Tuesday 2026-03-10 17:30
    rerated = rehandled_and_unsatisfied(city)
    about_tickets = SupervisionCase.objects.filter(trigger__in=(Trigger.NEAR_DUE, Trigger.OVERDUE, Trigger.UNSATISFIED))
    supervision_sweep(now=at(2026, 3, 10, 10))
    cases = {case.ticket_id: case for case in about_tickets.filter(status=CaseStatus.OPEN)}
    assert {pk: case.trigger for pk, case in cases.items()} == {
        extended.pk: Trigger.OVERDUE,
        yellow.pk: Trigger.NEAR_DUE,
        rerated.pk: Trigger.UNSATISFIED,
    }
    Ticket.objects.filter(pk=extended.pk).update(due_at=at(2026, 3, 20, 17, 30))
    Ticket.objects.filter(pk=rerated.pk).update(satisfaction=Satisfaction.SATISFIED)

    report = supervision_sweep(now=at(2026, 3, 11, 10))

    assert (report.closed, report.turned_red) == (2, 1)
    reasons = dict(about_tickets.filter(status=CaseStatus.CLOSED).values_list("ticket_id", "close_reason"))
    assert reasons == {extended.pk: "办理时限已延长，不再超期", rerated.pk: "群众评价已不是不满意"}
    [red] = about_tickets.filter(status=CaseStatus.OPEN)
    assert (red.pk, red.trigger) == (cases[yellow.pk].pk, Trigger.OVERDUE)
    assert supervision_sweep(now=at(2026, 3, 11, 11)).changes == 0
