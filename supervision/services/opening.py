"""Opening many supervision cases at once: the set-based writer the sweep, the problem grouping and the bounce
receiver share (a lower module, so none of them imports another).

New cases go in with INSERT … ON CONFLICT DO NOTHING against the partial unique index "one open case per
trigger and subject", so of two writers exactly one opens each case, and RETURNING names the cases this writer
won; what follows a new case (its history row, its "opened" event, the reminder to its department) is written
inside the database, one statement per batch.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from django.db import connection, transaction
from django.utils.translation import gettext_noop

from arbitration.calendar import WorkingCalendar
from arbitration.choices import AssignmentRole
from arbitration.history import history_insert_chained
from arbitration.models import Assignment
from arbitration.services.copy_writer import Table, Writer
from supervision import selectors
from supervision.choices import CaseEventKind, CaseStatus, Tier, Trigger
from supervision.models import CaseEvent, Reminder, SupervisionCase
from supervision.services.letters import letter_draft_for_case

BATCH = 1000


COUNTS = ("turned_red", "raised", "topped", "closed", "referrals", "joined")


@dataclass
class SweepReport:
    """What one sweep did, by kind of change."""

    opened: Counter = field(default_factory=Counter)
    turned_red: int = 0
    raised: int = 0
    topped: int = 0
    closed: int = 0
    referrals: int = 0
    joined: int = 0  # tickets that joined a problem already under supervision

    @property
    def changes(self) -> int:
        return (
            sum(self.opened.values())
            + self.turned_red
            + self.raised
            + self.topped
            + self.closed
            + self.referrals
            + self.joined
        )

    def as_dict(self) -> dict:
        """The report as JSON, for a spread run's partition (docs/spread.md)."""
        return {**{name: getattr(self, name) for name in COUNTS}, "opened": dict(self.opened)}

    def add(self, other: dict) -> None:
        """Count in another part of the same run (`as_dict` of it)."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + other.get(name, 0))
        self.opened.update(other.get("opened", {}))

    def summary(self) -> str:
        opened = ", ".join(f"{trigger}={n}" for trigger, n in sorted(self.opened.items())) or "none"
        return (
            f"opened: {opened}; turned red: {self.turned_red}; raised: {self.raised}; top of ladder: "
            f"{self.topped}; closed: {self.closed}; tickets joined a problem: {self.joined}; "
            f"referrals proposed: {self.referrals}"
        )


@dataclass(frozen=True)
class Candidate:
    """A case the sweep would open: about `subject_key`, for `trigger`, pressing `department_id`."""

    trigger: str
    subject_key: str
    ticket_id: int | None
    department_id: int | None
    reason: str
    problem_id: int | None = None


def batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def lead_departments(ticket_ids: list[int]) -> dict[int, int]:
    """Ticket id → the department leading it now (one query for the whole list)."""
    rows = (
        Assignment.objects.filter(ticket_id__in=ticket_ids, role=AssignmentRole.LEAD, ended_at=None)
        .order_by("assigned_at")
        .values_list("ticket_id", "department_id")
    )
    return dict(rows)  # the latest lead wins


@transaction.atomic
def cases_open_batch(
    candidates: list[Candidate],
    *,
    now: dt.datetime,
    calendar: WorkingCalendar,
    ladder: dict,
    run: str,
    report: SweepReport,
) -> list[int]:
    """Open the cases of one batch (returns their ids); those another sweep or a supervisor opened first are
    skipped."""
    if not candidates:
        return []
    rung = ladder[Tier.ROUTINE]
    step_due = selectors.step_due_at(calendar, rung, now)
    created = _cases_insert(
        [
            {
                "subject_key": c.subject_key,
                "trigger": c.trigger,
                "ticket_id": c.ticket_id,
                "problem_id": c.problem_id,
                "department_id": c.department_id,
                "tier": Tier.ROUTINE,
                "status": CaseStatus.OPEN,
                "reason": c.reason,
                "opened_at": now,
                "step_started_at": now,
                "step_due_at": None if c.trigger == Trigger.NEAR_DUE else step_due,
                "sweep_run": run,
            }
            for c in candidates
        ]
    )
    if not created:
        return []
    ids = [pk for pk, _trigger in created]
    _followers_write(ids, now=now)
    if rung.letter_kind:
        for case in SupervisionCase.objects.filter(pk__in=ids, department_id__isnull=False).exclude(
            trigger=Trigger.NEAR_DUE
        ):
            letter_draft_for_case(case=case, kind=rung.letter_kind, actor=None)
    report.opened.update(trigger for _pk, trigger in created)
    return ids


@cache
def _case_table() -> Table:
    return Table.of(SupervisionCase, with_pk=False)


def _cases_insert(values: list[dict]) -> list[tuple[int, str]]:
    """Insert the cases (given as {attname: value}, the others at their default) with ON CONFLICT DO NOTHING
    against the partial unique index "one open case per trigger and subject": a case another sweep or a supervisor
    opened first stays theirs. Returns (id, trigger) of the rows this call inserted (RETURNING gives only those).

    PostgreSQL: one binary COPY into a temporary stage, then one INSERT … SELECT from it; elsewhere one multi-row
    INSERT per thousand. Either costs a few ms a batch, where building model instances for bulk_create cost more
    than the database's own work (bench/bench_sweep.py)."""
    table, quote = _case_table(), connection.ops.quote_name
    rows = [table.row(row) for row in values]
    columns = ", ".join(quote(column) for column in table.columns)
    target = f"INSERT INTO {quote(table.name)} ({columns})"
    returning = f"ON CONFLICT DO NOTHING RETURNING {quote(table.pk)}, {quote('trigger')}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage = "supervision_case_stage"  # per connection, emptied at each commit and after each use
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS"
                f" SELECT {columns} FROM {quote(table.name)} WITH NO DATA"
            )
            Writer().copy_binary(table, table.columns, rows, into=stage)
            # Staged rows come back in the order they were written, so the ids follow the candidates' order.
            cursor.execute(f"{target} SELECT {columns} FROM {stage} {returning}")
            created = cursor.fetchall()
            cursor.execute(f"DELETE FROM {stage}")  # a caller's transaction may open several batches
            return created
        created, marks = [], "(" + ", ".join(["%s"] * len(table.columns)) + ")"
        for start in range(0, len(rows), BATCH):
            chunk = [Writer.adapt_for_sqlite(table, row) for row in rows[start : start + BATCH]]
            cursor.execute(
                f"{target} VALUES {', '.join([marks] * len(chunk))} {returning}",
                [value for row in chunk for value in row],
            )
            created += cursor.fetchall()
        return created


def _followers_write(ids: list[int], *, now: dt.datetime) -> None:
    """What follows the new cases, written set-based inside the database (one statement each, whatever the batch
    size): the "opened" events, a reminder per pressed department with its event, and the history rows of the cases
    and reminders. Building these as ORM objects cost ~2 ms per case on PostgreSQL; this costs a few ms per batch.

    The history rows come last, chained as they are written (`history_insert_chained`: each is the first of its
    object's chain), so that the chainer does not rewrite them after the commit; the foreign keys of the rows above
    are checked before (on PostgreSQL they would be at the commit), so that the chain locks, held from there to the
    commit, are held for as short a time as can be: two sweep workers take turns on them."""
    reason = gettext_noop("supervision sweep")
    _insert_select(
        CaseEvent,
        {
            "case_id": "id",
            "kind": _literal(CaseEventKind.OPENED),
            "from_tier": "''",
            "to_tier": "tier",
            "actor_id": "NULL",
            "reason": "reason",
            "data": _json("{}"),
            "at": "%s",
        },
        SupervisionCase,
        ids,
        [now],
    )
    _insert_select(
        Reminder,
        {
            "case_id": "id",
            "department_id": "department_id",
            "step": "'opened'",
            "message": "reason",
            "status": "'queued'",
            "queued_at": "%s",
            "sent_at": "NULL",
        },
        SupervisionCase,
        ids,
        [now],
        extra="AND department_id IS NOT NULL",
    )
    _insert_select(
        CaseEvent,
        {
            "case_id": "id",
            "kind": _literal(CaseEventKind.REMINDER_QUEUED),
            "from_tier": "''",
            "to_tier": "''",
            "actor_id": "NULL",
            "reason": "reason",
            "data": _json('{"step": "opened"}'),
            "at": "%s",
        },
        SupervisionCase,
        ids,
        [now],
        extra="AND department_id IS NOT NULL",
    )
    foreign_keys_check()
    history_insert_chained(SupervisionCase, "id", ids, at=now, reason=reason)
    history_insert_chained(Reminder, "case_id", ids, at=now, reason=reason)


def foreign_keys_check() -> None:
    """PostgreSQL: check now the foreign keys of the rows written so far in the transaction (they are deferred to
    the commit), before the chain locks that `history_insert_chained` holds to the commit are taken. Elsewhere
    nothing: SQLite's check reads every table."""
    if connection.vendor == "postgresql":
        connection.check_constraints()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _json(text: str) -> str:
    literal = _literal(text)
    return f"CAST({literal} AS jsonb)" if connection.vendor == "postgresql" else literal


def _id_list(ids: list[int]) -> str:
    return ", ".join(str(int(pk)) for pk in ids)  # integers from our own query: safe to inline


def _insert_select(model, values: dict[str, str], source, ids: list[int], params: list, extra: str = "") -> None:
    """INSERT INTO model (columns) SELECT expressions FROM source WHERE id IN (ids) [extra]; `params` are
    datetimes (each "%s" expression gets them, adapted as the backend stores them)."""
    qn = connection.ops.quote_name
    params = [connection.ops.adapt_datetimefield_value(value) for value in params]
    columns = ", ".join(qn(model._meta.get_field(name.removesuffix("_id")).column) for name in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({columns}) SELECT {', '.join(values.values())} "
            f"FROM {qn(source._meta.db_table)} WHERE id IN ({_id_list(ids)}) {extra}",
            params * sum(value == "%s" for value in values.values()),
        )
