"""Where an ownership decision binds, and what it does there (docs/rulings.md).

A ruling (认定书), a leader decision (领导签批) or an agreement (协商纪要) names an owner for its scope: the ticket
alone, or the ticket's matter at one level of the ticket's territory chain — its community, street, district or the
whole city. Beyond its own ticket, a decision with a wider scope than the ticket

1. is a precedent: duty rows whose source is the decision and whose reference is its number, scoped to the chosen
   territory, so the graph suggests the owner for every later ticket of the matter there or anywhere below it;
2. binds: a department it names may not bounce such a ticket on a ground a decision settles (`binding_decision_for`);
3. takes its backlog: open tickets already in the scope and led by another department are re-dispatched to the
   owner, with a notice to both departments (`decision_backlog_apply`, run after the decision commits).
"""

from __future__ import annotations

import logging
from functools import partial

from django.apps import apps
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arbitration.choices import (
    ACTIVE_DISPUTE_STATUSES,
    DEFAULT_RULING_SCOPE,
    SCOPE_LEVELS,
    AssignmentRole,
    DutyRole,
    NoticeKind,
    RulingScope,
    TerritoryLevel,
)
from arbitration.errors import InvalidInput, ScopeBeyondPlace
from arbitration.history import save_attributed
from arbitration.models import Agreement, Assignment, Dispute, Duty, LeaderDecision, Ruling, Territory, Ticket
from arbitration.reasons import BACKLOG_REDISPATCHED, IN_SCOPE_OF, PRECEDENT_OPENED
from arbitration.services.catalogue import duty_close, duty_open
from arbitration.services.notices import notice_send

logger = logging.getLogger(__name__)

Decision = Ruling | LeaderDecision | Agreement
# A leader's decision is final, so it speaks first; a ruling outranks what the parties agreed among themselves.
DECISION_MODELS: tuple[type[Decision], ...] = (LeaderDecision, Ruling, Agreement)
LEVEL_SCOPES = {level: scope for scope, level in SCOPE_LEVELS.items()}


# --- the scope along the territory chain ---------------------------------------------------------------------
def scope_territory(ticket: Ticket, scope: str) -> Territory:
    """The territory a decision of `scope` on `ticket` covers: the ticket's own place for the ticket scope, else the
    place's ancestor at the scope's level. A scope below what the ticket's place is known to is refused."""
    if scope not in RulingScope.values:
        raise InvalidInput(field="scope", reason=_("unknown scope"))
    if scope == RulingScope.TICKET:
        return ticket.territory
    level = SCOPE_LEVELS[scope]
    territory = Territory.objects.filter(code__in=ticket.territory.ancestor_codes(), level=level).first()
    if territory is None:
        raise ScopeBeyondPlace(place=ticket.territory.name, level=TerritoryLevel(level).label)
    return territory


def default_scope_for(ticket: Ticket) -> str:
    """The street (DEFAULT_RULING_SCOPE), or the ticket's own level when its place is known only above it."""
    default_level = SCOPE_LEVELS[DEFAULT_RULING_SCOPE]
    return DEFAULT_RULING_SCOPE if ticket.territory.level >= default_level else LEVEL_SCOPES[ticket.territory.level]


def binding_decision_for(ticket: Ticket, department_id: int) -> Decision | None:
    """The decision in force that gives tickets like this one to `department_id` (as lead or co-handler), if any."""
    covers = Q(scope=RulingScope.TICKET, ticket_id=ticket.pk) | (
        ~Q(scope=RulingScope.TICKET)
        & Q(matter_id=ticket.matter_id, territory__code__in=ticket.territory.ancestor_codes())
    )
    holds = Q(lead_id=department_id) | Q(co_handlers__id=department_id)
    for model in DECISION_MODELS:
        found = model.objects.filter(covers, holds, in_force=True).order_by("-issued_at", "-pk").first()
        if found is not None:
            return found
    return None


# --- precedents: the decision as duty rows of the graph ---------------------------------------------------------
def precedents_open(decision: Decision, *, actor) -> None:
    """Duty rows for the decision's owner and co-handlers in its scope; opening them bumps the graph version in this
    transaction, so the next suggestion anywhere sees them. A decision for one ticket settles that ticket only."""
    if decision.scope == RulingScope.TICKET:
        return
    reason = PRECEDENT_OPENED.format(number=decision.document_number)
    roles = [(decision.lead_id, DutyRole.LEAD), *((c.pk, DutyRole.CO_HANDLER) for c in decision.co_handlers.all())]
    for department_id, role in roles:
        duty_open(
            actor=actor,
            reason=reason,
            valid_from=decision.issued_at,
            department_id=department_id,
            matter_id=decision.matter_id,
            territory_id=decision.territory_id,
            role=role,
            legal_basis=decision.basis,
            source=decision.duty_source,
            source_reference=decision.document_number,
        )


def precedents_close(decision: Decision, *, actor, reason: str) -> None:
    current = Duty.objects.current().filter(source=decision.duty_source, source_reference=decision.document_number)
    for duty_id in current.values_list("pk", flat=True):
        duty_close(duty_id=duty_id, actor=actor, reason=reason)


# --- the backlog: open tickets already in the scope ------------------------------------------------------------
def decision_backlog_ids(decision: Decision) -> list[int]:
    """Open tickets of the decision's matter in its scope, other than its own, led by another department and not in
    a dispute of their own (that dispute settles them; its page shows the precedent)."""
    if decision.scope == RulingScope.TICKET or not decision.in_force:
        return []
    led_elsewhere = Assignment.objects.filter(ticket=OuterRef("pk"), role=AssignmentRole.LEAD, ended_at=None).exclude(
        department_id=decision.lead_id
    )
    disputed = Dispute.objects.filter(ticket=OuterRef("pk"), status__in=ACTIVE_DISPUTE_STATUSES)
    tickets = (
        Ticket.objects.open()
        .filter(matter_id=decision.matter_id, territory__path__startswith=decision.territory.path)
        .exclude(pk=decision.ticket_id)
        .filter(Exists(led_elsewhere))
        .exclude(Exists(disputed))
    )
    return list(tickets.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def _backlog_ticket_take(decision: Decision, ticket_id: int) -> bool:
    """Re-dispatch one backlog ticket to the decision's owner and tell both departments; False if nothing to do."""
    from arbitration.services.dispatch import ticket_dispatch

    # Lock the ticket before deciding: the platform, a dispatcher or a bounce review may be re-routing it now, so
    # whether it is still open, undisputed and led by someone else is read again under the lock.
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if (
        ticket is None
        or not ticket.is_open
        or not type(decision).objects.filter(pk=decision.pk, in_force=True).exists()
    ):
        return False
    lead = ticket.assignments.filter(role=AssignmentRole.LEAD, ended_at=None).select_related("department").first()
    if lead is None or lead.department_id == decision.lead_id:
        return False
    if Dispute.objects.filter(ticket=ticket, status__in=ACTIVE_DISPUTE_STATUSES).exists():
        return False
    ticket_dispatch(  # the decision is the authority: its method needs no dispatcher and no override reason
        ticket_id=ticket.pk,
        lead_department_id=decision.lead_id,
        co_handler_ids=[c.pk for c in decision.co_handlers.all()],
        actor=decision.issued_by,
        reason=IN_SCOPE_OF.format(number=decision.document_number),
        method=decision.assignment_method,
    )
    sent = {"ticket": ticket, "document_number": decision.document_number, "actor": decision.issued_by}
    notice_send(
        department_id=lead.department_id,
        kind=NoticeKind.TICKET_LOST,
        data={"hotline_no": ticket.hotline_no, "other": decision.lead.name},
        **sent,
    )
    notice_send(
        department_id=decision.lead_id,
        kind=NoticeKind.TICKET_GAINED,
        data={"hotline_no": ticket.hotline_no, "other": lead.department.name},
        **sent,
    )
    return True


def decision_backlog_apply(*, model_label: str, pk: int) -> int:
    """Take the decision's backlog, one ticket per transaction; returns how many tickets moved. Idempotent: a ticket
    already led by the owner is left alone, so running it twice, or concurrently, moves each ticket once."""
    model = apps.get_model(model_label)
    decision = model.objects.select_related("lead", "territory", "issued_by").get(pk=pk)
    moved = sum(_backlog_ticket_take(decision, ticket_id) for ticket_id in decision_backlog_ids(decision))
    with transaction.atomic():
        decision = model.objects.select_for_update().get(pk=pk)
        decision.backlog_applied_at = timezone.now()
        save_attributed(
            decision,
            actor=None,
            reason=BACKLOG_REDISPATCHED.format(count=moved),
            update_fields=["backlog_applied_at"],
        )
    return moved


def decision_backlog_after_commit(decision: Decision) -> None:
    """Queue the backlog once the decision has committed (call it inside the issuing transaction)."""
    if decision.scope != RulingScope.TICKET:
        transaction.on_commit(partial(_backlog_queued, decision._meta.label, decision.pk))


def _backlog_queued(model_label: str, pk: int) -> None:
    from arbitration.tasks import decision_backlog_apply_task

    try:
        decision_backlog_apply_task.delay(model_label, pk)
    except Exception:
        # The decision is committed whatever happens here, and the request that issued it must not fail for its
        # backlog: decision_backlogs_apply_pending (a beat task) takes up every backlog not yet applied.
        logger.exception("Could not apply the backlog of %s %s now; left for the pending sweep", model_label, pk)


def decision_backlogs_apply_pending() -> int:
    """Apply every backlog of a decision in force that has not been applied yet; returns the tickets moved."""
    moved = 0
    for model in DECISION_MODELS:
        pending = model.objects.filter(in_force=True, backlog_applied_at=None).exclude(scope=RulingScope.TICKET)
        for pk in list(pending.order_by("pk").values_list("pk", flat=True)):
            moved += decision_backlog_apply(model_label=model._meta.label, pk=pk)
    return moved
