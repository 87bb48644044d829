"""Benchmark: surge detection quality and speed on synthetic daily series (docs/alerts.md, "Benchmark").

    .venv/bin/python bench/bench_alerts.py --series 5000 --surges 200 --seed 14
    .venv/bin/python bench/bench_alerts.py --series 500 --surges 40 --eval-days 120   # a quick look

Three years of daily counts (2024-01-01 … 2026-12-30) per series: a level drawn log-uniformly between 2 and 80
tickets a day, a weekend factor, public holidays of the official calendar (chinese-calendar) at a fraction of the
level and a backlog on the first working day after them, a yearly wave and a slow trend, and negative-binomial
noise (size 5–30: variance μ + μ²/size). 200 series get a surge of a known start inside the evaluated last
`--eval-days` days (on an ordinary day: not a public holiday nor the backlog day after one), lasting 7–21 days,
adding ⌈k × sd⌉ to each day, sd being that day's over-dispersed noise √(μ + μ²/size) (k from 3 to 6).

Every evaluated day runs the detector over all series (`supervision.alerts.detect.detect_day`) and the naive rule
(alarm when the last 30 days hold ≥ 1.5 × the 30 before). Reported, for each: probability of detecting a surge
within 3 days of its start, median days to detection (first alarm within the surge), and false alerts per 1,000
quiet series-days (series without a surge). The timing is of one whole-city day (all series), with the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from supervision.alerts.calendar import day_features, day_range, packaged_calendar  # noqa: E402
from supervision.alerts.detect import detect_day  # noqa: E402
from supervision.alerts.params import DetectionParams  # noqa: E402

FIRST, LAST = dt.date(2024, 1, 1), dt.date(2026, 12, 30)
WITHIN = 3  # days from a surge's start within which it counts as detected


def expected_counts(rng: np.random.Generator, features: np.ndarray, series: int) -> np.ndarray:
    days = len(features)
    level = np.exp(rng.uniform(np.log(2), np.log(80), series))[:, None]
    weekend = rng.uniform(0.4, 0.9, series)[:, None]
    holiday = rng.uniform(0.2, 0.6, series)[:, None]
    backlog = rng.uniform(1.0, 1.5, series)[:, None]
    t = np.arange(days)[None, :]
    wave = 1 + rng.uniform(0, 0.25, series)[:, None] * np.sin(
        2 * np.pi * t / 365.25 + rng.uniform(0, 6.3, series)[:, None]
    )
    trend = np.exp(rng.uniform(-0.15, 0.15, series)[:, None] * t / 365.25)
    resting = ((features[:, 0] >= 5) & (features[:, 2] == 0))[None, :]
    mu = level * wave * trend
    mu = np.where(resting, mu * weekend, mu)
    mu = np.where(features[None, :, 1] == 1, mu * holiday, mu)
    return np.where(features[None, :, 3] == 1, mu * backlog, mu)


def negbin(rng: np.random.Generator, mu: np.ndarray, size: np.ndarray) -> np.ndarray:
    return rng.negative_binomial(size, size / (size + mu))


def synthetic(rng, features, series: int, surges: int, eval_days: int):
    """(counts, surge table rows: series, start, duration, k)."""
    days = len(features)
    mu = expected_counts(rng, features, series)
    size = rng.uniform(5, 30, series)[:, None]
    counts = negbin(rng, mu, np.broadcast_to(size, mu.shape))
    chosen = rng.choice(series, surges, replace=False)
    # A surge starts on an ordinary day (working day or weekend), not on a public holiday nor the backlog day after
    # one: the goal speaks of surges measured against the series' usual noise, not of a holiday's closed days.
    ordinary = np.flatnonzero((features[:, 1] == 0) & (features[:, 3] == 0))
    starts = ordinary[(ordinary >= days - eval_days) & (ordinary < days - 10)]
    table = []
    for s in chosen:
        start = int(rng.choice(starts))
        duration = int(rng.integers(7, 22))
        k = float(rng.uniform(3, 6))
        span = slice(start, min(start + duration, days))
        sd = np.sqrt(mu[s, span] + mu[s, span] ** 2 / size[s, 0])
        # The known size: at least k standard deviations of each day's over-dispersed noise (a Poisson draw around
        # k·sd, as before, put a share of the "3 SD" surges below 3 SD).
        counts[s, span] += np.ceil(k * sd).astype(counts.dtype)
        table.append((int(s), start, duration, k))
    return counts, table


def naive_alarms(counts: np.ndarray, t: int) -> np.ndarray:
    last = counts[:, t - 29 : t + 1].sum(axis=1)
    before = counts[:, t - 59 : t - 29].sum(axis=1)
    return (before > 0) & (last >= 1.5 * before)


def score(alarms: np.ndarray, first_day: int, table, quiet: np.ndarray) -> dict:
    """alarms: series × evaluated days (day index first_day + j)."""
    detected, delays, missed = 0, [], []
    for s, start, duration, k in table:
        hits = np.flatnonzero(alarms[s, start - first_day : start - first_day + duration])
        if hits.size and hits[0] < WITHIN:
            detected += 1
        else:
            missed.append(f"series {s} start {start} k {k:.1f}")
        if hits.size:
            delays.append(int(hits[0]))
    false = alarms[quiet].sum() / alarms[quiet].size * 1000
    return {
        "detected": detected / len(table),
        "median_days": statistics.median(delays) if delays else float("nan"),
        "false_per_1000": float(false),
        "missed": missed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=5000)
    parser.add_argument("--surges", type=int, default=200)
    parser.add_argument("--eval-days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--verbose", action="store_true", help="list the surges the detector missed")
    args = parser.parse_args()
    if args.eval_days < 14:
        parser.error("--eval-days must be at least 14 (surges start up to ten days before the end)")

    rng = np.random.default_rng(args.seed)
    days = day_range(FIRST, LAST)
    features = day_features(packaged_calendar(range(FIRST.year, LAST.year + 1)), days)
    counts, table = synthetic(rng, features, args.series, args.surges, args.eval_days)
    quiet = np.ones(args.series, dtype=bool)
    quiet[[s for s, *_rest in table]] = False
    params = DetectionParams.from_settings()

    first = len(days) - args.eval_days
    alarms = np.zeros((args.series, args.eval_days), dtype=bool)
    naive = np.zeros_like(alarms)
    timings = []
    for j, t in enumerate(range(first, len(days))):
        began = time.perf_counter()
        alarms[:, j] = detect_day(counts, features, t, params).alarm
        timings.append(time.perf_counter() - began)
        naive[:, j] = naive_alarms(counts, t)
    load = os.getloadavg()
    print(
        f"{args.series} series × {len(days)} days, {args.surges} surges (k = 3–6 SD), seed {args.seed}; "
        f"evaluated the last {args.eval_days} days"
    )
    results = (
        ("detector", score(alarms, first, table, quiet)),
        ("naive +50% month-on-month", score(naive, first, table, quiet)),
    )
    for name, result in results:
        print(
            f"  {name:28s} detected within {WITHIN} days: {result['detected']:.1%}; median days to detection: "
            f"{result['median_days']}; false alerts per 1,000 quiet series-days: {result['false_per_1000']:.3f}"
        )
    if args.verbose:
        missed = results[0][1]["missed"]
        print("  missed by the detector (series, start, k, mean daily count):")
        for line in missed:
            print(f"    {line}, mean {counts[int(line.split()[1])].mean():.1f}")
    print(
        f"  whole-city detection of one day ({args.series} series): median {statistics.median(timings):.2f} s, "
        f"max {max(timings):.2f} s; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


if __name__ == "__main__":
    main()
