"""The Python side of bench_pages.py's pages, in process: CPU per request, statements, and a profile.

    .venv/bin/python bench/profile_pages.py --database-url postgres://postgres@127.0.0.1:5432/mingze_city
    .venv/bin/python bench/profile_pages.py "liaison: home" --sql          # each statement with its time
    .venv/bin/python bench/profile_pages.py "API tickets" --profile out.prof  # cProfile of those pages

Reuses bench_pages.py's city (build it with that script first), its personas and its pages; PAGE is a substring of
"persona: label" (default: every page of the mix). Each page is requested through Django's test client with DEBUG
off, once to warm, once to record its statements, then --repeat times for the process CPU time per request (what a
gunicorn worker would spend, without the HTTP server). What bench_pages_cpu.py measures over HTTP, here per page in
seconds, and with the statements and the functions named (docs/scale.md, "Benchmark"). Compare two trees in the same
minutes: CPU times move with the machine's load.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", nargs="?", default="", help='a substring of "persona: label"')
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page")
    parser.add_argument("--sql", action="store_true", help="print each statement of one request with its time")
    parser.add_argument("--profile", metavar="FILE", help="profile --repeat rounds of the pages into FILE")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", bench_pages.DEFAULT_URL))
    args = parser.parse_args()
    os.environ["DATABASE_URL"], os.environ["DEBUG"] = args.database_url, "false"
    pages, sessions = bench_pages.prepared_pages()

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    clients: dict[str | None, Client] = {}

    def get(persona: str, path: str, query: dict) -> None:
        client = clients.get(persona)
        if client is None:
            client = clients[persona] = Client(HTTP_HOST="localhost")
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[persona]
        status = client.get(path, query).status_code
        if status != 200:
            raise RuntimeError(f"{path}: {status}")

    chosen = [
        (persona, path, query, f"{persona}: {label}")
        for (persona, label), (path, query) in pages.items()
        if persona and args.page in f"{persona}: {label}"
    ]

    def timed(statements: list, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - began, sql))

    rows = []
    for persona, path, query, label in chosen:
        get(persona, path, query)  # warm: code, caches, the remembered counts
        statements: list[tuple[float, str]] = []
        with connection.execute_wrapper(functools.partial(timed, statements)):
            get(persona, path, query)
        if args.sql:
            print(f"=== {label}")
            for seconds, sql in statements:
                print(f"  {seconds * 1000:7.2f} ms  {sql}")
        began = time.process_time()
        for _ in range(args.repeat):
            get(persona, path, query)
        rows.append((label, (time.process_time() - began) / args.repeat, len(statements)))
    for label, seconds, count in rows:
        print(f"{label:60s} {seconds * 1000:7.1f} ms CPU  {count:3d} statements")
    if rows:
        print(f"mean over {len(rows)} pages: {sum(seconds for _l, seconds, _c in rows) / len(rows) * 1000:.2f} ms CPU")
    if args.profile:
        profile = cProfile.Profile(time.process_time)  # CPU, not the waits on PostgreSQL
        profile.enable()
        for _ in range(args.repeat):
            for persona, path, query, _label in chosen:
                get(persona, path, query)
        profile.disable()
        profile.dump_stats(args.profile)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
