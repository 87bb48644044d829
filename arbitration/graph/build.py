"""Building the jurisdiction graph (管辖图) from plain rows.

The graph is a networkx `MultiDiGraph` whose nodes are plain tuples and whose edges carry plain values:

- ``("territory", code)`` → ``("territory", child_code)``   kind="contains" (from `Territory.parent`)
- ``("matter", id)`` → ``("matter", child_id)``              kind="contains" (the three-level matter tree)
- ``("department", id)`` → ``("department", child_id)``      kind="contains" (department hierarchy)
- ``("department", id)`` → ``("territory", code)``           kind="governs" (territorial governments)
- ``("department", id)`` → ``("matter", id)``                kind="regulates" (`Department.regulated_sectors`)
- ``("matter", id)`` → ``("department", id)``, key=duty id   kind="duty", duty=`DutyEdge` (one edge per duty row,
  catalogue entries and precedents alike; precedents are duties whose source is a ruling, a leader decision or an
  agreement the parties made a precedent)

Next to the networkx graph the build keeps a few plain indexes (territory and matter chains, duties by exact
(matter, territory) scope, governments by territory) so that a suggestion is a dozen dict look-ups rather
than a graph walk: the graph is for views and whole-catalogue analysis, the indexes answer requests.

`graph_build` takes plain rows (`CatalogueRows`) so that property tests and the benchmark build graphs
without a database; `catalogue_rows_load` reads the rows from the database in one query per table.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

import networkx as nx

from arbitration.choices import PRECEDENT_SOURCES, TERRITORIAL_KINDS, DutyRole

# Where a candidate comes from, strongest first (see suggest.py).
SOURCE_PRECEDENT = "precedent"
SOURCE_CATALOGUE = "catalogue"
SOURCE_FALLBACK = "fallback"
TIER_RANK = {SOURCE_PRECEDENT: 0, SOURCE_CATALOGUE: 1, SOURCE_FALLBACK: 2}
PRECEDENT_SOURCE_VALUES = frozenset(source.value for source in PRECEDENT_SOURCES)  # plain strings: faster set look-ups
TERRITORIAL_KIND_VALUES = frozenset(kind.value for kind in TERRITORIAL_KINDS)

Node = tuple[str, Hashable]


@dataclass(frozen=True, slots=True)
class TerritoryRow:
    code: str
    name: str
    level: int
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class MatterRow:
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None = None
    territory_code: str | None = None
    is_active: bool = True
    regulated_matter_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class DutyRow:
    id: int
    department_id: int
    matter_id: int
    territory_code: str
    role: str
    source: str
    legal_basis: str
    source_reference: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None


@dataclass
class CatalogueRows:
    """Everything the graph is built from, as plain values."""

    territories: list[TerritoryRow] = field(default_factory=list)
    matters: list[MatterRow] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    duties: list[DutyRow] = field(default_factory=list)


@dataclass(slots=True)
class DutyEdge:
    """The plain value a duty edge carries: a duty row with its tier (precedent or catalogue) worked out.

    Treated as immutable; not declared frozen only because frozen dataclasses are several times slower to
    create, and a city-scale build creates a quarter of a million of them."""

    duty_id: int
    department_id: int
    matter_id: int
    territory_code: str
    role: str
    tier: str
    source: str
    legal_basis: str
    source_reference: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    order: tuple = ()  # (tier rank, newer first, department code): the tie-breakers of suggest's ordering

    def valid_at(self, at: dt.datetime) -> bool:
        """Same rule as `DutyQuerySet.valid_at`: from is inclusive, until is exclusive."""
        return self.valid_from <= at and (self.valid_until is None or self.valid_until > at)


@dataclass
class JurisdictionGraph:
    """The built graph and its request-time indexes; never mutated after `graph_build` returns."""

    version: Hashable
    graph: nx.MultiDiGraph
    territories: dict[str, TerritoryRow]
    matters: dict[int, MatterRow]
    departments: dict[int, DepartmentRow]
    territory_chain: dict[str, tuple[str, ...]]  # code → (code, parent, …, root): the ticket's place first
    matter_chain: dict[int, tuple[int, ...]]  # id → (id, parent, grandparent)
    territory_children: dict[str | None, list[str]]  # None → the roots
    matter_children: dict[int | None, list[int]]
    duties_at: dict[tuple[int, str], tuple[DutyEdge, ...]]  # (matter id, territory code) → duties scoped exactly there
    governments: dict[str, tuple[int, ...]]  # territory code → active territorial governments of it
    sector_regulators: dict[int, tuple[int, ...]]  # matter id → active departments regulating that sector
    matter_scopes: dict[int, tuple[str, ...]]  # matter id → territory codes where some duty names it
    memo: dict = field(default_factory=dict)  # analysis results of this version (see analysis.py)

    def leaf_matter_ids(self) -> list[int]:
        """Matters without children: tickets are filed against these, so catalogue analysis walks them."""
        return sorted(mid for mid in self.matters if not self.matter_children.get(mid))


def _chains(parents: dict, keys) -> dict:
    """key → (key, parent, …, root), memoised so a deep tree costs one step per node. A cycle is cut."""
    chains: dict = {}
    for key in keys:
        path, seen, node = [], set(), key
        while node is not None and node not in chains and node not in seen:
            seen.add(node)
            path.append(node)
            node = parents.get(node)
        tail = chains.get(node, ())
        for index in range(len(path) - 1, -1, -1):
            tail = (path[index], *tail)
            chains[path[index]] = tail
    return chains


def graph_build(rows: CatalogueRows, *, version: Hashable = None) -> JurisdictionGraph:
    """Build the graph and its indexes from plain rows. Pure: no queries, so it runs anywhere.

    The cyclic garbage collector is paused while building: the build allocates hundreds of thousands of
    long-lived objects and nothing cyclic to collect, and each automatic collection would walk all of them
    again (at city scale that is a third of the build time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _graph_build(rows, version)
    finally:
        if was_enabled:
            gc.enable()


def _graph_build(rows: CatalogueRows, version: Hashable) -> JurisdictionGraph:
    territories = {row.code: row for row in rows.territories}
    matters = {row.id: row for row in rows.matters}
    departments = {row.id: row for row in rows.departments}

    territory_children: dict[str | None, list[str]] = defaultdict(list)
    for row in rows.territories:
        territory_children[row.parent_code if row.parent_code in territories else None].append(row.code)
    matter_children: dict[int | None, list[int]] = defaultdict(list)
    for row in rows.matters:
        matter_children[row.parent_id if row.parent_id in matters else None].append(row.id)

    duties_at: dict[tuple[int, str], list[DutyEdge]] = defaultdict(list)
    duty_edges = []
    for row in rows.duties:
        if (
            row.department_id not in departments
            or row.matter_id not in matters
            or row.territory_code not in territories
        ):
            continue  # a dangling row cannot be suggested; the database's foreign keys make this rare
        tier = SOURCE_PRECEDENT if row.source in PRECEDENT_SOURCE_VALUES else SOURCE_CATALOGUE
        edge = DutyEdge(
            row.id,
            row.department_id,
            row.matter_id,
            row.territory_code,
            row.role,
            tier,
            row.source,
            row.legal_basis,
            row.source_reference,
            row.valid_from,
            row.valid_until,
            (TIER_RANK[tier], -row.valid_from.timestamp(), departments[row.department_id].code),
        )
        duties_at[(row.matter_id, row.territory_code)].append(edge)
        duty_edges.append(
            (("matter", row.matter_id), ("department", row.department_id), row.id, {"kind": "duty", "duty": edge})
        )

    matter_scopes_lists: dict[int, list[str]] = defaultdict(list)
    for matter_id, territory_code in duties_at:
        matter_scopes_lists[matter_id].append(territory_code)
    matter_scopes = {mid: tuple(codes) for mid, codes in matter_scopes_lists.items()}

    governments: dict[str, list[int]] = defaultdict(list)
    sector_regulators: dict[int, list[int]] = defaultdict(list)
    for row in rows.departments:
        if not row.is_active:
            continue  # an inactive department can be neither dispatched to nor copied
        if row.kind in TERRITORIAL_KIND_VALUES and row.territory_code in territories:
            governments[row.territory_code].append(row.id)
        for matter_id in row.regulated_matter_ids:
            sector_regulators[matter_id].append(row.id)

    graph = nx.MultiDiGraph()
    graph.add_nodes_from((("territory", r.code), {"name": r.name, "level": r.level}) for r in rows.territories)
    graph.add_nodes_from((("matter", r.id), {"code": r.code, "name": r.name, "level": r.level}) for r in rows.matters)
    graph.add_nodes_from(
        (("department", r.id), {"code": r.code, "name": r.name, "kind": r.kind, "active": r.is_active})
        for r in rows.departments
    )
    graph.add_edges_from(
        (("territory", r.parent_code), ("territory", r.code), {"kind": "contains"})
        for r in rows.territories
        if r.parent_code in territories
    )
    graph.add_edges_from(
        (("matter", r.parent_id), ("matter", r.id), {"kind": "contains"})
        for r in rows.matters
        if r.parent_id in matters
    )
    graph.add_edges_from(
        (("department", r.parent_id), ("department", r.id), {"kind": "contains"})
        for r in rows.departments
        if r.parent_id in departments
    )
    graph.add_edges_from(
        (("department", r.id), ("territory", r.territory_code), {"kind": "governs"})
        for r in rows.departments
        if r.territory_code in territories
    )
    graph.add_edges_from(
        (("department", r.id), ("matter", matter_id), {"kind": "regulates"})
        for r in rows.departments
        for matter_id in r.regulated_matter_ids
        if matter_id in matters
    )
    # One add_edge per duty: add_edges_from on a multigraph re-looks-up each edge through views to set its data,
    # which at 250,000 edges costs more than the rest of the build.
    add_edge = graph.add_edge
    for source, target, key, data in duty_edges:
        add_edge(source, target, key, **data)

    return JurisdictionGraph(
        version=version,
        graph=graph,
        territories=territories,
        matters=matters,
        departments=departments,
        territory_chain=_chains({r.code: r.parent_code for r in rows.territories}, territories),
        matter_chain=_chains({r.id: r.parent_id for r in rows.matters}, matters),
        territory_children=dict(territory_children),
        matter_children=dict(matter_children),
        duties_at={key: tuple(edges) for key, edges in duties_at.items()},
        governments={code: tuple(ids) for code, ids in governments.items()},
        sector_regulators={mid: tuple(ids) for mid, ids in sector_regulators.items()},
        matter_scopes=matter_scopes,
    )


def catalogue_rows_load() -> CatalogueRows:
    """Read everything the graph needs, one query per table, as plain values.

    Closed duties are read too: a suggestion is made for the moment of its ticket (see suggest.py), and the
    catalogue at any past moment must be answerable.
    """
    from arbitration.models import Department, Duty, Matter, Territory

    regulated: dict[int, list[int]] = defaultdict(list)
    for department_id, matter_id in Department.regulated_sectors.through.objects.values_list(
        "department_id", "matter_id"
    ):
        regulated[department_id].append(matter_id)
    territory_codes = dict(Territory.objects.values_list("pk", "code"))
    duty_values = Duty.objects.values_list(
        "pk",
        "department_id",
        "matter_id",
        "territory_id",
        "role",
        "source",
        "legal_basis",
        "source_reference",
        "valid_from",
        "valid_until",
    )
    return CatalogueRows(
        territories=[
            TerritoryRow(code, name, level, territory_codes.get(parent_id))
            for code, name, level, parent_id in Territory.objects.values_list("code", "name", "level", "parent_id")
        ],
        matters=[
            MatterRow(*values) for values in Matter.objects.values_list("pk", "code", "name", "level", "parent_id")
        ],
        departments=[
            DepartmentRow(
                pk,
                code,
                name,
                kind,
                parent_id,
                territory_codes.get(territory_id),
                is_active,
                tuple(sorted(regulated.get(pk, ()))),
            )
            for pk, code, name, kind, parent_id, territory_id, is_active in Department.objects.values_list(
                "pk", "code", "name", "kind", "parent_id", "territory_id", "is_active"
            )
        ],
        duties=[DutyRow(*values[:3], territory_codes[values[3]], *values[4:]) for values in duty_values],
    )


LEAD = DutyRole.LEAD.value
CO_HANDLER = DutyRole.CO_HANDLER.value
REGULATOR = DutyRole.REGULATOR.value
