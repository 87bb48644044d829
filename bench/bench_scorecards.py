"""Benchmark: computing a month's scorecards on PostgreSQL with many tickets, beside a one-query floor.

    .venv/bin/python bench/bench_scorecards.py --tickets 1000000

Uses a dedicated database (default postgres://postgres@127.0.0.1:5432/mingze_scores, created if missing), fills
it with INSERT … SELECT generate_series straight into the tables (no history: bench data only): tickets dispatched
in March 2026 with the platform's facts at random (a fifth not yet responded, a tenth not handled, a third not yet
visited, 2 % withdrawn), one lead each among 100 bureaus and a copied regulator on one in ten. It then times
(a) the floor: one GROUP BY counting each department's charged tickets, and (b) `scorecards_compute` for the
month, which rewrites every entry (one INSERT … SELECT) and the cards. The compute is set-based: its time should
grow with the number of tickets like the floor's, a small multiple of it plus the cost of writing one entry row per
charged ticket.

Measured on a shared 2-core machine (PostgreSQL 15): 300,000 tickets (330,000 entries): floor 0.38 s, compute 8.2 s,
of which writing the entries is about two thirds.
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
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mingze_scores"

FLOOR_SQL = """
SELECT a.department_id, count(*) FROM arbitration_assignment a JOIN arbitration_ticket t ON t.id = a.ticket_id
WHERE a.ended_at IS NULL AND a.role IN ('lead', 'copied')
  AND t.dispatched_at >= '2026-03-01T00:00:00+08:00' AND t.dispatched_at < '2026-04-01T00:00:00+08:00'
GROUP BY a.department_id
"""

TICKETS_SQL = """
WITH ref AS (
    SELECT (SELECT id FROM arbitration_matter WHERE code = 'SM1') AS matter,
           (SELECT id FROM arbitration_territory WHERE code = 'S1') AS place,
           (SELECT id FROM arbitration_timelimittier WHERE is_default) AS tier
), rows AS (
    SELECT g, random() AS u, random() AS v, random() AS w,
           timestamptz '2026-03-02 09:00+08' + floor(random() * 26) * interval '1 day'
             + random() * interval '8 hours' AS dispatched
    FROM generate_series(%(start)s::bigint, %(end)s::bigint) g
)
INSERT INTO arbitration_ticket (hotline_no, received_at, dispatched_at, channel, request_type, matter_id,
    territory_id, address, title, content, citizen_name, citizen_phone, confidential, time_limit_tier_id, due_at,
    response_due_at, due_unknown_reason, status, first_response_at, handled_at, replied_at, visited_at, withdrawn_at,
    resolution, satisfaction, result, rehandle_count, reminder_count, updated_at)
SELECT 'S' || lpad(g::text, 10, '0'), dispatched, dispatched, 'phone', 'complaint', ref.matter, ref.place, '',
       '工单', '内容', '', '', false, ref.tier, dispatched + interval '7 days', dispatched + interval '3 hours', '',
       CASE WHEN u < 0.02 THEN 'withdrawn' WHEN u < 0.12 THEN 'handling' ELSE 'replied' END,
       CASE WHEN v < 0.2 THEN NULL ELSE dispatched + v * interval '5 hours' END,
       CASE WHEN u < 0.12 THEN NULL ELSE dispatched + w * interval '9 days' END,
       CASE WHEN u < 0.12 THEN NULL ELSE dispatched + w * interval '9 days' + v * interval '2 days' END,
       CASE WHEN u < 0.45 THEN NULL ELSE dispatched + interval '12 days' END,
       CASE WHEN u < 0.02 THEN dispatched + interval '1 day' END,
       '', CASE WHEN u < 0.45 THEN '' WHEN w < 0.8 THEN 'satisfied' ELSE 'dissatisfied' END, '', 0, 0, now()
FROM rows, ref
"""

ASSIGNMENTS_SQL = """
INSERT INTO arbitration_assignment (ticket_id, department_id, role, method, assigned_at, reason, ticket_received_at,
                                    ticket_status, ticket_due_at,
                                    ticket_matter_id, ticket_territory_id)
SELECT t.id, d.ids[1 + (t.id %% 100)], 'lead', 'direct', t.dispatched_at, '', t.received_at, t.status, t.due_at,
       t.matter_id, t.territory_id
FROM arbitration_ticket t, (SELECT array_agg(id ORDER BY id) AS ids FROM arbitration_department
                            WHERE code LIKE 'SD%%') d
UNION ALL
SELECT t.id, d.ids[1 + ((t.id + 1) %% 100)], 'copied', 'dual', t.dispatched_at, '', t.received_at, t.status,
       t.due_at,
       t.matter_id, t.territory_id
FROM arbitration_ticket t, (SELECT array_agg(id ORDER BY id) AS ids FROM arbitration_department
                            WHERE code LIKE 'SD%%') d
WHERE t.id %% 10 = 0
"""
CHUNK = 500_000


def generate(cursor, tickets: int) -> None:
    cursor.execute("TRUNCATE arbitration_ticket, arbitration_assignment, arbitration_ticketevent CASCADE")
    cursor.execute("""
        INSERT INTO arbitration_territory (code, name, level, parent_id, path)
        VALUES ('S1', '社区', 4, NULL, '/S1/') ON CONFLICT (code) DO NOTHING""")
    cursor.execute("""
        INSERT INTO arbitration_matter (code, name, level, parent_id, legal_type, path)
        VALUES ('SM1', '事项', 3, NULL, false, '/SM1/') ON CONFLICT (code) DO NOTHING""")
    cursor.execute("""
        INSERT INTO arbitration_department (code, name, kind, parent_id, territory_id, is_active)
        SELECT 'SD' || g, '单位' || g, 'bureau', NULL, NULL, true FROM generate_series(1, 100) g
        ON CONFLICT (code) DO NOTHING""")
    for start in range(1, tickets + 1, CHUNK):
        end = min(start + CHUNK - 1, tickets)
        began = time.perf_counter()
        cursor.execute(TICKETS_SQL, {"start": start, "end": end})
        print(f"  tickets {start:,}–{end:,}: {time.perf_counter() - began:.1f} s", flush=True)
    cursor.execute(ASSIGNMENTS_SQL, {})  # with parameters, so that %% is one % as in TICKETS_SQL
    cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--regenerate", action="store_true", help="refill even if the ticket count matches")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    ensure_database(args.database_url)

    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from supervision.services.scorecards import scorecards_compute

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM arbitration_ticket")
        if args.regenerate or cursor.fetchone()[0] != args.tickets:
            print(f"generating {args.tickets:,} tickets …", flush=True)
            began = time.perf_counter()
            generate(cursor, args.tickets)
            print(f"generated in {time.perf_counter() - began:.0f} s", flush=True)

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL)
            return sum(count for _department, count in cursor.fetchall())

    def compute() -> list:
        return scorecards_compute(period_kind="month", period_start=dt.date(2026, 3, 1))

    floor()  # warm the cache the same way the computation will find it
    floor_s, charged = timed(floor, repeat=3)
    compute_s, cards = timed(compute, repeat=2)
    print(f"tickets: {args.tickets:,}, charged (ticket × department): {charged:,}, cards: {len(cards)}")
    print(f"floor (one GROUP BY, median of 3): {floor_s:.2f} s")
    print(f"scorecards_compute (median of 2):  {compute_s:.2f} s  ({compute_s / floor_s:.1f}× the floor)")


if __name__ == "__main__":
    main()
