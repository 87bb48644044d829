"""Time `manage.py import_tickets` on PostgreSQL and SQLite beside each database's own bulk-insert floor.

    .venv/bin/python bench/bench_import.py                    # 1,000,000 tickets, both databases
    .venv/bin/python bench/bench_import.py --tickets 100000 --only postgresql --workers 3

Each run starts from a fresh database (PostgreSQL: `mingze_bench` on PG_URL; SQLite: a file under var/bench/),
migrates it, imports the sample city, then imports a generated JSON Lines file of tickets (about half of them
dispatched to a department, as in docs/domain.md §1). Every ticket writes its row, its history row and a RECEIVED
event; a dispatched one also its lead assignment, the assignment's history row and a DISPATCHED event.

The floor is the database inserting the same ticket rows with nothing else to do: COPY into a bare table
without indexes on PostgreSQL; executemany in one transaction on SQLite (WAL, synchronous=NORMAL).

Beside the times, the CPU seconds of the import process and, when the server runs on this machine and /proc
is readable, of all PostgreSQL processes (whatever else they served meanwhile): on a 2-core machine their sum
over two is the shortest the import can take.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SAMPLE_CITY = ROOT / "arbitration" / "fixtures" / "sample_city"
WORK = ROOT / "var" / "bench"
PG_ADMIN_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "mingze_bench"

COMMUNITIES = ["370902001001", "370902001002", "370902002001", "370911001001"]
MATTERS = {"010101": "QH-CGJ", "010102": "QH-CGJ", "010201": "QH-CGJ", "020101": "QH-SJJ", "020102": "QH-SJJ",
           "030101": "QH-RSJ", "040101": "QH-BHJD"}  # fmt: skip
ORDINARY_MATTERS = [code for code in MATTERS if code != "030101"]
TYPES = ["咨询"] * 47 + ["求助"] * 30 + ["建议"] * 15 + ["投诉"] * 5 + ["举报"] * 3
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
PLACES = ["滨河路", "东关大街", "科创大道", "荷塘巷", "柳堤路", "云谷路"]
COMPLAINTS = ["夜间占道经营，影响通行", "垃圾桶满溢多日无人清运", "餐馆无证经营且油烟扰民", "超市出售过期食品",
              "公司拖欠三个月工资", "物业不处理电梯故障", "违规广告牌存在坠落隐患"]  # fmt: skip
TIERS = ["", "", "5wd", "3wd", "24h"]


def generate(path: Path, count: int, seed: int = 12345) -> None:
    """Write `count` realistic tickets as JSON Lines (reused when the file already has that many)."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 5, 8, 0)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            received = start + dt.timedelta(seconds=n * 20 + rng.randrange(20))  # ~1M tickets over 7–8 months
            # 拖欠工资 (030101) is a legal-type matter: about 3% of tickets open a case at the legal desk.
            matter = "030101" if rng.random() < 0.03 else rng.choice(ORDINARY_MATTERS)
            complaint = rng.choice(COMPLAINTS)
            place = f"{rng.choice(PLACES)}{rng.randrange(1, 300)}号"
            ticket = {
                "hotline_no": f"QH{received:%Y%m%d}{n:07d}",
                "received_at": received.isoformat(timespec="seconds"),
                "channel": rng.choice(["phone", "phone", "phone", "web", "app", "mini_program"]),
                "request_type": rng.choice(TYPES),
                "matter": matter,
                "territory": rng.choice(COMMUNITIES),
                "address": place,
                "title": complaint[:12],
                "content": f"市民来电反映：{place}附近{complaint}，已持续一段时间，希望有关部门尽快核实处理并回复。",
                "citizen_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", rng.choice(GIVEN)]),
                "citizen_phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "confidential": rng.random() < 0.05,
                "time_limit": rng.choice(TIERS),
            }
            if rng.random() < 0.47:  # docs/domain.md §1: 47% dispatched, 53% answered by the hotline directly
                ticket["dispatched_at"] = (received + dt.timedelta(minutes=rng.randrange(5, 90))).isoformat(
                    timespec="seconds")  # fmt: skip
                ticket["dispatched_to"] = MATTERS[matter]
            out.write(json.dumps(ticket, ensure_ascii=False) + "\n")


def manage(database_url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "False",
           "DJANGO_SETTINGS_MODULE": "config.settings.local"}  # fmt: skip
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def timed_import(database_url: str, tickets: Path, *options: str) -> tuple[float, str, float, float | None]:
    """(seconds, the command's summary line, CPU seconds of the command, CPU seconds of PostgreSQL or None)."""
    manage(database_url, "migrate", "-v0")
    manage(database_url, "import_city", str(SAMPLE_CITY))
    cpu, server, started = children_cpu(), pg_server_cpu(), time.perf_counter()
    summary = manage(database_url, "import_tickets", str(tickets), "--errors", str(WORK / "errors.csv"), *options)
    seconds = time.perf_counter() - started
    server_after = pg_server_cpu()
    server_seconds = server_after - server if server is not None and server_after is not None else None
    return seconds, summary.strip().splitlines()[-1], children_cpu() - cpu, server_seconds


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pg_server_cpu() -> float | None:
    """CPU seconds of every PostgreSQL process on this machine, ended backends included (they count in the
    postmaster's children time); None when /proc does not show them."""
    processes = {}  # pid → (parent pid, own ticks, reaped children's ticks)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if name.endswith(("(postgres", "(postmaster")):
            fields = rest.split()
            processes[stat.parent.name] = (
                fields[1],
                int(fields[11]) + int(fields[12]),
                int(fields[13]) + int(fields[14]),
            )
    if not processes:
        return None
    ticks = sum(own + (reaped if parent not in processes else 0) for parent, own, reaped in processes.values())
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_line(process: float, server: float | None) -> str:
    line = f"    CPU: import_tickets {process:.1f} s"
    return line + (f", PostgreSQL server {server:.1f} s" if server is not None else "")


def floor_rows(tickets: Path) -> list[tuple]:
    """The ticket columns as the database receives them (parsing is not part of the floor)."""
    rows = []
    with tickets.open(encoding="utf-8") as stream:
        for n, line in enumerate(stream, start=1):
            t = json.loads(line)
            rows.append((n, t["hotline_no"], t["received_at"], t.get("dispatched_at"), t["channel"],
                         t["request_type"], 1, 1, t["address"], t["title"], t["content"], t["citizen_name"],
                         t["citizen_phone"], t["confidential"], 1, None, "", "received", "", "", "", None, None,
                         t["received_at"]))  # fmt: skip
    return rows


FLOOR_TABLE = """(id bigint, hotline_no varchar(40), received_at timestamptz, dispatched_at timestamptz,
    channel varchar(16), request_type varchar(16), matter_id bigint, territory_id bigint, address varchar(255),
    title varchar(200), content text, citizen_name varchar(50), citizen_phone varchar(20), confidential boolean,
    time_limit_tier_id bigint, due_at timestamptz, due_unknown_reason varchar(255), status varchar(16),
    resolution varchar(16), satisfaction varchar(16), result text, replied_at timestamptz, closed_at timestamptz,
    updated_at timestamptz)"""


def pg_fresh() -> str:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def pg_floor(url: str, rows: list[tuple]) -> float:
    with psycopg.connect(url) as conn:
        conn.execute(f"CREATE TABLE floor_ticket {FLOOR_TABLE}")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy("COPY floor_ticket FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        return time.perf_counter() - started


def sqlite_floor(path: Path, rows: list[tuple]) -> float:
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE floor_ticket " + FLOOR_TABLE.replace("timestamptz", "datetime"))
    marks = ", ".join("?" * len(rows[0]))
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO floor_ticket VALUES ({marks})", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def pg_row_counts(url: str) -> dict[str, int]:
    tables = ["arbitration_ticket", "arbitration_historicalticket", "arbitration_assignment",
              "arbitration_historicalassignment", "arbitration_ticketevent"]  # fmt: skip
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--workers", type=int, help="import_tickets --workers (default: the command's own)")
    options = parser.parse_args()
    extra = ["--workers", str(options.workers)] if options.workers else []
    WORK.mkdir(parents=True, exist_ok=True)
    tickets = WORK / f"tickets-{options.tickets}.jsonl"
    if not tickets.exists():
        started = time.perf_counter()
        generate(tickets, options.tickets)
        print(f"generated {options.tickets:,} tickets in {time.perf_counter() - started:.1f} s → {tickets}")
    rows = floor_rows(tickets)
    n = len(rows)
    print(f"{'database':<12}{'import_tickets':>18}{'tickets/s':>12}{'floor (bare insert)':>22}{'rows/s':>12}")
    if options.only in (None, "postgresql"):
        url = pg_fresh()
        seconds, summary, cpu, server = timed_import(url, tickets, *extra)
        floor = pg_floor(url, rows)
        print(f"{'PostgreSQL':<12}{seconds:>16.1f} s{n / seconds:>12,.0f}{floor:>20.1f} s{n / floor:>12,.0f}")
        print(f"    {summary}\n    rows written: {pg_row_counts(url)}\n{cpu_line(cpu, server)}")
    if options.only in (None, "sqlite"):
        path = WORK / "bench.sqlite3"
        for leftover in WORK.glob("bench.sqlite3*"):
            leftover.unlink()
        seconds, summary, cpu, _server = timed_import(f"sqlite:///{path}", tickets, *extra)
        floor = sqlite_floor(WORK / "floor.sqlite3", rows)
        print(f"{'SQLite':<12}{seconds:>16.1f} s{n / seconds:>12,.0f}{floor:>20.1f} s{n / floor:>12,.0f}")
        print(f"    {summary}\n{cpu_line(cpu, None)}")


if __name__ == "__main__":
    main()
