"""Grouping repeated requests into problems: which groups count, then a union-find over tickets. Pure: no queries.

A group is the tickets of the window about one matter at one place, or from one caller (one phone number). It
counts when it reaches the threshold with at least one unresolved ticket, or when it holds a ticket already in a
problem beside one that is not yet in any (a new request of a known problem). Every two tickets of a counting
group are tied together, so a ticket found by both rules ties the place's tickets to the caller's: what the two
rules find together is one problem, never two (docs/supervision.md, "Problems").
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

    @property
    def group(self) -> tuple[str, object]:
        return ("place", self.place) if self.place is not None else ("caller", self.caller)


@dataclass(frozen=True)
class Member:
    """A ticket of the window that already belongs to a problem, with the keys of its two groups."""

    ticket_id: int
    problem_id: int
    place: tuple[int, int]
    caller: str | None


def groups_to_read(sizes: dict[str, dict], members: list[Member], threshold: int) -> tuple[set[tuple], set[tuple]]:
    """(reaching, wanted). `sizes` holds, by kind ("place", "caller"), key → (tickets, unresolved tickets) of every
    group of two or more in the window. Reaching: the groups that meet the threshold with an unresolved ticket.
    Wanted: the groups whose tickets must be read — those reaching, and those holding a ticket already in a
    problem — less the groups already settled (every ticket in one and the same problem), which can change
    nothing. A settled group left out never splits a problem: joins and merges go by the problems' memberships."""
    reaching = {
        (kind, key) for kind, groups in sizes.items() for key, (n, unresolved) in groups.items()
        if n >= threshold and unresolved
    }  # fmt: skip
    grouped: dict[tuple, list[int]] = defaultdict(list)
    for member in members:
        grouped[("place", member.place)].append(member.problem_id)
        if member.caller:
            grouped[("caller", member.caller)].append(member.problem_id)
    wanted = {
        group for group in reaching | grouped.keys()
        if group[1] in sizes[group[0]] and not _settled_group(sizes[group[0]][group[1]][0], grouped.get(group, []))
    }  # fmt: skip
    return reaching, wanted


def _settled_group(size: int, problems: list[int]) -> bool:
    return len(problems) == size and len(set(problems)) == 1


def counting(rows: Iterable[RepeatRow], *, reaching: set[tuple], grouped: set[int]) -> list[RepeatRow]:
    """The rows of the groups that count: those in `reaching` (the threshold met, one ticket unresolved), and
    those holding a ticket in `grouped` (already in a problem) beside one that is not."""
    groups: dict[tuple, list[RepeatRow]] = defaultdict(list)
    for row in rows:
        groups[row.group].append(row)
    return [
        row
        for key, members in groups.items()
        if key in reaching or any(row.ticket_id not in grouped for row in members)
        for row in members
    ]


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
        kinds[row.ticket_id].add(ProblemRule.PLACE if row.place is not None else ProblemRule.CALLER)
        sets.union(first_of_group.setdefault(row.group, row.ticket_id), row.ticket_id)
    # One sort for all: each problem's tickets then come out oldest first.
    members: dict[int, list[RepeatRow]] = defaultdict(list)
    for row in sorted(facts.values(), key=lambda row: (row.received_at, row.ticket_id)):
        members[sets.find(row.ticket_id)].append(row)
    return [_component(members[root], kinds) for root in sorted(members)]


def _component(rows: list[RepeatRow], kinds: dict[int, set[str]]) -> Component:
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
