"""Properties over generated cities, on graphs built from plain rows (no database between examples)."""

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arbitration.choices import DutyRole, DutySource
from arbitration.graph import DutyRow, gap_pairs, gaps, graph_build, suggest

from .conftest import EPOCH, moments, rows_cities

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def subtree(graph, code: str) -> set[str]:
    return {c for c, chain in graph.territory_chain.items() if code in chain}


def summary(suggestion) -> list[tuple]:
    return [(c.department_id, c.role, c.rank, c.source, c.duty_id) for c in suggestion.candidates]


@PROPERTY_SETTINGS
@given(rows=rows_cities(), data=st.data(), at=moments)
def test_a_new_precedent_tops_its_matter_in_its_territory_subtree_and_changes_nothing_elsewhere(rows, data, at):
    before = graph_build(rows)
    leaf = data.draw(st.sampled_from(before.leaf_matter_ids()))
    scope = data.draw(st.sampled_from(sorted(before.territories)))
    department = data.draw(st.sampled_from([d.id for d in rows.departments]))
    ruling = DutyRow(
        10_000, department, leaf, scope, DutyRole.LEAD, DutySource.RULING, "认定", "明责认〔2026〕9号", EPOCH, None
    )
    after = graph_build(dataclasses.replace(rows, duties=[*rows.duties, ruling]))

    inside = subtree(after, scope)
    for code in after.territories:
        new = suggest(after, matter_id=leaf, territory_code=code, at=at)
        old = suggest(before, matter_id=leaf, territory_code=code, at=at)
        if code in inside:
            assert new.top.department_id == department and new.top.source == "precedent"
        else:
            assert summary(new) == summary(old)


@PROPERTY_SETTINGS
@given(rows=rows_cities(precedents=True), data=st.data(), at=moments)
def test_closing_a_duty_removes_it_from_suggestions_after_the_close_and_not_before(rows, data, at):
    open_duties = [d for d in rows.duties if d.valid_until is None]
    if not open_duties:
        return
    target = data.draw(st.sampled_from(open_duties))
    closed_at = target.valid_from + dt.timedelta(days=data.draw(st.integers(1, 150)))
    closed = dataclasses.replace(target, valid_until=closed_at)
    before = graph_build(rows)
    after = graph_build(dataclasses.replace(rows, duties=[closed if d is target else d for d in rows.duties]))

    for code in after.territories:
        for matter_id in after.matters:
            new = suggest(after, matter_id=matter_id, territory_code=code, at=at)
            if at < closed_at:
                assert summary(new) == summary(suggest(before, matter_id=matter_id, territory_code=code, at=at))
            else:
                assert target.id not in {c.duty_id for c in new.candidates}


@PROPERTY_SETTINGS
@given(rows=rows_cities(precedents=True), at=moments)
def test_the_gap_report_lists_exactly_the_pairs_the_suggestion_answers_with_no_owner(rows, at):
    graph = graph_build(rows)

    reported = gap_pairs(graph, gaps(graph, at=at))

    expected = {
        (matter_id, code)
        for matter_id in graph.leaf_matter_ids()
        for code in graph.territories
        if suggest(graph, matter_id=matter_id, territory_code=code, at=at).no_owner
    }
    assert reported == expected


@PROPERTY_SETTINGS
@given(rows=rows_cities(precedents=True), at=moments)
def test_every_suggestion_ranks_one_lead_first_and_never_repeats_a_department_in_a_role(rows, at):
    graph = graph_build(rows)
    for matter_id in graph.matters:
        for code in graph.territories:
            suggestion = suggest(graph, matter_id=matter_id, territory_code=code, at=at)
            assert [c.rank for c in suggestion.candidates] == list(range(1, len(suggestion.candidates) + 1))
            for role in ("lead", "co_handler", "regulator"):
                ids = [c.department_id for c in suggestion.candidates if c.role == role]
                assert len(ids) == len(set(ids))
            if suggestion.leads:  # with no lead and no fallback, a regulator may still be named to copy
                assert suggestion.candidates[0].role == "lead"
            assert suggestion.no_owner == (not any(c.source != "fallback" for c in suggestion.leads))
