"""Rebuilding the cockpit's daily counts exactly, for a range of days (docs/cockpit.md, "Rollups").

One rule for every path: a day's rows are deleted and counted again from the tickets, bounces and disputes of that
day, in one transaction. Counting is set-based (GROUP BY in the database, up to a month of days per query); Python only
maps each territory to its district and street and writes the grouped rows in batches. Running it twice gives the
same rows, so the nightly task, the command and the after-commit rebuild may overlap without harm.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import combinations

from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from arbitration.choices import AssignmentRole, TerritoryLevel
from arbitration.models import Assignment, Bounce, Dispute, Matter, Territory, Ticket
from supervision.models import (
    DailyDepartmentVolume,
    DailyDistrictVolume,
    DailyFriction,
    DailyPlaceVolume,
    DailyVolume,
    FrictionKind,
)

CHUNK_DAYS = 31  # a month per query: few round trips on a full rebuild, a bounded Counter in memory
BATCH = 5000
# pg_advisory_xact_lock(LOCK_KEY, day) per day, taken in day order: two rebuilds of one day never interleave delete
# and insert, while rebuilds of different days (the partitions of a spread rebuild, docs/spread.md) run at once.
LOCK_KEY = 1_214_001


def day_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the local days first..last as aware datetimes."""
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(first, dt.time(), tz), dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)


def places() -> dict[int, tuple[str, str]]:
    """Territory id → (district code, street code) read off the materialised paths ("" where there is none)."""
    levels = dict(Territory.objects.values_list("code", "level"))
    result = {}
    for pk, path in Territory.objects.values_list("pk", "path"):
        codes = [code for code in path.split("/") if code]
        district = next((c for c in codes if levels.get(c) == TerritoryLevel.DISTRICT), "")
        street = next((c for c in codes if levels.get(c) == TerritoryLevel.STREET), "")
        result[pk] = (district, street)
    return result


def families() -> dict[int, int]:
    """Matter id → the id of its family, the top of its branch of the matter tree (a top matter is its own)."""
    by_code = dict(Matter.objects.values_list("code", "pk"))
    return {pk: by_code.get(path.strip("/").split("/")[0], pk) for pk, path in Matter.objects.values_list("pk", "path")}


def _lead_department() -> Subquery:
    """The ticket's current lead department: the same rule as the ticket list's `lead` filter."""
    return Subquery(
        Assignment.objects.filter(ticket=OuterRef("pk"), role=AssignmentRole.LEAD, ended_at=None)
        .order_by("-assigned_at", "-pk")
        .values("department_id")[:1]
    )


def _volume_counts(start, end, where: dict[int, tuple[str, str]], family: dict[int, int]) -> tuple[Counter, ...]:
    """One grouped scan of the tickets, folded into the three volume tables' keys."""
    grouped = (
        Ticket.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(day=TruncDate("received_at"))
        .values_list("day", "channel", "request_type", "matter_id", "territory_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    volume: Counter = Counter()
    district_volume: Counter = Counter()
    place: Counter = Counter()
    for day, channel, request_type, matter_id, territory_id, n in grouped.iterator(chunk_size=BATCH):
        district, street = where.get(territory_id, ("", ""))
        top = family.get(matter_id, matter_id)
        volume[(day, channel, request_type, district)] += n
        district_volume[(day, top, district)] += n
        place[(day, top, district, street)] += n
    return volume, district_volume, place


def _volume_rows(volume: Counter) -> Iterator[DailyVolume]:
    for (day, channel, request_type, district), n in volume.items():
        yield DailyVolume(day=day, channel=channel, request_type=request_type, district_code=district, tickets=n)


def _district_rows(district_volume: Counter) -> Iterator[DailyDistrictVolume]:
    for (day, family_id, district), n in district_volume.items():
        yield DailyDistrictVolume(day=day, family_id=family_id, district_code=district, tickets=n)


def _place_rows(place: Counter) -> Iterator[DailyPlaceVolume]:
    for (day, family_id, district, street), n in place.items():
        yield DailyPlaceVolume(day=day, family_id=family_id, district_code=district, street_code=street, tickets=n)


def _department_rows(start, end) -> Iterator[DailyDepartmentVolume]:
    grouped = (
        Ticket.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(day=TruncDate("received_at"), lead=Coalesce(_lead_department(), 0, output_field=IntegerField()))
        .values_list("day", "lead")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, lead, n in grouped.iterator(chunk_size=BATCH):
        yield DailyDepartmentVolume(day=day, department_id=lead, tickets=n)


def _friction_rows(start, end, where: dict[int, tuple[str, str]]) -> Iterator[DailyFriction]:
    counts: Counter = Counter()
    bounces = (
        Bounce.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at"))
        .values_list("day", "ticket__matter_id", "ticket__territory_id", "department_id", "proposed_department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, matter_id, territory_id, source, target, n in bounces:
        counts[(day, FrictionKind.BOUNCE, matter_id, *where.get(territory_id, ("", "")), source, target or 0)] += n
    # Disputes are few beside tickets: their parties are paired here rather than by a self-join.
    parties = Dispute.parties.through.objects.filter(dispute__opened_at__gte=start, dispute__opened_at__lt=end)
    by_dispute: dict[int, list[int]] = {}
    for dispute_id, department_id in parties.values_list("dispute_id", "department_id"):
        by_dispute.setdefault(dispute_id, []).append(department_id)
    disputes = (
        Dispute.objects.filter(pk__in=list(by_dispute))
        .annotate(day=TruncDate("opened_at"))
        .values_list("pk", "day", "ticket__matter_id", "ticket__territory_id")
    )
    for pk, day, matter_id, territory_id in disputes:
        place = where.get(territory_id, ("", ""))
        for low, high in combinations(sorted(by_dispute[pk]), 2):
            counts[(day, FrictionKind.DISPUTE, matter_id, *place, low, high)] += 1
    for (day, kind, matter_id, district, street, source, target), n in counts.items():
        yield DailyFriction(
            day=day,
            kind=kind,
            matter_id=matter_id,
            district_code=district,
            street_code=street,
            from_department_id=source,
            to_department_id=target,
            events=n,
        )


def _bulk_insert(model, rows: Iterable) -> int:
    written, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)  # history: untracked (rollups are counts, rebuilt from the record)
            written, batch = written + len(batch), []
    if batch:
        model.objects.bulk_create(batch)  # history: untracked
    return written + len(batch)


@transaction.atomic
def _rebuild_span(first: dt.date, last: dt.date, where: dict[int, tuple[str, str]], family: dict[int, int]) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for ordinal in range(first.toordinal(), last.toordinal() + 1):
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, ordinal])
    start, end = day_range(first, last)
    for model in (DailyVolume, DailyDistrictVolume, DailyPlaceVolume, DailyDepartmentVolume, DailyFriction):
        model.objects.filter(day__gte=first, day__lte=last).delete()
    volume, district_volume, place = _volume_counts(start, end, where, family)
    return (
        _bulk_insert(DailyVolume, _volume_rows(volume))
        + _bulk_insert(DailyDistrictVolume, _district_rows(district_volume))
        + _bulk_insert(DailyPlaceVolume, _place_rows(place))
        + _bulk_insert(DailyDepartmentVolume, _department_rows(start, end))
        + _bulk_insert(DailyFriction, _friction_rows(start, end, where))
    )


def rollups_rebuild(first: dt.date, last: dt.date) -> int:
    """Recount the days first..last (inclusive), up to CHUNK_DAYS per transaction. Returns the rows written."""
    where, family, written, day = places(), families(), 0, first
    while day <= last:
        until = min(day + dt.timedelta(days=CHUNK_DAYS - 1), last)
        written += _rebuild_span(day, until, where, family)
        day = until + dt.timedelta(days=1)
    return written


def rollup_days_rebuild(days: Iterable[dt.date]) -> int:
    """Recount scattered days, each run of consecutive days in one span."""
    where, family, written = places(), families(), 0
    for first, last in _runs(sorted(set(days))):
        written += _rebuild_span(first, last, where, family)
    return written


def _runs(days: list[dt.date]) -> Iterator[tuple[dt.date, dt.date]]:
    if not days:
        return
    first = previous = days[0]
    for day in days[1:]:
        if day - previous > dt.timedelta(days=1) or (day - first).days >= CHUNK_DAYS:
            yield first, previous
            first = day
        previous = day
    yield first, previous


def rollups_first_day() -> dt.date | None:
    """The day of the oldest ticket, where a full rebuild starts."""
    oldest = Ticket.objects.order_by("received_at").values_list("received_at", flat=True).first()
    return timezone.localdate(oldest) if oldest else None
