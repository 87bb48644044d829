"""Which status moves are legal — the only place that knows. Pure: no queries.

Disputes move by their own services; tickets move by the hotline platform's events (docs/platform-events.md).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from arbitration.choices import DisputeStatus, ProposalStatus, ReorganisationStatus, TicketEventKind, TicketStatus
from arbitration.errors import EventNotAllowed, IllegalMove, ProposalMoveRefused, ReorganisationMoveRefused

D = DisputeStatus
DISPUTE_MOVES: dict[str, frozenset[str]] = {
    D.OPEN: frozenset({D.NEGOTIATING, D.ON_AGENDA, D.AGREED}),
    D.NEGOTIATING: frozenset({D.AGREED, D.ON_AGENDA}),
    D.ON_AGENDA: frozenset({D.RULED, D.AWAITING_SIGN_OFF}),  # a deadlock goes to a city leader
    D.RULED: frozenset({D.AWAITING_SIGN_OFF}),  # so does a refused ruling
    D.AWAITING_SIGN_OFF: frozenset({D.DECIDED}),
    D.AGREED: frozenset(),
    D.DECIDED: frozenset(),
}

# Statuses in which parties may still post negotiation statements.
STATEMENT_STATUSES = frozenset({D.OPEN, D.NEGOTIATING, D.ON_AGENDA})


def may_move(current: str, target: str) -> bool:
    return target in DISPUTE_MOVES[current]


def ensure_move_allowed(current: str, target: str) -> None:
    if not may_move(current, target):
        raise IllegalMove(thing=gettext("dispute"), current=D(current).label, target=D(target).label)


# --- tickets: which platform events a ticket accepts in each status ---------------------------------------
T, K = TicketStatus, TicketEventKind
_BEFORE_REPLY = frozenset({T.DISPATCHED, T.HANDLING})
_NOT_CLOSED = frozenset({T.RECEIVED, T.DISPATCHED, T.HANDLING, T.REPLIED})
# A withdrawn ticket accepts nothing (the service says so with the ticket's own error). A reply may come to a
# ticket that was never dispatched: the hotline answered it itself.
TICKET_EVENT_STATUSES: dict[str, frozenset[str]] = {
    K.SIGNED: _BEFORE_REPLY,
    K.FIRST_RESPONSE: _BEFORE_REPLY,
    K.REPLIED: frozenset({T.RECEIVED, *_BEFORE_REPLY}),
    K.VISITED: frozenset({T.REPLIED}),
    K.REHANDLED: frozenset({T.REPLIED, T.CLOSED}),
    K.REMINDED: _NOT_CLOSED,
    K.SUPPLEMENTED: _NOT_CLOSED,
    K.WITHDRAWN: _NOT_CLOSED,
    K.VERIFIED: frozenset({T.REPLIED}),
    K.VERIFICATION_FAILED: frozenset({T.REPLIED}),
}


def _why_not(kind: str, status: str) -> str:
    if kind == K.VISITED:
        return _("a return visit needs a reply first") if status != T.CLOSED else _("the return visit is recorded")
    if kind == K.REHANDLED:
        return _("only a replied or closed ticket can be sent back for re-handling")
    if kind in (K.VERIFIED, K.VERIFICATION_FAILED):
        return _("only a replied ticket can be verified")
    if status == T.RECEIVED:
        return _("the ticket has not been dispatched")
    if status == T.CLOSED:
        return _("the ticket is closed")
    return _("the ticket has already been replied to")


def ensure_event_allowed(kind: str, status: str, *, ticket: str) -> None:
    if status not in TICKET_EVENT_STATUSES[kind]:
        raise EventNotAllowed(kind=K(kind).label, ticket=ticket, status=T(status).label, reason=_why_not(kind, status))


# --- catalogue reform (docs/catalogue-reform.md) -----------------------------------------------------------------
P = ProposalStatus
PROPOSAL_MOVES: dict[str, frozenset[str]] = {
    P.PROPOSED: frozenset({P.APPROVED, P.REJECTED}),
    P.APPROVED: frozenset(),
    P.REJECTED: frozenset(),
}


def ensure_proposal_move(current: str, target: str) -> None:
    if target not in PROPOSAL_MOVES[current]:
        raise ProposalMoveRefused(current=P(current).label, target=P(target).label)


R = ReorganisationStatus
REORGANISATION_MOVES: dict[str, frozenset[str]] = {
    R.PLANNED: frozenset({R.APPROVED, R.REJECTED}),
    R.APPROVED: frozenset({R.CARRIED_OUT}),
    R.CARRIED_OUT: frozenset(),
    R.REJECTED: frozenset(),
}


def ensure_reorganisation_move(current: str, target: str) -> None:
    if target not in REORGANISATION_MOVES[current]:
        raise ReorganisationMoveRefused(current=R(current).label, target=R(target).label)
