"""Benchmark: the CPU one request of each page of bench_pages.py costs, split between the web worker and PostgreSQL.

    .venv/bin/python bench/bench_pages_cpu.py --database-url postgres://postgres@127.0.0.1:5432/mingze_city

Reuses bench_pages.py's city (build it with that script first) and its pages. Starts gunicorn with one worker, calls
each page `--calls` times in turn after three warming calls, and reads the CPU time (user + system, from /proc) that
the gunicorn processes and every PostgreSQL backend used meanwhile: per request, what the 20-user run of
bench_pages.py divides the machine's two cores among (docs/scale.md, "Benchmark"). Linux only; run it alone: any
other PostgreSQL work on the machine is counted too.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_pages  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> dict[str, float]:
    """User + system CPU seconds so far of the gunicorn processes and of PostgreSQL's."""
    spent = {"web": 0.0, "postgres": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:  # ended meanwhile
            continue
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICK
        if name.startswith("postgres"):
            spent["postgres"] += seconds
        elif b"gunicorn" in command:
            spent["web"] += seconds
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", bench_pages.DEFAULT_URL))
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    pages, sessions = bench_pages.prepared_pages()

    server = bench_pages.Server(args.database_url, workers=1)
    try:
        server.wait()
        totals, mixed = {"web": 0.0, "postgres": 0.0}, 0
        for (persona, label), (path, query) in pages.items():
            client, key = bench_pages.Client(server.port), sessions.get(persona)
            for _ in range(3):
                client.get(path, query, key)
            before = cpu_seconds()
            for _ in range(args.calls):
                client.get(path, query, key)
            after = cpu_seconds()
            spent = {part: (after[part] - before[part]) / args.calls * 1000 for part in after}
            if persona:
                totals, mixed = {part: totals[part] + spent[part] for part in totals}, mixed + 1
            name = f"{persona or '-'}: {label}"
            print(f"{name:55s} web {spent['web']:6.1f} ms   postgres {spent['postgres']:6.1f} ms")
        web, postgres = totals["web"] / mixed, totals["postgres"] / mixed
        print(f"\nmean over the mixed pages: web {web:.1f} ms, postgres {postgres:.1f} ms")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
