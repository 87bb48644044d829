"""Supervision cases by hand: open, raise, close, press, answer, and decide a request for extension."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from arbitration.calendar import WorkingCalendar
from arbitration.choices import AssignmentRole
from arbitration.errors import InvalidInput, NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import Assignment, Department, Ticket
from arbitration.services.tickets import ticket_extend_due
from supervision import selectors, states
from supervision.choices import (
    AnswerKind,
    CaseEventKind,
    CaseStatus,
    ExtensionDecision,
    Tier,
    Trigger,
)
from supervision.errors import (
    CaseAlreadyOpen,
    CaseClosed,
    ExtensionNotLater,
    ExtensionNotPending,
    ReasonRequired,
)
from supervision.models import CaseAnswer, Reminder, SupervisionCase
from supervision.services.letters import letter_draft_for_case
from supervision.services.records import case_event_record


def reminder_queue(case: SupervisionCase, *, step: str, message: str, actor=None) -> Reminder | None:
    """Queue a 催单 for the case's department once per step; a second call for the same step does nothing."""
    if Reminder.objects.filter(case=case, step=step).exists():
        return None
    reminder = save_attributed(
        Reminder(case=case, department_id=case.department_id, step=step, message=message), actor=actor, reason=message
    )
    case_event_record(case, CaseEventKind.REMINDER_QUEUED, actor=actor, reason=message, data={"step": step})
    return reminder


def lead_department_id(ticket_id: int) -> int | None:
    """The department currently leading the ticket (the one pressed), or None before dispatch."""
    return (
        Assignment.objects.filter(ticket_id=ticket_id, role=AssignmentRole.LEAD, ended_at=None)
        .order_by("-assigned_at")
        .values_list("department_id", flat=True)
        .first()
    )


def _require_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ReasonRequired()
    return reason.strip()


def _locked_open_case(case_id: int) -> SupervisionCase:
    # Lock first: the sweep may be raising or closing this case at this moment.
    case = SupervisionCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound()
    if case.status != CaseStatus.OPEN:
        raise CaseClosed()
    return case


@transaction.atomic
def case_open(
    *,
    actor,
    reason: str,
    ticket_id: int | None = None,
    department_id: int | None = None,
    tier: str = Tier.ROUTINE,
    trigger: str = Trigger.MANUAL,
    now: dt.datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> SupervisionCase:
    """Open a case by hand on a ticket (pressing its lead department) or on a department."""
    reason = _require_reason(reason)
    if ticket_id is None and department_id is None:
        raise InvalidInput(field="ticket", reason=_("Name a ticket or a department."))
    if department_id is not None and not Department.objects.filter(pk=department_id).exists():
        raise NotFound()  # refused before anything is written (it was an IntegrityError: docs/hardening.md)
    if ticket_id is not None:
        if not Ticket.objects.filter(pk=ticket_id).exists():
            raise NotFound()
        department_id = department_id or lead_department_id(ticket_id)
        subject_key = f"ticket:{ticket_id}"
    else:
        subject_key = f"department:{department_id}"
    now = now or timezone.now()
    calendar = calendar or WorkingCalendar.load()
    rung = selectors.ladder()[tier]
    case = SupervisionCase(
        subject_key=subject_key,
        ticket_id=ticket_id,
        department_id=department_id,
        trigger=trigger,
        tier=tier,
        reason=reason,
        opened_at=now,
        opened_by=real_user(actor),
        step_started_at=now,
        step_due_at=selectors.step_due_at(calendar, rung, now),
    )
    try:
        with transaction.atomic():  # the unique open-case constraint decides a race with the sweep
            save_attributed(case, actor=actor, reason=reason)
    except IntegrityError:
        raise CaseAlreadyOpen() from None
    case_event_record(case, CaseEventKind.OPENED, actor=actor, reason=reason, to_tier=tier, at=now)
    reminder_queue(case, step="opened", message=reason, actor=actor)
    _draft_on_entry(case, rung.letter_kind, actor=actor)
    return case


def _draft_on_entry(case: SupervisionCase, letter_kind: str, *, actor) -> None:
    if letter_kind and case.department_id:
        letter_draft_for_case(case=case, kind=letter_kind, actor=actor)


def case_move_up(
    case: SupervisionCase,
    *,
    actor,
    reason: str,
    now: dt.datetime,
    calendar: WorkingCalendar,
    ladder: dict | None = None,
) -> SupervisionCase:
    """One rung up. The caller holds the transaction and the row lock."""
    target = states.ensure_can_raise(case.tier)
    rung = (ladder or selectors.ladder())[target]
    previous = case.tier
    case.tier, case.step_started_at = target, now
    case.step_due_at = selectors.step_due_at(calendar, rung, now)
    save_attributed(case, actor=actor, reason=reason, update_fields=["tier", "step_started_at", "step_due_at"])
    case_event_record(
        case, CaseEventKind.RAISED, actor=actor, reason=reason, from_tier=previous, to_tier=target, at=now
    )
    reminder_queue(case, step=f"tier:{target}", message=reason, actor=actor)
    _draft_on_entry(case, rung.letter_kind, actor=actor)
    return case


@transaction.atomic
def case_raise(*, case_id: int, actor, reason: str, now: dt.datetime | None = None) -> SupervisionCase:
    """A supervisor moves the case up a rung by hand."""
    reason = _require_reason(reason)
    case = _locked_open_case(case_id)
    return case_move_up(case, actor=actor, reason=reason, now=now or timezone.now(), calendar=WorkingCalendar.load())


def case_shut(case: SupervisionCase, *, actor, reason: str, now: dt.datetime | None = None) -> SupervisionCase:
    """Close a locked, open case (the caller holds the transaction and the lock)."""
    now = now or timezone.now()
    case.status, case.closed_at, case.closed_by, case.close_reason = CaseStatus.CLOSED, now, real_user(actor), reason
    case.step_due_at = None
    save_attributed(
        case,
        actor=actor,
        reason=reason,
        update_fields=["status", "closed_at", "closed_by", "close_reason", "step_due_at"],
    )
    case_event_record(case, CaseEventKind.CLOSED, actor=actor, reason=reason, from_tier=case.tier, at=now)
    return case


@transaction.atomic
def case_close(*, case_id: int, actor, reason: str) -> SupervisionCase:
    reason = _require_reason(reason)
    return case_shut(_locked_open_case(case_id), actor=actor, reason=reason)


@transaction.atomic
def case_press(*, case_id: int, actor, reason: str) -> SupervisionCase:
    """Add pressure: a supervisor, or the copied regulator on a dual-handled ticket (双向联办), queues a 催单."""
    reason = _require_reason(reason)
    case = _locked_open_case(case_id)
    event = case_event_record(case, CaseEventKind.PRESSED, actor=actor, reason=reason)
    reminder_queue(case, step=f"press:{event.pk}", message=reason, actor=actor)
    return case


@transaction.atomic
def case_answer(
    *,
    case_id: int,
    department_id: int,
    actor,
    kind: str,
    text: str,
    requested_due_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> CaseAnswer:
    """The department answers: a progress report or result restarts its time to respond at this rung;
    a request for extension waits for a supervisor's decision."""
    text = _require_reason(text)
    case = _locked_open_case(case_id)
    now = now or timezone.now()
    if kind == AnswerKind.EXTENSION:
        if requested_due_at is None:
            raise InvalidInput(field="requested_due_at", reason=_("Say until when."))
        current = case.ticket.due_at if case.ticket_id else None
        if current is not None and requested_due_at <= current:
            raise ExtensionNotLater()
    answer = save_attributed(
        CaseAnswer(
            case=case,
            department_id=department_id,
            kind=kind,
            text=text,
            submitted_by=actor,
            submitted_at=now,
            requested_due_at=requested_due_at if kind == AnswerKind.EXTENSION else None,
            decision=ExtensionDecision.PENDING if kind == AnswerKind.EXTENSION else "",
        ),
        actor=actor,
        reason=text,
    )
    case_event_record(
        case, CaseEventKind.ANSWERED, actor=actor, reason=text, data={"answer": answer.pk, "kind": kind}, at=now
    )
    if kind != AnswerKind.EXTENSION and case.step_due_at is not None:
        # A response keeps the case at its rung: the department gets a fresh period before the next step.
        calendar = WorkingCalendar.load()
        case.step_started_at = now
        case.step_due_at = selectors.step_due_at(calendar, selectors.ladder()[case.tier], now)
        save_attributed(case, actor=actor, reason=text, update_fields=["step_started_at", "step_due_at"])
    return answer


@transaction.atomic
def extension_decide(
    *, answer_id: int, actor, grant: bool, reason: str, new_due_at: dt.datetime | None = None
) -> CaseAnswer:
    """A supervisor grants (moving the ticket's due time through arbitration) or refuses a request for extension."""
    reason = _require_reason(reason)
    answer = (
        CaseAnswer.objects.select_for_update()
        .select_related("case")
        .filter(pk=answer_id, kind=AnswerKind.EXTENSION)
        .first()
    )
    if answer is None:
        raise NotFound()
    if answer.decision != ExtensionDecision.PENDING:
        raise ExtensionNotPending()
    case = _locked_open_case(answer.case_id)
    if grant:
        due = new_due_at or answer.requested_due_at
        if case.ticket_id is None or (case.ticket.due_at is not None and due <= case.ticket.due_at):
            raise ExtensionNotLater()
        ticket_extend_due(ticket_id=case.ticket_id, new_due_at=due, actor=actor, reason=reason)
    answer.decision = ExtensionDecision.GRANTED if grant else ExtensionDecision.REFUSED
    answer.decided_by, answer.decided_at, answer.decision_reason = actor, timezone.now(), reason
    save_attributed(
        answer, actor=actor, reason=reason, update_fields=["decision", "decided_by", "decided_at", "decision_reason"]
    )
    kind = CaseEventKind.EXTENSION_GRANTED if grant else CaseEventKind.EXTENSION_REFUSED
    case_event_record(case, kind, actor=actor, reason=reason, data={"answer": answer.pk})
    return answer


@transaction.atomic
def reminders_send(*, limit: int = 500) -> int:
    """Mark queued reminders as sent (they appear on the department's desk); skips rows another worker holds."""
    now, sent = timezone.now(), 0
    for reminder in Reminder.objects.select_for_update(skip_locked=True).filter(status="queued")[:limit]:
        reminder.status, reminder.sent_at = "sent", now
        save_attributed(reminder, actor=None, reason=gettext_noop("reminder sent"), update_fields=["status", "sent_at"])
        sent += 1
    return sent
