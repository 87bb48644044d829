"""The audit trail's costs on PostgreSQL (docs/audit.md): the import with and without the chain, and the verifier.

    .venv/bin/python bench/bench_audit.py [--tickets 100000] [--verify-rows 1000000] [--only import|verify]

- **import**: the same generated tickets (bench_import.generate) imported twice into a fresh database each time:
  once with the chainer off (MINGZE_AUDIT_CHAIN_ON_COMMIT=False: rows written, never chained), once with it on
  and run to completion (the import inserts its audit rows chained, docs/audit.md "chained as written"; what
  else it wrote is chained after its commit and at its end; `audit_chain` then confirms nothing is left, untimed).
  Both runs as in production: Celery not eager, one worker process (Redis at BENCH_BROKER). The ratio off/on is
  the goal's figure (≥ 0.85).
- **verify**: a small import, then its ticket history rows copied with INSERT … SELECT generate_series until the
  table holds `--verify-rows` rows, chained (`audit_chain`), then `audit_verify` timed: rows/s (goal ≥ 200,000),
  with the EXPLAIN of the verifier's query for that table.

Vote latency with the chain is bench_votes.py as it is (the chainer is on by default); run it again with
MINGZE_AUDIT_CHAIN_ON_COMMIT=False for the figure without.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import import PG_ADMIN_URL, PYTHON, ROOT, SAMPLE_CITY, WORK, generate

DB = "h_a_bench_audit"
BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/14")


def fresh() -> str:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DB}"


def _env(url: str, chain: bool) -> dict:
    # As in production: Celery is not eager, a worker chains what each commit asks for (docs/audit.md).
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "False", "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "MINGZE_AUDIT_CHAIN_ON_COMMIT": str(chain), "CELERY_TASK_ALWAYS_EAGER": "False",
            "CELERY_BROKER_URL": BROKER}  # fmt: skip


def manage(url: str, *args: str, chain: bool = True) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=_env(url, chain), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return done.stdout


def import_run(tickets: Path, *, chain: bool) -> float:
    url = fresh()
    manage(url, "migrate", "-v0", chain=chain)
    manage(url, "import_city", str(SAMPLE_CITY), chain=chain)
    if chain:
        manage(url, "audit_chain")  # the city's rows, so that what is timed is the tickets' chain alone
    subprocess.run([str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "purge", "-f"], cwd=ROOT,
                   env=_env(url, chain), capture_output=True, check=True)  # fmt: skip
    # One worker process in both runs, as a deployment has; with the chain off it idles.
    worker = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "-c", "1", "-l", "warning",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=_env(url, chain), stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(4)  # the worker is up before the clock starts
        started = time.perf_counter()
        # With the chain on, the import returns with every row chained: its own rows as it writes them, anything
        # else (written through the ORM) by the worker or the import's own pass at its end.
        manage(url, "import_tickets", str(tickets), "--errors", str(WORK / "errors.csv"), chain=chain)
        seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait()
    if chain:
        left = manage(url, "audit_chain").split()[0]
        print(f"    after import_tickets, rows left unchained: {left}")
        if left != "0":
            raise SystemExit("the import returned with rows unchained")
    return seconds


def bench_import(count: int) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    tickets = WORK / f"tickets-{count}.jsonl"
    if not tickets.exists():
        generate(tickets, count)
    off = import_run(tickets, chain=False)
    on = import_run(tickets, chain=True)
    print(f"import {count:,} tickets: chain off {off:.1f} s ({count / off:,.0f}/s), chain on {on:.1f} s "
          f"({count / on:,.0f}/s): {off / on:.2f}× (goal ≥ 0.85×)")  # fmt: skip


EXPLAIN = """
from django.db import connection
from arbitration.audit.registry import audit_table
from arbitration.audit.verify import VERIFIER_SETTINGS, summary_sql
with connection.cursor() as cursor:
    for name, value in VERIFIER_SETTINGS.items():
        cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
    sql, params = summary_sql(audit_table("arbitration_historicalticket"))
    cursor.execute("EXPLAIN (ANALYZE, COSTS off) " + sql, params)
    print("\\n".join(row[0] for row in cursor.fetchall()))
"""


def bench_verify(rows: int) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    tickets = WORK / "tickets-2000.jsonl"
    if not tickets.exists():
        generate(tickets, 2000)
    url = fresh()
    manage(url, "migrate", "-v0")
    manage(url, "import_city", str(SAMPLE_CITY))
    manage(url, "import_tickets", str(tickets), "--errors", str(WORK / "errors.csv"))
    table = "arbitration_historicalticket"
    with psycopg.connect(url) as conn:
        base, top = conn.execute(f"SELECT count(*), max(id) FROM {table}").fetchone()
        columns = [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table]).fetchall() if r[0] not in ("history_id", "chain_seq", "chain_prev", "chain_hash")]  # fmt: skip
        copies = max(0, -(-(rows - base) // base))
        chosen = ", ".join(f"id + k * {top}" if c == "id" else c for c in columns)
        started = time.perf_counter()
        conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {chosen} FROM {table},"
                     f" generate_series(1, {copies}) AS k")  # fmt: skip
        conn.commit()
        total = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        print(f"built {total:,} history rows in {time.perf_counter() - started:.1f} s (INSERT … SELECT)")
    started = time.perf_counter()
    chained = manage(url, "audit_chain").split()[0]
    print(f"chained {int(chained):,} rows in {time.perf_counter() - started:.1f} s")
    manage(url, "audit_seal")
    out = manage(url, "audit_verify")
    found = re.search(r"(\d+) rows in ([\d.]+) s", out)
    checked, seconds = int(found.group(1)), float(found.group(2))
    print(f"audit_verify: {out.strip()} → {checked / seconds:,.0f} rows/s (goal ≥ 200,000)")
    print(manage(url, "shell", "--no-imports", "-c", EXPLAIN))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--verify-rows", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["import", "verify"])
    options = parser.parse_args()
    print(f"load before: {os.getloadavg()}")
    if options.only in (None, "import"):
        bench_import(options.tickets)
    if options.only in (None, "verify"):
        bench_verify(options.verify_rows)
    print(f"load after: {os.getloadavg()}")
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
