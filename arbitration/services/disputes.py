"""Disputes (职责争议): opening, negotiation (协商), agreement, the conference agenda and the leader's queue."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from arbitration import states
from arbitration.calendar import WorkingCalendar
from arbitration.choices import (
    ACTIVE_DISPUTE_STATUSES,
    SETTLING_METHODS,
    AssignmentRole,
    DisputeStatus,
    DisputeTrigger,
    RulingScope,
    Satisfaction,
    SessionStatus,
    TicketEventKind,
)
from arbitration.errors import (
    DisputeAlreadyOpen,
    IllegalMove,
    InvalidInput,
    NotAParty,
    NotFound,
    SessionClosed,
)
from arbitration.history import real_user, save_attributed
from arbitration.models import (
    AgendaItem,
    Bounce,
    ConferenceSession,
    Department,
    Dispute,
    DisputeStatement,
    DisputeTransition,
    Ticket,
    TicketEvent,
)
from arbitration.services.precedents import default_scope_for, scope_territory
from arbitration.services.rulings import agreement_issue
from arbitration.signals import ticket_counts_changed

logger = logging.getLogger(__name__)


def _move(dispute: Dispute, target: str, *, actor, reason: str, extra_fields: Iterable[str] = ()) -> None:
    """One status change. The caller holds the transaction and the row lock."""
    states.ensure_move_allowed(dispute.status, target)
    previous, dispute.status = dispute.status, target
    save_attributed(dispute, actor=actor, reason=reason, update_fields=["status", *extra_fields])
    DisputeTransition.objects.create(
        dispute=dispute, from_status=previous, to_status=target, actor=real_user(actor), reason=reason
    )


def _lock(dispute_id: int) -> Dispute:
    dispute = Dispute.objects.select_for_update().filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound()
    return dispute


def negotiation_deadline(start: dt.datetime, calendar: WorkingCalendar | None = None) -> dt.datetime:
    calendar = calendar or WorkingCalendar.load()
    day = start.astimezone(calendar.tz).date()
    return calendar.closing_time(calendar.add_working_days(day, settings.MINGZE_DISPUTE_NEGOTIATION_WORKING_DAYS))


def _current_lead_id(ticket: Ticket) -> int | None:
    lead = ticket.assignments.filter(ended_at=None, role=AssignmentRole.LEAD).order_by("-assigned_at").first()
    return lead.department_id if lead else None


@transaction.atomic
def dispute_open(*, ticket_id: int, actor, trigger: str, party_ids: Iterable[int], reason: str) -> Dispute:
    """Open a dispute; the current lead stays the provisional handler, so the ticket keeps moving."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    active = Dispute.objects.filter(ticket=ticket, status__in=ACTIVE_DISPUTE_STATUSES).first()
    if active is not None:
        raise DisputeAlreadyOpen(ticket=ticket.hotline_no, dispute=active.pk)
    parties = set(Department.objects.filter(pk__in=set(party_ids), is_active=True).values_list("pk", flat=True))
    if len(parties) < 2:
        raise InvalidInput(field="parties", reason=_("a dispute needs at least two parties"))
    now = timezone.now()
    dispute = save_attributed(
        Dispute(
            ticket=ticket,
            trigger=trigger,
            provisional_handler_id=_current_lead_id(ticket),
            deadline=negotiation_deadline(now),
            opened_at=now,
            opened_by=real_user(actor),
        ),
        actor=actor,
        reason=reason,
    )
    dispute.parties.set(parties)
    DisputeTransition.objects.create(
        dispute=dispute, to_status=DisputeStatus.OPEN, actor=real_user(actor), reason=reason
    )
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEventKind.DISPUTE_OPENED,
        actor=real_user(actor),
        reason=reason,
        data={"dispute": dispute.pk, "trigger": trigger},
    )
    ticket_counts_changed.send(sender=Dispute, ticket_ids=[ticket.pk])
    return dispute


def _ping_pong(departments: list[int]) -> bool:
    """A → B → A: the department bouncing now bounced this ticket before, and another one did in between."""
    current = departments[-1]
    return len(departments) >= 3 and current in departments[:-1] and departments[-2] != current


def ring_of(holders: list[int]) -> list[int]:
    """A → B → C → A (any ring of three or more departments): the departments on the ring the last one closes, in
    the order they held the ticket; empty when the last holder closes no such ring (A → B → A is ping-pong)."""
    route = [d for i, d in enumerate(holders) if i == 0 or holders[i - 1] != d]  # a repeat in a row is no move
    if len(route) < 4 or route[-1] not in route[:-1]:
        return []
    start = len(route) - 2 - route[-2::-1].index(route[-1])  # the last time it held the ticket before now
    ring = list(dict.fromkeys(route[start:-1]))
    return ring if len(ring) >= 3 else []


def lead_route(ticket: Ticket) -> list[int]:
    """The departments that led the ticket, in order, since its ownership was last settled."""
    leads = list(
        ticket.assignments.filter(role=AssignmentRole.LEAD)
        .order_by("assigned_at", "pk")
        .values_list("department_id", "method")
    )
    settled = [i for i, (_department, method) in enumerate(leads) if method in SETTLING_METHODS]
    return [department for department, _method in leads[(settled[-1] + 1 if settled else 0) :]]


def dispute_open_if_ring(*, ticket: Ticket, actor) -> Dispute | None:
    """Called inside a dispatch: a lead that closes a ring of three or more departments opens a dispute with the
    whole ring as parties (or brings the ring into the open one)."""
    ring = ring_of(lead_route(ticket))
    if not ring:
        return None
    return _dispute_open_or_widen(ticket, DisputeTrigger.RING, set(ring), actor=actor)


def unsatisfied_rounds(ticket: Ticket) -> int:
    """How many return visits found the citizen dissatisfied: each ends a round (re-handling, second dispatch)."""
    return ticket.events.filter(kind=TicketEventKind.VISITED, data__satisfaction=Satisfaction.DISSATISFIED).count()


def consultation_open_if_due(*, ticket: Ticket, actor) -> Dispute | None:
    """Called after a dissatisfied return visit: the N-th unsatisfied round (MINGZE_CONSULTATION_UNSATISFIED_ROUNDS,
    3 by default) opens a consultation (会商) as a dispute among every department that held a part of the ticket."""
    if unsatisfied_rounds(ticket) < settings.MINGZE_CONSULTATION_UNSATISFIED_ROUNDS:
        return None
    involved = set(ticket.assignments.values_list("department_id", flat=True))
    return _dispute_open_or_widen(ticket, DisputeTrigger.UNSATISFIED, involved, actor=actor)


def _dispute_open_or_widen(ticket: Ticket, trigger: str, parties: set[int], *, actor) -> Dispute | None:
    active = Dispute.objects.select_for_update().filter(ticket=ticket, status__in=ACTIVE_DISPUTE_STATUSES).first()
    if active is not None:
        active.parties.add(*parties)  # a later bounce brings its department into the argument
        return active
    lead_id = _current_lead_id(ticket)
    if lead_id is not None:
        parties.add(lead_id)
    if len(parties) < 2:
        return None  # one department bouncing twice is not yet a dispute between units
    reason = _("opened automatically: %(trigger)s") % {"trigger": DisputeTrigger(trigger).label}
    return dispute_open(ticket_id=ticket.pk, actor=actor, trigger=trigger, party_ids=parties, reason=reason)


def dispute_open_if_triggered(*, ticket: Ticket, bounce: Bounce, actor) -> Dispute | None:
    """Called inside a bounce: N bounces, ping-pong or a ring of bouncers opens a dispute (or widens the open one's
    parties)."""
    departments = list(ticket.bounces.order_by("created_at", "pk").values_list("department_id", flat=True))
    if ring_of(departments):
        trigger = DisputeTrigger.RING
    elif _ping_pong(departments):
        trigger = DisputeTrigger.PING_PONG
    elif len(departments) >= settings.MINGZE_DISPUTE_BOUNCE_THRESHOLD:
        trigger = DisputeTrigger.BOUNCE_COUNT
    else:
        return None
    proposed = ticket.bounces.exclude(proposed_department=None).values_list("proposed_department_id", flat=True)
    return _dispute_open_or_widen(ticket, trigger, {*departments, *proposed}, actor=actor)


@transaction.atomic
def dispute_statement_post(
    *, dispute_id: int, actor, department_id: int, text: str, basis: str = ""
) -> DisputeStatement:
    """A party's statement (or a recused member's); the first statement starts the negotiation."""
    dispute = _lock(dispute_id)
    if not text.strip():
        raise InvalidInput(field="text", reason=_("required"))
    if not dispute.parties.filter(pk=department_id).exists():
        raise NotAParty()
    if dispute.status not in states.STATEMENT_STATUSES:
        raise IllegalMove(thing=_("dispute"), current=DisputeStatus(dispute.status).label, target=_("statement"))
    statement = save_attributed(
        DisputeStatement(dispute=dispute, department_id=department_id, author=actor, text=text, basis=basis),
        actor=actor,
        reason=gettext_noop("negotiation statement"),
    )
    if dispute.status == DisputeStatus.OPEN:
        _move(dispute, DisputeStatus.NEGOTIATING, actor=actor, reason=gettext_noop("first statement posted"))
    return statement


def redispatch_settled(
    *, dispute: Dispute, lead_id: int, co_handler_ids: Iterable[int], actor, reason: str, method: str
) -> None:
    """Give the disputed ticket to the owner the dispute settled on (agreement, ruling or leader decision)."""
    from arbitration.services.dispatch import ticket_dispatch

    ticket_dispatch(
        ticket_id=dispute.ticket_id,
        lead_department_id=lead_id,
        co_handler_ids=tuple(c for c in co_handler_ids if c != lead_id),
        actor=actor,
        reason=reason,
        override_reason=reason,
        method=method,
    )
    TicketEvent.objects.create(
        ticket_id=dispute.ticket_id,
        kind=TicketEventKind.DISPUTE_SETTLED,
        actor=real_user(actor),
        reason=reason,
        data={"dispute": dispute.pk, "method": method, "lead": lead_id},
    )


@transaction.atomic
def dispute_agree(
    *,
    dispute_id: int,
    actor,
    lead_department_id: int,
    co_handler_ids: Iterable[int] = (),
    minutes: str,
    basis: str = "",
    scope: str = RulingScope.TICKET,
) -> Dispute:
    """The dispatcher records the parties' agreement (协商一致): it ends the dispute, issues numbered minutes (协商工作
    纪要) and re-dispatches. A scope wider than the ticket — only when the parties agreed to it — makes the agreement a
    precedent for that scope, like a ruling (docs/rulings.md)."""
    dispute = _lock(dispute_id)
    if not minutes.strip():
        raise InvalidInput(field="minutes", reason=_("required"))
    states.ensure_move_allowed(dispute.status, DisputeStatus.AGREED)
    lead = Department.objects.filter(pk=lead_department_id, is_active=True).first()
    if lead is None:
        raise InvalidInput(field="lead", reason=_("unknown department"))
    co_handlers = list(
        Department.objects.filter(pk__in=set(co_handler_ids) - {lead.pk}, is_active=True).order_by("code")
    )
    territory = scope_territory(dispute.ticket, scope)
    dispute.agreed_lead, dispute.agreement_minutes, dispute.settled_at = lead, minutes, timezone.now()
    _move(
        dispute,
        DisputeStatus.AGREED,
        actor=actor,
        reason=gettext_noop("agreement recorded"),
        extra_fields=["agreed_lead", "agreement_minutes", "settled_at"],
    )
    dispute.agreed_co_handlers.set(co_handlers)
    agreement_issue(
        dispute=dispute,
        actor=actor,
        lead=lead,
        co_handlers=co_handlers,
        minutes=minutes,
        basis=basis,
        scope=scope,
        territory=territory,
    )
    return dispute


@transaction.atomic
def dispute_put_on_agenda(
    *, dispute_id: int, session_id: int, actor, reason: str = "", scope: str | None = None
) -> AgendaItem:
    """Put the dispute before a session; the proposed scope defaults to the ticket's street (docs/rulings.md)."""
    dispute = _lock(dispute_id)
    session = ConferenceSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    if session.status != SessionStatus.SCHEDULED:
        raise SessionClosed()
    ticket = dispute.ticket
    scope = scope or default_scope_for(ticket)
    scope_territory(ticket, scope)  # refuses an unknown scope, or one finer than the ticket's place
    _move(dispute, DisputeStatus.ON_AGENDA, actor=actor, reason=reason or _("put on the conference agenda"))
    position = session.items.count() + 1
    return save_attributed(
        AgendaItem(session=session, dispute=dispute, position=position, scope=scope),
        actor=actor,
        reason=reason or "put on the agenda",
    )


def next_session(now: dt.datetime | None = None) -> ConferenceSession | None:
    now = now or timezone.now()
    return (
        ConferenceSession.objects.filter(status=SessionStatus.SCHEDULED, scheduled_for__gte=now)
        .order_by("scheduled_for", "pk")
        .first()
    )


def disputes_put_overdue_on_agenda(*, now: dt.datetime | None = None, actor=None) -> int:
    """No agreement by the deadline: the dispute goes on the next session's agenda. Idempotent and safe to run
    concurrently — each dispute is re-checked under its row lock, so two sweeps never add it twice."""
    now = now or timezone.now()
    overdue = list(
        Dispute.objects.filter(
            status__in=(DisputeStatus.OPEN, DisputeStatus.NEGOTIATING), deadline__lt=now
        ).values_list("pk", flat=True)
    )
    if not overdue:
        return 0
    session = next_session(now)
    if session is None:
        # Not an error for a sweep: the disputes stay overdue (and listed so) until a session is scheduled.
        logger.warning("%d overdue disputes wait for a conference session to be scheduled", len(overdue))
        return 0
    moved = 0
    for dispute_id in overdue:
        try:
            dispute_put_on_agenda(
                dispute_id=dispute_id,
                session_id=session.pk,
                actor=actor,
                reason=gettext_noop("no agreement by the negotiation deadline"),
            )
        except IllegalMove:
            continue  # another sweep or a dispatcher moved it meanwhile
        moved += 1
    return moved


@transaction.atomic
def dispute_refer_to_leader(*, dispute_id: int, actor, reason: str) -> Dispute:
    # Lock first: the vote that closes the agenda item may be landing at this moment.
    dispute = _lock(dispute_id)
    _move(dispute, DisputeStatus.AWAITING_SIGN_OFF, actor=actor, reason=reason)
    return dispute
