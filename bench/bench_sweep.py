"""Benchmark: the supervision sweep on PostgreSQL with many tickets, beside the hand-written SQL floor.

    .venv/bin/python bench/bench_sweep.py --tickets 10000000 --open 300000

Uses a dedicated database (default postgres://postgres@127.0.0.1:5432/mingze_sweep, created if missing),
fills it with INSERT … SELECT generate_series straight into the tables (no history: bench data only), then
times (a) one SQL query selecting the open tickets past their limit — the floor — and (b) the sweep: the
first run (it opens every case) and a second, steady-state run (nothing new to open). Goal: ≤ 15 s and
≤ 3 × the floor. Of the open tickets 5 % are overdue and 1 % near their limit; the rest are due later.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import ensure_database, timed  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mingze_sweep"

FLOOR_SQL = (
    "SELECT id, due_at FROM arbitration_ticket WHERE status IN ('received', 'dispatched', 'handling') "
    "AND due_at < now()"
)
CHUNK = 1_000_000


def generate(cursor, tickets: int, open_tickets: int) -> None:
    """Reference rows, then tickets in chunks of a million with the ticket indexes dropped and rebuilt."""
    cursor.execute("TRUNCATE arbitration_ticket, arbitration_assignment, arbitration_ticketevent CASCADE")
    cursor.execute("""
        INSERT INTO arbitration_territory (code, name, level, parent_id, path)
        SELECT 'B' || lpad(g::text, 6, '0'), '社区' || g, 4, NULL, '/B' || lpad(g::text, 6, '0') || '/'
        FROM generate_series(1, 2000) g ON CONFLICT (code) DO NOTHING""")
    cursor.execute("""
        INSERT INTO arbitration_matter (code, name, level, parent_id, legal_type, path)
        SELECT 'BM' || lpad(g::text, 4, '0'), '事项' || g, 3, NULL, false, '/BM' || lpad(g::text, 4, '0') || '/'
        FROM generate_series(1, 500) g ON CONFLICT (code) DO NOTHING""")
    cursor.execute("""
        INSERT INTO arbitration_department (code, name, kind, parent_id, territory_id, is_active)
        SELECT 'BD' || g, '单位' || g, 'bureau', NULL, NULL, true FROM generate_series(1, 100) g
        ON CONFLICT (code) DO NOTHING""")
    # The unique constraint on hotline_no owns its index: drop the constraint, and the other indexes by name.
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'arbitration_ticket'::regclass AND contype = 'u'"
    )
    uniques = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'arbitration_ticket' "
        "AND indexname NOT LIKE '%%pkey' AND NOT indexname = ANY(%s)",
        [uniques],
    )
    indexes = cursor.fetchall()
    for name in uniques:
        cursor.execute(f'ALTER TABLE arbitration_ticket DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    for start in range(1, tickets + 1, CHUNK):
        end = min(start + CHUNK - 1, tickets)
        began = time.perf_counter()
        cursor.execute(TICKETS_SQL, {"start": start, "end": end, "open": open_tickets})
        print(f"  tickets {start:,}–{end:,}: {time.perf_counter() - began:.1f} s", flush=True)
    began = time.perf_counter()
    for name in uniques:
        cursor.execute(f'ALTER TABLE arbitration_ticket ADD CONSTRAINT "{name}" UNIQUE (hotline_no)')
    for _name, definition in indexes:
        cursor.execute(definition)
    print(f"  ticket indexes rebuilt: {time.perf_counter() - began:.1f} s", flush=True)
    cursor.execute("""
        INSERT INTO arbitration_assignment (ticket_id, department_id, role, method, assigned_at, reason)
        SELECT t.id, d.ids[1 + (t.id % 100)], 'lead', 'direct', t.dispatched_at, ''
        FROM arbitration_ticket t, (SELECT array_agg(id ORDER BY id) AS ids FROM arbitration_department
                                    WHERE code LIKE 'BD%%') d
        WHERE t.status = 'dispatched'""")
    # What autovacuum does to a table of this size in production: statistics, and the visibility map that lets
    # the sweep's window scans read the covering index alone.
    cursor.execute("VACUUM ANALYZE")


TICKETS_SQL = """
WITH ref AS (
    SELECT (SELECT array_agg(id ORDER BY id) FROM arbitration_matter WHERE code LIKE 'BM%%') AS matters,
           (SELECT array_agg(id ORDER BY id) FROM arbitration_territory WHERE code LIKE 'B%%') AS places,
           (SELECT id FROM arbitration_timelimittier WHERE is_default) AS tier
), rows AS (
    SELECT g, g <= %(open)s AS is_open, random() AS u,
           CASE WHEN g <= %(open)s THEN now() - random() * interval '10 days'
                ELSE now() - interval '15 days' - random() * interval '1080 days' END AS received
    FROM generate_series(%(start)s::bigint, %(end)s::bigint) g
)
INSERT INTO arbitration_ticket (hotline_no, received_at, dispatched_at, channel, request_type, matter_id,
    territory_id, address, title, content, citizen_name, citizen_phone, confidential, time_limit_tier_id, due_at,
    due_unknown_reason, status, resolution, satisfaction, result, replied_at, closed_at, updated_at)
SELECT 'B' || lpad(g::text, 10, '0'), received, received + interval '1 hour', 'phone', 'complaint',
       ref.matters[1 + floor(random() * 500)::int], ref.places[1 + floor(random() * 2000)::int], '', '工单', '内容',
       '', '13' || lpad(floor(random() * 1e9)::bigint::text, 9, '0'), false, ref.tier,
       CASE WHEN NOT is_open THEN received + interval '5 days'
            WHEN u < 0.05 THEN now() - random() * interval '5 days'
            WHEN u < 0.06 THEN now() + random() * interval '20 hours'
            ELSE now() + interval '3 days' + random() * interval '12 days' END,
       '', CASE WHEN is_open THEN 'dispatched' ELSE 'closed' END, CASE WHEN is_open THEN '' ELSE 'resolved' END,
       CASE WHEN is_open THEN '' ELSE 'satisfied' END, CASE WHEN is_open THEN '' ELSE '已办结' END,
       CASE WHEN is_open THEN NULL ELSE received + interval '2 days' END,
       CASE WHEN is_open THEN NULL ELSE received + interval '3 days' END, now()
FROM rows, ref
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--open", type=int, default=300_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--regenerate", action="store_true", help="refill even if the ticket count matches")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    ensure_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from supervision.services.sweep import supervision_sweep

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = 'dispatched') FROM arbitration_ticket")
        total, open_now = cursor.fetchone()
        if args.regenerate or (total, open_now) != (args.tickets, args.open):
            print(f"generating {args.tickets:,} tickets, {args.open:,} open …", flush=True)
            began = time.perf_counter()
            generate(cursor, args.tickets, args.open)
            print(f"generated in {time.perf_counter() - began:.0f} s", flush=True)
        # Each measurement starts with no supervision records, so the first sweep opens every case.
        cursor.execute(
            "TRUNCATE supervision_supervisioncase, supervision_historicalsupervisioncase, "
            "supervision_caseevent, supervision_reminder, supervision_historicalreminder, "
            "supervision_disciplinereferral, supervision_historicaldisciplinereferral, "
            "supervision_problem, supervision_historicalproblem, supervision_problemticket, "
            "supervision_historicalproblemticket CASCADE"
        )

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL)
            return len(cursor.fetchall())

    floor()  # warm the cache the same way the sweep will find it
    floor_s, overdue = timed(floor, repeat=5)
    first_s, first = timed(supervision_sweep)
    second_s, second = timed(supervision_sweep, repeat=3)
    print(f"tickets: {args.tickets:,}, open: {args.open:,}, overdue (floor query rows): {overdue:,}")
    print(f"floor (one SQL query, median of 5): {floor_s * 1000:.0f} ms")
    print(f"sweep, first run:  {first_s:.2f} s — {first.summary()}")
    print(f"sweep, steady run: {second_s:.3f} s — {second.summary()}  ({second_s / floor_s:.1f}× the floor)")


if __name__ == "__main__":
    main()
