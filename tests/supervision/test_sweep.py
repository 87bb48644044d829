"""The sweep on hand-built situations: each trigger opens its case and nothing else; running twice changes nothing."""

import datetime as dt

import pytest

from arbitration.calendar import WorkingCalendar
from arbitration.choices import Role
from supervision import selectors
from supervision.choices import CaseStatus, ReminderStatus, Tier, Trigger
from supervision.models import CaseEvent, Reminder, SupervisionCase
from supervision.services.cases import reminders_send
from supervision.services.opening import Candidate, SweepReport, cases_open_batch
from supervision.services.sweep import supervision_sweep
from tests import factories
from tests.factories import at
from tests.supervision.helpers import (
    dispatched_ticket,
    rehandled_and_unsatisfied,
    rejected_bounce,
    supervision_rows,
)

pytestmark = pytest.mark.django_db


def open_cases():
    return list(SupervisionCase.objects.filter(status=CaseStatus.OPEN).order_by("pk"))


def test_a_ticket_past_its_limit_gets_one_overdue_case_pressing_its_lead(city):
    ticket = dispatched_ticket(city)  # due 2026-03-09 17:30

    report = supervision_sweep(now=at(2026, 3, 10, 10))

    [case] = open_cases()
    assert (case.trigger, case.tier, case.ticket, case.department) == (
        Trigger.OVERDUE,
        Tier.ROUTINE,
        ticket,
        city["urban"],
    )
    assert case.step_due_at == at(2026, 3, 17, 17, 30)  # five working days to respond at the first rung
    assert [r.step for r in case.reminders.all()] == ["opened"]
    assert dict(report.opened) == {Trigger.OVERDUE: 1}


def test_a_ticket_one_working_day_before_its_limit_gets_a_yellow_card(city):
    dispatched_ticket(city)  # due Monday 2026-03-09

    assert supervision_sweep(now=at(2026, 3, 5, 10)).changes == 0  # Thursday: two working days left
    supervision_sweep(now=at(2026, 3, 6, 10))  # Friday: the next working day is the last

    [case] = open_cases()
    assert case.trigger == Trigger.NEAR_DUE and case.step_due_at is None


def test_a_yellow_card_turns_red_once_the_limit_has_passed(city):
    dispatched_ticket(city)
    supervision_sweep(now=at(2026, 3, 6, 10))

    report = supervision_sweep(now=at(2026, 3, 10, 10))

    [case] = open_cases()
    assert case.trigger == Trigger.OVERDUE and report.turned_red == 1
    assert case.events.filter(kind="card_red").count() == 1
    assert {r.step for r in case.reminders.all()} == {"opened", "red"}


def test_unsatisfied_after_rehandling_opens_a_case(city):
    ticket = rehandled_and_unsatisfied(city)

    supervision_sweep(now=at(2026, 3, 6, 10))

    [case] = open_cases()
    assert (case.trigger, case.ticket) == (Trigger.UNSATISFIED, ticket)


def test_unsatisfied_without_rehandling_is_not_a_case_yet(city):
    ticket = dispatched_ticket(city)
    factories.ticket(
        city,
        hotline_no=ticket.hotline_no,
        dispatched_to=city["urban"],
        received_at=ticket.received_at,
        citizen_phone=ticket.citizen_phone,
        status="replied",
        satisfaction="dissatisfied",
    )

    assert supervision_sweep(now=at(2026, 3, 6, 10)).changes == 0


def test_three_requests_about_the_same_matter_at_the_same_place_open_one_repeated_case(city):
    tickets = [dispatched_ticket(city, received=at(2026, 3, 2 + i, 9)) for i in range(3)]

    supervision_sweep(now=at(2026, 3, 5, 10))

    [case] = open_cases()
    assert case.trigger == Trigger.REPEATED and case.ticket == tickets[-1]
    # The case is about the problem the three tickets make (it was keyed by place before problems existed).
    assert case.subject_key == f"problem:{case.problem_id}"
    assert set(case.problem.tickets.all()) == set(tickets)


def test_three_requests_from_the_same_caller_open_one_repeated_case(city):
    places = [city["community_a1"], city["community_b1"], city["street_a1"]]
    matters = [city["stall"], city["food"], city["stall"]]
    for day, (place, matter) in enumerate(zip(places, matters, strict=True)):
        dispatched_ticket(
            city,
            received=at(2026, 3, 2 + day, 9),
            territory_id=place.pk,
            matter_id=matter.pk,
            citizen_phone="13700001111",
        )

    supervision_sweep(now=at(2026, 3, 5, 10))

    [case] = open_cases()
    assert case.trigger == Trigger.REPEATED and case.problem.tickets.count() == 3
    assert {m.rule for m in case.problem.memberships.all()} == {"caller"}
    assert "13700001111" not in case.subject_key + case.reason  # the phone number is never stored with the case


def test_two_requests_are_not_a_repeat(city):
    for day in range(2):
        dispatched_ticket(city, received=at(2026, 3, 2 + day, 9))

    assert supervision_sweep(now=at(2026, 3, 4, 10)).changes == 0


def test_unreasonable_bounces_in_the_period_open_a_case_on_the_department(city, dispatcher):
    ticket = dispatched_ticket(city)
    for day in (2, 3, 4):
        rejected_bounce(ticket, city["market"], dispatcher, reviewed_at=at(2026, 3, day, 15))

    supervision_sweep(now=at(2026, 3, 5, 10))

    [case] = open_cases()
    assert (case.trigger, case.ticket, case.department) == (Trigger.UNREASONABLE_BOUNCES, None, city["market"])


def test_a_closed_unreasonable_bounce_case_is_not_reopened_for_the_same_bounces(city, dispatcher, supervisor):
    from supervision.services.cases import case_close

    ticket = dispatched_ticket(city)
    for day in (2, 3, 4):
        rejected_bounce(ticket, city["market"], dispatcher, reviewed_at=at(2026, 3, day, 15))
    supervision_sweep(now=at(2026, 3, 5, 10))
    case_close(case_id=open_cases()[0].pk, actor=supervisor, reason="已约谈")

    assert supervision_sweep(now=at(2026, 3, 5, 11)).changes == 0


def test_a_handled_ticket_closes_its_case_at_the_next_sweep(city):
    ticket = dispatched_ticket(city)
    supervision_sweep(now=at(2026, 3, 10, 10))
    factories.ticket(
        city,
        hotline_no=ticket.hotline_no,
        dispatched_to=city["urban"],
        received_at=ticket.received_at,
        citizen_phone=ticket.citizen_phone,
        status="replied",
    )

    report = supervision_sweep(now=at(2026, 3, 10, 11))

    assert report.closed == 1 and open_cases() == []


def test_a_second_sweep_changes_nothing(city, dispatcher):
    dispatched_ticket(city)  # overdue
    dispatched_ticket(city, received=at(2026, 3, 5, 9))  # due 03-12: not yet near
    rehandled_and_unsatisfied(city)
    for day in (2, 3, 4):
        rejected_bounce(
            dispatched_ticket(city, received=at(2026, 3, 3, 9)),
            city["market"],
            dispatcher,
            reviewed_at=at(2026, 3, day, 15),
        )
    now = at(2026, 3, 10, 10)
    first = supervision_sweep(now=now)
    before = supervision_rows()

    second = supervision_sweep(now=now)

    assert first.changes > 0
    assert second.changes == 0 and supervision_rows() == before


def test_reminders_are_sent_once(city):
    dispatched_ticket(city)
    supervision_sweep(now=at(2026, 3, 10, 10))

    assert reminders_send() == 1
    assert reminders_send() == 0
    assert SupervisionCase.objects.get().reminders.get().status == ReminderStatus.SENT


def test_the_sweep_ignores_tickets_far_from_their_limit(city):
    dispatched_ticket(city, received=at(2026, 3, 2, 9) + dt.timedelta(days=1))
    assert supervision_sweep(now=at(2026, 3, 3, 10)).changes == 0


def test_a_supervisor_holds_the_permissions_through_the_role_group(supervisor, liaison_urban):
    assert supervisor.has_perm("supervision.supervise_case") and supervisor.has_perm("supervision.issue_letter")
    assert not liaison_urban.has_perm("supervision.supervise_case")
    assert factories.user("someone", Role.LIAISON).has_perm("supervision.answer_case")


def test_cases_the_sweep_opens_carry_their_history_and_events(city):
    dispatched_ticket(city)
    supervision_sweep(now=at(2026, 3, 10, 10))

    case = SupervisionCase.objects.get()
    [row] = case.history.all()
    assert (row.history_type, row.history_change_reason, row.trigger, row.history_date) == (
        "+",
        "supervision sweep",
        Trigger.OVERDUE,
        at(2026, 3, 10, 10),
    )
    reminder = case.reminders.get()
    assert reminder.history.get().history_type == "+" and reminder.queued_at == at(2026, 3, 10, 10)
    assert [(e.kind, e.data) for e in case.events.all()] == [("opened", {}), ("reminder_queued", {"step": "opened"})]


def test_a_case_opened_in_bulk_has_the_history_row_its_save_would_have_written(city):
    """The sweep inserts its cases and their history rows set-based (supervision.services.opening); simple-history
    would have recorded a save as a copy of every tracked field of the row: the bulk path writes the same."""
    ticket = dispatched_ticket(city)
    supervision_sweep(now=at(2026, 3, 10, 10))

    case = SupervisionCase.objects.get()
    expected = {
        "subject_key": f"ticket:{ticket.pk}",
        "trigger": Trigger.OVERDUE,
        "ticket_id": ticket.pk,
        "problem_id": None,
        "department_id": city["urban"].pk,
        "tier": Tier.ROUTINE,
        "status": CaseStatus.OPEN,
        "reason": "已超出办理时限（2026-03-09 17:30到期）",
        "opened_at": at(2026, 3, 10, 10),
        "opened_by_id": None,
        "step_started_at": at(2026, 3, 10, 10),
        "closed_at": None,
        "closed_by_id": None,
        "close_reason": "",
    }
    assert {name: getattr(case, name) for name in expected} == expected
    assert case.step_due_at is not None and case.sweep_run
    [row] = case.history.all()
    tracked = [f.attname for f in SupervisionCase.history.model._meta.concrete_fields]
    tracked = [name for name in tracked if not name.startswith(("history_", "chain_"))]
    assert set(tracked) == {"id", "step_due_at", *expected}  # every field but the run token
    assert {name: getattr(row, name) for name in tracked} == {name: getattr(case, name) for name in tracked}
    assert (row.history_type, row.history_user_id, row.history_change_reason) == ("+", None, "supervision sweep")


def test_a_batch_skips_the_case_someone_opened_first_and_writes_nothing_for_it(city):
    """ON CONFLICT DO NOTHING: of a batch, only the cases this call inserted get a history row, events and a
    reminder, and only they are counted."""
    first, second = dispatched_ticket(city), dispatched_ticket(city)
    now = at(2026, 3, 10, 10)
    theirs = SupervisionCase.objects.create(
        subject_key=f"ticket:{first.pk}", ticket=first, trigger=Trigger.OVERDUE, reason="已开", opened_at=now
    )
    candidates = [
        Candidate(Trigger.OVERDUE, f"ticket:{ticket.pk}", ticket.pk, city["urban"].pk, "已超出办理时限")
        for ticket in (first, second)
    ]
    report = SweepReport()

    ids = cases_open_batch(
        candidates, now=now, calendar=WorkingCalendar.load(), ladder=selectors.ladder(), run="r1", report=report
    )

    [mine] = ids
    assert SupervisionCase.objects.get(pk=mine).ticket_id == second.pk and dict(report.opened) == {"overdue": 1}
    assert SupervisionCase.objects.filter(trigger=Trigger.OVERDUE).count() == 2
    assert not CaseEvent.objects.filter(case=theirs).exists() and not Reminder.objects.filter(case=theirs).exists()
    assert SupervisionCase.history.filter(id=mine).count() == 1
    assert list(CaseEvent.objects.filter(case_id=mine).values_list("kind", flat=True)) == ["opened", "reminder_queued"]
    assert Reminder.objects.filter(case_id=mine).count() == Reminder.history.filter(case_id=mine).count() == 1
