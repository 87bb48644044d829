"""The city catalogue as the ticket filters offer it: departments, matters and territories as (value, label) options,
built once per process and rebuilt when the catalogue changes (docs/scale.md, "Rendering").

A city has thousands of them; reading and instantiating them for every request cost a third of the ticket list's
time. The options are kept with a version stamp of the three models' history tables, read in one small query per
request: every write of a department, matter or territory writes a history row (the services save them through
`arbitration.history`, the city import too, the demo city with `bulk_create_with_history`, the admin through the
model's save; a deletion writes one as well), so a change of the catalogue changes the stamp: each table's latest
history row, its id and its date (two index lookups; on SQLite a rolled-back transaction's ids are given again,
with later dates).

The stamp is read before the rows, each statement seeing at least what the stamp saw: kept options are never older
than their stamp says, at worst newer, and then the next request rebuilds them. One case escapes the stamp: two
catalogue writes overlap and the one that took the lower history ids commits last (the latest row is the other's,
seen already). Counting the rows would catch it, but costs milliseconds on every request once the history is long;
instead kept options are trusted for `MAX_AGE` seconds at most, so such a change shows within a minute.

The kept rows also validate the list page's submitted department, matter and territory, and give a matter's or a
territory's subtree, without a query: the page reads the stamp anyway (`TicketFilterForm(kept=True)`), and what is
accepted or refused is what the fields' querysets accept or refuse (tests/arbitration/test_ticket_list_rendering.py
compares the two). A form that only filters (the CSV export) looks a submitted id up in the database as before.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache

from django.db import connections, router

from arbitration.choices import TerritoryLevel
from arbitration.models import Department, Matter, Territory
from arbitration.widgets import RenderedOptions

INDENT = "\u3000"  # an ideographic space: indents evenly beside Chinese names


def tree_label(level: int, code: str, name: str) -> str:
    """A node of the matter or territory tree shown flat, indented by its level."""
    return f"{INDENT * (level - 1)}{code} {name}"


@dataclass(frozen=True)
class Tree:
    """Every node of the matter or territory tree: (path, code, name, level) by id, and the ids in path order."""

    nodes: dict[int, tuple[str, str, str, int]]  # id → (path, code, name, level), in the database's path order
    paths: tuple[str, ...]  # every path, sorted by Python (whatever the database's collation)
    ids: tuple[int, ...]  # the node of each of `paths`
    _subtrees: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, rows) -> Tree:
        """From (id, path, code, name, level) rows in the order the options show them."""
        nodes = {pk: (path, code, name, level) for pk, path, code, name, level in rows}
        ordered = sorted((path, pk) for pk, (path, *_rest) in nodes.items())
        return cls(nodes=nodes, paths=tuple(path for path, _pk in ordered), ids=tuple(pk for _path, pk in ordered))

    def name(self, pk: int) -> str | None:
        node = self.nodes.get(pk)
        return None if node is None else node[2]

    def subtree(self, path: str) -> tuple[int, ...]:
        """The ids of the nodes whose path starts with `path` (the node and its descendants), by code: what
        `selectors._subtree_ids` reads (`path LIKE 'path%'` ordered by code), from memory."""
        found = self._subtrees.get(path)
        if found is None:
            start = end = bisect_left(self.paths, path)  # the paths starting with `path` follow it in order
            while end < len(self.paths) and self.paths[end].startswith(path):
                end += 1
            found = tuple(sorted(self.ids[start:end], key=lambda pk: self.nodes[pk][1]))
            self._subtrees[path] = found  # one entry per node at most; dropped with the options
        return found


@dataclass(frozen=True)
class CatalogueOptions:
    stamp: tuple
    departments: RenderedOptions  # the active departments, by code
    every_department: tuple[tuple[int, str], ...]  # (id, name) of every department, active or not, by code
    matters: RenderedOptions  # the matter tree
    territories: RenderedOptions  # the territory tree down to the streets (a street's communities come with it)
    department_rows: dict[int, tuple[str, str, bool]]  # id → (code, name, is_active) of every department
    matter_tree: Tree
    territory_tree: Tree  # communities included: a street's subtree holds them

    def departments_among(self, ids) -> RenderedOptions:
        """The departments whose ids are in `ids`, active or not, by code (a liaison's own)."""
        return RenderedOptions((pk, name) for pk, name in self.every_department if pk in ids)


MAX_AGE = 60.0  # seconds; see the module's docstring
_kept: tuple[CatalogueOptions, float] | None = None  # the options and when they were built (time.monotonic)


def catalogue_options() -> CatalogueOptions:
    """The options of the catalogue as the database has them now (one query when they are kept, four when not)."""
    global _kept
    database = router.db_for_read(Department)
    stamp = _stamp(database)
    kept, now = _kept, time.monotonic()
    if kept is None or kept[0].stamp != stamp or now - kept[1] > MAX_AGE:
        kept = _kept = (_build(database, stamp), now)
    return kept[0]


def _stamp(database: str) -> tuple:
    """The id and date of each history table's latest row."""
    with connections[database].cursor() as cursor:
        cursor.execute(_stamp_sql(database))
        return tuple(cursor.fetchone())


@cache
def _stamp_sql(database: str) -> str:
    quote = connections[database].ops.quote_name
    parts = []
    for model in (Department, Matter, Territory):
        history = model.history.model._meta
        table, key = quote(history.db_table), quote(history.pk.column)
        for column in (key, quote(history.get_field("history_date").column)):
            parts.append(f"(SELECT {column} FROM {table} ORDER BY {key} DESC LIMIT 1)")
    return f"SELECT {', '.join(parts)}"


def _build(database: str, stamp: tuple) -> CatalogueOptions:
    departments = list(
        Department.objects.using(database).order_by("code").values_list("pk", "code", "name", "is_active")
    )
    columns = ("pk", "path", "code", "name", "level")
    matters = Tree.of(Matter.objects.using(database).order_by("path").values_list(*columns))
    territories = Tree.of(Territory.objects.using(database).order_by("path").values_list(*columns))
    return CatalogueOptions(
        stamp=stamp,
        departments=RenderedOptions((pk, name) for pk, _code, name, active in departments if active),
        every_department=tuple((pk, name) for pk, _code, name, _active in departments),
        matters=RenderedOptions(_tree_options(matters)),
        territories=RenderedOptions(_tree_options(territories, below=TerritoryLevel.COMMUNITY)),
        department_rows={pk: (code, name, active) for pk, code, name, active in departments},
        matter_tree=matters,
        territory_tree=territories,
    )


def _tree_options(tree: Tree, *, below: int | None = None):
    for pk, (_path, code, name, level) in tree.nodes.items():
        if below is None or level < below:
            yield pk, tree_label(level, code, name)
