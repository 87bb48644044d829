"""Detection of one day over many series: the GLM baseline where a past year's window fits in the history,
EARS C2/C3 where it does not, nothing below `ears_min_days` (docs/alerts.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .baseline import baseline_fit, design, predict, tail_probability, upper_bound
from .ears import ears_day
from .exact import exact_fit
from .params import DetectionParams

GLM, EARS_C2, EARS_C3, NONE = "glm", "ears_c2", "ears_c3", ""


@dataclass
class DayResult:
    """One evaluated day, one entry per series (row of the count matrix)."""

    observed: np.ndarray
    expected: np.ndarray
    upper: np.ndarray
    score: np.ndarray
    probability: np.ndarray
    methods: np.ndarray  # GLM, EARS_C2 or EARS_C3 per series
    alarm: np.ndarray
    span: np.ndarray | None = None  # days the observed and expected counts cover (1: the day alone)

    def __post_init__(self) -> None:
        if self.span is None:
            self.span = np.ones(len(self.observed), dtype=int)


def _methods(size: int, method: str) -> np.ndarray:
    return np.full(size, method, dtype=object)


def _score(observed, expected, upper) -> np.ndarray:
    margin = np.maximum(upper - expected, 1e-9)
    return (observed - expected) / margin


def _tests(observed, expected, variance, alpha):
    upper = upper_bound(expected, variance, alpha)
    return upper, tail_probability(observed, expected, variance)


def _glm_day(counts: np.ndarray, base, t0: int, params: DetectionParams) -> DayResult:
    """Day test and span test from one fit; where both alarm, the one with the smaller probability is reported."""
    day = counts[:, t0].astype(float)
    span = counts[:, t0 - params.span_days + 1 : t0 + 1].sum(axis=1).astype(float)
    Y = counts[:, base.rows].astype(float)
    fit = baseline_fit(Y, base, params)
    p = predict(fit, base)
    # Farrington's low-count rule applies to what each test counts: the day alone, or the span's sum.
    screened_day = (tail_probability(day, p.expected, p.variance) < params.screen_alpha) & (day >= params.min_count)
    screened_span = (tail_probability(span, p.expected_span, p.variance_span) < params.screen_alpha) & (
        span >= params.min_count
    )
    candidates = np.flatnonzero(screened_day | screened_span)
    for i in candidates:  # the exact fit decides only where the cheap check could not rule an alert out
        exact = exact_fit(Y[i], fit.weights[i], base)
        if exact is not None:
            one = predict(exact, base)
            p.expected[i], p.variance[i] = one.expected[0], one.variance[0]
            p.expected_span[i], p.variance_span[i] = one.expected_span[0], one.variance_span[0]
    # Two tests watch each series every day and either raises the alarm: each runs at half the level (Bonferroni), so
    # that a quiet day alarms with probability at most `alpha` under the baseline, not up to twice it.
    each = params.alpha / 2
    upper, probability = _tests(day, p.expected, p.variance, each)
    upper_span, probability_span = _tests(span, p.expected_span, p.variance_span, each)
    day_alarm, span_alarm = np.zeros(len(day), bool), np.zeros(len(day), bool)
    day_alarm[candidates] = (day > upper)[candidates] & (day >= params.min_count)[candidates]
    span_alarm[candidates] = (span > upper_span)[candidates] & (span >= params.min_count)[candidates]
    use_span = span_alarm & (~day_alarm | (probability_span < probability))
    result = DayResult(
        observed=np.where(use_span, span, day),
        expected=np.where(use_span, p.expected_span, p.expected),
        upper=np.where(use_span, upper_span, upper),
        score=np.zeros(len(day)),
        probability=np.where(use_span, probability_span, probability),
        methods=_methods(len(day), GLM),
        alarm=day_alarm | span_alarm,
        span=np.where(use_span, params.span_days, 1),
    )
    result.score = _score(result.observed, result.expected, result.upper)
    return result


def detect_day(counts: np.ndarray, features: np.ndarray, t0: int, params: DetectionParams) -> DayResult:
    """Evaluate day index t0 of `counts` (series × days; `features` one row per day, `calendar.day_features`)."""
    observed = counts[:, t0].astype(float)
    base = design(features, t0, params)
    if base is not None:
        return _glm_day(counts, base, t0, params)
    if t0 < params.ears_min_days:
        zeros = np.zeros(len(observed))
        none = _methods(len(observed), NONE)
        return DayResult(observed, zeros, zeros, zeros, np.ones(len(observed)), none, np.zeros(len(observed), bool))
    ears = ears_day(counts, features, t0, params)
    methods = _methods(len(observed), EARS_C2)
    methods[ears["c3_alarm"] & ~ears["c2_alarm"]] = EARS_C3  # an alarm C3 raised alone names C3 as its method
    alarm = (ears["c2_alarm"] | ears["c3_alarm"]) & (observed >= params.min_count)
    return DayResult(observed, ears["expected"], ears["upper"], ears["score"], ears["probability"], methods, alarm)
