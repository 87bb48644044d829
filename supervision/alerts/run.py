"""One detection run: count the watched series up to a day, evaluate that day, raise alerts for what exceeds
(docs/alerts.md, "Daily run"). Idempotent per series and day: the alert table's unique (series, day) makes a
second run of the same day raise nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from arbitration.calendar import WorkingCalendar
from arbitration.graph import current_graph, suggest
from arbitration.models import Territory
from supervision.services.alerts import surge_alert_raise

from .baseline import YEAR
from .calendar import day_features, day_range
from .detect import detect_day
from .params import DetectionParams
from .series import Series, daily_counts


@dataclass
class DetectionReport:
    day: dt.date
    series: int = 0
    alarms: int = 0
    raised: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.day}: {self.series} series watched, {self.alarms} above their bound, {len(self.raised)} raised"


def _owner(series: Series, codes: dict[int, str], city_code: str, at: dt.datetime) -> int | None:
    """The department the jurisdiction graph names as lead for the matter there (the fallback government too)."""
    code = codes.get(series.territory_id, city_code) if series.territory_id else city_code
    top = suggest(current_graph(), matter_id=series.matter_id, territory_code=code, at=at).top
    return top.department_id if top else None


def surges_detect(
    *, day: dt.date | None = None, now: dt.datetime | None = None, matters: tuple[int, int] | None = None
) -> DetectionReport:
    """Evaluate `day` (default: yesterday, the last whole day) for every watched series (of the matters with ids in
    [matters[0], matters[1]] when given: each series is evaluated on its own counts, so partitions by matter
    raise what one whole run raises)."""
    now = now or timezone.now()
    day = day or timezone.localtime(now).date() - dt.timedelta(days=1)
    params = DetectionParams.from_settings()
    first = day - dt.timedelta(days=params.years_back * YEAR + params.window_days + 1)
    counts = daily_counts(first, day, matters)
    report = DetectionReport(day=day, series=len(counts.series))
    if not counts.series:
        return report
    calendar = WorkingCalendar.load()
    features = day_features(calendar, day_range(first, day))
    result = detect_day(counts.counts, features, len(features) - 1, params)
    report.alarms = int(result.alarm.sum())
    codes = dict(Territory.objects.values_list("pk", "code"))
    city_code = Territory.objects.filter(parent=None).order_by("level", "code").values_list("code", flat=True).first()
    moment = dt.datetime.combine(day, dt.time(23, 59), tzinfo=calendar.tz)
    for i in result.alarm.nonzero()[0]:
        series = counts.series[i]
        finding = {
            "matter_id": series.matter_id,
            "territory_id": series.territory_id,
            "span_days": int(result.span[i]),
            "observed": int(result.observed[i]),
            "expected": float(result.expected[i]),
            "upper_bound": float(result.upper[i]),
            "score": float(result.score[i]),
            "probability": float(result.probability[i]),
            "method": str(result.methods[i]),
        }
        department_id = _owner(series, codes, city_code, moment)
        alert = surge_alert_raise(finding=finding, day=day, department_id=department_id, calendar=calendar, now=now)
        if alert is not None:
            report.raised.append(alert.pk)
    return report
