"""Votes under load: 50 concurrent voters against a running gunicorn on PostgreSQL; p50/p95 of a vote and a close.

    .venv/bin/python bench/bench_votes.py [--rounds 5] [--voters 50] [--workers 4]

It creates (and drops afterwards) its own database `mingze_bench_votes` on the PostgreSQL at BENCH_PG
(default postgres://postgres@127.0.0.1:5432), seats `--voters` members in one session with `--rounds` agenda
items, starts gunicorn on it, and for each item fires every member's vote at once through the API (token
auth), then the chair's close. Goal: p95 ≤ 100 ms for both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "mingze_bench_votes"
PORT = 8765


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")


def prepare(voters: int, rounds: int) -> tuple[list[str], str, list[int], int]:
    """Migrate, build a small city, seat the members; returns (voter tokens, chair token, item ids, lead id)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0)
    from arbitration.choices import DisputeTrigger, Role
    from arbitration.services.conferences import seat_grant, session_schedule
    from arbitration.services.disputes import dispute_open, dispute_put_on_agenda
    from tests import factories

    city = factories.small_city()
    chair = factories.user("bench_chair", Role.DISPATCHER)
    session = session_schedule(title="bench", scheduled_for=timezone.now(), chair_id=chair.pk, actor=chair)
    tokens = []
    for n in range(voters):
        body = factories.department(f"BENCH{n:03d}", f"压测单位{n:03d}")
        member = factories.user(f"bench_member{n:03d}", Role.CONFERENCE_MEMBER)
        seat_grant(session_id=session.pk, member_id=member.pk, department_id=body.pk, actor=chair)
        tokens.append(Token.objects.create(user=member).key)
    items = []
    for n in range(rounds):
        ticket = factories.ticket(city, dispatched_to=city["urban"], received_at=timezone.now(), hotline_no=f"B{n:04d}")
        dispute = dispute_open(
            ticket_id=ticket.pk,
            actor=chair,
            trigger=DisputeTrigger.DISPATCHER,
            party_ids=[city["urban"].pk, city["market"].pk],
            reason="bench",
        )
        items.append(dispute_put_on_agenda(dispute_id=dispute.pk, session_id=session.pk, actor=chair).pk)
    return tokens, Token.objects.create(user=chair).key, items, city["urban"].pk


def post(path: str, token: str, body: dict) -> tuple[float, int]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = response.status
            response.read()
    except urllib.error.HTTPError as error:
        status = error.code
    return (time.perf_counter() - start) * 1000, status


def wait_for_server() -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login/", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB}",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "MEDIA_ROOT": "/tmp/mingze-bench-media",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    recreate_database()
    tokens, chair_token, items, lead = prepare(args.voters, args.rounds)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_server()
        votes, closes, failures = [], [], 0
        # One member after another first: the service time of a vote without queueing (and a warm-up).
        sequential = [
            post(
                f"/api/v1/conference/items/{items[0]}/vote/",
                token,
                {"lead_department_id": lead, "co_handler_ids": [], "reason": "预热"},
            )[0]
            for token in tokens
        ]
        for item in items:
            barrier, lock = threading.Barrier(len(tokens)), threading.Lock()

            def vote(token: str, item: int = item, barrier=barrier, lock=lock) -> None:
                nonlocal failures
                barrier.wait()
                elapsed, status = post(
                    f"/api/v1/conference/items/{item}/vote/",
                    token,
                    {"lead_department_id": lead, "co_handler_ids": [], "reason": "压测"},
                )
                with lock:
                    votes.append(elapsed)
                    failures += status != 200

            threads = [threading.Thread(target=vote, args=(t,)) for t in tokens]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed, status = post(f"/api/v1/conference/items/{item}/close/", chair_token, {})
            closes.append(elapsed)
            failures += status != 200
        print(f"{args.voters} concurrent voters × {args.rounds} items, gunicorn -w {args.workers}, PostgreSQL")
        print(
            f"vote, one at a time: p50={statistics.median(sequential):.1f} ms  "
            f"p95={percentile(sequential, 0.95):.1f} ms"
        )
        print(
            f"vote : n={len(votes)}  p50={statistics.median(votes):.1f} ms  p95={percentile(votes, 0.95):.1f} ms"
            f"  max={max(votes):.1f} ms"
        )
        print(
            f"close: n={len(closes)}  p50={statistics.median(closes):.1f} ms  p95={percentile(closes, 0.95):.1f} ms"
            f"  max={max(closes):.1f} ms  (ruling, PDF after commit, precedents)"
        )
        print(f"failures: {failures}   goal: p95 ≤ 100 ms")
    finally:
        server.terminate()
        server.wait()
        from django.db import connections

        connections.close_all()
        recreate_database_drop()


def recreate_database_drop() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
