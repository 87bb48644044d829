"""Which dispute status moves are legal — the only place that knows. Pure: no queries."""

from django.utils.translation import gettext

from arbitration.choices import DisputeStatus
from arbitration.errors import IllegalMove

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
