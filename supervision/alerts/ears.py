"""EARS C2 and C3 (CDC Early Aberration Reporting System) for series whose history is too short for the GLM.

C2 for day t: the mean m and standard deviation s of a seven-day baseline that ends two days before t (a guard
of two days), C2 = (y − m) / max(s, √max(m, 1)): a seven-day sample's s is itself noisy, and counts never vary
less than Poisson, so s is floored at the Poisson standard deviation.
Weekly rhythm and holidays: the baseline takes the last seven days of the same kind as t (working day, ordinary
weekend day, public holiday), found among days t−3 … t−30, so a Monday is not compared with a Sunday, nor a
Sunday with the closed days of a holiday week (at least three are needed; failing that, the seven days before
the guard). C3 = Σ over t, t−1, t−2 of max(0, C2 − 1). Alarm when C2 > `ears_threshold` or C3 >
`ears_c3_threshold` (docs/alerts.md, "Short history").
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .calendar import day_kinds
from .params import DetectionParams

BASELINE_DAYS = 7
GUARD = 2
LOOK_BACK = 30


def _baseline_days(kinds: np.ndarray, t: int) -> np.ndarray:
    candidates = [d for d in range(t - GUARD - 1, t - LOOK_BACK - 1, -1) if d >= 0]
    same = [d for d in candidates if kinds[d] == kinds[t]]
    chosen = same if len(same) >= 3 else candidates
    return np.array(chosen[:BASELINE_DAYS], dtype=int)


def c2(Y: np.ndarray, kinds: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(C2, baseline mean, baseline sd) for every row of Y on day t."""
    days = _baseline_days(kinds, t)
    base = Y[:, days].astype(float)
    mean = base.mean(axis=1)
    sample = base.std(axis=1, ddof=1) if len(days) > 1 else np.zeros(len(Y))
    sd = np.maximum(sample, np.sqrt(np.maximum(mean, 1.0)))  # counts never vary less than Poisson
    return (Y[:, t] - mean) / sd, mean, sd


def ears_day(Y: np.ndarray, features: np.ndarray, t: int, params: DetectionParams) -> dict[str, np.ndarray]:
    """C2/C3 statistics of day t for every row of Y (needs t ≥ params.ears_min_days)."""
    kinds = day_kinds(features)
    value, mean, sd = c2(Y, kinds, t)
    c3 = sum(np.maximum(0.0, c2(Y, kinds, t - j)[0] - 1.0) for j in range(3) if t - j - GUARD - 3 >= 0)
    c3 = np.asarray(c3 if not np.isscalar(c3) else np.zeros(len(Y)))
    return {
        "expected": mean,
        "upper": mean + params.ears_threshold * sd,
        "score": value / params.ears_threshold,
        "probability": stats.norm.sf(value),
        "c2_alarm": value > params.ears_threshold,
        "c3_alarm": c3 > params.ears_c3_threshold,
    }
