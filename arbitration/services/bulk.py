"""Bulk writes: tickets by the hundred thousand (imports, the demo city). The city model's import is city_import.

`tickets_bulk_receive` writes exactly what `ticket_receive` writes for a new ticket — the ticket, its
history row ("+", user, reason), its RECEIVED event and, for `dispatched_to`, the lead assignment with its
history row and DISPATCHED event; it sends `ticket_received` for the new tickets — but batch by batch: ids
are drawn from the tables' sequences first, then every table is filled with one COPY (PostgreSQL) or one
executemany (SQLite), straight from the values, with no model instance per row (those `ticket_received` gets
are built from the same values). Rows whose hotline number is already in go through `ticket_receive` one by
one, after a cheap comparison skips those that are unchanged, so re-running an import is fast and writes
nothing new. Each batch is one transaction; `BulkReceiver` (what `import_tickets` drives) writes several
batches at once on PostgreSQL, each on its own connection, while the caller prepares the next.

The one difference from the per-row path: a ticket that arrives with `dispatched_to` but no `dispatched_at` is
stored already dispatched, so it has one creation history row and a RECEIVED event that says "dispatched", where
`ticket_receive` writes a creation and a change, and a STATUS_CHANGED event after the DISPATCHED one.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.audit.chain import chain_after_commit, insert_chained, stage_table
from arbitration.audit.registry import audit_table
from arbitration.calendar import WorkingCalendar
from arbitration.choices import (
    AssignmentMethod,
    AssignmentRole,
    TicketEventKind,
    TicketStatus,
)
from arbitration.errors import CalendarYearMissing, DomainError, NotFound, RowNotStored
from arbitration.history import history_columns, real_user
from arbitration.models import Assignment, Department, Matter, Ticket, TicketEvent, TimeLimitTier
from arbitration.services.copy_writer import Table, Writer, copy_text
from arbitration.services.tickets import IntakeResult, TicketIntake, ticket_receive
from arbitration.signals import ticket_received

DEFAULT_BATCH_SIZE = 5000
# What a row the parser let through can still raise when written: the database refusing a value (DataError,
# IntegrityError), or Python failing to convert one (a time zone shift past year 1 or 9999).
ROW_FAILURES = (DatabaseError, ValueError, OverflowError)
SQLITE_IN_CHUNK = 900  # stay under SQLite's bound-parameter limit on old builds
AUDITED = ("ticket_history", "assignment_history", "event")  # the run's audit tables
# An assignment's copies of its ticket's columns (Assignment.ticket_received_at, ticket_status, ticket_due_at,
# ticket_matter, ticket_territory).
TICKET_COPIES = {
    "ticket_received_at": "received_at", "ticket_status": "status", "ticket_due_at": "due_at",
    "ticket_matter_id": "matter_id", "ticket_territory_id": "territory_id",
}  # fmt: skip


def chain_at_write() -> bool:
    """Whether the bulk writer chains its audit rows as it writes them (PostgreSQL, chain on), rather than leaving
    them to the chainer after its commit."""
    return settings.MINGZE_AUDIT_CHAIN_ON_COMMIT and connection.vendor == "postgresql"


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


# --- tickets ------------------------------------------------------------------------------------------
@dataclass
class _Run:
    """What one bulk run loads once: tables, tiers, departments, the calendar and the actor."""

    actor: Any
    actor_id: int | None
    reason: str
    calendar: WorkingCalendar
    writer: Writer
    tiers: dict[int, tuple[int, str, int, str]]  # id → (amount, unit, response amount, response unit)
    default_tier_id: int
    department_codes: dict[int, str]  # active departments only
    matters: dict[int, Matter]
    tables: dict[str, Table]
    ticket_shared: tuple[str, ...]  # the ticket's columns that its history row repeats, in the ticket's order
    _due_cache: dict[tuple, tuple[dt.datetime | None, str]] = field(default_factory=dict)
    dispatch_cells: dict[int, str] = field(default_factory=dict)  # department id → its DISPATCHED data as COPY text

    @classmethod
    def load(cls, *, actor, reason: str, calendar: WorkingCalendar | None) -> _Run:
        tables = {
            "ticket": Table.of(Ticket, with_pk=True),
            "ticket_history": Table.of(Ticket.history.model, with_pk=False),
            "assignment": Table.of(Assignment, with_pk=True),
            "assignment_history": Table.of(Assignment.history.model, with_pk=False),
            "event": Table.of(TicketEvent, with_pk=False),
        }
        shared = tuple(a for a in tables["ticket"].attnames if a in tables["ticket_history"].attnames)
        if set(tables["ticket"].attnames) - set(shared) != {"updated_at"}:
            # A ticket row and its history row share one tuple of values (see _CopyRows.ticket): only the
            # ticket's updated_at is left out of its history.
            raise ImproperlyConfigured("Ticket history leaves out more than updated_at: teach the bulk writer.")
        return cls(
            actor=actor,
            actor_id=getattr(real_user(actor), "pk", None),
            reason=reason,
            calendar=calendar or WorkingCalendar.load(),
            writer=Writer(),
            tiers={
                row[0]: row[1:]
                for row in TimeLimitTier.objects.values_list("id", "amount", "unit", "response_amount", "response_unit")
            },
            default_tier_id=TimeLimitTier.objects.get(is_default=True).pk,
            department_codes=dict(Department.objects.filter(is_active=True).values_list("id", "code")),
            matters=Matter.objects.in_bulk(),
            tables=tables,
            ticket_shared=shared,
        )

    def due(
        self, dispatched_at: dt.datetime | None, tier_id: int
    ) -> tuple[dt.datetime | None, str, dt.datetime | None]:
        """(due_at, why unknown, response_due_at): the answers of `services.tickets.due_time_for` and
        `response_due_time_for`."""
        if dispatched_at is None:
            return None, "", None
        amount, unit, response_amount, response_unit = self.tiers[tier_id]
        due_at, reason = self._limit(dispatched_at, amount, unit)
        return due_at, reason, self._limit(dispatched_at, response_amount, response_unit)[0]

    def _limit(self, start: dt.datetime, amount: int, unit: str) -> tuple[dt.datetime | None, str]:
        """One limit from `start`; day-based limits are cached per local date."""
        key = (amount, unit, start.astimezone(self.calendar.tz).date()) if unit.endswith("_days") else None
        if key is not None and key in self._due_cache:
            return self._due_cache[key]
        try:
            answer = self.calendar.due_at(start, amount, unit), ""
        except CalendarYearMissing as missing:
            answer = None, str(missing)
        if key is not None:
            self._due_cache[key] = answer
        return answer

    def stamp(self, now: dt.datetime) -> dict[str, Any]:
        """The history columns of a row created in this run."""
        return history_columns(at=now, reason=self.reason, user_id=self.actor_id)

    def lead(self, now: dt.datetime) -> dict[str, Any]:
        """The assignment columns every platform dispatch of this run shares."""
        return {"role": AssignmentRole.LEAD, "method": AssignmentMethod.DIRECT, "assigned_at": now,
                "assigned_by_id": self.actor_id, "reason": self.reason, "ended_at": None}  # fmt: skip

    def dispatch_data(self, department_id: int) -> dict[str, str]:
        return {"department": self.department_codes[department_id], "role": AssignmentRole.LEAD,
                "method": AssignmentMethod.DIRECT}  # fmt: skip


class _TupleRows:
    """A batch's new rows as value tuples, one list per table, for executemany (SQLite)."""

    def __init__(self, run: _Run, now: dt.datetime) -> None:
        self.run, self.now, self.stamp, self.lead_values = run, now, run.stamp(now), run.lead(now)
        self.rows: dict[str, list[tuple]] = {name: [] for name in run.tables}

    def ticket(self, values: dict[str, Any]) -> None:
        tables, run = self.run.tables, self.run
        self.rows["ticket"].append(tables["ticket"].row(values))
        self.rows["ticket_history"].append(tables["ticket_history"].row({**values, **self.stamp}))
        self.rows["event"].append(tables["event"].row({
            "ticket_id": values["id"], "kind": TicketEventKind.RECEIVED, "to_status": values["status"],
            "actor_id": run.actor_id, "reason": run.reason, "at": self.now,
        }))  # fmt: skip

    def lead(self, ticket_id: int, department_id: int, assignment_id: int, ticket: dict[str, Any]) -> None:
        tables, run = self.run.tables, self.run
        assignment = {"id": assignment_id, "ticket_id": ticket_id, "department_id": department_id,
                      **{copy: ticket[name] for copy, name in TICKET_COPIES.items()}, **self.lead_values}  # fmt: skip
        self.rows["assignment"].append(tables["assignment"].row(assignment))
        self.rows["assignment_history"].append(tables["assignment_history"].row({**assignment, **self.stamp}))
        self.rows["event"].append(tables["event"].row({
            "ticket_id": ticket_id, "kind": TicketEventKind.DISPATCHED, "actor_id": run.actor_id,
            "reason": run.reason, "data": run.dispatch_data(department_id), "at": self.now,
        }))  # fmt: skip

    def write(self) -> None:
        for name in ("ticket", "ticket_history", "assignment", "assignment_history", "event"):
            self.run.writer.insert(self.run.tables[name], self.rows[name])


class _CopyRows:
    """A batch's new rows for COPY (PostgreSQL), the same rows as `_TupleRows` holds.

    Tickets and their history rows, wide and full of times, stay value tuples: psycopg formats them in C as
    binary COPY while the server reads them. Events and assignments are a few varying values before columns the
    whole batch shares (time, user, reason): they are text lines whose shared part is formatted once.
    """

    EVENT_LEADING = ("ticket_id", "kind", "to_status", "data")
    ASSIGNMENT_LEADING = ("id", "ticket_id", "department_id")
    # The assignment's copies of its ticket's state are not in its history row (Assignment.ticket_received_at).
    ASSIGNMENT_ONLY = tuple(TICKET_COPIES)

    def __init__(self, run: _Run, now: dt.datetime) -> None:
        tables, stamp, lead = run.tables, run.stamp(now), run.lead(now)
        self.run = run
        event = {"actor_id": run.actor_id, "reason": run.reason, "at": now}
        self.layouts = {
            "ticket": tables["ticket"].copy_layout(run.ticket_shared, {"updated_at": now}),
            "ticket_history": tables["ticket_history"].copy_layout(run.ticket_shared, stamp),
            "assignment": tables["assignment"].copy_layout(self.ASSIGNMENT_LEADING + self.ASSIGNMENT_ONLY, lead),
            "assignment_history": tables["assignment_history"].copy_layout(self.ASSIGNMENT_LEADING, {**lead, **stamp}),
            "event": tables["event"].copy_layout(self.EVENT_LEADING, event),
        }  # fmt: skip
        self.rows: dict[str, list] = {name: [] for name in self.layouts}
        self.shared = itemgetter(*run.ticket_shared)
        self.ticket_rest, self.history_rest = self.layouts["ticket"].values, self.layouts["ticket_history"].values
        self.tails = {name: layout.text for name, layout in self.layouts.items()}
        self.format_status, self.format_data = tables["event"].formats["to_status"], tables["event"].formats["data"]
        self.format_copies = [(tables["assignment"].formats[copy], name) for copy, name in TICKET_COPIES.items()]
        self.received = "\t".join(["", copy_text(TicketEventKind.RECEIVED), ""])  # around the ticket's status
        self.received_data = "\t" + self.format_data({})
        self.dispatched = "\t".join(["", copy_text(TicketEventKind.DISPATCHED), self.format_status(""), ""])

    def ticket(self, values: dict[str, Any]) -> None:
        shared = self.shared(values)
        self.rows["ticket"].append(shared + self.ticket_rest)
        self.rows["ticket_history"].append(shared + self.history_rest)
        self.rows["event"].append(
            f"{values['id']}{self.received}{self.format_status(values['status'])}{self.received_data}"
            f"{self.tails['event']}"
        )

    def lead(self, ticket_id: int, department_id: int, assignment_id: int, ticket: dict[str, Any]) -> None:
        text = f"{assignment_id}\t{ticket_id}\t{department_id}"
        copies = "\t".join(format_copy(ticket[name]) for format_copy, name in self.format_copies)
        self.rows["assignment"].append(f"{text}\t{copies}{self.tails['assignment']}")
        self.rows["assignment_history"].append(text + self.tails["assignment_history"])
        data = self.run.dispatch_cells.get(department_id)
        if data is None:  # once per department and run
            data = self.run.dispatch_cells[department_id] = self.format_data(self.run.dispatch_data(department_id))
        self.rows["event"].append(f"{ticket_id}{self.dispatched}{data}{self.tails['event']}")

    def write(self) -> None:
        writer, tables = self.run.writer, self.run.tables
        # With the chain on, the audit rows go through a stage and into their tables chained (docs/audit.md,
        # "chained as written"): the chainer never has to rewrite them. Every one of them is the first of its
        # chain (new tickets, new assignments), which `insert_chained` requires.
        stages = {name: stage_table(audit_table(tables[name].name)) for name in AUDITED} if chain_at_write() else {}
        for name in ("ticket", "ticket_history"):
            writer.copy_binary(tables[name], self.layouts[name].columns, self.rows[name], into=stages.get(name))
        for name in ("assignment", "assignment_history", "event"):
            writer.copy_text(tables[name], self.layouts[name].columns, self.rows[name], into=stages.get(name))
        for name, stage in stages.items():
            if self.rows[name]:
                insert_chained(audit_table(tables[name].name), stage, len(self.rows[name]))


class BulkReceiver:
    """Receives batches of tickets, each in its own transaction, with up to `workers` batches committing at once.

    With one worker, on SQLite, or inside a transaction the caller holds, each batch is written in the calling
    thread before `submit` returns. Otherwise (an import on PostgreSQL) `submit` prepares the batch in the
    calling thread — which numbers are new, their ids, their rows ready for COPY — and hands it to a worker thread
    that writes it on its own connection: while PostgreSQL writes and checks one batch, Python prepares the
    next, and the server works on two batches at once. Batches are independent, with one exception kept in
    order: a batch that repeats a number of a batch still being written waits for it, so the later delivery is
    applied as the update.

    `on_batch(batch, result, tag)` is called in the calling thread (inside `submit` or `close`) as each batch
    commits; `tag` is whatever was submitted with the batch (the import passes its line numbers).
    """

    def __init__(self, *, actor, reason: str, calendar: WorkingCalendar | None = None, workers: int = 1,
                 on_batch: Callable[[list[TicketIntake], BulkResult, Any], None] | None = None) -> None:  # fmt: skip
        self.run = _Run.load(actor=actor, reason=reason, calendar=calendar)
        self.result = BulkResult()
        self.on_batch = on_batch
        threaded = workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block
        self._writing: dict[int, tuple[list[TicketIntake], Any, set[str]]] = {}  # submitted, not yet reported
        self._submitted = 0
        self._todo: queue.Queue = queue.Queue(maxsize=workers)
        self._done: queue.Queue = queue.Queue()
        self._threads = [
            threading.Thread(target=self._work, name=f"bulk-receive-{n}", daemon=True)
            for n in range(workers if threaded else 0)
        ]
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> BulkReceiver:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if error is None:
            self.close()
        else:  # stop the workers without waiting for batches nobody will report
            self._stop(drop_waiting=True)

    def submit(self, batch: list[TicketIntake], tag: Any = None) -> None:
        if not batch:
            return
        if not self._threads:
            part = BulkResult()
            _batch_receive(batch, self.run, part)
            self._report(batch, tag, part)
            return
        numbers = {intake.hotline_no for intake in batch}
        self._collect(block=False)
        while any(not numbers.isdisjoint(writing) for _batch, _tag, writing in self._writing.values()):
            self._collect(block=True)  # its numbers must be in before this batch looks for them
        prepared = _prepare(batch, self.run)
        self._submitted += 1
        self._writing[self._submitted] = (batch, tag, numbers)
        self._todo.put((self._submitted, prepared))

    def wait(self) -> None:
        """Return once every batch submitted so far is written (and reported)."""
        while self._writing:
            self._collect(block=True)

    def close(self) -> BulkResult:
        """Wait for every batch; returns the totals of the run."""
        self._stop(drop_waiting=False)
        self.wait()
        # The batches wrote their audit rows without a signal: chain them now (after the caller's commit if it
        # holds a transaction), one pass per table for the whole import. Not batch by batch: a worker chaining
        # beside the writers only competes with them for the cores (docs/audit.md).
        for model in (Ticket.history.model, Assignment.history.model, TicketEvent):
            chain_after_commit(model, prompt=True)
        return self.result

    def _work(self) -> None:
        try:
            while (job := self._todo.get()) is not None:
                number, prepared = job
                try:
                    _commit(prepared, self.run)
                    self._done.put((number, prepared.result))
                except BaseException as error:  # handed to the calling thread, which raises it
                    self._done.put((number, error))
        finally:
            connection.close()

    def _collect(self, *, block: bool) -> None:
        """Report the batches written so far (at least one when `block`); re-raises a worker's exception."""
        while self._writing:
            try:
                number, outcome = self._done.get(block=block)
            except queue.Empty:
                return
            batch, tag, _numbers = self._writing.pop(number)
            if isinstance(outcome, BaseException):
                self._stop(drop_waiting=True)
                raise outcome
            self._report(batch, tag, outcome)
            block = False

    def _report(self, batch: list[TicketIntake], tag: Any, part: BulkResult) -> None:
        self.result.created += part.created
        self.result.updated += part.updated
        self.result.unchanged += part.unchanged
        self.result.failed += part.failed
        if self.on_batch is not None:
            self.on_batch(batch, part, tag)

    def _stop(self, *, drop_waiting: bool) -> None:
        if not self._threads:
            return
        if drop_waiting:
            while True:
                try:
                    job = self._todo.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    self._writing.pop(job[0], None)
        for _thread in self._threads:
            self._todo.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []


def tickets_bulk_receive(
    intakes: Iterable[TicketIntake],
    *,
    actor,
    reason: str,
    calendar: WorkingCalendar | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = 1,
) -> BulkResult:
    """Receive many tickets; each batch is its own transaction, so an interrupted run keeps whole batches
    and running it again picks up where it stopped (tickets already in and unchanged are skipped)."""
    with BulkReceiver(actor=actor, reason=reason, calendar=calendar, workers=workers) as receiver:
        iterator = iter(intakes)
        while batch := list(islice(iterator, batch_size)):
            receiver.submit(batch)
    return receiver.result


@dataclass
class _Prepared:
    """A batch ready to write: the new tickets' rows built, the others to apply one by one."""

    new: list[TicketIntake]
    later: list[TicketIntake]  # numbers already in, or repeated in the batch: `ticket_receive` decides
    rows: _CopyRows | _TupleRows | None
    tickets: list[Ticket] | None  # the new tickets, for `ticket_received` (None when nobody listens)
    result: BulkResult


@transaction.atomic
def _batch_receive(batch: list[TicketIntake], run: _Run, result: BulkResult) -> None:
    """One batch in one transaction, in the calling thread (SQLite draws ids inside the writing transaction)."""
    prepared = _prepare(batch, run, result)
    _write(prepared, run)


@transaction.atomic
def _commit(prepared: _Prepared, run: _Run) -> None:
    """A batch prepared in another thread, written in this thread's transaction."""
    _write(prepared, run)


def _prepare(batch: list[TicketIntake], run: _Run, result: BulkResult | None = None) -> _Prepared:
    """Sort the batch (new, already in, refused), then draw the new tickets' ids and build their rows.

    Outside the writing transaction (PostgreSQL only), a number may arrive between this look and the insert:
    the insert then fails on the unique number and `_write` applies the batch one ticket at a time."""
    result = result if result is not None else BulkResult()
    found = _numbers_found([intake.hotline_no for intake in batch])
    new: list[TicketIntake] = []
    later: list[TicketIntake] = []
    for intake in batch:
        if intake.dispatched_to_id is not None and intake.dispatched_to_id not in run.department_codes:
            result.failed.append((intake.hotline_no, NotFound(_("No active department with that id."))))
        elif intake.hotline_no in found:
            later.append(intake)
        else:
            new.append(intake)
    new, duplicates = _split_duplicates(new)
    rows, tickets = _new_rows(new, run) if new else (None, None)
    return _Prepared(new=new, later=duplicates + later, rows=rows, tickets=tickets, result=result)


def _write(prepared: _Prepared, run: _Run) -> None:
    """Insert the new tickets in one go, then apply the others one by one. The caller holds the transaction."""
    result, later = prepared.result, prepared.later
    if run.writer.vendor == "postgresql":
        # A batch's commit need not wait for its WAL flush: if the server crashed right after, the batch
        # would be lost whole (never half-written) and re-running the import writes it again.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    if prepared.rows is not None:
        try:
            with transaction.atomic():  # a concurrent import may have inserted some of these numbers meanwhile
                prepared.rows.write()
                if prepared.tickets:
                    # Inside the transaction, so whatever a receiver writes commits or rolls back with the batch.
                    ticket_received.send(sender=Ticket, tickets=prepared.tickets, actor=run.actor)
            result.created += len(prepared.new)
        except ROW_FAILURES:
            # A concurrent import inserted some of these numbers, or a row the database refuses slipped past the
            # parser: the batch is rolled back to its savepoint and its tickets go one by one, so only the rows
            # at fault are lost (docs/hardening.md).
            later = prepared.new + later
    if not later:
        return
    existing, leads = _existing_tickets([intake.hotline_no for intake in later])
    for intake in later:
        row = existing.get(intake.hotline_no)
        if row is not None and _unchanged(row, intake, leads):
            result.unchanged += 1
            continue
        try:
            # ticket_receive is atomic: nested here it is a savepoint, so a refused row leaves nothing behind.
            result.count(ticket_receive(intake=intake, actor=run.actor, reason=run.reason, calendar=run.calendar))
        except DomainError as error:
            result.failed.append((intake.hotline_no, error))
        except ROW_FAILURES as error:
            result.failed.append((intake.hotline_no, RowNotStored(reason=type(error).__name__)))


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
    """The stored intake fields of these numbers' tickets, and each one's active lead departments."""
    existing: dict[str, dict] = {}
    for chunk in _chunks(numbers, SQLITE_IN_CHUNK):
        for row in Ticket.objects.filter(hotline_no__in=chunk).values("id", "hotline_no", *INTAKE_FIELDS):
            existing[row["hotline_no"]] = row
    leads: dict[int, set[int]] = {}
    ids = [row["id"] for row in existing.values()]
    for chunk in _chunks(ids, SQLITE_IN_CHUNK):
        active = Assignment.objects.filter(ticket_id__in=chunk, role=AssignmentRole.LEAD, ended_at=None)
        for ticket_id, department_id in active.values_list("ticket_id", "department_id"):
            leads.setdefault(ticket_id, set()).add(department_id)
    return existing, leads


def _numbers_found(numbers: list[str]) -> set[str]:
    """Which of `numbers` are already in: one indexed probe on PostgreSQL."""
    table = connection.ops.quote_name(Ticket._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One text parameter split by the server, not an array psycopg would build value by value. A number
            # holding a line break would be looked up wrong and hit the unique index instead, which is safe too.
            cursor.execute(
                f"SELECT hotline_no FROM {table} WHERE hotline_no = ANY(string_to_array(%s, E'\\n'))",
                ["\n".join(numbers)],
            )
            return {row[0] for row in cursor.fetchall()}
        found = set()
        for chunk in _chunks(numbers, SQLITE_IN_CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT hotline_no FROM {table} WHERE hotline_no IN ({marks})", chunk)
            found.update(row[0] for row in cursor.fetchall())
        return found


def _unchanged(row: dict, intake: TicketIntake, leads: dict[int, set[int]]) -> bool:
    if any(row[name] != value for name, value in intake.fields.items()):
        return False
    return intake.dispatched_to_id is None or intake.dispatched_to_id in leads.get(row["id"], ())


def _new_rows(intakes: list[TicketIntake], run: _Run) -> tuple[_CopyRows | _TupleRows, list[Ticket] | None]:
    """Ids drawn and every row built for these new tickets, with the model instances `ticket_received` sends."""
    tables, writer = run.tables, run.writer
    ticket_ids = writer.allocate_ids(tables["ticket"], len(intakes))
    assignment_ids = iter(
        writer.allocate_ids(tables["assignment"], sum(i.dispatched_to_id is not None for i in intakes))
    )
    now = timezone.now()
    rows = _CopyRows(run, now) if writer.vendor == "postgresql" else _TupleRows(run, now)
    tickets: list[dict[str, Any]] = []
    for ticket_id, intake in zip(ticket_ids, intakes, strict=True):
        values = _ticket_values(ticket_id, intake, run, now)
        rows.ticket(values)
        if intake.dispatched_to_id is not None:
            rows.lead(ticket_id, intake.dispatched_to_id, next(assignment_ids), values)
        tickets.append(values)
    return rows, _instances(tickets, run) if ticket_received.has_listeners(Ticket) else None


def _ticket_values(ticket_id: int, intake: TicketIntake, run: _Run, now: dt.datetime) -> dict[str, Any]:
    """The new ticket's column values, following `_ticket_create` and the platform's own dispatch."""
    values = {**run.tables["ticket"].defaults, **intake.fields}
    values["id"], values["hotline_no"], values["updated_at"] = ticket_id, intake.hotline_no, now
    if values["time_limit_tier_id"] is None:
        values["time_limit_tier_id"] = run.default_tier_id
    if intake.dispatched_to_id is not None and values["dispatched_at"] is None:
        values["dispatched_at"] = now  # as assignment_create: dispatch now starts the clock
    if values["dispatched_at"] is not None and values["status"] == TicketStatus.RECEIVED:
        values["status"] = TicketStatus.DISPATCHED
    values["due_at"], values["due_unknown_reason"], values["response_due_at"] = run.due(
        values["dispatched_at"], values["time_limit_tier_id"]
    )
    return values


def _instances(tickets: list[dict[str, Any]], run: _Run) -> list[Ticket]:
    """Model instances of freshly inserted rows (for signal receivers), their matter already loaded.

    What `Ticket.from_db` builds, without the per-field work of `Model.__init__` when nobody listens to
    pre_init / post_init: on a fresh instance, setting a field is storing it in the instance's __dict__.
    """
    attnames, alias = run.tables["ticket"].attnames, connection.alias
    matter_cache = Ticket._meta.get_field("matter").cache_name
    slow = models.signals.pre_init.has_listeners(Ticket) or models.signals.post_init.has_listeners(Ticket)
    instances = []
    for values in tickets:
        if slow:
            ticket = Ticket.from_db(alias, None, [values[a] for a in attnames])
        else:
            ticket = Ticket.__new__(Ticket)
            # `values` holds every column and, unless an intake brought a stray key, nothing else
            ticket.__dict__.update(values if len(values) == len(attnames) else {a: values[a] for a in attnames})
            ticket._state = ModelState()
            ticket._state.adding, ticket._state.db = False, alias
        ticket._state.fields_cache[matter_cache] = run.matters[ticket.matter_id]
        instances.append(ticket)
    return instances
