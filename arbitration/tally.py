"""Quorum and majority arithmetic of a conference vote. Pure: plain numbers in, a frozen result out.

Quorum counts every vote cast, abstentions included (an abstaining member took part); the base is the
non-recused seats. Majority is strict: a lead needs MORE than `majority` of the votes cast, so abstentions
weigh against every candidate, and a tie at the top is a deadlock whatever the threshold — unless the local rules
give the chair a casting vote (决定票), which makes one of the leads tied at the top the lead (`casting_vote_apply`).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from fractions import Fraction

from arbitration.choices import AgendaOutcome


def parse_fraction(value: str | Fraction | float) -> Fraction:
    """'2/3', '0.5' or a Fraction; a malformed setting fails loudly at first use."""
    fraction = Fraction(value)
    if not 0 <= fraction <= 1:
        raise ValueError(f"a share must lie between 0 and 1, not {value!r}")
    return fraction


@dataclass(frozen=True)
class TallyResult:
    base: int  # non-recused seats
    cast: int  # votes cast, abstentions included
    abstentions: int
    counts: dict[int, int]  # lead department id → votes
    quorum_required: int
    majority_required: int  # the smallest count that is more than `majority` of the votes cast
    leader_id: int | None  # the lead with a majority (or chosen by the chair's casting vote), if any
    outcome: str
    tied_ids: tuple[int, ...] = ()  # the leads tied at the top, when the outcome is a tie
    casting_vote: bool = False  # the lead was chosen by the chair's casting vote

    @property
    def quorum_met(self) -> bool:
        return self.base > 0 and self.cast >= self.quorum_required

    @property
    def is_deadlock(self) -> bool:
        return self.outcome != AgendaOutcome.RULING


def tally(*, base: int, leads: list[int | None], quorum: Fraction, majority: Fraction) -> TallyResult:
    """`leads`: one entry per vote cast, the chosen lead's id or None for an abstention."""
    counts = Counter(lead for lead in leads if lead is not None)
    cast = len(leads)
    quorum_required = max(1, math.ceil(base * quorum))
    majority_required = math.floor(cast * majority) + 1
    ranked = counts.most_common()
    top_id, top_count = ranked[0] if ranked else (None, 0)
    tied = len(ranked) > 1 and ranked[1][1] == top_count
    tied_ids = tuple(sorted(lead for lead, count in ranked if count == top_count)) if tied else ()
    if base == 0 or cast < quorum_required:
        outcome, leader_id = AgendaOutcome.NO_QUORUM, None
    elif tied:
        outcome, leader_id = AgendaOutcome.TIE, None
    elif top_count < majority_required:
        outcome, leader_id = AgendaOutcome.NO_MAJORITY, None
    else:
        outcome, leader_id = AgendaOutcome.RULING, top_id
    return TallyResult(
        base=base,
        cast=cast,
        abstentions=cast - sum(counts.values()),
        counts=dict(counts),
        quorum_required=quorum_required,
        majority_required=majority_required,
        leader_id=leader_id,
        outcome=outcome,
        tied_ids=tied_ids if outcome == AgendaOutcome.TIE else (),
    )


def casting_vote_apply(result: TallyResult, lead_id: int) -> TallyResult:
    """The chair's casting vote on a tie: `lead_id`, one of the leads tied at the top, becomes the lead."""
    if result.outcome != AgendaOutcome.TIE or lead_id not in result.tied_ids:
        raise ValueError("a casting vote chooses one of the leads tied at the top of a tied vote")
    return replace(result, outcome=AgendaOutcome.RULING, leader_id=lead_id, casting_vote=True)


def co_handlers_agreed(co_handler_sets: list[set[int]]) -> list[int]:
    """Co-handlers named by more than half of the winning lead's voters, in a stable order."""
    counts = Counter(dept for chosen in co_handler_sets for dept in chosen)
    needed = len(co_handler_sets) // 2 + 1
    return sorted(dept for dept, count in counts.items() if count >= needed)
