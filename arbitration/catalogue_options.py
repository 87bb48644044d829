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

Validation does not read these options: the form's fields keep their querysets, so a submitted id is looked up in
the database as before (an unknown id, or another department than a liaison's own, is refused the same way).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
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
class CatalogueOptions:
    stamp: tuple
    departments: RenderedOptions  # the active departments, by code
    every_department: tuple[tuple[int, str], ...]  # (id, name) of every department, active or not, by code
    matters: RenderedOptions  # the matter tree
    territories: RenderedOptions  # the territory tree down to the streets (a street's communities come with it)

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
    departments = list(Department.objects.using(database).order_by("code").values_list("pk", "name", "is_active"))
    matters = Matter.objects.using(database).order_by("path").values_list("pk", "level", "code", "name")
    territories = (
        Territory.objects.using(database)
        .filter(level__lt=TerritoryLevel.COMMUNITY)
        .order_by("path")
        .values_list("pk", "level", "code", "name")
    )
    return CatalogueOptions(
        stamp=stamp,
        departments=RenderedOptions((pk, name) for pk, name, active in departments if active),
        every_department=tuple((pk, name) for pk, name, _active in departments),
        matters=RenderedOptions((pk, tree_label(*node)) for pk, *node in matters),
        territories=RenderedOptions((pk, tree_label(*node)) for pk, *node in territories),
    )
