"""The Farrington-flexible-like baseline, fitted for many series at once (docs/alerts.md, "Method").

For the evaluated day t0 the baseline days are the comparable windows of past years — days t0 − 364·k + j for
k = 1…b, |j| ≤ w (364 = 52 weeks, so weekdays line up) — and the recent days [t0 − g − R, t0 − g). Every series
shares those days, and so shares one design matrix X: intercept, linear trend (in years, zero at t0; only when two
or more past years are used), day of week (Monday the reference), public holiday, make-up working day, first
working day after a holiday. Columns with no support among the baseline days are left out.

The model is a quasi-Poisson GLM with log link, fitted by iteratively reweighted least squares, vectorised over
the series (numpy batched solves: every series is its own fit, they share only X). As in Farrington et al. (1996)
and Noufaily et al. (2013) the fit is repeated: after each fit, baseline days whose Anscombe residual exceeds
`reweight_above` get weight r⁻² (so past outbreaks do not inflate the baseline), weights renormalised to sum n,
and the model is refitted (two reweighting rounds). Over-dispersion φ = max(1, Σ ωᵢ (yᵢ − μᵢ)²/μᵢ / (n − p)).

The prediction at t0 is μ₀ = exp(x₀β); its predictive variance τ = φμ₀ + μ₀² φ x₀ᵀ(XᵀWX)⁻¹x₀. The upper bound U
is the (1 − α) quantile of the negative binomial with mean μ₀ and variance τ (Poisson when τ ≤ μ₀), the
probability is P(Y ≥ y) under that distribution, and the exceedance score is (y − μ₀)/(U − μ₀): above 1 is an
alarm, as in the R package surveillance. The same fit also predicts the sum of the last `span_days` days (the
evaluated day and those just before it, all inside the guard), so that a surge of a few standard deviations a
day is caught on its second or third day even when no single day crosses its bound (the idea of EARS C3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .params import DetectionParams

YEAR = 364  # 52 weeks: the same weekday a year earlier
ITERATIONS = 8
REWEIGHTING_ROUNDS = 2
RIDGE = 1e-6  # keeps X'WX invertible for a series that is zero on most baseline days


@dataclass
class Baseline:
    """The days and design of one evaluated day: `rows` index the count matrix; `x0` is the evaluated day's row."""

    rows: np.ndarray
    X: np.ndarray
    span: np.ndarray  # design rows of the last `span_days` days, the evaluated day last

    @property
    def x0(self) -> np.ndarray:
        return self.span[-1]


def baseline_rows(t0: int, params: DetectionParams, years: int) -> np.ndarray:
    """Column indexes of the baseline days of day index t0 (all ≥ 0 by the caller's choice of `years`)."""
    recent = np.arange(t0 - params.guard_days - params.recent_days, t0 - params.guard_days)
    windows = [
        np.arange(t0 - YEAR * k - params.window_days, t0 - YEAR * k + params.window_days + 1)
        for k in range(1, years + 1)
    ]
    rows = np.unique(np.concatenate([*windows, recent]))
    return rows[rows >= 0]


def years_available(t0: int, params: DetectionParams) -> int:
    """How many past years' windows fit in the history before t0 (at most `years_back`)."""
    return max(0, min(params.years_back, (t0 - params.window_days) // YEAR))


def _columns(features: np.ndarray, days: np.ndarray, t0: int, trend: bool) -> np.ndarray:
    weekday, holiday, makeup, after = (features[days, i] for i in range(4))
    columns = [np.ones(len(days))]
    if trend:
        columns.append((days - t0) / YEAR)
    columns.extend((weekday == d).astype(float) for d in range(1, 7))
    columns.extend([holiday.astype(float), makeup.astype(float), after.astype(float)])
    return np.column_stack(columns)


def design(features: np.ndarray, t0: int, params: DetectionParams) -> Baseline | None:
    """The baseline of day t0, or None when not even one past year fits (EARS then)."""
    years = years_available(t0, params)
    if years < 1:
        return None
    rows = baseline_rows(t0, params, years)
    X = _columns(features, rows, t0, trend=years >= 2)
    span = _columns(features, np.arange(t0 - params.span_days + 1, t0 + 1), t0, trend=years >= 2)
    keep = X.any(axis=0)  # a covariate absent from the baseline cannot be estimated: leave it out
    return Baseline(rows=rows, X=X[:, keep], span=span[:, keep])


def irls(
    Y: np.ndarray, X: np.ndarray, weights: np.ndarray, iterations: int = ITERATIONS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson-GLM coefficients (S × p) of every row of Y (S × n) with prior weights (S × n); also returns the
    fitted means (S × n) and (X'WX)⁻¹ (S × p × p) at the solution."""
    mu = Y + Y.mean(axis=1, keepdims=True) + 0.1
    eta = np.log(mu)
    ridge = RIDGE * np.eye(X.shape[1])
    for _ in range(iterations):
        W = weights * mu
        z = eta + (Y - mu) / mu
        info = np.einsum("sn,np,nq->spq", W, X, X, optimize=True) + ridge
        score = (W * z) @ X
        beta = np.linalg.solve(info, score[..., None])[..., 0]
        eta = np.clip(beta @ X.T, -20.0, 20.0)
        mu = np.exp(eta)
    info = np.einsum("sn,np,nq->spq", weights * mu, X, X, optimize=True) + ridge
    return beta, mu, np.linalg.inv(info)


def dispersion(Y: np.ndarray, mu: np.ndarray, weights: np.ndarray, p: int) -> np.ndarray:
    n = Y.shape[1]
    return np.maximum(1.0, (weights * (Y - mu) ** 2 / mu).sum(axis=1) / max(n - p, 1))


def anscombe(Y: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Anscombe residuals of a Poisson fit scaled by √φ (hat values left out: docs/alerts.md)."""
    return 1.5 * (np.cbrt(Y) ** 2 - np.cbrt(mu) ** 2) / (mu ** (1 / 6) * np.sqrt(phi)[:, None])


def outbreak_weights(residuals: np.ndarray, above: float) -> np.ndarray:
    """Farrington's down-weighting: r⁻² above the threshold, 1 elsewhere, renormalised to sum n per series."""
    weights = np.where(residuals > above, 1.0 / np.maximum(residuals, 1e-9) ** 2, 1.0)
    return weights * (weights.shape[1] / weights.sum(axis=1, keepdims=True))


@dataclass
class Fit:
    """Coefficients (S × p), their covariance including φ (S × p × p), φ (S) and the outbreak weights (S × n)."""

    beta: np.ndarray
    cov: np.ndarray
    phi: np.ndarray
    weights: np.ndarray


def baseline_fit(Y: np.ndarray, base: Baseline, params: DetectionParams, iterations: int = ITERATIONS) -> Fit:
    """A plain fit, then `REWEIGHTING_ROUNDS` refits with past outbreaks down-weighted, for every row of Y.

    Two rounds, not one: a large past outbreak inflates the first fit's φ, which shrinks its own scaled residuals
    below the threshold; the second round scales them by the φ of the down-weighted fit.
    """
    p = base.X.shape[1]
    weights = np.ones_like(Y, dtype=float)
    _beta, mu, inv = irls(Y, base.X, weights, iterations)
    phi = dispersion(Y, mu, weights, p)
    for _ in range(REWEIGHTING_ROUNDS):
        weights = outbreak_weights(anscombe(Y, mu, phi), params.reweight_above)
        beta, mu, inv = irls(Y, base.X, weights, iterations)
        phi = dispersion(Y, mu, weights, p)
    return Fit(beta, inv * phi[:, None, None], phi, weights)


@dataclass
class Prediction:
    """Expected count and predictive variance of the evaluated day, and of the sum of the last `span` days."""

    expected: np.ndarray
    variance: np.ndarray
    expected_span: np.ndarray
    variance_span: np.ndarray


def predict(fit: Fit, base: Baseline) -> Prediction:
    """μ and τ = φμ + μ² x'Cx for t0, and for the span's sum Σμᵢ with φΣμᵢ + g'Cg, g = Σ μᵢxᵢ (delta method)."""
    mu = np.exp(np.clip(fit.beta @ base.span.T, -20.0, 20.0))  # S × span, the evaluated day last
    gradient = mu @ base.span  # S × p
    last = base.span[-1]
    var_day = fit.phi * mu[:, -1] + mu[:, -1] ** 2 * np.einsum("p,spq,q->s", last, fit.cov, last)
    total = mu.sum(axis=1)
    var_span = fit.phi * total + np.einsum("sp,spq,sq->s", gradient, fit.cov, gradient)
    return Prediction(mu[:, -1], var_day, total, var_span)


def negbin_args(expected: np.ndarray, variance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """scipy's (n, p) of the negative binomial with this mean and variance (near-Poisson when variance ≈ mean)."""
    excess = np.maximum(variance - expected, expected * 1e-6)
    n = expected**2 / excess
    return n, n / (n + expected)


def upper_bound(expected: np.ndarray, variance: np.ndarray, alpha: float) -> np.ndarray:
    n, prob = negbin_args(expected, variance)
    return stats.nbinom.ppf(1 - alpha, n, prob)


def tail_probability(observed: np.ndarray, expected: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """P(Y ≥ observed) under the predictive distribution: the alert's probability of arising by chance."""
    n, prob = negbin_args(expected, variance)
    return stats.nbinom.sf(observed - 1, n, prob)
