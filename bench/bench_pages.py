"""Benchmark: the pages and the API people wait on, at city scale (docs/scale.md).

    .venv/bin/python bench/bench_pages.py                      # 10,000,000 tickets (builds the city once)
    .venv/bin/python bench/bench_pages.py --tickets 200000     # a smoke run
    .venv/bin/python bench/bench_pages.py --explain            # the list queries' plans, no timing

Uses a dedicated PostgreSQL database (default postgres://postgres@127.0.0.1:5432/mingze_pages, created if missing)
filled by bench/common.py's city builder, then starts gunicorn (2 workers, DEBUG off) on this machine and measures
over HTTP, as a supervisor and as a liaison of three bureaus: the home page, the ticket list (no filter, each
common filter; page 1 and a page 100,000 rows deep, reached by seeking to the key of the row there, which is what
following the `next` cursor 2,000 times arrives at), a ticket's detail, and the main list endpoints. First one
user at a time (p95 per page over --repeat calls), then --users concurrent users without think time cycling through
every page (throughput and p95), beside the cheapest page (the login page) on the same server under the same load.

Goals (issue 17): one user, every page p95 ≤ 100 ms with the deep page within 1.5× page 1; 20 concurrent users over
the mixed pages: throughput ≥ 0.15× the login page's, p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import city_generate, ensure_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mingze_pages"
DEEP = 100_000
LIAISON_BUREAUS = ("BD1", "BD2", "BD3")


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def cursor_at(received_at, pk: int) -> str:
    """The `next` cursor that ends on the row (received_at, pk): the shape arbitration.keyset writes."""
    raw = json.dumps({"b": False, "k": [received_at.isoformat(), pk]}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def users_prepare() -> dict[str, str]:
    """The two personas, signed in: {name: session key}."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from arbitration.choices import Role
    from arbitration.models import Department, DepartmentMembership, User

    sessions = {}
    for name, role in (("supervisor", Role.SUPERVISOR), ("liaison", Role.LIAISON)):
        user, _created = User.objects.get_or_create(username=f"bench-{name}", defaults={"full_name": name})
        user.groups.add(Group.objects.get(name=role))
        if role == Role.LIAISON:
            for department in Department.objects.filter(code__in=LIAISON_BUREAUS):
                DepartmentMembership.objects.get_or_create(user=user, department=department)
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "arbitration.auth_backend.UserBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions[name] = store.session_key
    return sessions


def deep_cursors(liaison_departments: list[int]) -> dict[str, str]:
    """The cursor of the row DEEP rows down the newest-first list, for everyone's list and a liaison's (or as deep
    as a liaison's list goes), read once with OFFSET here, outside the timing."""
    from django.db.models import Exists, OuterRef

    from arbitration.models import Assignment, Ticket

    everyone = Ticket.objects.order_by("-received_at", "-pk")
    mine = everyone.filter(
        Exists(Assignment.objects.filter(ticket=OuterRef("pk"), department_id__in=liaison_departments))
    )
    found = {}
    for name, queryset in (("supervisor", everyone), ("liaison", mine)):
        depth = min(DEEP, max(queryset.count() - 60, 0))
        row = queryset.values_list("received_at", "pk")[depth : depth + 1].first()
        found[name] = (cursor_at(*row), depth) if row else ("", 0)
    return found


def requests_for(persona: str, deep: tuple[str, int], sample_ticket: str, codes: dict) -> dict[str, tuple]:
    """{label: (path, query)} of the pages measured for one persona."""
    cursor, depth = deep
    common = {
        "status=dispatched": {"status": "dispatched"},
        "received last 7 days": {"received_from": codes["week_ago"]},
    }
    # The page's form takes ids, the API codes; urgency is a page filter.
    filters = {**common, "urgency=overdue": {"urgency": "overdue"}, "urgency=due_soon": {"urgency": "due_soon"}}
    api_filters = dict(common)
    for name in ("department", "matter", "territory"):
        filters[name] = {name: codes[name].pk}
        api_filters[name] = {name: codes[name].code}
    pages = {"home": ("/", {}), "ticket list": ("/tickets/", {})}
    pages[f"ticket list, {depth:,} rows deep"] = ("/tickets/", {"cursor": cursor})
    pages |= {f"ticket list ?{k}": ("/tickets/", v) for k, v in filters.items()}
    pages["ticket detail"] = (f"/tickets/{sample_ticket}/", {})
    pages["API tickets"] = ("/api/v1/tickets/", {})
    pages[f"API tickets, {depth:,} rows deep"] = ("/api/v1/tickets/", {"cursor": cursor})
    pages |= {f"API tickets ?{k}": ("/api/v1/tickets/", v) for k, v in api_filters.items()}
    pages["API ticket detail"] = (f"/api/v1/tickets/{sample_ticket}/", {})
    for endpoint in ("disputes", "bounces", "notices", "supervision/cases", "supervision/letters"):
        pages[f"API {endpoint}"] = (f"/api/v1/{endpoint}/", {})
    return pages


class Server:
    """gunicorn with 2 workers on a free port, DEBUG off, on the benchmark's database."""

    def __init__(self, database_url: str, workers: int = 2) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip

    def wait(self) -> None:
        for _ in range(300):
            try:
                Client(self.port, timeout=30).get("/login/", {}, None)
                return
            except OSError:  # not listening yet, or still loading on a busy machine
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


class Client:
    """One kept-alive HTTP connection (the standard library's), as a browser tab would hold."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def get(self, path: str, query: dict, session_key: str | None) -> float:
        """Seconds until the whole answer is read; anything but 200 stops the benchmark."""
        headers = {"Host": "localhost", "Cookie": f"sessionid={session_key}"} if session_key else {"Host": "localhost"}
        url = f"{path}?{urlencode(query)}" if query else path
        began = time.perf_counter()
        self.connection.request("GET", url, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - began
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status} {body[:200]!r}")
        return elapsed


def one_user(port: int, sessions: dict, pages: dict, repeat: int) -> list[tuple[str, float, float]]:
    rows = []
    for (persona, label), (path, query) in pages.items():
        client, key = Client(port), sessions.get(persona)
        client.get(path, query, key)  # warm: the first call loads code and caches
        samples = [client.get(path, query, key) for _ in range(repeat)]
        rows.append((f"{persona or '-'}: {label}", statistics.median(samples), p95(samples)))
        print(f"{rows[-1][0]:55s} median {rows[-1][1] * 1000:7.1f} ms   p95 {rows[-1][2] * 1000:7.1f} ms", flush=True)
    return rows


def concurrent(port: int, sessions: dict, pages: list, users: int, seconds: float) -> tuple[float, float]:
    """`users` threads without think time, each cycling through `pages` from its own offset: (requests/s, p95)."""
    samples: list[float] = []
    lock, stop = threading.Lock(), time.perf_counter() + seconds

    def run(offset: int) -> None:
        client, mine, i = Client(port), [], offset
        while time.perf_counter() < stop:
            persona, path, query = pages[i % len(pages)]
            mine.append(client.get(path, query, sessions.get(persona)))
            i += 1
        with lock:
            samples.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=run, args=(n * 7,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(samples) / (time.perf_counter() - began), p95(samples)


def explain(sessions_unused, pages: dict, users: dict) -> None:
    """EXPLAIN ANALYZE of every SQL statement a list request runs that reads arbitration_ticket, per page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for (persona, label), (path, query) in pages.items():
        if not persona or "detail" in label or label == "home":
            continue
        client = Client(HTTP_HOST="localhost")
        client.force_login(users[persona])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, query).status_code == 200, label
        print(f"\n=== {persona}: {label}")
        with connection.cursor() as cursor:
            for statement in captured.captured_queries:
                sql = statement["sql"]
                if "arbitration_ticket" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)
                print("\n".join(line for (line,) in cursor.fetchall()))
                print("---")


def prepared_pages() -> tuple[dict, dict[str, str]]:
    """The pages measured ({(persona, label): (path, query)}, the login page first) and the personas' sessions, on the
    city DATABASE_URL names (Django set up here if it is not yet)."""
    import django

    django.setup()
    from django.utils import timezone

    from arbitration.models import Department, Ticket

    sessions = users_prepare()
    liaison_departments = list(Department.objects.filter(code__in=LIAISON_BUREAUS).values_list("pk", flat=True))
    deep = deep_cursors(liaison_departments)
    sample = Ticket.objects.filter(status="dispatched", assignments__department_id=liaison_departments[0]).first()
    codes = {
        "department": Department.objects.get(code=LIAISON_BUREAUS[0]),
        "matter": sample.matter,
        # The page's form offers places down to streets (a community is too fine to pick from a list of thousands).
        "territory": sample.territory.parent,
        "week_ago": (timezone.localdate() - timezone.timedelta(days=7)).isoformat(),
    }
    pages = {(None, "login page (cheapest)"): ("/login/", {})}
    for persona in ("supervisor", "liaison"):
        for label, request in requests_for(persona, deep[persona], sample.hotline_no, codes).items():
            pages[(persona, label)] = request
    from django.db import connections

    connections.close_all()  # gunicorn's workers have the database to themselves while timing
    return pages, sessions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--open", type=int, default=None, help="open tickets (default 3 %% of --tickets)")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per page, one user")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20, help="length of each concurrent run")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--regenerate", action="store_true", help="refill even if the ticket count matches")
    parser.add_argument("--explain", action="store_true", help="print the list queries' plans and stop")
    args = parser.parse_args()
    open_tickets = args.open if args.open is not None else args.tickets * 3 // 100
    os.environ["DATABASE_URL"] = args.database_url
    ensure_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from arbitration.models import User

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = 'dispatched') FROM arbitration_ticket")
        if args.regenerate or cursor.fetchone() != (args.tickets, open_tickets):
            print(f"generating {args.tickets:,} tickets, {open_tickets:,} open …", flush=True)
            began = time.perf_counter()
            city_generate(cursor, args.tickets, open_tickets)
            print(f"generated in {time.perf_counter() - began:.0f} s", flush=True)
    pages, sessions = prepared_pages()
    if args.explain:
        explain(None, pages, {p: User.objects.get(username=f"bench-{p}") for p in ("supervisor", "liaison")})
        return

    server = Server(args.database_url)
    try:
        server.wait()
        print(f"\n--- one user at a time ({args.repeat} calls per page) ---")
        port = server.port
        rows = one_user(port, sessions, pages, args.repeat)
        print(f"\n--- {args.users} concurrent users, no think time, {args.seconds:.0f} s each ---")
        cheapest_rps, cheapest_p95 = concurrent(port, sessions, [(None, "/login/", {})], args.users, args.seconds)
        mixed = [(persona, path, query) for (persona, _label), (path, query) in pages.items() if persona]
        mixed_rps, mixed_p95 = concurrent(port, sessions, mixed, args.users, args.seconds)
    finally:
        server.stop()
    report(args, rows, cheapest_rps, cheapest_p95, mixed_rps, mixed_p95)


def report(args, rows, cheapest_rps, cheapest_p95, mixed_rps, mixed_p95) -> None:
    print(f"\n=== {args.tickets:,} tickets; gunicorn 2 workers ===")
    print(f"{'page (one user)':55s} {'p95 ms':>8s}  goal ≤ 100 ms")
    by_label = {label: p for label, _median, p in rows}
    for label, _median, value in rows:
        verdict = "ok" if value <= 0.1 else "MISSED"
        extra = ""
        if "rows deep" in label:
            first = by_label[label.split(",")[0]]
            ratio = value / first
            extra = f"   deep/page 1 = {ratio:.2f} (goal ≤ 1.5: {'ok' if ratio <= 1.5 else 'MISSED'})"
        print(f"{label:55s} {value * 1000:8.1f}  {verdict}{extra}")
    ratio = mixed_rps / cheapest_rps
    print(f"\nlogin page alone, {args.users} users: {cheapest_rps:7.1f} req/s, p95 {cheapest_p95 * 1000:.0f} ms")
    print(f"mixed pages, {args.users} users:     {mixed_rps:7.1f} req/s, p95 {mixed_p95 * 1000:.0f} ms")
    print(f"throughput ratio {ratio:.3f} (goal ≥ 0.15: {'ok' if ratio >= 0.15 else 'MISSED'}); "
          f"p95 goal ≤ 300 ms: {'ok' if mixed_p95 <= 0.3 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
