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

from bench.common import city_generate, ensure_database, timed  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mingze_sweep"

FLOOR_SQL = (
    "SELECT id, due_at FROM arbitration_ticket WHERE status IN ('received', 'dispatched', 'handling') "
    "AND due_at < now()"
)


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
            city_generate(cursor, args.tickets, args.open)
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
