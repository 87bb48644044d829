"""Benchmark: the supervision sweep on PostgreSQL with many tickets, beside the hand-written SQL floor.

    .venv/bin/python bench/bench_sweep.py --tickets 10000000 --open 300000
    .venv/bin/python bench/bench_sweep.py --tickets 10000000 --open 300000 --workers 2

Uses a dedicated database (default postgres://postgres@127.0.0.1:5432/mingze_sweep, created if missing),
fills it with INSERT … SELECT generate_series straight into the tables (no history: bench data only), then
times (a) the sweep's first run (it opens every case), (b) the floor and (c) the steady run (nothing new to open).
Goal: first run ≤ 15 s, steady run ≤ 3 × the floor. Of the open tickets 5 % are overdue and 1 % near their limit;
the rest are due later.

The floor is the same work done in the best way: every selection a steady sweep must make, each as one
hand-written SQL query in its best plan, run one after the other with the rows fetched (FLOOR below; each plan is
printed with EXPLAIN ANALYZE, and a sequential scan of any table of more than SMALL_TABLE_ROWS rows is flagged).
A steady sweep cannot skip any of them: nothing but reading tells it that a ticket was answered or extended, an
alert went unanswered, a group of repeated requests reached the threshold or a referral rule hit. They are the
working calendar; the open ticket cases to close or turn red; the open alert cases; the open time-limit cases and
the open tickets due before the yellow-card cutoff (the time-limit selection, an index-only range scan of the
partial index ticket_open_due); unsatisfied tickets after re-handling; unreasonable bounces; alerts past their
acknowledge-by day; the repeat window (its tickets already in a problem, its groups by place and by caller); the
ladder's lapsed steps; and the referral rules (ping-pong, repeated dissatisfaction). The steady sweep makes exactly
these queries and no other (tests/supervision/test_sweep_plans.py): whatever else it reads — the ladder, the
referrals already made, a group's tickets, a department's last case — it reads only once a selection found work.
Most of the floor is the repeat window's two grouped scans, which cost what the window holds (about 44 k tickets
at 1 M); the time-limit selection alone (the floor before) is under a millisecond of it. The case and problem
tables are analysed after the first run, as autovacuum does within a minute of it.

With --workers N the first (heavy) run is also timed as a spread run (docs/spread.md) over one Celery worker
process, then over N (a worker with --concurrency N, broker BENCH_BROKER_URL, default Redis db 8), from the run's
start to its join; goal for N = 2: ≥ 1.4 × faster than one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import city_generate, ensure_database, timed  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# As in production (and the other benches): with DEBUG on, Django formats and keeps every query it runs (0.2-0.4 s
# of the first run at 1 M tickets; more while the cases went in by bulk_create); the Celery workers inherit it.
os.environ.setdefault("DEBUG", "false")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mingze_sweep"

DEFAULT_BROKER = "redis://127.0.0.1:6379/8"
OPEN = "('received', 'dispatched', 'handling')"
# The floor: every selection a steady sweep must make (supervision.services.sweep, .problems, .referrals), each as
# one hand-written SQL query in its best plan, run one after the other with the rows fetched. What a steady sweep
# reads beyond these (the ladder, the referrals already made, the tickets of a group, a problem's cases) it reads
# only when a selection found something to act on, so a steady run makes exactly these queries (the test
# tests/supervision/test_sweep_plans.py holds the count).
FLOOR = [
    ("working calendar: years", "SELECT year FROM arbitration_calendaryear"),
    ("working calendar: days", "SELECT date, kind FROM arbitration_calendarday"),
    # Open cases about a ticket that must close or turn red: open cases by the partial unique index (or the whole
    # case table while nearly every case is open), each ticket by its primary key. A nested loop: on this bench
    # city, whose open tickets have the lowest ids, the planner prefers a merge join that walks the ticket key up
    # to the last open ticket (twice as slow here); OFFSET 0 keeps the lookups, so the floor is the faster plan.
    (
        "ticket cases to close or turn red",
        "SELECT c.id, c.trigger, t.status, t.due_at, t.satisfaction FROM supervision_supervisioncase c "
        "LEFT JOIN LATERAL (SELECT status, due_at, satisfaction FROM arbitration_ticket "
        "WHERE id = c.ticket_id OFFSET 0) t ON true "
        "WHERE c.status = 'open' AND c.trigger IN ('near_due', 'overdue', 'unsatisfied') AND ("
        f"(c.trigger IN ('near_due', 'overdue') AND (t.status IS NULL OR t.status NOT IN {OPEN})) "
        "OR (c.trigger = 'overdue' AND t.due_at >= %(now)s) "
        "OR (c.trigger = 'near_due' AND (t.due_at >= %(cutoff)s OR t.due_at < %(now)s)) "
        "OR (c.trigger = 'unsatisfied' AND (t.satisfaction IS NULL OR t.satisfaction <> 'dissatisfied')))",
    ),
    (
        "open alert cases",
        "SELECT subject_key, id FROM supervision_supervisioncase "
        "WHERE status = 'open' AND trigger = 'surge_unanswered'",
    ),
    (
        "open time-limit cases",
        "SELECT ticket_id FROM supervision_supervisioncase "
        "WHERE status = 'open' AND trigger IN ('near_due', 'overdue')",
    ),
    # The time-limit selection: an index-only range scan of the partial index ticket_open_due.
    (
        "open tickets due before the cutoff",
        f"SELECT id, due_at FROM arbitration_ticket WHERE status IN {OPEN} AND due_at < %(cutoff)s",
    ),
    (
        "unsatisfied after re-handling",
        "SELECT t.id FROM arbitration_ticket t WHERE t.status = 'replied' AND t.satisfaction = 'dissatisfied' "
        "AND EXISTS (SELECT 1 FROM arbitration_ticketevent e WHERE e.ticket_id = t.id "
        f"AND e.from_status IN ('replied', 'closed') AND e.to_status IN {OPEN}) "
        "AND NOT EXISTS (SELECT 1 FROM supervision_supervisioncase c WHERE c.ticket_id = t.id "
        "AND c.status = 'open' AND c.trigger = 'unsatisfied')",
    ),
    (
        "unreasonable bounces by department",
        "SELECT department_id, count(*) FROM arbitration_bounce WHERE outcome = 'rejected' "
        "AND reviewed_at >= %(bounce_since)s GROUP BY 1 HAVING count(*) >= %(bounce_threshold)s",
    ),
    (
        "alerts past their acknowledge-by day",
        "SELECT id, department_id, day, acknowledge_due FROM supervision_surgealert WHERE status = 'raised' "
        "AND acknowledge_due < %(today)s AND department_id IS NOT NULL",
    ),
    # The repeat window (problems): the window's tickets already in a problem, then the size of every group of two
    # or more by place and by caller. Two scans of the window's covering index: one scan with GROUPING SETS sorts
    # the window for the second set and measured slower here (and SQLite has no GROUPING SETS).
    (
        "window: tickets already in a problem",
        "SELECT pt.ticket_id, pt.problem_id, t.matter_id, t.territory_id, t.citizen_phone "
        "FROM supervision_problemticket pt JOIN arbitration_ticket t ON t.id = pt.ticket_id "
        "WHERE t.received_at >= %(window)s",
    ),
    (
        "window: groups by place",
        "SELECT matter_id, territory_id, count(*), "
        f"count(*) FILTER (WHERE status IN {OPEN} OR satisfaction = 'dissatisfied') "
        "FROM arbitration_ticket WHERE received_at >= %(window)s GROUP BY 1, 2 HAVING count(*) >= 2",
    ),
    (
        "window: groups by caller",
        "SELECT citizen_phone, count(*), "
        f"count(*) FILTER (WHERE status IN {OPEN} OR satisfaction = 'dissatisfied') "
        "FROM arbitration_ticket WHERE received_at >= %(window)s AND citizen_phone <> '' "
        "GROUP BY 1 HAVING count(*) >= 2",
    ),
    (
        "ladder: lapsed steps",
        "SELECT id FROM supervision_supervisioncase WHERE status = 'open' AND step_due_at < %(now)s "
        "ORDER BY step_due_at",
    ),
    (
        "referral rule: ping-pong",
        "SELECT b.ticket_id, count(*), count(DISTINCT b.department_id) FROM arbitration_bounce b "
        f"JOIN arbitration_ticket t ON t.id = b.ticket_id WHERE t.status IN {OPEN} GROUP BY 1 "
        "HAVING count(*) >= %(ping_pong_bounces)s AND count(DISTINCT b.department_id) >= %(ping_pong_departments)s",
    ),
    (
        "referral rule: repeated dissatisfaction",
        "SELECT pt.problem_id, count(*), max(pt.ticket_id) FROM supervision_problemticket pt "
        "JOIN arbitration_ticket t ON t.id = pt.ticket_id "
        "WHERE t.received_at >= %(window)s AND t.satisfaction = 'dissatisfied' "
        "GROUP BY 1 HAVING count(*) >= %(repeated_unsatisfied)s",
    ),
]
# Tables too small to deserve an index: a sequential scan of them is their best plan.
SMALL_TABLE_ROWS = 10_000
TRUNCATE_SQL = (
    "TRUNCATE supervision_supervisioncase, supervision_historicalsupervisioncase, "
    "supervision_caseevent, supervision_reminder, supervision_historicalreminder, "
    "supervision_disciplinereferral, supervision_historicaldisciplinereferral, "
    "supervision_problem, supervision_historicalproblem, supervision_problemticket, "
    "supervision_historicalproblemticket, arbitration_spreadrun, arbitration_spreadpartition CASCADE"
)


def floor_params(now) -> dict:
    """The floor queries' parameters at `now`, from the settings the sweep reads."""
    from django.conf import settings

    from arbitration.calendar import WorkingCalendar
    from supervision.selectors import near_due_cutoff

    calendar = WorkingCalendar.load()
    return {
        "now": now,
        "cutoff": near_due_cutoff(calendar, now),
        "today": now.astimezone(calendar.tz).date(),
        "window": now - dt.timedelta(days=settings.MINGZE_SUPERVISION_REPEAT_WINDOW_DAYS),
        "bounce_since": now - dt.timedelta(days=settings.MINGZE_SUPERVISION_UNREASONABLE_BOUNCE_DAYS),
        "bounce_threshold": settings.MINGZE_SUPERVISION_UNREASONABLE_BOUNCES,
        "ping_pong_bounces": settings.MINGZE_REFERRAL_PING_PONG_BOUNCES,
        "ping_pong_departments": settings.MINGZE_REFERRAL_PING_PONG_DEPARTMENTS,
        "repeated_unsatisfied": settings.MINGZE_REFERRAL_REPEATED_UNSATISFIED,
    }


def big_tables_scanned(cursor, plan: list[str]) -> list[str]:
    """The tables of more than SMALL_TABLE_ROWS rows that the plan reads by a sequential scan."""
    tables = sorted({match.group(1) for line in plan for match in re.finditer(r"Seq Scan on (\w+)", line)})
    if not tables:
        return []
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples > %s", [tables, SMALL_TABLE_ROWS]
    )
    return [row[0] for row in cursor.fetchall()]


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
    first_s, first = timed(supervision_sweep)
    with connection.cursor() as cursor:
        # What autovacuum does within a minute of the first run's thousands of new cases: without statistics on
        # the case and problem tables the planner guesses their sizes (it then scanned the whole repeat window
        # to join 36 problem memberships). The steady state is a sweep every few minutes, long after that.
        cursor.execute("ANALYZE supervision_supervisioncase, supervision_problem, supervision_problemticket")
    params = floor_params(django_now())
    with connection.cursor() as cursor:
        print(f"floor: the {len(FLOOR)} selections of a steady sweep, each in its best plan (EXPLAIN ANALYZE):")
        for name, sql in FLOOR:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
            print(f"  -- {name}\n" + "\n".join(f"    {line}" for line in plan))
            for table in big_tables_scanned(cursor, plan):
                print(f"  WARNING: a sequential scan of {table}: this selection is not index-served", flush=True)

    def floor():
        rows = []
        with connection.cursor() as cursor:
            for _name, sql in FLOOR:
                cursor.execute(sql, params)
                rows.append(len(cursor.fetchall()))
        return rows

    floor()  # warm the cache the same way the sweep will find it
    floor_s, rows = timed(floor, repeat=5)
    supervision_sweep()  # the first steady run, with the statistics above
    second_s, second = timed(supervision_sweep, repeat=5)
    print(f"tickets: {args.tickets:,}, open: {args.open:,}; rows of each floor query: {rows}")
    print(f"floor ({len(FLOOR)} SQL queries one after the other, median of 5): {floor_s * 1000:.1f} ms")
    print(f"sweep, first run:  {first_s:.2f} s — {first.summary()}")
    print(f"sweep, steady run (median of 5): {second_s * 1000:.1f} ms — {second.summary()}")
    print(f"  {second_s / floor_s:.2f}× the floor (goal ≤ 3×); first run goal ≤ 15 s")
    if args.workers:
        print(f"first run spread over Celery workers (broker {args.broker}):", flush=True)
        one = spread_first_run(1, args.database_url, args.broker)
        many = spread_first_run(args.workers, args.database_url, args.broker)
        print(f"speed-up with {args.workers} worker processes: {one / many:.2f}× (goal for 2: ≥ 1.4×)")


if __name__ == "__main__":
    main()
