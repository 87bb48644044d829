"""What working monthly topics cost `manage.py import_tickets`: the same file imported with none and with some.

    .venv/bin/python bench/bench_topics.py                           # 100,000 tickets, 0 and 5 topics, SQLite
    .venv/bin/python bench/bench_topics.py --tickets 2000 --topics 0 5 --database postgresql

Each run starts from a fresh database (SQLite: a file under var/bench/; PostgreSQL: `mingze_bench` on PG_URL),
migrates it, imports the sample city, approves the topics (each on one of the sample city's matters, with key
words, so that most of a batch is tested against every topic and some of it joins), then times the import of the
same generated JSON Lines file (bench_import.generate). Every ticket is matched against every working topic in
memory (docs/topics.md, "The rule"); each batch adds one query for the topics, one for the territories and one
bulk insert of the memberships.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import PG_ADMIN_URL, PG_BENCH_DB, SAMPLE_CITY, WORK, generate, manage

TOPICS = """
import datetime as dt
from django.utils import timezone
from arbitration.models import Department, Matter, User
from supervision.services import topics
actor = User.objects.create_superuser("bench-topics", password="x")
codes = ["010101", "010102", "010201", "020101", "020102", "030101", "040101"]
leads = ["QH-CGJ", "QH-CGJ", "QH-CGJ", "QH-SJJ", "QH-SJJ", "QH-RSJ", "QH-BHJD"]
words = ["占道", "垃圾", "油烟", "过期", "工资", "电梯", "广告"]
approved_at = dt.datetime(2026, 1, 5, tzinfo=timezone.get_current_timezone())
for n in range({count}):
    matter = Matter.objects.get(code=codes[n % 7])
    topic = topics.topic_propose(
        actor=actor, title=f"bench {{n}}", matter_id=matter.pk, rationale="bench", keywords=words[n % 7],
        lookback_days=1,
    )
    lead = Department.objects.get(code=leads[n % 7])
    topics.topic_approve(topic_id=topic.pk, actor=actor, lead_id=lead.pk, goal="bench", working_days=1, now=approved_at)
"""


def database_url(kind: str, label: str) -> str:
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"
    path = WORK / f"topics-{label}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def run(kind: str, tickets: Path, count: int) -> tuple[float, str, str]:
    url = database_url(kind, str(count))
    manage(url, "migrate", "-v0")
    manage(url, "import_city", str(SAMPLE_CITY))
    manage(url, "shell", "--no-imports", "-c", TOPICS.format(count=count))
    began = time.perf_counter()
    summary = manage(url, "import_tickets", str(tickets), "--errors", str(WORK / "errors.csv"), "--workers", "1")
    seconds = time.perf_counter() - began
    joined = manage(
        url, "shell", "-c", "from supervision.models import TopicTicket; print(TopicTicket.objects.count())"
    )
    # The shell may announce its automatic imports first: the count is its last line.
    return seconds, summary.strip().splitlines()[-1], joined.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--topics", type=int, nargs="+", default=[0, 5])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    options = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    tickets = WORK / f"topics-tickets-{options.tickets}.jsonl"
    generate(tickets, options.tickets)
    print(f"{options.tickets} tickets, {options.database}, load average {os.getloadavg()[0]:.2f}")
    for count in options.topics:
        seconds, summary, joined = run(options.database, tickets, count)
        rate = options.tickets / seconds
        print(f"  {count} working topics: {joined} memberships; import_tickets says: {summary}")
        print(f"    wall time of the command with Django's start-up: {seconds:.1f} s ({rate:,.0f} tickets/s)")


if __name__ == "__main__":
    main()
