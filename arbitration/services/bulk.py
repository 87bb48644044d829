"""Bulk writes: tickets by the hundred thousand (imports, the demo city) and the city's reference data.

`tickets_bulk_receive` writes exactly what `ticket_receive` writes for a new ticket — the ticket, its
history row ("+", user, reason), its RECEIVED event and, for `dispatched_to`, the lead assignment with its
history row and DISPATCHED event; it sends `ticket_received` for the new tickets — but batch by batch: ids
are drawn from the tables' sequences first, then every table is filled with one COPY (PostgreSQL) or one
executemany (SQLite). Rows whose hotline number is already in go through `ticket_receive` one by one,
after a cheap comparison skips those that are unchanged, so re-running an import is fast and writes nothing new.

The one difference from the per-row path: a ticket that arrives with `dispatched_to` is stored already
dispatched, so it has one creation history row where `ticket_receive` writes a creation and a change.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.calendar import WorkingCalendar
from arbitration.choices import (
    AssignmentMethod,
    AssignmentRole,
    DepartmentKind,
    DutyRole,
    DutySource,
    TerritoryLevel,
    TicketEventKind,
    TicketStatus,
)
from arbitration.errors import CalendarYearMissing, DomainError, InvalidInput, NotFound, UnknownCode
from arbitration.history import attribute, save_attributed
from arbitration.models import Assignment, Department, Duty, Matter, Territory, Ticket, TicketEvent, TimeLimitTier
from arbitration.services.catalogue import duty_open, duty_revise
from arbitration.services.tickets import IntakeResult, TicketIntake, ticket_receive
from arbitration.signals import ticket_received

DEFAULT_BATCH_SIZE = 5000
HISTORY_REASON_LENGTH = 100  # django-simple-history's history_change_reason column
SQLITE_IN_CHUNK = 900  # stay under SQLite's bound-parameter limit on old builds

# Ticket fields the hotline platform may send; an existing ticket is unchanged when all of them match.
INTAKE_FIELDS = (
    "received_at", "dispatched_at", "channel", "request_type", "matter_id", "territory_id", "address", "title",
    "content", "citizen_name", "citizen_phone", "confidential", "time_limit_tier_id", "status", "resolution",
    "satisfaction", "result",
)  # fmt: skip


@dataclass
class BulkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[tuple[str, DomainError]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.failed)

    def count(self, outcome: IntakeResult) -> None:
        if outcome.created:
            self.created += 1
        elif outcome.changed:
            self.updated += 1
        else:
            self.unchanged += 1


# --- table writers ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Table:
    """One table's insert columns, the attribute each is read from, and defaults for the missing ones."""

    name: str
    pk: str
    columns: tuple[str, ...]
    attnames: tuple[str, ...]
    defaults: dict[str, Any]
    datetime_positions: tuple[int, ...]
    json_positions: tuple[int, ...]

    @classmethod
    def of(cls, model: type[models.Model], *, with_pk: bool) -> _Table:
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        defaults = {f.attname: f.get_default() for f in fields}
        return cls(
            name=model._meta.db_table,
            pk=model._meta.pk.column,
            columns=tuple(f.column for f in fields),
            attnames=tuple(f.attname for f in fields),
            defaults=defaults,
            datetime_positions=tuple(i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)),
            json_positions=tuple(i for i, f in enumerate(fields) if isinstance(f, models.JSONField)),
        )

    def row(self, values: dict[str, Any]) -> tuple:
        defaults = self.defaults
        return tuple(values[a] if a in values else defaults[a] for a in self.attnames)


class _Writer:
    """Draws ids and inserts many rows at once: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.quote = connection.ops.quote_name
        self._sequences: dict[str, str] = {}
        self._types: dict[str, list[str]] = {}

    def allocate_ids(self, table: _Table, count: int) -> list[int]:
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

    def insert(self, table: _Table, rows: list[tuple]) -> None:
        if not rows:
            return
        columns = ", ".join(self.quote(c) for c in table.columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # Binary COPY: neither side formats or parses timestamps and numbers as text.
                sql = f"COPY {self.quote(table.name)} ({columns}) FROM STDIN (FORMAT BINARY)"
                types = self._column_types(cursor, table)  # before COPY starts: the connection is busy after
                # The raw psycopg cursor bypasses Django's error translation: restore it, so that a unique
                # violation (a concurrent import won the number) is an IntegrityError like any other.
                with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                    copy.set_types(types)
                    for row in rows:
                        copy.write_row(row)
                return
            if table.datetime_positions or table.json_positions:
                rows = [self._adapt(table, row) for row in rows]
            marks = ", ".join(["%s"] * len(table.columns))
            cursor.executemany(f"INSERT INTO {self.quote(table.name)} ({columns}) VALUES ({marks})", rows)

    def _column_types(self, cursor, table: _Table) -> list[str]:
        if table.name not in self._types:
            cursor.execute(
                "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [self.quote(table.name)],
            )
            types = dict(cursor.fetchall())
            self._types[table.name] = [types[column] for column in table.columns]
        return self._types[table.name]

    @staticmethod
    def _adapt(table: _Table, row: tuple) -> tuple:
        """Values as Django stores them in SQLite: datetimes as naive UTC text (what
        `connection.ops.adapt_datetimefield_value` does, without its per-value overhead), JSON as text."""
        values = list(row)
        for i in table.datetime_positions:
            if values[i] is not None:
                values[i] = values[i].astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        for i in table.json_positions:
            values[i] = json.dumps(values[i], ensure_ascii=False)
        return tuple(values)


# --- tickets ------------------------------------------------------------------------------------------
@dataclass
class _Run:
    """What one bulk run loads once: tables, tiers, departments, the calendar and the actor."""

    actor: Any
    actor_id: int | None
    reason: str
    calendar: WorkingCalendar
    writer: _Writer
    tiers: dict[int, tuple[int, str]]  # id → (amount, unit)
    default_tier_id: int
    department_codes: dict[int, str]  # active departments only
    matters: dict[int, Matter]
    tables: dict[str, _Table]
    _due_cache: dict[tuple, tuple[dt.datetime | None, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, *, actor, reason: str, calendar: WorkingCalendar | None) -> _Run:
        return cls(
            actor=actor,
            actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
            reason=reason,
            calendar=calendar or WorkingCalendar.load(),
            writer=_Writer(),
            tiers={row[0]: row[1:] for row in TimeLimitTier.objects.values_list("id", "amount", "unit")},
            default_tier_id=TimeLimitTier.objects.get(is_default=True).pk,
            department_codes=dict(Department.objects.filter(is_active=True).values_list("id", "code")),
            matters=Matter.objects.in_bulk(),
            tables={
                "ticket": _Table.of(Ticket, with_pk=True),
                "ticket_history": _Table.of(Ticket.history.model, with_pk=False),
                "assignment": _Table.of(Assignment, with_pk=True),
                "assignment_history": _Table.of(Assignment.history.model, with_pk=False),
                "event": _Table.of(TicketEvent, with_pk=False),
            },
        )

    def due(self, dispatched_at: dt.datetime | None, tier_id: int) -> tuple[dt.datetime | None, str]:
        """Same answer as `services.tickets.due_time_for`; day-based limits are cached per local date."""
        if dispatched_at is None:
            return None, ""
        amount, unit = self.tiers[tier_id]
        key = (tier_id, dispatched_at.astimezone(self.calendar.tz).date()) if unit.endswith("_days") else None
        if key is not None and key in self._due_cache:
            return self._due_cache[key]
        try:
            answer = self.calendar.due_at(dispatched_at, amount, unit), ""
        except CalendarYearMissing as missing:
            answer = None, str(missing)
        if key is not None:
            self._due_cache[key] = answer
        return answer


def tickets_bulk_receive(
    intakes: Iterable[TicketIntake],
    *,
    actor,
    reason: str,
    calendar: WorkingCalendar | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> BulkResult:
    """Receive many tickets; each batch is its own transaction, so an interrupted run keeps whole batches
    and running it again picks up where it stopped (tickets already in and unchanged are skipped)."""
    run = _Run.load(actor=actor, reason=reason, calendar=calendar)
    result = BulkResult()
    iterator = iter(intakes)
    while batch := list(islice(iterator, batch_size)):
        _batch_receive(batch, run, result)
    return result


@transaction.atomic
def _batch_receive(batch: list[TicketIntake], run: _Run, result: BulkResult) -> None:
    if run.writer.vendor == "postgresql":
        # A batch's commit need not wait for its WAL flush: if the server crashed right after, the batch
        # would be lost whole (never half-written) and re-running the import writes it again.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    existing, leads = _existing_tickets([intake.hotline_no for intake in batch])
    new: list[TicketIntake] = []
    later: list[TicketIntake] = []
    for intake in batch:
        if intake.dispatched_to_id is not None and intake.dispatched_to_id not in run.department_codes:
            result.failed.append((intake.hotline_no, NotFound(_("No active department with that id."))))
        elif intake.hotline_no in existing:
            later.append(intake)
        else:
            new.append(intake)
    new, duplicates = _split_duplicates(new)
    later = duplicates + later
    try:
        with transaction.atomic():  # a concurrent import may have inserted some of these numbers meanwhile
            _insert_new(new, run)
        result.created += len(new)
    except IntegrityError:
        later = new + later
    for intake in later:
        row = existing.get(intake.hotline_no)
        if row is not None and _unchanged(row, intake, leads):
            result.unchanged += 1
            continue
        try:
            result.count(ticket_receive(intake=intake, actor=run.actor, reason=run.reason, calendar=run.calendar))
        except DomainError as error:
            result.failed.append((intake.hotline_no, error))


def _split_duplicates(intakes: list[TicketIntake]) -> tuple[list[TicketIntake], list[TicketIntake]]:
    """First delivery of each number is inserted; repeats in the same batch are applied as updates after."""
    seen: set[str] = set()
    first, repeats = [], []
    for intake in intakes:
        (repeats if intake.hotline_no in seen else first).append(intake)
        seen.add(intake.hotline_no)
    return first, repeats


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing_tickets(numbers: list[str]) -> tuple[dict[str, dict], dict[int, set[int]]]:
    existing: dict[str, dict] = {}
    found = _numbers_found(numbers)
    for chunk in _chunks(found, SQLITE_IN_CHUNK):
        for row in Ticket.objects.filter(hotline_no__in=chunk).values("id", "hotline_no", *INTAKE_FIELDS):
            existing[row["hotline_no"]] = row
    leads: dict[int, set[int]] = {}
    ids = [row["id"] for row in existing.values()]
    for chunk in _chunks(ids, SQLITE_IN_CHUNK):
        active = Assignment.objects.filter(ticket_id__in=chunk, role=AssignmentRole.LEAD, ended_at=None)
        for ticket_id, department_id in active.values_list("ticket_id", "department_id"):
            leads.setdefault(ticket_id, set()).add(department_id)
    return existing, leads


def _numbers_found(numbers: list[str]) -> list[str]:
    """Which of `numbers` are already in: one indexed probe (an array parameter on PostgreSQL)."""
    table = connection.ops.quote_name(Ticket._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT hotline_no FROM {table} WHERE hotline_no = ANY(%s)", [numbers])
            return [row[0] for row in cursor.fetchall()]
        found = []
        for chunk in _chunks(numbers, SQLITE_IN_CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT hotline_no FROM {table} WHERE hotline_no IN ({marks})", chunk)
            found += [row[0] for row in cursor.fetchall()]
        return found


def _unchanged(row: dict, intake: TicketIntake, leads: dict[int, set[int]]) -> bool:
    if any(row[name] != value for name, value in intake.fields.items()):
        return False
    return intake.dispatched_to_id is None or intake.dispatched_to_id in leads.get(row["id"], ())


def _insert_new(intakes: list[TicketIntake], run: _Run) -> None:
    tables, writer = run.tables, run.writer
    ticket_ids = writer.allocate_ids(tables["ticket"], len(intakes))
    assignment_ids = iter(
        writer.allocate_ids(tables["assignment"], sum(i.dispatched_to_id is not None for i in intakes))
    )
    now = timezone.now()
    history_reason = run.reason[:HISTORY_REASON_LENGTH]
    stamp = {"history_date": now, "history_change_reason": history_reason, "history_type": "+",
             "history_user_id": run.actor_id}  # fmt: skip
    rows: dict[str, list[tuple]] = {name: [] for name in tables}
    for ticket_id, intake in zip(ticket_ids, intakes, strict=True):
        values = _ticket_values(ticket_id, intake, run, now)
        rows["ticket"].append(tables["ticket"].row(values))
        rows["ticket_history"].append(tables["ticket_history"].row({**values, **stamp}))
        rows["event"].append(tables["event"].row({
            "ticket_id": ticket_id, "kind": TicketEventKind.RECEIVED, "to_status": values["status"],
            "actor_id": run.actor_id, "reason": run.reason, "at": now,
        }))  # fmt: skip
        if intake.dispatched_to_id is not None:
            _lead_rows(ticket_id, intake.dispatched_to_id, next(assignment_ids), run, now, stamp, rows)
    for name in ("ticket", "ticket_history", "assignment", "assignment_history", "event"):
        writer.insert(tables[name], rows[name])
    if rows["ticket"] and ticket_received.has_listeners(Ticket):
        ticket_received.send(sender=Ticket, tickets=_instances(rows["ticket"], run), actor=run.actor)


def _instances(ticket_rows: list[tuple], run: _Run) -> list[Ticket]:
    """Model instances of freshly inserted rows (for signal receivers), their matter already loaded."""
    tickets = []
    matter_field = Ticket._meta.get_field("matter")
    for row in ticket_rows:
        ticket = Ticket.from_db(connection.alias, None, row)
        matter_field.set_cached_value(ticket, run.matters[ticket.matter_id])
        tickets.append(ticket)
    return tickets


def _ticket_values(ticket_id: int, intake: TicketIntake, run: _Run, now: dt.datetime) -> dict[str, Any]:
    """The new ticket's column values, following `_ticket_create` and the platform's own dispatch."""
    values = {**intake.fields, "id": ticket_id, "hotline_no": intake.hotline_no, "updated_at": now}
    values.setdefault("time_limit_tier_id", None)
    if values["time_limit_tier_id"] is None:
        values["time_limit_tier_id"] = run.default_tier_id
    if intake.dispatched_to_id is not None and values.get("dispatched_at") is None:
        values["dispatched_at"] = now  # as assignment_create: dispatch now starts the clock
    status = values.get("status", TicketStatus.RECEIVED)
    if values.get("dispatched_at") is not None and status == TicketStatus.RECEIVED:
        status = TicketStatus.DISPATCHED
    values["status"] = status
    values["due_at"], values["due_unknown_reason"] = run.due(values.get("dispatched_at"), values["time_limit_tier_id"])
    return values


def _lead_rows(ticket_id: int, department_id: int, assignment_id: int, run: _Run, now: dt.datetime,
               stamp: dict, rows: dict[str, list[tuple]]) -> None:  # fmt: skip
    tables = run.tables
    assignment = {
        "id": assignment_id, "ticket_id": ticket_id, "department_id": department_id, "role": AssignmentRole.LEAD,
        "method": AssignmentMethod.DIRECT, "assigned_at": now, "assigned_by_id": run.actor_id,
        "reason": run.reason, "ended_at": None,
    }  # fmt: skip
    rows["assignment"].append(tables["assignment"].row(assignment))
    rows["assignment_history"].append(tables["assignment_history"].row({**assignment, **stamp}))
    data = {"department": run.department_codes[department_id], "role": AssignmentRole.LEAD,
            "method": AssignmentMethod.DIRECT}  # fmt: skip
    rows["event"].append(tables["event"].row({
        "ticket_id": ticket_id, "kind": TicketEventKind.DISPATCHED, "actor_id": run.actor_id,
        "reason": run.reason, "data": data, "at": now,
    }))  # fmt: skip


# --- the city's reference data ------------------------------------------------------------------------
TERRITORY_LEVELS = {"city": 1, "市": 1, "district": 2, "区": 2, "县": 2, "区县": 2, "street": 3, "街道": 3,
                    "乡镇": 3, "镇": 3, "community": 4, "社区": 4, "村": 4, "村社区": 4}  # fmt: skip
DEPARTMENT_KINDS = {"市直部门": "bureau", "区县": "district", "开发区": "zone", "街道": "street", "乡镇街道": "street",
                    "社区": "community", "村社区": "community", "公服企业": "utility", "其他": "other"}  # fmt: skip
DUTY_ROLES = {"主办": "lead", "协办": "co_handler", "监管": "regulator", "抄送": "regulator"}
DUTY_SOURCES = {"权责清单": "catalogue", "认定": "ruling", "裁定": "ruling", "领导签批": "leader_decision"}


@dataclass
class CityImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, outcome: str) -> None:
        counter = getattr(self, outcome)
        counter[kind] = counter.get(kind, 0) + 1


class CityRowError(InvalidInput):
    """A bad row of a city file, named by file kind and line; one such row refuses the whole import."""

    code, message = "invalid_city_row", _("{kind}, line {line}: {error}")


@contextmanager
def _row_errors(kind: str, line: int) -> Iterator[None]:
    """Turn any refusal inside one row into a `CityRowError` naming the file kind and the line."""
    try:
        yield
    except CityRowError:
        raise
    except KeyError as missing:
        raise CityRowError(kind=kind, line=line, error=f"missing column {missing}") from missing
    except (DomainError, ValidationError, ValueError) as refused:
        raise CityRowError(kind=kind, line=line, error=str(refused)) from refused


def _choice(aliases: dict[str, str], valid: Iterable, field_name: str, value: Any) -> str:
    text = str(value if value is not None else "").strip()
    code = str(aliases.get(text, text.lower()))
    if code not in {str(v) for v in valid}:
        raise InvalidInput(field=field_name, reason=_("not a known value"))
    return code


def _in_parent_order(kind: str, rows: list[tuple[int, dict]], known: set[str]) -> list[tuple[int, dict]]:
    """Rows sorted so every parent comes before its children (a file may list them in any order)."""
    ordered, pending, placed = [], list(rows), set(known)
    while pending:
        ready = [(line, row) for line, row in pending if not row.get("parent") or str(row["parent"]) in placed]
        if not ready:
            line, row = pending[0]
            raise CityRowError(kind=kind, line=line, error=str(UnknownCode(field="parent", value=row["parent"])))
        ordered += ready
        placed.update(str(row["code"]) for _line, row in ready)
        ready_lines = {line for line, _row in ready}
        pending = [(line, row) for line, row in pending if line not in ready_lines]
    return ordered


def _upsert(instance: models.Model, values: dict[str, Any], *, actor, reason: str,
            related: dict[str, models.Model | None] | None = None) -> str:  # fmt: skip
    """Save `values` on `instance` with history when something differs; returns the outcome's name.

    `related` gives the objects behind changed foreign keys, so that a tree node computes its path
    without fetching its parent again.
    """
    created = instance.pk is None
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not created and not changed:
        return "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    for name, obj in (related or {}).items():
        setattr(instance, name, obj)
    instance.full_clean(exclude=["path"], validate_unique=created)
    save_attributed(instance, actor=actor, reason=reason, update_fields=None if created else changed)
    return "created" if created else "updated"


def _bool(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "y", "是", "t"}


def _tree_import(model: type[Territory] | type[Matter], kind: str, rows: list[tuple[int, dict]], *, actor,
                 reason: str, result: CityImportResult) -> None:  # fmt: skip
    """Territories and matters: trees of codes with a materialised path."""
    by_code = {node.code: node for node in model.objects.all()}
    for line, row in _in_parent_order(kind, rows, set(by_code)):
        with _row_errors(kind, line):
            code = str(row["code"]).strip()
            parent = by_code[str(row["parent"])] if row.get("parent") else None
            values = {"name": str(row["name"]).strip(), "parent_id": parent.pk if parent else None}
            if model is Territory:
                values["level"] = int(_choice(TERRITORY_LEVELS, TerritoryLevel.values, "level", row.get("level")))
            else:
                values["level"] = parent.level + 1 if parent else 1
                if values["level"] > 3:
                    raise InvalidInput(field="parent", reason=_("the matter tree has three levels"))
                values["legal_type"] = _bool(row.get("legal_type"), False)
            node = by_code.get(code) or model(code=code)
            old_path = node.path or None
            result.add(kind, _upsert(node, values, actor=actor, reason=reason, related={"parent": parent}))
            by_code[code] = node
            if old_path is not None and node.path != old_path:
                _paths_refresh(model, old_path, actor=actor, reason=reason)


def _paths_refresh(model: type[models.Model], old_path: str, *, actor, reason: str) -> None:
    """A node moved to another parent: its descendants' materialised paths follow, parents first."""
    descendants = model.objects.filter(path__startswith=old_path).exclude(path=old_path)
    for node in sorted(descendants, key=lambda node: node.path.count("/")):
        node.parent = model.objects.get(pk=node.parent_id)
        save_attributed(node, actor=actor, reason=reason, update_fields=["path"])


def departments_import(rows: list[tuple[int, dict]], *, actor, reason: str, result: CityImportResult) -> None:
    by_code = {d.code: d for d in Department.objects.all()}
    territories = dict(Territory.objects.values_list("code", "id"))
    matters = dict(Matter.objects.values_list("code", "id"))
    for line, row in _in_parent_order("departments", rows, set(by_code)):
        with _row_errors("departments", line):
            territory_code = str(row.get("territory") or "").strip()
            if territory_code and territory_code not in territories:
                raise UnknownCode(field="territory", value=territory_code)
            values = {
                "name": str(row["name"]).strip(),
                "kind": _choice(DEPARTMENT_KINDS, DepartmentKind.values, "kind", row.get("kind")),
                "parent_id": by_code[str(row["parent"])].pk if row.get("parent") else None,
                "territory_id": territories[territory_code] if territory_code else None,
                "is_active": _bool(row.get("is_active"), True),
            }
            code = str(row["code"]).strip()
            department = by_code.get(code) or Department(code=code)
            outcome = _upsert(department, values, actor=actor, reason=reason)
            by_code[code] = department
            if _sectors_set(department, row.get("regulated_sectors") or "", matters, actor=actor, reason=reason):
                outcome = "updated" if outcome == "unchanged" else outcome
            result.add("departments", outcome)


def _sectors_set(department: Department, text: str | list, matters: dict[str, int], *, actor, reason: str) -> bool:
    """双向联办: the matter families a department regulates ("01|02" in CSV, a list in JSON)."""
    codes = text if isinstance(text, list) else [c.strip() for c in text.replace(";", "|").split("|") if c.strip()]
    unknown = [code for code in codes if code not in matters]
    if unknown:
        raise UnknownCode(field="regulated_sectors", value=unknown[0])
    wanted = {matters[code] for code in codes}
    if set(department.regulated_sectors.values_list("id", flat=True)) == wanted:
        return False
    attribute(department, actor=actor, reason=reason)  # read by simple-history's m2m tracking
    department.regulated_sectors.set(wanted)
    return True


def duties_import(rows: list[tuple[int, dict]], *, actor, reason: str, result: CityImportResult) -> None:
    """Catalogue rows are never overwritten: a changed basis or source closes the current duty, opens a new one."""
    departments = dict(Department.objects.values_list("code", "id"))
    matters = dict(Matter.objects.values_list("code", "id"))
    territories = dict(Territory.objects.values_list("code", "id"))
    current = {(d.department_id, d.matter_id, d.territory_id, d.role): d for d in Duty.objects.current()}
    for line, row in rows:
        with _row_errors("duties", line):
            key = (
                _code(departments, "department", row), _code(matters, "matter", row),
                _code(territories, "territory", row),
                _choice(DUTY_ROLES, DutyRole.values, "role", row.get("role") or "lead"),
            )  # fmt: skip
            values = {
                "legal_basis": str(row.get("legal_basis") or "").strip(),
                "source": _choice(DUTY_SOURCES, DutySource.values, "source", row.get("source") or "catalogue"),
                "source_reference": str(row.get("source_reference") or "").strip(),
            }
            duty = current.get(key)
            if duty is not None and all(getattr(duty, name) == value for name, value in values.items()):
                result.add("duties", "unchanged")
            elif duty is not None:
                current[key] = duty_revise(duty_id=duty.pk, actor=actor, reason=reason, **values)
                result.add("duties", "updated")
            else:
                valid_from = str(row.get("valid_from") or "").strip()
                current[key] = duty_open(
                    actor=actor, reason=reason, department_id=key[0], matter_id=key[1], territory_id=key[2],
                    role=key[3], valid_from=_aware(valid_from) if valid_from else None, **values,
                )  # fmt: skip
                result.add("duties", "created")


def _code(known: dict[str, int], name: str, row: dict) -> int:
    code = str(row.get(name) or "").strip()
    if code not in known:
        raise UnknownCode(field=name, value=code)
    return known[code]


def _aware(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field="valid_from", reason=_("not a date and time in ISO 8601 form")) from None
    return moment if moment.tzinfo else timezone.make_aware(moment)


@transaction.atomic
def city_import(*, territories: list, matters: list, departments: list, duties: list, actor,
                reason: str) -> CityImportResult:  # fmt: skip
    """Import the city in dependency order. Reference data is all or nothing: one bad row refuses the lot."""
    result = CityImportResult()
    _tree_import(Territory, "territories", territories, actor=actor, reason=reason, result=result)
    _tree_import(Matter, "matters", matters, actor=actor, reason=reason, result=result)
    departments_import(departments, actor=actor, reason=reason, result=result)
    duties_import(duties, actor=actor, reason=reason, result=result)
    return result
