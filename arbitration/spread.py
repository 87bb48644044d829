"""Work spread over Celery workers by partition: one fan-out and join for every kind of heavy run (docs/spread.md).

A kind (the supervision sweep, surge screening, the rollup rebuild, document rendering) says three things:
`plan` (once, where the run starts: the run's parameters and its partitions), `work` (one partition; idempotent,
so doing it again after a worker died part-way changes nothing that was done) and `finish` (once, after every
partition is done; idempotent too). Kinds are named in settings.MINGZE_SPREAD_KINDS, so this module knows none of
them and the apps that own the work keep it.

The run and its partitions are rows (`SpreadRun`, `SpreadPartition`), not a Celery chord: the join needs no result
backend, a partition's Celery message can be lost, retried or delivered twice and the rows still say what is done,
and `spread_runs_resume` (beat) re-queues what a run still lacks. On PostgreSQL a partition is held with a session
advisory lock while it runs: a second delivery of the same partition waits for nothing and does nothing, and a worker
that dies drops its connection and with it the lock, so the redelivered message (acks_late, reject_on_worker_lost)
runs the partition again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from celery import group, shared_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from arbitration.models import SpreadPartition, SpreadRun

logger = logging.getLogger(__name__)

# pg_advisory_lock(key, id) namespaces: one for partitions, one for a run's join.
PARTITION_LOCK = 1_214_101
RUN_LOCK = 1_214_102


@dataclass(frozen=True)
class SpreadKind:
    name: str
    # params → (the run's parameters as stored, one parameter dict per partition)
    plan: Callable[[dict], tuple[dict, list[dict]]]
    # (run parameters, partition parameters) → the partition's result (JSON)
    work: Callable[[dict, dict], dict]
    # (run parameters, the partitions' results in order) → the run's result (JSON)
    finish: Callable[[dict, list[dict]], dict]


def spread_kind(name: str) -> SpreadKind:
    return import_string(settings.MINGZE_SPREAD_KINDS[name])


def partitions_count() -> int:
    return max(1, settings.MINGZE_SPREAD_PARTITIONS)


# --- splitting ----------------------------------------------------------------------------------------------
def id_ranges(ids: Sequence[int], parts: int | None = None) -> list[tuple[int, int]]:
    """Sorted ids cut into at most `parts` inclusive (first, last) ranges holding about as many ids each."""
    parts = parts or partitions_count()
    if not ids:
        return []
    size = -(-len(ids) // parts)
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def day_spans(first: dt.date, last: dt.date, parts: int | None = None) -> list[tuple[dt.date, dt.date]]:
    """The days first..last cut into at most `parts` consecutive inclusive spans of about equal length."""
    days = (last - first).days + 1
    if days <= 0:
        return []
    ordinals = list(range(first.toordinal(), last.toordinal() + 1))
    return [(dt.date.fromordinal(a), dt.date.fromordinal(b)) for a, b in id_ranges(ordinals, parts)]


# --- running ------------------------------------------------------------------------------------------------
def run_start(kind_name: str, params: dict | None = None) -> SpreadRun:
    """Plan a run, record it and its partitions, and queue one task per partition (in-process when eager)."""
    kind = spread_kind(kind_name)
    run_params, parts = kind.plan(dict(params or {}))
    with transaction.atomic():
        run = SpreadRun.objects.create(kind=kind_name, params=run_params)
        SpreadPartition.objects.bulk_create(
            SpreadPartition(run=run, number=number, params=part) for number, part in enumerate(parts)
        )
    run_dispatch(run)
    run.refresh_from_db()
    return run


def run_dispatch(run: SpreadRun) -> int:
    """Queue the partitions not done yet (all of them for a new run); with none left, queue the join. Returns how
    many tasks were queued."""
    pending = list(run.partitions.filter(done_at=None).values_list("pk", flat=True))
    if pending:
        group(spread_partition_task.si(pk) for pk in pending).apply_async()
        return len(pending)
    spread_finish_task.delay(run.pk)
    return 1


@contextmanager
def _held(namespace: int, pk: int) -> Iterator[bool]:
    """A session advisory lock on PostgreSQL (released when the block ends or the worker's connection drops);
    elsewhere always held: SQLite has one writer and runs the tasks in-process."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = pk % 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])


def partition_run(pk: int) -> bool:
    """Do one partition unless it is done or another worker holds it; then join the run if it was the last.
    Returns whether this call did the partition's work."""
    partition = SpreadPartition.objects.select_related("run").get(pk=pk)
    did = False
    with _held(PARTITION_LOCK, pk) as held:
        if held and not SpreadPartition.objects.filter(pk=pk, done_at=None).exists():
            held = False  # done meanwhile by the worker that held it before us
        if held:
            SpreadPartition.objects.filter(pk=pk).update(attempts=F("attempts") + 1)
            result = spread_kind(partition.run.kind).work(partition.run.params, partition.params)
            SpreadPartition.objects.filter(pk=pk, done_at=None).update(done_at=timezone.now(), result=result)
            did = True
    run_finish(partition.run_id)
    return did


def run_finish(run_id: int) -> bool:
    """Join: once every partition is done, run the kind's finish once and mark the run finished. Called after each
    partition (whichever is last does it) and by the resume task; returns whether this call finished the run."""
    with _held(RUN_LOCK, run_id) as held:
        if not held:
            return False  # another worker is joining it now
        run = SpreadRun.objects.get(pk=run_id)
        if run.finished_at is not None or run.partitions.filter(done_at=None).exists():
            return False
        results = list(run.partitions.order_by("number").values_list("result", flat=True))
        result = spread_kind(run.kind).finish(run.params, results)
        SpreadRun.objects.filter(pk=run_id, finished_at=None).update(finished_at=timezone.now(), result=result)
        return True


def spread_runs_resume(*, older_than: dt.timedelta | None = None) -> int:
    """Queue again what unfinished runs older than `older_than` still lack (a lost message, retries used up).
    Returns the number of runs resumed."""
    if older_than is None:
        older_than = dt.timedelta(minutes=settings.MINGZE_SPREAD_RESUME_MINUTES)
    stale = SpreadRun.objects.filter(finished_at=None, started_at__lt=timezone.now() - older_than)
    runs = list(stale.order_by("pk"))
    for run in runs:
        run_dispatch(run)
    return len(runs)


# --- Celery -------------------------------------------------------------------------------------------------
RETRY_BASE_SECONDS = 10
RETRY_MAX_SECONDS = 600


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8)
def spread_partition_task(self, partition_id: int) -> bool:
    """One partition. acks_late + reject_on_worker_lost: a worker killed mid-way leaves the message queued, and
    another worker runs the partition again (its work is idempotent)."""
    try:
        return partition_run(partition_id)
    except SpreadPartition.DoesNotExist:
        logger.warning("Spread partition %s no longer exists", partition_id)
        return False
    except Exception as exc:
        if self.request.is_eager:
            raise
        countdown = min(RETRY_BASE_SECONDS * 2**self.request.retries, RETRY_MAX_SECONDS)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(acks_late=True, reject_on_worker_lost=True)
def spread_finish_task(run_id: int) -> bool:
    return run_finish(run_id)


@shared_task
def spread_runs_resume_task() -> int:
    """Beat: runs that stalled (see spread_runs_resume)."""
    return spread_runs_resume()
