"""Catalogue analysis: gaps, overlaps and dispute hot spots.

- **Gap**: a (matter, territory) pair for which the catalogue and precedents name no lead — exactly the pairs
  for which `suggest` answers `no_owner` (a property test holds the two together). Only leaf matters are
  walked, since tickets are filed against them and a duty on a category covers its children. The report is
  compact: a row marked `whole_subtree` stands for the territory and everything under it; a row without the
  mark stands for that territory alone (something under it has a lead, and is walked separately).
  **Settled gaps** (`settled_gaps`) are the catalogue's holes that a precedent (a ruling, a leader decision or an
  agreement made a precedent) now fills: no catalogue lead, but a precedent lead scoped at that territory, which
  `settled_by` names. They are no longer gaps for `suggest`, and the report shows them beside the open ones.
- **Overlap**: two or more catalogue leads, of different departments, for the same matter in the same
  territory, valid at the same moment — a tie the suggestion cannot break. `settled_by` names a precedent
  that already overrides the tie, if one applies; `settled_within` the precedents that settle it in part of the
  territory only (a street-scoped ruling on a city-wide overlap), with the territory each covers.
- **Hot spot**: a pair of departments tickets travel between as lead, most often (in either direction),
  counting how many of those moves followed a bounce; and **cycles** A → B → A in a ticket's sequence of lead
  assignments. Bounces (`arbitration.Bounce`) mark which moves were bounces; the moves themselves come from
  the lead assignments, which record every re-dispatch whether it followed a bounce, a ruling or a dispatcher.

Gaps and overlaps are pure functions of a built graph and a moment, memoised on the graph per minute
(they are whole-catalogue walks; at Beijing scale they take seconds, so a page must not repeat them).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .build import LEAD, SOURCE_CATALOGUE, SOURCE_PRECEDENT, JurisdictionGraph

TIERS = frozenset({SOURCE_CATALOGUE, SOURCE_PRECEDENT})


@dataclass(frozen=True, slots=True)
class Gap:
    matter_id: int
    matter_code: str
    matter_name: str
    territory_code: str
    territory_name: str
    territory_level: int
    whole_subtree: bool  # the territory and every territory under it lack a lead
    fallback_department: str  # the government that would take such a ticket (兜底), or ""
    settled_by: str = ""  # for a settled gap: the precedent that now names the lead here


@dataclass(frozen=True, slots=True)
class Overlap:
    matter_id: int
    matter_code: str
    matter_name: str
    territory_code: str
    territory_name: str
    departments: tuple[tuple[int, str, str], ...]  # (id, code, name) of each lead
    duty_ids: tuple[int, ...]
    settled_by: str  # document number of a precedent that overrides the tie, or ""
    settled_within: tuple[tuple[str, str], ...] = ()  # (document number, territory name) settling part of it


@dataclass(frozen=True, slots=True)
class HotspotPair:
    department_a: tuple[int, str, str]  # (id, code, name); a's code sorts before b's
    department_b: tuple[int, str, str]
    a_to_b: int  # lead moves from a to b
    b_to_a: int
    bounces: int  # of those moves, how many followed a bounce
    tickets: int  # distinct tickets involved

    @property
    def total(self) -> int:
        return self.a_to_b + self.b_to_a


@dataclass(frozen=True, slots=True)
class Cycle:
    ticket_id: int
    hotline_no: str
    departments: tuple[tuple[int, str, str], ...]  # the lead sequence, A → B → A …


@dataclass(frozen=True, slots=True)
class LeadMove:
    """One change of lead on a ticket: `from_department_id`'s assignment ended and `to_department_id`'s began."""

    ticket_id: int
    hotline_no: str
    from_department_id: int
    to_department_id: int
    bounced: bool


def _memo(graph: JurisdictionGraph, name: str, at: dt.datetime, compute):
    key = (name, at.replace(second=0, microsecond=0))
    if key not in graph.memo:
        graph.memo[key] = compute()
    return graph.memo[key]


def _lead_duties(graph: JurisdictionGraph, matter_id: int, at: dt.datetime, tiers: frozenset[str] = TIERS):
    """(territory code, duty) of every valid lead duty of an active department, in one of `tiers`, on the matter or
    a category above it — the matter itself first."""
    departments = graph.departments
    for matter in graph.matter_chain.get(matter_id, ()):
        for territory in graph.matter_scopes.get(matter, ()):
            for duty in graph.duties_at[(matter, territory)]:
                if (
                    duty.role == LEAD
                    and duty.tier in tiers
                    and duty.valid_at(at)
                    and departments[duty.department_id].is_active
                ):
                    yield territory, duty


def _lead_scopes(graph: JurisdictionGraph, matter_id: int, at: dt.datetime, tiers: frozenset[str] = TIERS) -> set[str]:
    """Territories where some valid lead duty (of one of `tiers`) on the matter or a category above it is scoped."""
    departments, scopes = graph.departments, set()
    for matter in graph.matter_chain.get(matter_id, ()):
        for territory in graph.matter_scopes.get(matter, ()):
            if territory in scopes:
                continue  # one lead is enough: the whole catalogue is walked, so stop at the first
            for duty in graph.duties_at[(matter, territory)]:
                if (
                    duty.role == LEAD
                    and duty.tier in tiers
                    and duty.valid_at(at)
                    and departments[duty.department_id].is_active
                ):
                    scopes.add(territory)
                    break
    return scopes


def _fallback_name(graph: JurisdictionGraph, territory_code: str) -> str:
    for code in graph.territory_chain.get(territory_code, ()):
        ids = graph.governments.get(code)
        if ids:
            return min((graph.departments[i] for i in ids), key=lambda d: d.code).name
    return ""


def _matter_gaps(graph: JurisdictionGraph, matter_id: int, at: dt.datetime) -> list[Gap]:
    scopes = _lead_scopes(graph, matter_id, at)
    above_a_lead = {code for scope in scopes for code in graph.territory_chain[scope]}
    matter, rows = graph.matters[matter_id], []
    stack = sorted(graph.territory_children.get(None, ()), reverse=True)
    while stack:
        code = stack.pop()
        if code in scopes:
            continue  # a lead here covers everything below
        territory = graph.territories[code]
        children = graph.territory_children.get(code, ())
        whole = code not in above_a_lead
        rows.append(
            Gap(
                matter.id,
                matter.code,
                matter.name,
                code,
                territory.name,
                territory.level,
                whole and bool(children),
                _fallback_name(graph, code),
            )
        )
        if not whole:
            stack.extend(sorted(children, reverse=True))
    return rows


def gaps(graph: JurisdictionGraph, *, at: dt.datetime) -> list[Gap]:
    """Every (leaf matter, territory) without a lead at `at`, compactly (see the module docstring)."""
    return _memo(
        graph,
        "gaps",
        at,
        lambda: [
            gap
            for matter_id in sorted(graph.leaf_matter_ids(), key=lambda m: graph.matters[m].code)
            for gap in _matter_gaps(graph, matter_id, at)
        ],
    )


def _matter_settled_gaps(graph: JurisdictionGraph, matter_id: int, at: dt.datetime) -> list[Gap]:
    catalogue = _lead_scopes(graph, matter_id, at, frozenset({SOURCE_CATALOGUE}))
    above_catalogue = {code for scope in catalogue for code in graph.territory_chain[scope]}
    precedents: dict[str, str] = {}
    for territory, duty in _lead_duties(graph, matter_id, at, frozenset({SOURCE_PRECEDENT})):
        precedents.setdefault(territory, duty.source_reference or str(duty.duty_id))
    matter, rows = graph.matters[matter_id], []
    for code, reference in precedents.items():
        chain = graph.territory_chain[code]
        if any(c in catalogue for c in chain) or any(c in precedents for c in chain[1:]):
            continue  # the catalogue covers it (no gap), or a wider precedent's row stands for it
        territory = graph.territories[code]
        whole = code not in above_catalogue and bool(graph.territory_children.get(code))
        fallback = _fallback_name(graph, code)
        rows.append(
            Gap(matter.id, matter.code, matter.name, code, territory.name, territory.level, whole, fallback, reference)
        )
    return rows


def settled_gaps(graph: JurisdictionGraph, *, at: dt.datetime) -> list[Gap]:
    """Every (leaf matter, territory) the catalogue leaves without a lead but a precedent now settles, with it."""
    return _memo(
        graph,
        "settled_gaps",
        at,
        lambda: sorted(
            (gap for matter_id in graph.leaf_matter_ids() for gap in _matter_settled_gaps(graph, matter_id, at)),
            key=lambda g: (g.matter_code, g.territory_code),
        ),
    )


def gap_pairs(graph: JurisdictionGraph, rows: Iterable[Gap]) -> set[tuple[int, str]]:
    """Expand compact gap rows into every (matter id, territory code) pair they stand for."""
    pairs = set()
    for gap in rows:
        stack = [gap.territory_code]
        while stack:
            code = stack.pop()
            pairs.add((gap.matter_id, code))
            if gap.whole_subtree:
                stack.extend(graph.territory_children.get(code, ()))
    return pairs


def _settling_precedent(graph: JurisdictionGraph, matter_id: int, territory_code: str, at: dt.datetime) -> str:
    departments = graph.departments
    for matter in graph.matter_chain.get(matter_id, ()):
        for territory in graph.territory_chain.get(territory_code, ()):
            for duty in graph.duties_at.get((matter, territory), ()):
                if (
                    duty.tier == SOURCE_PRECEDENT
                    and duty.role == LEAD
                    and duty.valid_at(at)
                    and departments[duty.department_id].is_active
                ):
                    return duty.source_reference or str(duty.duty_id)
    return ""


def _settled_within(
    graph: JurisdictionGraph, matter_id: int, territory_code: str, at: dt.datetime
) -> tuple[tuple[str, str], ...]:
    """Precedent leads on the matter (or a category above it) scoped strictly below the overlap's territory."""
    found = {}
    for territory, duty in _lead_duties(graph, matter_id, at, frozenset({SOURCE_PRECEDENT})):
        if territory_code in graph.territory_chain[territory][1:]:
            found.setdefault((duty.source_reference or str(duty.duty_id), territory), graph.territories[territory].name)
    return tuple((reference, name) for (reference, _code), name in sorted(found.items(), key=lambda kv: kv[0][1]))


def _overlaps(graph: JurisdictionGraph, at: dt.datetime) -> list[Overlap]:
    rows = []
    departments, matters, territories = graph.departments, graph.matters, graph.territories
    for (matter_id, territory_code), duties in graph.duties_at.items():
        leads = {}
        for duty in duties:
            if (
                duty.role == LEAD
                and duty.tier == SOURCE_CATALOGUE
                and duty.valid_at(at)
                and departments[duty.department_id].is_active
            ):
                leads.setdefault(duty.department_id, duty.duty_id)
        if len(leads) < 2:
            continue
        holders = sorted((departments[i] for i in leads), key=lambda d: d.code)
        matter, territory = matters[matter_id], territories[territory_code]
        settled_by = _settling_precedent(graph, matter_id, territory_code, at)
        rows.append(
            Overlap(
                matter_id,
                matter.code,
                matter.name,
                territory_code,
                territory.name,
                tuple((d.id, d.code, d.name) for d in holders),
                tuple(leads[d.id] for d in holders),
                settled_by,
                () if settled_by else _settled_within(graph, matter_id, territory_code, at),
            )
        )
    rows.sort(key=lambda o: (o.matter_code, o.territory_code))
    return rows


def overlaps(graph: JurisdictionGraph, *, at: dt.datetime) -> list[Overlap]:
    """Every (matter, territory) where two or more catalogue leads tie at `at`."""
    return _memo(graph, "overlaps", at, lambda: _overlaps(graph, at))


def _department(graph: JurisdictionGraph, department_id: int) -> tuple[int, str, str]:
    department = graph.departments.get(department_id)
    return (department_id, department.code, department.name) if department else (department_id, "?", "?")


def hotspots(graph: JurisdictionGraph, moves: Iterable[LeadMove]) -> list[HotspotPair]:
    """Department pairs ranked by how often tickets moved between them as lead (bounces first, then all moves)."""
    directed: Counter[tuple[int, int]] = Counter()
    bounced: Counter[frozenset[int]] = Counter()
    tickets: defaultdict[frozenset[int], set[int]] = defaultdict(set)
    for move in moves:
        if move.from_department_id == move.to_department_id:
            continue
        pair = frozenset((move.from_department_id, move.to_department_id))
        directed[(move.from_department_id, move.to_department_id)] += 1
        bounced[pair] += move.bounced
        tickets[pair].add(move.ticket_id)
    rows = []
    for pair, ticket_ids in tickets.items():
        a, b = sorted((_department(graph, i) for i in pair), key=lambda d: d[1])
        rows.append(HotspotPair(a, b, directed[(a[0], b[0])], directed[(b[0], a[0])], bounced[pair], len(ticket_ids)))
    rows.sort(key=lambda r: (-r.bounces, -r.total, -r.tickets, r.department_a[1], r.department_b[1]))
    return rows


def cycles(graph: JurisdictionGraph, moves: Iterable[LeadMove]) -> list[Cycle]:
    """Tickets whose lead went A → B → A (someone handed it back to a department that had already let it go)."""
    sequences: dict[int, list[int]] = {}
    numbers: dict[int, str] = {}
    for move in moves:  # in order per ticket
        sequence = sequences.setdefault(move.ticket_id, [move.from_department_id])
        numbers[move.ticket_id] = move.hotline_no
        if sequence[-1] != move.from_department_id:
            sequence.append(move.from_department_id)
        sequence.append(move.to_department_id)
    rows = []
    for ticket_id, sequence in sequences.items():
        if any(sequence[i] == sequence[i + 2] != sequence[i + 1] for i in range(len(sequence) - 2)):
            rows.append(Cycle(ticket_id, numbers[ticket_id], tuple(_department(graph, i) for i in sequence)))
    rows.sort(key=lambda c: (-len(c.departments), c.hotline_no))
    return rows


def lead_moves_load(*, department_id: int | None = None) -> list[LeadMove]:
    """Every change of lead, per ticket in order, from the assignments, marked where it followed a bounce.
    With `department_id`, only on tickets that department has led."""
    from arbitration.choices import AssignmentRole
    from arbitration.models import Assignment, Bounce

    bounced_assignments = set(Bounce.objects.values_list("assignment_id", flat=True))
    moves, previous = [], None
    leads = Assignment.objects.filter(role=AssignmentRole.LEAD)
    if department_id is not None:
        led = Assignment.objects.filter(role=AssignmentRole.LEAD, department_id=department_id).values("ticket_id")
        leads = leads.filter(ticket_id__in=led)
    leads = leads.order_by("ticket_id", "assigned_at", "pk").values_list(
        "pk", "ticket_id", "ticket__hotline_no", "department_id"
    )
    for pk, ticket_id, hotline_no, department_id in leads.iterator(chunk_size=2000):
        if previous is not None and previous[1] == ticket_id and previous[2] != department_id:
            moves.append(
                LeadMove(ticket_id, hotline_no, previous[2], department_id, previous[0] in bounced_assignments)
            )
        previous = (pk, ticket_id, department_id)
    return moves
