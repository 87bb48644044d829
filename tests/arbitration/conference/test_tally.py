"""Quorum and majority arithmetic: pure numbers, no database."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arbitration.choices import AgendaOutcome
from arbitration.tally import co_handlers_agreed, parse_fraction, tally

TWO_THIRDS, HALF = Fraction(2, 3), Fraction(1, 2)


def outcome(base, leads, quorum=TWO_THIRDS, majority=HALF):
    return tally(base=base, leads=leads, quorum=quorum, majority=majority)


def test_a_clear_majority_with_quorum_rules():
    result = outcome(9, [1, 1, 1, 1, 2, None])
    assert result.quorum_required == 6 and result.quorum_met
    assert result.majority_required == 4 and result.leader_id == 1 and result.outcome == AgendaOutcome.RULING


def test_one_vote_short_of_quorum_is_a_deadlock_whatever_the_votes_say():
    result = outcome(9, [1, 1, 1, 1, 1])
    assert not result.quorum_met and result.outcome == AgendaOutcome.NO_QUORUM and result.leader_id is None


def test_exactly_half_is_not_more_than_half():
    assert outcome(6, [1, 1, 2, None]).outcome == AgendaOutcome.NO_MAJORITY


def test_a_tie_at_the_top_is_a_deadlock_even_when_both_pass_the_threshold():
    assert outcome(6, [1, 1, 2, 2]).outcome == AgendaOutcome.TIE
    assert outcome(6, [1, 1, 2, 2], majority=Fraction(1, 3)).outcome == AgendaOutcome.TIE


def test_all_abstaining_meets_quorum_but_decides_nothing():
    result = outcome(3, [None, None, None])
    assert result.quorum_met and result.abstentions == 3 and result.outcome == AgendaOutcome.NO_MAJORITY


def test_abstentions_count_towards_quorum_and_against_every_candidate():
    result = outcome(5, [1, 1, None, None])
    assert result.quorum_met and result.outcome == AgendaOutcome.NO_MAJORITY


def test_when_every_seat_is_recused_there_is_no_quorum():
    assert outcome(0, []).outcome == AgendaOutcome.NO_QUORUM


def test_settings_are_read_as_fractions_and_nonsense_fails_loudly():
    assert parse_fraction("2/3") == TWO_THIRDS and parse_fraction("0.5") == HALF
    with pytest.raises(ValueError):
        parse_fraction("3/2")


def test_co_handlers_named_by_more_than_half_of_the_winners_join_the_ruling():
    assert co_handlers_agreed([{7, 8}, {7}, {9}]) == [7]


@given(base=st.integers(0, 40), leads=st.lists(st.one_of(st.none(), st.integers(1, 4)), max_size=40))
def test_a_ruling_always_has_quorum_and_a_strict_unique_majority(base, leads):
    leads = leads[:base]
    result = outcome(base, leads)
    if result.outcome == AgendaOutcome.RULING:
        top = result.counts[result.leader_id]
        assert result.cast * 3 >= base * 2 and top * 2 > result.cast
        assert all(count < top for dept, count in result.counts.items() if dept != result.leader_id)
    else:
        assert result.leader_id is None
