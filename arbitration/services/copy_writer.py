"""Writing many rows at once: COPY on PostgreSQL (binary for value tuples, text for preformatted lines),
executemany on SQLite, and ids drawn from the tables' sequences first so related rows can refer to them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

COPY_NULL = "\\N"  # NULL in COPY's text format
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_INTEGER_TYPES = frozenset({"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
                            "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
                            "PositiveSmallIntegerField"})  # fmt: skip
_TEXT_TYPES = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField", "UUIDField",
                         "DecimalField", "FloatField", "DateField", "TimeField", "GenericIPAddressField"})  # fmt: skip


def copy_text(value: Any) -> str:
    """A value as one field of COPY's text format: backslash, tab and line breaks escaped, None as NULL."""
    if value is None:
        return COPY_NULL
    text = value if value.__class__ is str else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_ESCAPES)
    return text


def _copy_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return COPY_NULL
    if value.tzinfo is None:  # what Django does with a naive datetime when USE_TZ is on (it also warns)
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value.isoformat()


def _copy_integer(value: Any) -> str:
    return COPY_NULL if value is None else str(int(value))


def _copy_boolean(value: bool | None) -> str:
    return COPY_NULL if value is None else ("t" if value else "f")


def _copy_format(field: models.Field) -> Callable[[Any], str]:
    """How a value of `field` is written in COPY's text format (PostgreSQL parses it as the column's type)."""
    if field.is_relation:
        return _copy_format(field.target_field)
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _copy_datetime
    if kind == "BooleanField":
        return _copy_boolean
    if kind in _INTEGER_TYPES:
        return _copy_integer
    if kind == "JSONField":
        encoder = field.encoder
        return lambda value: COPY_NULL if value is None else copy_text(json.dumps(value, cls=encoder))
    if kind in _TEXT_TYPES:
        return copy_text

    def unknown(value: Any) -> str:  # raised when a row needs it, not when the table is described
        raise TypeError(f"the bulk writer has no COPY text format for {kind} ({field}): add one to copy_format")

    return unknown


@dataclass(frozen=True)
class Table:
    """One table's insert columns, the attribute each is read from, and defaults for the missing ones."""

    name: str
    pk: str
    columns: tuple[str, ...]
    attnames: tuple[str, ...]
    defaults: dict[str, Any]
    formats: dict[str, Callable[[Any], str]]  # attname → its COPY text (PostgreSQL)
    datetime_positions: tuple[int, ...]
    json_positions: tuple[int, ...]

    @classmethod
    def of(cls, model: type[models.Model], *, with_pk: bool) -> Table:
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        return cls(
            name=model._meta.db_table,
            pk=model._meta.pk.column,
            columns=tuple(f.column for f in fields),
            attnames=tuple(f.attname for f in fields),
            defaults={f.attname: f.get_default() for f in fields},
            formats={f.attname: _copy_format(f) for f in fields},
            datetime_positions=tuple(i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)),
            json_positions=tuple(i for i, f in enumerate(fields) if isinstance(f, models.JSONField)),
        )

    def row(self, values: dict[str, Any]) -> tuple:
        defaults = self.defaults
        return tuple(values[a] if a in values else defaults[a] for a in self.attnames)

    def copy_layout(self, leading: tuple[str, ...], fixed: dict[str, Any]) -> CopyLayout:
        """COPY columns with `leading` first; the others take their value in `fixed`, else their default, the
        same on every row of a batch."""
        rest = [a for a in self.attnames if a not in leading]
        known = {**self.defaults, **fixed}
        return CopyLayout(
            columns=tuple(self.columns[self.attnames.index(a)] for a in (*leading, *rest)),
            values=tuple(known[a] for a in rest),
            text="".join("\t" + self.formats[a](known[a]) for a in rest) + "\n",
        )


@dataclass(frozen=True)
class CopyLayout:
    """Columns in COPY order, and the values of those after the leading ones: as a tuple and as a line's tail."""

    columns: tuple[str, ...]
    values: tuple
    text: str


class Writer:
    """Draws ids and inserts many rows at once: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.quote = connection.ops.quote_name
        self._sequences: dict[str, str] = {}
        self._types: dict[str, dict[str, str]] = {}

    def allocate_ids(self, table: Table, count: int) -> list[int]:
        if count == 0:
            return []
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                if table.name not in self._sequences:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [self.quote(table.name), table.pk])
                    self._sequences[table.name] = cursor.fetchone()[0]
                cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [self._sequences[table.name], count])
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the IMMEDIATE transaction holds the write lock, so nobody else can take these ids.
            cursor.execute(f"SELECT max({self.quote(table.pk)}) FROM {self.quote(table.name)}")
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table.name])
            found = cursor.fetchone()
            start = max(highest, found[0] if found else 0) + 1  # AUTOINCREMENT never reuses a deleted id
            return list(range(start, start + count))

    def write(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert rows given as {attname: value}, the missing ones at their default: one COPY on PostgreSQL, one
        executemany elsewhere. For a few hundred rows of several tables, where a bulk_create per table costs several
        times as much (legal cases opened by an import); the ticket import formats its millions of rows itself."""
        tuples = [table.row(values) for values in rows]
        if self.vendor != "postgresql":
            self.insert(table, tuples)
            return
        formats = [table.formats[attname] for attname in table.attnames]
        lines = ["\t".join([f(value) for f, value in zip(formats, row, strict=True)]) + "\n" for row in tuples]
        self.copy_text(table, table.columns, lines)

    def copy_text(self, table: Table, columns: tuple[str, ...], lines: list[str], into: str | None = None) -> None:
        """PostgreSQL: one COPY of rows already in its text format (into `table`, or the table named `into` that has
        its columns: an audit stage, `arbitration.audit.chain.stage_table`)."""
        if lines:
            self._copy(into or table.name, columns, "", lambda copy: copy.write("".join(lines)))

    def copy_binary(self, table: Table, columns: tuple[str, ...], rows: list[tuple], into: str | None = None) -> None:
        """PostgreSQL: one binary COPY of value tuples, formatted by psycopg (in C) as it sends them (`into`: as
        for `copy_text`)."""
        if not rows:
            return
        with connection.cursor() as cursor:
            types = self._column_types(cursor, table)  # before COPY starts: the connection is busy after
        types = [types[column] for column in columns]

        def send(copy) -> None:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

        self._copy(into or table.name, columns, " (FORMAT BINARY)", send)

    def _copy(self, name: str, columns: tuple[str, ...], options: str, send: Callable) -> None:
        names = ", ".join(self.quote(c) for c in columns)
        with connection.cursor() as cursor:
            # The raw psycopg cursor bypasses Django's error translation: restore it, so that a unique
            # violation (a concurrent import won the number) is an IntegrityError like any other.
            sql = f"COPY {self.quote(name)} ({names}) FROM STDIN{options}"
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                send(copy)

    def _column_types(self, cursor, table: Table) -> dict[str, str]:
        if table.name not in self._types:
            cursor.execute(
                "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [self.quote(table.name)],
            )
            self._types[table.name] = dict(cursor.fetchall())
        return self._types[table.name]

    def update(self, table: Table, attnames: list[str], rows: list[tuple]) -> None:
        """Set `attnames` on many rows by primary key: one UPDATE executed per row (executemany; psycopg pipelines
        it). Each row holds the values of `attnames`, then the key. Datetime and plain columns only."""
        if not rows:
            return
        positions = [table.attnames.index(attname) for attname in attnames]
        sets = ", ".join(f"{self.quote(table.columns[i])} = %s" for i in positions)
        sql = f"UPDATE {self.quote(table.name)} SET {sets} WHERE {self.quote(table.pk)} = %s"
        if table.json_positions and set(positions) & set(table.json_positions):
            raise TypeError("Writer.update does not write JSON columns")
        if self.vendor != "postgresql":
            at = [n for n, i in enumerate(positions) if i in table.datetime_positions]
            rows = [self._adapt_positions(row, at) for row in rows] if at else rows
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    @staticmethod
    def _adapt_positions(row: tuple, positions: list[int]) -> tuple:
        values = list(row)
        for i in positions:
            if values[i] is not None:
                values[i] = values[i].astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        return tuple(values)

    def insert(self, table: Table, rows: list[tuple]) -> None:
        """Elsewhere (SQLite): one executemany of value tuples."""
        if not rows:
            return
        if table.datetime_positions or table.json_positions:
            rows = [self.adapt_for_sqlite(table, row) for row in rows]
        columns = ", ".join(self.quote(c) for c in table.columns)
        marks = ", ".join(["%s"] * len(table.columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.quote(table.name)} ({columns}) VALUES ({marks})", rows)

    @staticmethod
    def adapt_for_sqlite(table: Table, row: tuple) -> tuple:
        """Values as Django stores them in SQLite: datetimes as naive UTC text (what
        `connection.ops.adapt_datetimefield_value` does, without its per-value overhead), JSON as text."""
        values = list(Writer._adapt_positions(row, table.datetime_positions))
        for i in table.json_positions:
            values[i] = json.dumps(values[i], ensure_ascii=False)
        return tuple(values)
