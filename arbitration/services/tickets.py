"""Writes to tickets and assignments: intake from the hotline platform, dispatch, due times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from arbitration.calendar import WorkingCalendar
from arbitration.choices import AssignmentMethod, AssignmentRole, TicketEventKind, TicketStatus
from arbitration.errors import CalendarYearMissing, NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import Assignment, Department, Ticket, TicketEvent, TimeLimitTier
from arbitration.services.copy_writer import Table, Writer
from arbitration.signals import ticket_counts_changed, ticket_received

INTAKE_REASON = gettext_noop("received from the hotline platform")


@dataclass
class TicketIntake:
    """One validated ticket from the hotline platform: model field values with codes already resolved."""

    hotline_no: str
    fields: dict[str, Any]  # model field name → value; foreign keys as `<name>_id`
    dispatched_to_id: int | None = None

    def __post_init__(self) -> None:
        # A ticket the platform has dispatched is at least "dispatched". Normalising here (and not when
        # saving) keeps the intake idempotent: a re-sent "received" must not flip the stored status back.
        dispatched = self.fields.get("dispatched_at") is not None or self.dispatched_to_id is not None
        if dispatched and self.fields.get("status") == TicketStatus.RECEIVED:
            self.fields = {**self.fields, "status": TicketStatus.DISPATCHED}


@dataclass
class IntakeResult:
    ticket: Ticket
    created: bool
    changed_fields: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.created or bool(self.changed_fields)


def clock_start(ticket: Ticket) -> dt.datetime | None:
    """When the ticket's time limit runs from: its dispatch (not when a department signs for it), or — after an
    upheld bounce — the new owner's own dispatch, whichever is later (docs/bounces.md)."""
    starts = [at for at in (ticket.dispatched_at, ticket.clock_started_at) if at is not None]
    return max(starts) if starts else None


def due_time_for(ticket: Ticket, calendar: WorkingCalendar, tier: TimeLimitTier) -> tuple[dt.datetime | None, str]:
    """(due_at, why unknown), counted on the working calendar from `clock_start`."""
    start = clock_start(ticket)
    if start is None:
        return None, ""
    try:
        return calendar.due_at(start, tier.amount, tier.unit), ""
    except CalendarYearMissing as missing:
        return None, str(missing)


def response_due_time_for(ticket: Ticket, calendar: WorkingCalendar, tier: TimeLimitTier) -> dt.datetime | None:
    """When the first contact with the citizen is due: the tier's response limit, from `clock_start` like `due_at`
    (so a new owner after an upheld bounce has its own response limit too).

    None before dispatch, and when the calendar lacks the year (`due_unknown_reason` then says which)."""
    start = clock_start(ticket)
    if start is None:
        return None
    try:
        return calendar.due_at(start, tier.response_amount, tier.response_unit)
    except CalendarYearMissing:
        return None


DUE_FIELDS = ["due_at", "due_unknown_reason", "response_due_at"]


def _apply_due_time(ticket: Ticket, calendar: WorkingCalendar) -> list[str]:
    tier = ticket.time_limit_tier
    due_at, reason = due_time_for(ticket, calendar, tier)
    response_due_at = response_due_time_for(ticket, calendar, tier)
    if (ticket.due_at, ticket.due_unknown_reason, ticket.response_due_at) == (due_at, reason, response_due_at):
        return []
    ticket.due_at, ticket.due_unknown_reason, ticket.response_due_at = due_at, reason, response_due_at
    return list(DUE_FIELDS)


@transaction.atomic
def ticket_receive(
    *, intake: TicketIntake, actor=None, reason: str = INTAKE_REASON, calendar: WorkingCalendar | None = None
) -> IntakeResult:
    """Create or update a ticket by its hotline number. Idempotent: the same intake twice changes nothing."""
    calendar = calendar or WorkingCalendar.load()
    ticket = Ticket.objects.select_for_update().filter(hotline_no=intake.hotline_no).first()
    if ticket is None:
        try:
            with transaction.atomic():  # a concurrent first delivery of the same number may win the insert
                result = _ticket_create(intake, actor=actor, reason=reason, calendar=calendar)
        except IntegrityError:
            ticket = Ticket.objects.select_for_update().get(hotline_no=intake.hotline_no)
        else:
            _dispatch_from_platform(result.ticket, intake.dispatched_to_id, actor=actor, reason=reason)
            return result
    result = _ticket_update(ticket, intake, actor=actor, reason=reason, calendar=calendar)
    if _dispatch_from_platform(ticket, intake.dispatched_to_id, actor=actor, reason=reason):
        result.changed_fields.append("dispatched_to")
    return result


def _ticket_create(intake: TicketIntake, *, actor, reason: str, calendar: WorkingCalendar) -> IntakeResult:
    ticket = Ticket(hotline_no=intake.hotline_no, **intake.fields)
    if ticket.time_limit_tier_id is None:
        ticket.time_limit_tier = TimeLimitTier.objects.get(is_default=True)
    if ticket.dispatched_at is not None and ticket.status == TicketStatus.RECEIVED:
        ticket.status = TicketStatus.DISPATCHED
    _apply_due_time(ticket, calendar)
    save_attributed(ticket, actor=actor, reason=reason)
    TicketEvent.objects.create(
        ticket=ticket, kind=TicketEventKind.RECEIVED, to_status=ticket.status, actor=real_user(actor), reason=reason
    )
    # Inside the transaction, so whatever a receiver writes (e.g. a legal case) commits or rolls back with it.
    ticket_received.send(sender=Ticket, tickets=[ticket], actor=actor)
    return IntakeResult(ticket=ticket, created=True)


def _ticket_update(
    ticket: Ticket, intake: TicketIntake, *, actor, reason: str, calendar: WorkingCalendar
) -> IntakeResult:
    changed = [name for name, value in intake.fields.items() if getattr(ticket, name) != value]
    if ticket.status == TicketStatus.WITHDRAWN and "status" in changed:
        changed.remove("status")  # the citizen withdrew it: a re-sent ticket does not reopen it
    if not changed:
        return IntakeResult(ticket=ticket, created=False)
    previous_status = ticket.status
    for name in changed:
        setattr(ticket, name, intake.fields[name])
    if ticket.dispatched_at is not None and ticket.status == TicketStatus.RECEIVED:
        ticket.status = TicketStatus.DISPATCHED  # as on creation: a dispatch time starts the clock
        changed.append("status")
    if {"dispatched_at", "time_limit_tier_id"} & set(changed):
        # Only a new start or a new limit moves the due time: an extension granted under supervision
        # (ticket_extend_due) must survive the platform re-sending the ticket with other changes.
        changed += _apply_due_time(ticket, calendar)
    save_attributed(ticket, actor=actor, reason=reason, update_fields=[*changed, "updated_at"])
    if "received_at" in changed:
        _assignments_follow_received_at(ticket)
    # Field names only: the values may be personal data, which never goes into events or logs.
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEventKind.UPDATED,
        from_status=previous_status,
        to_status=ticket.status,
        actor=real_user(actor),
        reason=reason,
        data={"fields": sorted(changed)},
    )
    ticket_counts_changed.send(sender=Ticket, ticket_ids=[ticket.pk])
    return IntakeResult(ticket=ticket, created=False, changed_fields=changed)


def _assignments_follow_received_at(ticket: Ticket) -> None:
    """The assignments' copy of the list's sort key (Assignment.ticket_received_at) follows the ticket. The copy is
    left out of the assignments' history: the ticket's own history row records the change."""
    ticket.assignments.update(ticket_received_at=ticket.received_at)  # history: untracked (a copy, see above)


def _dispatch_from_platform(ticket: Ticket, department_id: int | None, *, actor, reason: str) -> bool:
    """The platform's own dispatch: a lead assignment to `department_id` unless it already leads."""
    if department_id is None:
        return False
    if ticket.assignments.filter(department_id=department_id, role=AssignmentRole.LEAD, ended_at=None).exists():
        return False
    assignments_end(ticket, role=AssignmentRole.LEAD, actor=actor, reason=reason)
    assignment_create(
        ticket=ticket,
        department_id=department_id,
        role=AssignmentRole.LEAD,
        method=AssignmentMethod.DIRECT,
        actor=actor,
        reason=reason,
    )
    from arbitration.services.disputes import dispute_open_if_ring  # disputes build on this module

    dispute_open_if_ring(ticket=ticket, actor=actor)  # the platform passing it round A → B → C → A
    return True


def assignments_end(ticket: Ticket, *, role: str | None = None, actor, reason: str) -> int:
    """End the ticket's active assignments (of one role, or all); they stay on the record."""
    active = ticket.assignments.filter(ended_at=None)
    if role is not None:
        active = active.filter(role=role)
    now, ended = timezone.now(), 0
    for assignment in active:
        assignment_end(assignment, actor=actor, reason=reason, at=now)
        ended += 1
    if ended:
        ticket_counts_changed.send(sender=Ticket, ticket_ids=[ticket.pk])
    return ended


def assignment_end(assignment: Assignment, *, actor, reason: str, at: dt.datetime | None = None) -> None:
    """End one assignment (it stays on the record) and say so on the ticket's timeline."""
    assignment.ended_at = at or timezone.now()
    save_attributed(assignment, actor=actor, reason=reason, update_fields=["ended_at"])
    TicketEvent.objects.create(
        ticket_id=assignment.ticket_id,
        kind=TicketEventKind.ASSIGNMENT_ENDED,
        actor=real_user(actor),
        reason=reason,
        data={"department": assignment.department.code, "role": assignment.role},
    )


def assignment_create(
    *, ticket: Ticket, department_id: int, role: str, method: str, actor, reason: str = ""
) -> Assignment:
    """Give the ticket to a department. The first dispatch starts the clock; later ones never reset it."""
    department = Department.objects.filter(pk=department_id, is_active=True).first()
    if department is None:
        raise NotFound(_("No active department with that id."))
    now = timezone.now()
    assignment = save_attributed(
        Assignment(
            ticket=ticket,
            department=department,
            role=role,
            method=method,
            assigned_at=now,
            assigned_by=real_user(actor),
            reason=reason,
        ),
        actor=actor,
        reason=reason or "dispatched",
    )
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEventKind.DISPATCHED,
        actor=real_user(actor),
        reason=reason,
        data={"department": department.code, "role": role, "method": method},
    )
    if ticket.dispatched_at is None or ticket.status == TicketStatus.RECEIVED:
        ticket_start_clock(ticket, at=ticket.dispatched_at or now, actor=actor, reason=reason or "dispatched")
    ticket_counts_changed.send(sender=Ticket, ticket_ids=[ticket.pk])
    return assignment


def ticket_start_clock(ticket: Ticket, *, at: dt.datetime, actor, reason: str) -> None:
    previous = ticket.status
    ticket.dispatched_at = at
    ticket.status = TicketStatus.DISPATCHED
    fields = ["dispatched_at", "status", *_apply_due_time(ticket, WorkingCalendar.load()), "updated_at"]
    save_attributed(ticket, actor=actor, reason=reason, update_fields=fields)
    if previous != ticket.status:
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEventKind.STATUS_CHANGED,
            from_status=previous,
            to_status=ticket.status,
            actor=real_user(actor),
            reason=reason,
        )


def ticket_restart_clock(ticket: Ticket, *, at: dt.datetime, department: Department, actor, reason: str) -> None:
    """A new owner's time limit runs from its own dispatch at `at` (after an upheld bounce, docs/bounces.md).

    The caller holds the ticket's row lock. An extension granted to the previous owner ends with its ownership.
    """
    previous = ticket.due_at
    ticket.clock_started_at = at
    fields = ["clock_started_at", *_apply_due_time(ticket, WorkingCalendar.load()), "updated_at"]
    save_attributed(ticket, actor=actor, reason=reason, update_fields=fields)
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEventKind.DUE_TIME_SET,
        actor=real_user(actor),
        reason=reason,
        data={
            "from": previous.isoformat() if previous else None,
            "to": ticket.due_at.isoformat() if ticket.due_at else None,
            "counted_from": at.isoformat(),
            "department": department.code,
        },
    )


def tickets_recompute_unknown_due(*, actor=None, reason: str) -> int:
    """Recompute every due time that waited for calendar data (called when a year is entered)."""
    calendar = WorkingCalendar.load()
    waiting = Ticket.objects.select_for_update().filter(due_at=None, dispatched_at__isnull=False)
    # (An extension never clears due_at, so these are the tickets whose limits, both of them, waited.)
    updated = 0
    for ticket in waiting.select_related("time_limit_tier").iterator(chunk_size=500):
        fields = _apply_due_time(ticket, calendar)
        if fields:
            save_attributed(ticket, actor=actor, reason=reason, update_fields=[*fields, "updated_at"])
            updated += 1
    return updated


def ticket_event_record(*, ticket: Ticket, kind: str, actor, reason: str, data: dict | None = None) -> TicketEvent:
    """Put an event on the ticket's record without changing the ticket (e.g. the legal route told to the citizen)."""
    return TicketEvent.objects.create(ticket=ticket, kind=kind, actor=real_user(actor), reason=reason, data=data or {})


@transaction.atomic
def ticket_extend_due(*, ticket_id: int, new_due_at: dt.datetime, actor, reason: str) -> Ticket:
    """Move an open ticket's due time later (an extension, 延期, granted by a supervisor); earlier is refused."""
    from arbitration.errors import IllegalMove

    # Lock: the sweep may be reading this ticket's due time to decide whether it is overdue.
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    if not ticket.is_open or (ticket.due_at is not None and new_due_at <= ticket.due_at):
        raise IllegalMove(thing=_("due time"), current=str(ticket.due_at), target=str(new_due_at))
    previous = ticket.due_at
    ticket.due_at, ticket.due_unknown_reason = new_due_at, ""
    save_attributed(ticket, actor=actor, reason=reason, update_fields=["due_at", "due_unknown_reason", "updated_at"])
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEventKind.DUE_TIME_SET,
        actor=real_user(actor),
        reason=reason,
        data={"from": previous.isoformat() if previous else None, "to": new_due_at.isoformat(), "extension": True},
    )
    return ticket


def ticket_events_record_bulk(events: list[TicketEvent]) -> None:
    """Many events at once, in one COPY (TicketEvent has no history table, so its rows are the whole record)."""
    table = Table.of(TicketEvent, with_pk=False)
    Writer().write(table, [{attname: getattr(event, attname) for attname in table.attnames} for event in events])
