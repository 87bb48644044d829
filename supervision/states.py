"""Which moves are legal for cases and referrals. Pure: no queries."""

from __future__ import annotations

from django.conf import settings

from supervision.choices import TIER_ORDER, AlertStatus, ReferralStatus, ReferralTrigger, TopicStatus
from supervision.errors import AlertMoveRefused, ReferralMoveRefused, TopicMoveRefused, TopOfLadder


def next_tier(tier: str) -> str | None:
    """The rung above `tier`, or None at the top of the ladder."""
    position = TIER_ORDER.index(tier)
    return TIER_ORDER[position + 1] if position + 1 < len(TIER_ORDER) else None


def ensure_can_raise(tier: str) -> str:
    target = next_tier(tier)
    if target is None:
        raise TopOfLadder()
    return target


R = ReferralStatus
REFERRAL_MOVES: dict[str, frozenset[str]] = {
    R.PROPOSED: frozenset({R.SENT, R.DISMISSED}),
    R.SENT: frozenset({R.RECEIVED}),
    R.RECEIVED: frozenset({R.UNDER_REVIEW, R.CONCLUDED}),
    R.UNDER_REVIEW: frozenset({R.CONCLUDED}),
    R.CONCLUDED: frozenset(),
    R.DISMISSED: frozenset(),
}


def ensure_referral_move(current: str, target: str) -> None:
    if target not in REFERRAL_MOVES[current]:
        raise ReferralMoveRefused(current=R(current).label, target=R(target).label)


def referral_waits_for_key_rung(trigger: str) -> bool:
    """Whether a rule proposes a referral only once key supervision has failed to move the case (docs/supervision.md,
    "Referral rules"). The rules in MINGZE_REFERRAL_RULES_SKIPPING_KEY, and a supervisor referring by hand, do not."""
    return trigger != ReferralTrigger.MANUAL and trigger not in settings.MINGZE_REFERRAL_RULES_SKIPPING_KEY


T = TopicStatus
TOPIC_MOVES: dict[str, frozenset[str]] = {
    T.PROPOSED: frozenset({T.APPROVED, T.REJECTED}),
    T.APPROVED: frozenset({T.IN_PROGRESS, T.CLOSING}),
    T.IN_PROGRESS: frozenset({T.CLOSING}),
    T.CLOSING: frozenset({T.CLOSED}),
    T.CLOSED: frozenset(),
    T.REJECTED: frozenset(),
}


def ensure_topic_move(current: str, target: str) -> None:
    if target not in TOPIC_MOVES[current]:
        raise TopicMoveRefused(current=T(current).label, target=T(target).label)


A = AlertStatus
# A liaison acknowledges and reports action; the centre closes, also straight away when an alert needs nothing.
ALERT_MOVES: dict[str, frozenset[str]] = {
    A.RAISED: frozenset({A.ACKNOWLEDGED, A.CLOSED}),
    A.ACKNOWLEDGED: frozenset({A.ACTED, A.CLOSED}),
    A.ACTED: frozenset({A.ACTED, A.CLOSED}),  # a further action report adds to the record
    A.CLOSED: frozenset(),
}


def ensure_alert_move(current: str, target: str) -> None:
    if target not in ALERT_MOVES[current]:
        raise AlertMoveRefused(current=A(current).label, target=A(target).label)
