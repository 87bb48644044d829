"""What several benchmarks share: their own PostgreSQL database, and the median time of a repeated call."""

from __future__ import annotations

import statistics
import time


def ensure_database(url: str) -> None:
    """Create the benchmark's database (the last part of `url`) if it does not exist yet."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(function, repeat: int = 1) -> tuple[float, object]:
    """(median seconds over `repeat` calls, the last call's result)."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result
