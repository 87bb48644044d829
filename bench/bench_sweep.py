"""Benchmark: the supervision sweep on PostgreSQL with many tickets, beside the hand-written SQL floor.

    .venv/bin/python bench/bench_sweep.py --tickets 10000000 --open 300000
    .venv/bin/python bench/bench_sweep.py --tickets 10000000 --open 300000 --workers 2

Uses a dedicated database (default postgres://postgres@127.0.0.1:5432/mingze_sweep, created if missing),
fills it with INSERT … SELECT generate_series straight into the tables (no history: bench data only), then
times (a) the floor: the sweep's selection — the open tickets due before the yellow-card cutoff — as one
hand-written SQL query, whose plan (EXPLAIN ANALYZE) is printed and must be index-served; and (b) the sweep: the
first run (it opens every case) and a second, steady-state run (nothing new to open). Goal: first run ≤ 15 s,
steady run ≤ 3 × the floor. Of the open tickets 5 % are overdue and 1 % near their limit; the rest are due later.

With --workers N the first (heavy) run is also timed as a spread run (docs/spread.md) over one Celery worker
process, then over N (a worker with --concurrency N, broker BENCH_BROKER_URL, default Redis db 8), from the run's
start to its join; goal for N = 2: ≥ 1.4 × faster than one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import city_generate, ensure_database, timed  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mingze_sweep"

DEFAULT_BROKER = "redis://127.0.0.1:6379/8"
# The sweep's own selection (supervision.services.sweep.time_limit_due): open tickets due before the yellow-card
# cutoff. Its best plan is an index-only range scan of the partial index ticket_open_due.
FLOOR_SQL = (
    "SELECT id, due_at FROM arbitration_ticket WHERE status IN ('received', 'dispatched', 'handling') AND due_at < %s"
)
TRUNCATE_SQL = (
    "TRUNCATE supervision_supervisioncase, supervision_historicalsupervisioncase, "
    "supervision_caseevent, supervision_reminder, supervision_historicalreminder, "
    "supervision_disciplinereferral, supervision_historicaldisciplinereferral, "
    "supervision_problem, supervision_historicalproblem, supervision_problemticket, "
    "supervision_historicalproblemticket, arbitration_spreadrun, arbitration_spreadpartition CASCADE"
)


def spread_first_run(workers: int, database_url: str, broker: str) -> float:
    """Seconds from a spread sweep's start to its join, the partitions run by one worker with `workers` processes;
    the supervision tables are emptied first, so it is a first (heavy) run."""
    from django.db import connection

    from arbitration.models import SpreadRun
    from arbitration.spread import run_start
    from config.celery import app

    with connection.cursor() as cursor:
        cursor.execute(TRUNCATE_SQL)
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker, "CELERY_TASK_ALWAYS_EAGER": "0"}
    command = [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "--concurrency", str(workers)]
    command += ["--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--prefetch-multiplier", "1"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        app.conf.task_always_eager = False
        app.control.purge()
        while not app.control.ping(timeout=0.5):
            if worker.poll() is not None:
                raise SystemExit("the Celery worker did not start")
        began = time.perf_counter()
        run = run_start("sweep")
        while not SpreadRun.objects.filter(pk=run.pk).exclude(finished_at=None).exists():
            time.sleep(0.02)
        seconds = time.perf_counter() - began
        run.refresh_from_db()
        print(f"  {workers} worker process(es), {run.partitions.count()} partitions: {seconds:.2f} s", flush=True)
        return seconds
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--open", type=int, default=300_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--regenerate", action="store_true", help="refill even if the ticket count matches")
    parser.add_argument("--workers", type=int, default=0, help="also time the first run spread over N workers")
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER))
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["CELERY_BROKER_URL"] = args.broker
    ensure_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils.timezone import now as django_now

    from arbitration.calendar import WorkingCalendar
    from supervision.selectors import near_due_cutoff
    from supervision.services.sweep import supervision_sweep

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = 'dispatched') FROM arbitration_ticket")
        total, open_now = cursor.fetchone()
        if args.regenerate or (total, open_now) != (args.tickets, args.open):
            print(f"generating {args.tickets:,} tickets, {args.open:,} open …", flush=True)
            began = time.perf_counter()
            city_generate(cursor, args.tickets, args.open)
            print(f"generated in {time.perf_counter() - began:.0f} s", flush=True)
        # Each measurement starts with no supervision records, so the first sweep opens every case.
        cursor.execute(TRUNCATE_SQL)
        cutoff = near_due_cutoff(WorkingCalendar.load(), django_now())
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + FLOOR_SQL, [cutoff])
        plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
    print(f"floor plan (the sweep's selection, cutoff {cutoff:%Y-%m-%d %H:%M %Z}):\n{plan}")
    if "Seq Scan" in plan:
        print("  WARNING: the selection is not index-served", flush=True)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [cutoff])
            return len(cursor.fetchall())

    floor()  # warm the cache the same way the sweep will find it
    floor_s, selected = timed(floor, repeat=5)
    first_s, first = timed(supervision_sweep)
    second_s, second = timed(supervision_sweep, repeat=3)
    print(f"tickets: {args.tickets:,}, open: {args.open:,}, due before the cutoff (floor query rows): {selected:,}")
    print(f"floor (one SQL query, median of 5): {floor_s * 1000:.1f} ms")
    print(f"sweep, first run:  {first_s:.2f} s — {first.summary()}")
    print(f"sweep, steady run: {second_s:.3f} s — {second.summary()}  ({second_s / floor_s:.1f}× the floor)")
    if args.workers:
        print(f"first run spread over Celery workers (broker {args.broker}):", flush=True)
        one = spread_first_run(1, args.database_url, args.broker)
        many = spread_first_run(args.workers, args.database_url, args.broker)
        print(f"speed-up with {args.workers} worker processes: {one / many:.2f}× (goal for 2: ≥ 1.4×)")


if __name__ == "__main__":
    main()
