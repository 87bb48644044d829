"""Rebuilding the cockpit's daily counts exactly, for a range of days (docs/cockpit.md, "Rollups").

One rule for every path: a day's rows are deleted and counted again from the tickets, bounces and disputes of that
day, in one transaction. Counting is set-based: each volume table is one INSERT … SELECT … GROUP BY over up to a month
of days, joined to two small temporary maps (territory → district and street, matter → family) that Python reads off
the trees. Bounces and disputes, few beside tickets, are grouped in the database and paired in Python. Running it
twice gives the same rows, so the nightly task, the command and the after-commit rebuild may overlap without harm.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import combinations

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from arbitration.choices import AssignmentRole, TerritoryLevel
from arbitration.models import Bounce, Dispute, Matter, Territory, Ticket
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


def _mapped(cursor, name: str, columns: str, rows: Iterable[tuple]) -> None:
    """A temporary table `name` holding one of the maps above, for the counting queries to join.

    Dropped by the span that made it (in its transaction: a failed span rolls it back with the rest), so a
    later span in the same session makes it afresh.
    """
    cursor.execute(f"CREATE TEMP TABLE {name} ({columns})")
    placeholders = ", ".join(["%s"] * (columns.count(",") + 1))
    cursor.executemany(f"INSERT INTO {name} VALUES ({placeholders})", list(rows))


# The volume tables, each one INSERT … SELECT … GROUP BY over the span's tickets: the grouped rows never leave the
# database (at city scale a span holds nearly as many (matter, territory) groups as tickets, which a fold in Python
# read back one by one). {day} is the ticket's local day, {table} the rollup table.
VOLUME_SQL = {
    DailyVolume: """
        INSERT INTO {table} (day, channel, request_type, district_code, tickets)
        SELECT {day}, t.channel, t.request_type, COALESCE(p.district_code, ''), COUNT(*)
        FROM arbitration_ticket t LEFT JOIN rollup_place p ON p.territory_id = t.territory_id
        WHERE t.received_at >= %s AND t.received_at < %s
        GROUP BY 1, 2, 3, 4""",
    DailyDistrictVolume: """
        INSERT INTO {table} (day, family_id, district_code, tickets)
        SELECT {day}, COALESCE(f.family_id, t.matter_id), COALESCE(p.district_code, ''), COUNT(*)
        FROM arbitration_ticket t LEFT JOIN rollup_place p ON p.territory_id = t.territory_id
             LEFT JOIN rollup_family f ON f.matter_id = t.matter_id
        WHERE t.received_at >= %s AND t.received_at < %s
        GROUP BY 1, 2, 3""",
    DailyPlaceVolume: """
        INSERT INTO {table} (day, family_id, district_code, street_code, tickets)
        SELECT {day}, COALESCE(f.family_id, t.matter_id), COALESCE(p.district_code, ''), COALESCE(p.street_code, ''),
               COUNT(*)
        FROM arbitration_ticket t LEFT JOIN rollup_place p ON p.territory_id = t.territory_id
             LEFT JOIN rollup_family f ON f.matter_id = t.matter_id
        WHERE t.received_at >= %s AND t.received_at < %s
        GROUP BY 1, 2, 3, 4""",
    # The lead is the ticket's active lead assignment, the latest if there were ever two (the same rule as the
    # ticket list's `lead` filter); the window runs over the span's tickets' assignments only.
    DailyDepartmentVolume: """
        INSERT INTO {table} (day, department_id, tickets)
        SELECT {day}, COALESCE(l.department_id, 0), COUNT(*)
        FROM arbitration_ticket t LEFT JOIN (
            SELECT a.ticket_id, a.department_id,
                   ROW_NUMBER() OVER (PARTITION BY a.ticket_id ORDER BY a.assigned_at DESC, a.id DESC) AS latest
            FROM arbitration_assignment a JOIN arbitration_ticket s ON s.id = a.ticket_id
            WHERE a.role = %s AND a.ended_at IS NULL AND s.received_at >= %s AND s.received_at < %s
        ) l ON l.ticket_id = t.id AND l.latest = 1
        WHERE t.received_at >= %s AND t.received_at < %s
        GROUP BY 1, 2""",
}


def _count_volumes(cursor, start, end) -> int:
    day, day_params = connection.ops.datetime_cast_date_sql("t.received_at", (), timezone.get_current_timezone_name())
    written = 0
    for model, sql in VOLUME_SQL.items():
        span = [connection.ops.adapt_datetimefield_value(moment) for moment in (start, end)]  # SQLite: UTC text
        params = [*day_params, *([AssignmentRole.LEAD, *span] if model is DailyDepartmentVolume else []), *span]
        cursor.execute(sql.format(table=model._meta.db_table, day=day), params)
        written += cursor.rowcount
    return written


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
    with connection.cursor() as cursor:
        _mapped(
            cursor,
            "rollup_place",
            "territory_id integer PRIMARY KEY, district_code varchar(12), street_code varchar(12)",
            ((pk, district, street) for pk, (district, street) in where.items()),
        )
        _mapped(cursor, "rollup_family", "matter_id integer PRIMARY KEY, family_id integer", family.items())
        written = _count_volumes(cursor, start, end)
        cursor.execute("DROP TABLE rollup_place")
        cursor.execute("DROP TABLE rollup_family")
    return written + _bulk_insert(DailyFriction, _friction_rows(start, end, where))


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
