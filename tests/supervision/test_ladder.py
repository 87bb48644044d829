"""The ladder on the 2026 working calendar, hand actions on cases, and extensions moving the due time."""

import pytest

from arbitration.errors import PermissionDenied
from arbitration.models import Ticket
from supervision import access
from supervision.choices import AnswerKind, CaseStatus, ExtensionDecision, LetterKind, ReferralTrigger, Tier, Trigger
from supervision.errors import CaseAlreadyOpen, CaseClosed, ExtensionNotPending, ReasonRequired
from supervision.models import DisciplineReferral, LetterDraft, SupervisionCase
from supervision.services import cases
from supervision.services.sweep import supervision_sweep
from tests.factories import at
from tests.supervision.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_before_labour_day(city):
    """Dispatched 2026-04-20, due 04-27; the sweep of Thursday 04-30 opens its case just before the holiday."""
    dispatched_ticket(city, received=at(2026, 4, 20, 9))
    supervision_sweep(now=at(2026, 4, 30, 10))
    return SupervisionCase.objects.get()


def test_the_first_rung_counts_working_days_across_labour_day_and_its_makeup_saturday(overdue_before_labour_day):
    # 05-01..05-05 are days off and Saturday 05-09 is a make-up working day: 05-06, 07, 08, 09, 11.
    assert overdue_before_labour_day.step_due_at == at(2026, 5, 11, 17, 30)


def test_no_response_by_the_deadline_moves_the_case_up_one_rung_at_a_time(overdue_before_labour_day):
    case = overdue_before_labour_day
    assert supervision_sweep(now=at(2026, 5, 11, 17)).raised == 0

    assert supervision_sweep(now=at(2026, 5, 12, 9)).raised == 1
    case.refresh_from_db()
    assert case.tier == Tier.KEY and case.step_due_at == at(2026, 5, 19, 17, 30)
    assert LetterDraft.objects.filter(case=case, kind=LetterKind.ESCALATION).count() == 1  # the written notice

    supervision_sweep(now=at(2026, 5, 20, 9))
    case.refresh_from_db()
    assert case.tier == Tier.TASK_FORCE
    assert DisciplineReferral.objects.filter(trigger=ReferralTrigger.OVERDUE_AFTER_KEY, ticket=case.ticket).exists()

    assert supervision_sweep(now=at(2026, 5, 28, 9)).topped == 1
    assert supervision_sweep(now=at(2026, 5, 29, 9)).changes == 0


def test_a_progress_report_keeps_the_case_on_its_rung(overdue_before_labour_day, liaison_urban, city):
    case = overdue_before_labour_day
    cases.case_answer(
        case_id=case.pk,
        department_id=city["urban"].pk,
        actor=liaison_urban,
        kind=AnswerKind.PROGRESS,
        text="已联系当事人，正在整改",
        now=at(2026, 5, 8, 10),
    )

    assert supervision_sweep(now=at(2026, 5, 12, 9)).raised == 0
    case.refresh_from_db()
    assert case.step_due_at == at(2026, 5, 14, 17, 30)  # from Friday 05-08: Sat 05-09 (make-up), 11, 12, 13, 14


def test_an_extension_granted_moves_the_ticket_due_time_and_clears_the_case(
    overdue_before_labour_day, liaison_urban, supervisor, city
):
    case = overdue_before_labour_day
    answer = cases.case_answer(
        case_id=case.pk,
        department_id=city["urban"].pk,
        actor=liaison_urban,
        kind=AnswerKind.EXTENSION,
        text="需协调多部门，申请延期",
        requested_due_at=at(2026, 5, 15, 17, 30),
    )

    cases.extension_decide(answer_id=answer.pk, actor=supervisor, grant=True, reason="理由充分，同意延期")

    ticket = Ticket.objects.get(pk=case.ticket_id)
    assert ticket.due_at == at(2026, 5, 15, 17, 30)
    assert ticket.events.filter(kind="due_time_set").count() == 1
    assert supervision_sweep(now=at(2026, 5, 6, 10)).closed == 1
    with pytest.raises(ExtensionNotPending):
        cases.extension_decide(answer_id=answer.pk, actor=supervisor, grant=False, reason="再议")


def test_a_refused_extension_leaves_the_due_time(overdue_before_labour_day, liaison_urban, supervisor, city):
    case = overdue_before_labour_day
    before = case.ticket.due_at
    answer = cases.case_answer(
        case_id=case.pk,
        department_id=city["urban"].pk,
        actor=liaison_urban,
        kind=AnswerKind.EXTENSION,
        text="申请延期",
        requested_due_at=at(2026, 5, 15, 17, 30),
    )

    cases.extension_decide(answer_id=answer.pk, actor=supervisor, grant=False, reason="已严重超期，不予延期")

    assert Ticket.objects.get(pk=case.ticket_id).due_at == before
    assert answer.__class__.objects.get(pk=answer.pk).decision == ExtensionDecision.REFUSED


def test_a_supervisor_opens_raises_and_closes_by_hand_with_a_reason(city, supervisor):
    ticket = dispatched_ticket(city, received=at(2026, 3, 2, 9))
    with pytest.raises(ReasonRequired):
        cases.case_open(actor=supervisor, reason=" ", ticket_id=ticket.pk)
    case = cases.case_open(actor=supervisor, reason="媒体关注", ticket_id=ticket.pk, now=at(2026, 3, 3, 10))
    with pytest.raises(CaseAlreadyOpen):
        cases.case_open(actor=supervisor, reason="再开", ticket_id=ticket.pk)

    cases.case_raise(case_id=case.pk, actor=supervisor, reason="领导批示")
    cases.case_close(case_id=case.pk, actor=supervisor, reason="已办结")

    case.refresh_from_db()
    assert (case.trigger, case.tier, case.status) == (Trigger.MANUAL, Tier.KEY, CaseStatus.CLOSED)
    assert [e.kind for e in case.events.all()] == [
        "opened",
        "reminder_queued",
        "raised",
        "reminder_queued",
        "letter_drafted",
        "closed",
    ]
    with pytest.raises(CaseClosed):
        cases.case_raise(case_id=case.pk, actor=supervisor, reason="again")


def test_the_copied_regulator_sees_and_presses_its_territorys_case(city, supervisor, liaison_market):
    from arbitration.services.tickets import assignment_create

    ticket = dispatched_ticket(city, department=city["gov_a"])
    assignment_create(ticket=ticket, department_id=city["market"].pk, role="copied", method="dual", actor=None)
    case = cases.case_open(actor=supervisor, reason="双向联办督办", ticket_id=ticket.pk)

    assert access.case_get_for(user=liaison_market, case_id=case.pk) == case
    assert access.may_press(liaison_market, case) and not access.may_answer(liaison_market, case)
    cases.case_press(case_id=case.pk, actor=liaison_market, reason="请属地加快处置")
    assert case.reminders.count() == 2
    with pytest.raises(PermissionDenied):
        access.answering_department_id(liaison_market, case)
