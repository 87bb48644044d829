"""Dispatch and re-dispatch with the graph's suggestion: lead, co-handlers, and the regulator copied automatically."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from arbitration.access import may_dispatch
from arbitration.choices import AssignmentMethod, AssignmentRole, TicketStatus
from arbitration.errors import IllegalMove, InvalidInput, NotFound, PermissionDenied
from arbitration.graph import Suggestion, ticket_suggest
from arbitration.models import Assignment, Ticket
from arbitration.services.tickets import assignment_create, assignments_end, ticket_restart_clock

# Methods by which a dispatcher routes a ticket on their own judgement: they must be a dispatcher and must
# say why when they depart from the suggestion. The other methods carry out a ruling or a leader's decision,
# which is its own authority (the conference and sign-off services check who may issue those).
DISPATCHER_METHODS = frozenset({AssignmentMethod.DIRECT, AssignmentMethod.DUAL, AssignmentMethod.FIRST_RECEIVER})


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
    for department_id in dict.fromkeys(co_handler_ids):  # keeps order, drops repeats
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
    return result
