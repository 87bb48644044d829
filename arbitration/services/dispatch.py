"""Dispatch and re-dispatch with the graph's suggestion: lead, co-handlers, and the regulator copied automatically."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from arbitration.access import may_dispatch
from arbitration.choices import (
    SETTLING_METHODS,
    AssignmentMethod,
    AssignmentRole,
    Satisfaction,
    TicketEventKind,
    TicketStatus,
)
from arbitration.errors import IllegalMove, InvalidInput, NotFound, PermissionDenied
from arbitration.graph import Suggestion, ticket_suggest
from arbitration.history import real_user, save_attributed
from arbitration.models import Assignment, Ticket, TicketEvent
from arbitration.services.tickets import assignment_create, assignments_end, ticket_restart_clock

# Methods by which a dispatcher routes a ticket on their own judgement: they must be a dispatcher and must
# say why when they depart from the suggestion. The other methods carry out a ruling or a leader's decision,
# which is its own authority (the conference and sign-off services check who may issue those).
DISPATCHER_METHODS = frozenset({AssignmentMethod.DIRECT, AssignmentMethod.DUAL, AssignmentMethod.FIRST_RECEIVER})
# The dispatcher's choice of method, in the forms, the API and its schema (DispatchMethodEnum).
DISPATCHER_METHOD_CHOICES = [
    (method.value, method.label) for method in AssignmentMethod if method in DISPATCHER_METHODS
]
# The facts of the round that came back unsatisfied, cleared from the ticket by a second dispatch.
SECOND_DISPATCH_CLEARS = (
    "replied_at", "handled_at", "result", "verified_at", "visited_at", "satisfaction", "resolution",
)  # fmt: skip


@dataclass
class DispatchResult:
    ticket: Ticket
    lead: Assignment
    co_handlers: list[Assignment] = field(default_factory=list)
    copied: list[Assignment] = field(default_factory=list)
    suggestion: Suggestion | None = None
    overridden: bool = False  # the lead is not the suggestion's top candidate


def suggested_lead_ids(suggestion: Suggestion) -> set[int]:
    """The leads a dispatcher may take without giving a reason: the top one, or all tied for the top in an overlap."""
    leads = suggestion.leads
    if not leads:
        return set()
    if not suggestion.overlap:
        return {leads[0].department_id}
    first = leads[0]
    return {
        c.department_id
        for c in leads
        if (c.matter_id, c.scope_territory_code, c.source)
        == (first.matter_id, first.scope_territory_code, first.source)
    }


@transaction.atomic
def ticket_dispatch(
    *,
    ticket_id: int,
    lead_department_id: int,
    co_handler_ids: Iterable[int] = (),
    actor,
    reason: str,
    override_reason: str = "",
    method: str = AssignmentMethod.DIRECT,
    restart_clock: bool = False,
) -> DispatchResult:
    """Dispatch a ticket, or re-dispatch it: its active assignments end and new ones begin.

    `method` is recorded on every assignment and decides who may bounce and who is charged (docs/dispatch.md):
    direct (直派), dual (双派: the territory leads, the sector departments co-handle, each charged on its part —
    so it needs a co-handler), first receiver (首接负责: the lead may not bounce until ownership is settled).

    The regulators the suggestion names (regulator duties, regulated sectors) are copied automatically
    (双向联办). A dispatcher choosing a lead other than the suggestion's top candidate must give
    `override_reason`, which is kept with the lead assignment's reason. With `restart_clock` (an upheld
    bounce) the new lead's time limit runs from this dispatch, not the first one (docs/bounces.md).
    """
    # Lock the ticket before anything else: a bounce review or the platform's own dispatch may be re-routing it
    # at this moment, and two re-dispatches must not both end the same assignments.
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    if method in DISPATCHER_METHODS and not may_dispatch(actor):
        raise PermissionDenied()
    if ticket.status == TicketStatus.CLOSED:
        raise IllegalMove(thing=_("ticket"), current=TicketStatus.CLOSED.label, target=TicketStatus.DISPATCHED.label)
    co_handler_ids = [d for d in dict.fromkeys(co_handler_ids) if d != lead_department_id]  # order kept, no repeats
    if method == AssignmentMethod.DUAL and not co_handler_ids:
        raise InvalidInput(
            field="co_handler_ids",
            reason=_("a dual dispatch names the sector department(s) as co-handlers beside the territory as lead"),
        )

    suggestion = ticket_suggest(ticket)
    overridden = lead_department_id not in suggested_lead_ids(suggestion)
    if overridden and method in DISPATCHER_METHODS and not override_reason.strip():
        raise InvalidInput(
            field="override_reason", reason=_("the lead is not the suggested one, so give the reason for overriding it")
        )

    reason = reason.strip() or _("dispatched")
    lead_reason = (
        f"{reason}（{_('overrides the suggestion')}：{override_reason.strip()}）"
        if overridden and override_reason.strip()
        else reason
    )
    assignments_end(ticket, actor=actor, reason=reason)
    lead = assignment_create(
        ticket=ticket,
        department_id=lead_department_id,
        role=AssignmentRole.LEAD,
        method=method,
        actor=actor,
        reason=lead_reason,
    )
    if restart_clock:
        ticket_restart_clock(ticket, at=lead.assigned_at, department=lead.department, actor=actor, reason=reason)
    result = DispatchResult(ticket=ticket, lead=lead, suggestion=suggestion, overridden=overridden)

    taken = {lead_department_id}
    for department_id in co_handler_ids:
        if department_id not in taken:
            taken.add(department_id)
            result.co_handlers.append(
                assignment_create(
                    ticket=ticket,
                    department_id=department_id,
                    role=AssignmentRole.CO_HANDLER,
                    method=method,
                    actor=actor,
                    reason=reason,
                )
            )
    for regulator in suggestion.regulators:
        if regulator.department_id not in taken:
            taken.add(regulator.department_id)
            result.copied.append(
                assignment_create(
                    ticket=ticket,
                    department_id=regulator.department_id,
                    role=AssignmentRole.COPIED,
                    method=AssignmentMethod.DUAL,
                    actor=actor,
                    reason=regulator.explanation,
                )
            )
    if method not in SETTLING_METHODS:
        from arbitration.services.disputes import dispute_open_if_ring  # disputes re-dispatch through this module

        dispute_open_if_ring(ticket=ticket, actor=actor)  # A → B → C → A: the ring becomes a dispute
    return result


def second_dispatch_allowed(ticket: Ticket) -> bool:
    """二次派单: a ticket that came back unsatisfied after re-handling (replied, the visit dissatisfied, re-handled
    at least once) may go out again as a new round (docs/dispatch.md)."""
    return (
        ticket.status == TicketStatus.REPLIED
        and ticket.satisfaction == Satisfaction.DISSATISFIED
        and ticket.rehandle_count >= 1
    )


@transaction.atomic
def ticket_dispatch_second(
    *,
    ticket_id: int,
    lead_department_id: int,
    co_handler_ids: Iterable[int] = (),
    actor,
    reason: str,
    method: str = AssignmentMethod.DIRECT,
    override_reason: str = "",
) -> DispatchResult:
    """Dispatch an unsatisfied, re-handled ticket again as a new round: the round's facts (reply, visit) are cleared
    from the ticket — they stay on its events and history, where the first round remains readable — and the new
    owner's limit runs from this dispatch."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    if not may_dispatch(actor):
        raise PermissionDenied()
    if not reason.strip():
        raise InvalidInput(field="reason", reason=_("say why the ticket goes out again"))
    if not second_dispatch_allowed(ticket):
        raise IllegalMove(
            thing=_("ticket"),
            current=TicketStatus(ticket.status).label,
            target=TicketEventKind.SECOND_DISPATCH.label,
        )
    previous_round, previous_status = ticket.dispatch_round, ticket.status
    for name in SECOND_DISPATCH_CLEARS:
        setattr(ticket, name, None if name.endswith("_at") else "")
    ticket.dispatch_round, ticket.status = previous_round + 1, TicketStatus.HANDLING
    save_attributed(
        ticket, actor=actor, reason=reason, update_fields=[*SECOND_DISPATCH_CLEARS, "dispatch_round", "status"]
    )
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEventKind.SECOND_DISPATCH,
        from_status=previous_status,
        to_status=ticket.status,
        actor=real_user(actor),
        reason=reason,
        data={"round": ticket.dispatch_round, "method": method},
    )
    return ticket_dispatch(
        ticket_id=ticket.pk,
        lead_department_id=lead_department_id,
        co_handler_ids=co_handler_ids,
        actor=actor,
        reason=reason,
        override_reason=override_reason or reason,
        method=method,
        restart_clock=True,
    )
