"""Votes under load: 50 concurrent voters against a running gunicorn on PostgreSQL; p50/p95 of a vote and a close.

    .venv/bin/python bench/bench_votes.py [--rounds 10] [--voters 50] [--workers 4] [--window 5]

It creates (and drops afterwards) its own database `mingze_bench_votes` on the PostgreSQL at BENCH_PG
(default postgres://postgres@127.0.0.1:5432), seats `--voters` members in one session with agenda items, starts
gunicorn on it, and measures two loads, each over `--rounds` items closed by the chair through the API:

- **a sitting**: every member votes on the open item at a random moment within `--window` seconds, as members
  do once the chair opens an item — all of them connected and voting at once, each with their own token;
- **a spike**: every member's vote fires at the same instant, the worst moment a sitting can have.

The members are coroutines of one light client (prepared request bytes, a connection each, as a browser opens),
because the client shares the machine's cores with the server. A round starts once the last ruling's PDF is in.

It also prints the server's CPU time per vote (gunicorn workers and PostgreSQL backends, from /proc), which is
what bounds the spike on a small machine: fifty votes need fifty times that, shared by the machine's cores.
Goal (issue 4): p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "mingze_bench_votes"
PORT = 8765
WARM_UP = 8  # items voted and closed before measuring, so that each gunicorn worker has closed one
# A close finishes work after its response: the ruling's PDF (Celery) and the heap collection after a graph
# rebuild (gunicorn). In a sitting the next item is presented before anyone votes on it; the next round starts
# once the PDF is stored and SETTLE seconds later, so that it does not also pay for the last close.
SETTLE = 0.5
BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/15")


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


def request_bytes(path: str, token: str, body: dict) -> bytes:
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nAuthorization: Token {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + payload


async def send(request: bytes) -> tuple[float, int]:
    """One HTTP request on its own connection, as a member's browser or app makes it; (milliseconds, status).

    The load generator shares the machine's two cores with the server, so it is kept light: prepared bytes on a
    raw connection, no HTTP library and no thread per member (the members are on their own machines in a sitting).
    """
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")
    )
    await reader.readexactly(length)  # the answer is complete here; the server's clean-up after it is not waited for
    elapsed = (time.perf_counter() - start) * 1000
    writer.close()
    return elapsed, int(head.split(b" ", 2)[1])


def post(path: str, token: str, body: dict) -> tuple[float, int]:
    return asyncio.run(send(request_bytes(path, token, body)))


def vote_request(item: int, token: str, lead: int, reason: str) -> bytes:
    body = {"lead_department_id": lead, "co_handler_ids": [], "reason": reason}
    return request_bytes(f"/api/v1/conference/items/{item}/vote/", token, body)


def vote_once(item: int, token: str, lead: int, reason: str) -> tuple[float, int]:
    return asyncio.run(send(vote_request(item, token, lead, reason)))


def vote_round(item: int, tokens: list[str], lead: int, delay) -> tuple[list[tuple[float, int]], Counter]:
    """Every member votes once on `item`: after `delay()` seconds each, or all at one instant when it is None."""
    requests = [vote_request(item, token, lead, "压测") for token in tokens]

    async def member(request: bytes) -> tuple[float, int]:
        await asyncio.sleep(0 if delay is None else delay())
        return await send(request)

    async def sitting() -> list[tuple[float, int]]:
        return await asyncio.gather(*(member(request) for request in requests))

    before = server_cpu()
    results = asyncio.run(sitting())
    spent = Counter()
    for (name, pid), seconds in server_cpu().items():
        spent[name] += seconds - before.get((name, pid), 0.0)  # a backend that ended meanwhile is not counted
    return results, spent


def wait_until_quiet(item: int) -> None:
    """Until the ruling of the closed item has its PDF (or failed to), then SETTLE seconds."""
    from arbitration.choices import RenderStatus
    from arbitration.models import Ruling

    for _ in range(600):
        if Ruling.objects.filter(agenda_item_id=item).exclude(render_status=RenderStatus.PENDING).exists():
            break
        time.sleep(0.05)
    time.sleep(SETTLE)


def server_cpu() -> dict[tuple[str, int], float]:
    """CPU seconds used so far by each gunicorn process and each of this database's PostgreSQL backends."""
    spent, tick = {}, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # the process ended meanwhile
        if b"gunicorn" in command:
            name = "gunicorn"
        elif command.startswith(b"postgres:") and DB.encode() in command:
            name = "postgres"  # this database's backends only
        else:
            continue
        spent[name, int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    return spent


def report(name: str, values: list[float], note: str = "") -> None:
    print(
        f"  {name}: n={len(values)}  p50={statistics.median(values):.1f} ms  p95={percentile(values, 0.95):.1f} ms"
        f"  max={max(values):.1f} ms  {note}".rstrip()
    )


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
    parser.add_argument("--rounds", type=int, default=10, help="items measured under each load")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--window", type=float, default=5.0, help="seconds within which members vote in a sitting")
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
    tokens, chair_token, items, lead = prepare(args.voters, WARM_UP + 2 * args.rounds)
    # As in production: PDFs are rendered by a Celery worker after the close commits, not inside the request.
    served = {**env, "CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_BROKER_URL": BROKER}
    gunicorn = [".venv/bin/gunicorn", "config.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}"]
    worker = [".venv/bin/celery", "-A", "config", "worker", "-c", "1", "--without-heartbeat", "--without-gossip"]
    processes = [
        subprocess.Popen([*gunicorn, "--log-level", "warning"], cwd=ROOT, env=served),
        subprocess.Popen([*worker, "-l", "warning"], cwd=ROOT, env=served),
    ]
    try:
        wait_for_server()
        # One member after another first: the service time of a vote without queueing (and a warm-up).
        # Warm-up, as a server that has been up for a while is: every worker has served votes and closes (its
        # graph is built, its modules are loaded). The votes of the first item, cast one member after another,
        # also give the service time of a vote without queueing.
        warm_up, items = items[:WARM_UP], items[WARM_UP:]
        for item in warm_up:
            sequential = [vote_once(item, token, lead, "预热")[0] for token in tokens]
            post(f"/api/v1/conference/items/{item}/close/", chair_token, {})
            wait_until_quiet(item)
        report("vote, one at a time", sequential)
        sitting, spike = items[: args.rounds], items[args.rounds :]
        for name, rounds, delay in (
            (f"sitting, votes within {args.window:g} s", sitting, lambda: random.uniform(0, args.window)),
            ("spike, all votes at one instant", spike, None),
        ):
            votes, closes, failures, cpu, per_round = [], [], 0, Counter(), []
            for item in rounds:
                results, spent = vote_round(item, tokens, lead, delay)
                votes += [elapsed for elapsed, _status in results]
                per_round.append(percentile([elapsed for elapsed, _status in results], 0.95))
                failures += sum(status != 200 for _elapsed, status in results)
                cpu.update(spent)
                elapsed, status = post(f"/api/v1/conference/items/{item}/close/", chair_token, {})
                closes.append(elapsed)
                failures += status != 200
                wait_until_quiet(item)
            print(f"— {name}: {len(tokens)} voters × {len(rounds)} items, gunicorn -w {args.workers}, PostgreSQL")
            report("vote ", votes)
            print(f"  vote p95 of each item: {', '.join(f'{value:.0f}' for value in per_round)} ms")
            report("close", closes, "(ruling, PDF after commit, precedents)")
            print(
                f"  server CPU per vote: gunicorn {cpu['gunicorn'] / len(votes) * 1000:.1f} ms, "
                f"PostgreSQL {cpu['postgres'] / len(votes) * 1000:.1f} ms;  failures: {failures}"
            )
        print("goal: p95 ≤ 100 ms")
    finally:
        for process in processes:
            process.terminate()
            process.wait()
        from django.db import connections

        connections.close_all()
        recreate_database_drop()


def recreate_database_drop() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
