"""The exact per-series fit (statsmodels) for the few series the batched check could not rule out.

The batched fit (`baseline`) screens every series at the looser `screen_alpha`; each series it passes on is
refitted here with statsmodels' GLM (Poisson family, log link, the batched fit's outbreak weights as variance
weights, scale from Pearson's χ², floored at 1 as φ), and that fit decides the alert (docs/alerts.md, "Two stages").
"""

from __future__ import annotations

import warnings

import numpy as np
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from .baseline import Baseline, Fit


def exact_fit(y: np.ndarray, weights: np.ndarray, base: Baseline) -> Fit | None:
    """The fit of one series as a one-row `Fit`, or None when statsmodels cannot fit it (the batched one stands)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            fit = sm.GLM(y, base.X, family=sm.families.Poisson(), var_weights=weights).fit(scale="X2")
        except (ValueError, np.linalg.LinAlgError):
            return None
    scale = float(fit.scale)
    if not np.isfinite(scale) or scale <= 0:
        return None
    phi = max(1.0, scale)
    cov = np.asarray(fit.cov_params()) * (phi / scale)
    return Fit(np.asarray(fit.params)[None, :], cov[None], np.array([phi]), weights[None, :])
