"""The detector's parameters, read from settings (MINGZE_ALERT_*); every one is explained in docs/alerts.md."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class DetectionParams:
    """Parameters of the surge detector (docs/alerts.md, "Parameters")."""

    alpha: float = 0.0002  # a quiet day's level: GLM day and span tests each at alpha / 2; the EARS p-value at alpha
    screen_alpha: float = 0.01  # the cheap batch check passes on only series above this looser bound
    years_back: int = 2  # b: past years whose comparable windows enter the baseline
    window_days: int = 28  # w: half-width of each past year's comparable window (days)
    recent_days: int = 56  # the recent baseline: this many days before the guard
    guard_days: int = 7  # days just before the evaluated day kept out of the baseline (a surge's own start)
    reweight_above: float = 2.58  # Anscombe residual above which a baseline day is down-weighted (past outbreaks)
    span_days: int = 3  # the sum of the last this-many days is tested beside the evaluated day alone
    min_count: int = 5  # no alert when the tested count (the day, or the span's sum) is below this
    ears_threshold: float = 3.0  # EARS C2 alarm above this many standard deviations
    ears_c3_threshold: float = 3.0  # EARS C3 alarm above this sum (CDC: 2; see docs/alerts.md)
    ears_min_days: int = 10  # shorter history than this: no detection at all

    @classmethod
    def from_settings(cls) -> DetectionParams:
        return cls(**settings.MINGZE_ALERT_DETECTION)
