"""The four rates of a scorecard and where each lives: its outcome column on ScoreEntry, its three counts and its
value on Scorecard (docs/scorecards.md). Plain definitions shared by the rules, the selectors, the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from supervision.choices import ScoreOutcome, ScoreRate


@dataclass(frozen=True)
class RateFields:
    rate: str  # ScoreRate, also the name of the outcome column on ScoreEntry
    met: str  # numerator
    judged: str  # denominator: met or missed
    unknown: str  # not yet known, left out of the rate
    value: str  # met / judged, empty when nothing was judged


# In the order of settings.MINGZE_SCORE_WEIGHTS.
RATES: tuple[RateFields, ...] = (
    RateFields(ScoreRate.RESPONSE, "responded_on_time", "response_judged", "response_unknown", "response_rate"),
    RateFields(ScoreRate.ON_TIME, "completed_on_time", "completion_judged", "completion_unknown", "on_time_rate"),
    RateFields(ScoreRate.FEEDBACK, "fed_back_on_time", "feedback_judged", "feedback_unknown", "feedback_rate"),
    RateFields(ScoreRate.SATISFACTION, "satisfied", "rated", "satisfaction_unknown", "satisfaction_rate"),
)

# The outcomes behind each number a scorecard shows: "judged" is the denominator.
OUTCOME_FILTERS: dict[str, tuple[str, ...]] = {
    ScoreOutcome.MET: (ScoreOutcome.MET,),
    ScoreOutcome.MISSED: (ScoreOutcome.MISSED,),
    "judged": (ScoreOutcome.MET, ScoreOutcome.MISSED),
    ScoreOutcome.UNKNOWN: (ScoreOutcome.UNKNOWN,),
}
