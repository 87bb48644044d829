"""Daily ticket counts per watched series, from the ticket table in one grouped query per run (docs/alerts.md,
"Series").

A series is a matter in a territory at the watched level (MINGZE_ALERT_TERRITORY_LEVEL, districts by default:
a ticket counts for the territory at that level above its own place), or a matter city-wide
(MINGZE_ALERT_WATCH_CITY). Days are local calendar days of `received_at`. The query reads the ticket index
`ticket_recent_window` (received_at with matter and territory included) and nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate

from arbitration.models import Territory, Ticket


@dataclass(frozen=True)
class Series:
    matter_id: int
    territory_id: int | None  # None: the matter city-wide


@dataclass
class SeriesCounts:
    """Counts (series × days) for the days `first` … `first + n − 1`."""

    series: list[Series]
    first: dt.date
    counts: np.ndarray


def _watched_territories() -> dict[int, int]:
    """Territory id → id of its territory at the watched level (itself, or the ancestor at that level)."""
    level = settings.MINGZE_ALERT_TERRITORY_LEVEL
    rows = list(Territory.objects.values_list("pk", "code", "level", "path"))
    at_level = {code: pk for pk, code, lvl, _path in rows if lvl == level}
    mapping = {}
    for pk, _code, lvl, path in rows:
        if lvl < level:
            continue
        ancestors = [code for code in path.split("/") if code]
        owner = next((at_level[code] for code in ancestors if code in at_level), None)
        if owner is not None:
            mapping[pk] = owner
    return mapping


def daily_counts(first: dt.date, last: dt.date, matters: tuple[int, int] | None = None) -> SeriesCounts:
    """Every watched series with at least one ticket in [first, last], with its daily counts; only the matters with
    ids in [matters[0], matters[1]] when given (a partition of a spread run: a matter's series all fall in one)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    tickets = Ticket.objects.filter(received_at__gte=start, received_at__lt=end)
    if matters is not None:
        tickets = tickets.filter(matter_id__gte=matters[0], matter_id__lte=matters[1])
    rows = (
        tickets.order_by()
        .annotate(day=TruncDate("received_at", tzinfo=tz))
        .values_list("matter_id", "territory_id", "day")
        .annotate(n=Count("pk"))
    )
    watched = _watched_territories()
    city = settings.MINGZE_ALERT_WATCH_CITY
    cells: dict[tuple[Series, int], int] = {}
    for matter_id, territory_id, day, n in rows:
        column = (day - first).days
        keys = [Series(matter_id, watched[territory_id])] if territory_id in watched else []
        if city:
            keys.append(Series(matter_id, None))
        for key in keys:
            cells[key, column] = cells.get((key, column), 0) + n
    series = sorted({key for key, _column in cells}, key=lambda s: (s.matter_id, s.territory_id or 0))
    index = {s: i for i, s in enumerate(series)}
    counts = np.zeros((len(series), (last - first).days + 1), dtype=np.int64)
    for (key, column), n in cells.items():
        counts[index[key], column] = n
    return SeriesCounts(series, first, counts)
