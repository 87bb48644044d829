"""Which status moves are legal for legal cases and public-interest leads. Pure: no queries."""

from django.utils.translation import gettext_lazy as _

from arbitration.errors import IllegalMove
from legal.choices import CaseStatus, FeedbackKind, LeadStatus

C = CaseStatus
CASE_MOVES: dict[str, frozenset[str]] = {
    C.OPEN: frozenset({C.ASSIGNED, C.CLOSED}),
    C.ASSIGNED: frozenset({C.ADVISED, C.CLOSED}),
    C.ADVISED: frozenset({C.HANDED_OFF, C.CLOSED}),
    C.HANDED_OFF: frozenset({C.CLOSED}),
    C.CLOSED: frozenset(),
}

L = LeadStatus
LEAD_MOVES: dict[str, frozenset[str]] = {
    L.PROPOSED: frozenset({L.ACCEPTED, L.DISMISSED}),
    L.ACCEPTED: frozenset({L.HANDED_OFF, L.DISMISSED}),
    L.DISMISSED: frozenset(),
    L.HANDED_OFF: frozenset({L.RECEIVED}),
    # The procuratorate files a case first; it may also decline at once.
    L.RECEIVED: frozenset({L.FILED, L.DECLINED}),
    L.FILED: frozenset({L.RECOMMENDATION_ISSUED, L.LAWSUIT, L.DECLINED}),
    # A body that ignores the recommendation may be sued (the recommendation is the pre-litigation step).
    L.RECOMMENDATION_ISSUED: frozenset({L.LAWSUIT}),
    L.LAWSUIT: frozenset(),
    L.DECLINED: frozenset(),
}

FEEDBACK_STATUS: dict[str, str] = {
    FeedbackKind.FILED: L.FILED,
    FeedbackKind.RECOMMENDATION_ISSUED: L.RECOMMENDATION_ISSUED,
    FeedbackKind.LAWSUIT: L.LAWSUIT,
    FeedbackKind.DECLINED: L.DECLINED,
}

# Leads the procuratorate has in hand: the liaison's pages and the ledger show these.
HANDED_STATUSES = frozenset({L.HANDED_OFF, L.RECEIVED, L.FILED, L.RECOMMENDATION_ISSUED, L.LAWSUIT, L.DECLINED})


def ensure_case_move(current: str, target: str) -> None:
    if target not in CASE_MOVES[current]:
        raise IllegalMove(thing=_("legal case"), current=C(current).label, target=C(target).label)


def ensure_lead_move(current: str, target: str) -> None:
    if target not in LEAD_MOVES[current]:
        raise IllegalMove(thing=_("public-interest lead"), current=L(current).label, target=L(target).label)
