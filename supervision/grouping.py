"""Grouping repeated requests into problems: a union-find over tickets. Pure: no queries.

The rows come from `supervision.selectors.repeated_request_rows`, which already kept only the tickets of a
qualifying group: a place (same matter, same territory) or a caller (same phone) with enough requests within
the window, at least one of them unresolved, or a group that a ticket already in a problem shares with a new
one. Here every two tickets of one group are tied together, so a ticket found by both rules ties the place's
tickets to the caller's: what the two rules find together is one problem, never two (docs/supervision.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from supervision.choices import ProblemRule


@dataclass(frozen=True)
class RepeatRow:
    """One ticket of one qualifying group. `caller` is the phone number: held in memory, never stored or logged."""

    ticket_id: int
    received_at: dt.datetime
    is_open: bool
    unsatisfied: bool
    place: tuple[int, int] | None = None  # (matter id, territory id)
    caller: str | None = None


@dataclass(frozen=True)
class Component:
    """The tickets one problem holds, oldest first, and how each was tied to it."""

    ticket_ids: tuple[int, ...]
    rules: dict[int, str]  # ticket id → ProblemRule
    focus_id: int  # the ticket whose lead is pressed: the latest still open, else the latest
    unresolved: int  # open, or closed and rated unsatisfied
    unsatisfied: int

    @property
    def rule(self) -> str:
        """The rule of the whole problem: place, caller, or both when the two rules met in it."""
        return _rule(set(self.rules.values()))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def add(self, item: int) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression: later finds are one hop
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def components(rows: Iterable[RepeatRow]) -> list[Component]:
    """The problems the rows make, in the order of their oldest ticket id (deterministic for a given input)."""
    sets, facts = _UnionFind(), {}
    first_of_group: dict[tuple, int] = {}
    kinds: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        facts.setdefault(row.ticket_id, row)
        sets.add(row.ticket_id)
        group = ("place", row.place) if row.place is not None else ("caller", row.caller)
        kinds[row.ticket_id].add(ProblemRule.PLACE if row.place is not None else ProblemRule.CALLER)
        sets.union(first_of_group.setdefault(group, row.ticket_id), row.ticket_id)
    members: dict[int, list[int]] = defaultdict(list)
    for ticket_id in sets.parent:
        members[sets.find(ticket_id)].append(ticket_id)
    return [_component(members[root], facts, kinds) for root in sorted(members)]


def _component(ticket_ids: list[int], facts: dict[int, RepeatRow], kinds: dict[int, set[str]]) -> Component:
    rows = sorted((facts[pk] for pk in ticket_ids), key=lambda row: (row.received_at, row.ticket_id))
    still_open = [row for row in rows if row.is_open]
    return Component(
        ticket_ids=tuple(row.ticket_id for row in rows),
        rules={row.ticket_id: _rule(kinds[row.ticket_id]) for row in rows},
        focus_id=(still_open or rows)[-1].ticket_id,
        unresolved=sum(row.is_open or row.unsatisfied for row in rows),
        unsatisfied=sum(row.unsatisfied for row in rows),
    )


def _rule(kinds: set[str]) -> str:
    return next(iter(kinds)) if len(kinds) == 1 else ProblemRule.BOTH


def settled(component: Component, membership: dict[int, int]) -> bool:
    """True when every ticket of the component already belongs to one and the same problem: nothing to do."""
    problems = {membership.get(ticket_id) for ticket_id in component.ticket_ids}
    return len(problems) == 1 and None not in problems
