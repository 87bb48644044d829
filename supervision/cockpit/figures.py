"""The cockpit's figures (docs/cockpit.md): reads of the daily counts and other small tables, never of tickets.

Each figure carries the link to the tickets behind it (links.py). Matters are shown by family (the top of the
matter tree), places by district and, on drill-down, by street.

Figures other parts add: the legal desk registers its own through arbitration.figures (legal/apps.py), surge alerts
and monthly topics theirs the same way (supervision/figures.py); `registered_figures()` lists whatever is registered.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from arbitration.choices import ACTIVE_DISPUTE_STATUSES, Channel, DisputeStatus, RequestType, TerritoryLevel
from arbitration.figures import cockpit_figures
from arbitration.models import Department, Dispute, Matter, Territory
from supervision.choices import LetterStatus, ReferralStatus, Tier
from supervision.cockpit.links import ticket_list_url
from supervision.cockpit.period import Period, bucket, year_before
from supervision.models import (
    CatalogueHealth,
    DailyDepartmentVolume,
    DailyDistrictVolume,
    DailyFriction,
    DailyPlaceVolume,
    DailyVolume,
    DisciplineReferral,
    FrictionKind,
    SupervisionCase,
    SupervisionLetter,
)
from supervision.models.cases import CaseStatus


@dataclass(frozen=True)
class Named:
    """A thing a figure is broken down by: its key in the counts, what the viewer reads, its drill-down filter."""

    key: object
    label: str
    filters: dict


# --- names ---------------------------------------------------------------------------------------------------------
def matter_families() -> tuple[dict[int, int], dict[int, Named]]:
    """Matter id → its family's id, and family id → its name and drill-down filter, from one read of the matters.

    A family is the top of its branch of the matter tree (the rule of supervision.rollups.build.families).
    """
    rows = list(Matter.objects.values_list("pk", "code", "path", "name"))
    by_code = {code: pk for pk, code, _path, _name in rows}
    family = {pk: by_code.get(path.strip("/").split("/")[0], pk) for pk, _code, path, _name in rows}
    tops = set(family.values())
    return family, {pk: Named(pk, name, {"matter": pk}) for pk, _code, _path, name in rows if pk in tops}


def family_names() -> dict[int, Named]:
    """Matter family id → its name and drill-down filter (the family's subtree)."""
    return matter_families()[1]


def territories_by_code(level: int) -> dict[str, Named]:
    return {
        code: Named(code, name, {"territory": pk})
        for pk, code, name in Territory.objects.filter(level=level).values_list("pk", "code", "name")
    }


def _departments(keys) -> dict[int, Named]:
    """The named departments only (a breakdown shows its largest rows, not the whole organisation chart)."""
    return {
        pk: Named(pk, name, {"lead": pk})
        for pk, name in Department.objects.filter(pk__in=list(keys)).values_list("pk", "name")
    }


# --- reads of the daily counts: one query per table and figure, whatever the families, places or days -----------
def _span(period: Period) -> dict:
    return {"day__gte": period.first, "day__lte": period.last}


def _daily_totals(*periods: Period) -> dict[dt.date, int]:
    """Tickets per day over one or more periods, in one query (a UNION ALL of one index range scan per period).

    Periods may overlap (a two-year period and the year before it): a day read twice has the same count both times.
    """
    reads = [
        DailyVolume.objects.filter(**_span(period)).values_list("day").annotate(n=Sum("tickets")).order_by()
        for period in periods
    ]
    return dict(reads[0].union(*reads[1:], all=True) if len(reads) > 1 else reads[0])


def _within(totals: dict[dt.date, int], period: Period) -> dict[dt.date, int]:
    return {day: n for day, n in totals.items() if period.first <= day <= period.last}


def _by_channel_and_type(period: Period) -> tuple[Counter, Counter]:
    """Tickets by channel and by request type: one read of at most channels × types rows."""
    channels: Counter = Counter()
    types: Counter = Counter()
    rows = (
        DailyVolume.objects.filter(**_span(period))
        .values_list("channel", "request_type")
        .annotate(n=Sum("tickets"))
        .order_by()
    )
    for channel, request_type, n in rows:
        channels[channel] += n
        types[request_type] += n
    return channels, types


def _by_family_and_district(period: Period) -> dict[tuple[int, str], int]:
    """(family, district code or "") → tickets: the matter and district breakdowns and the district heat map."""
    return {
        (family_id, district): n
        for family_id, district, n in DailyDistrictVolume.objects.filter(**_span(period))
        .values_list("family_id", "district_code")
        .annotate(n=Sum("tickets"))
        .order_by()
    }


def _by_lead(period: Period) -> Counter:
    return Counter(
        dict(
            DailyDepartmentVolume.objects.filter(**_span(period))
            .exclude(department_id=0)
            .values_list("department_id")
            .annotate(n=Sum("tickets"))
            .order_by()
        )
    )


# --- volumes and trends --------------------------------------------------------------------------------------------
def volume_trend(period: Period, totals: dict[dt.date, int] | None = None) -> list[dict]:
    """Tickets per bucket of the period, beside the same bucket a year before (`totals`: both periods' days)."""
    before_period = period.year_before()
    if totals is None:
        totals = _daily_totals(period, before_period)
    now: Counter = Counter()
    for day, n in _within(totals, period).items():
        now[bucket(day, period.grain)] += n
    before: Counter = Counter()
    for day, n in _within(totals, before_period).items():
        # Move last year's day onto this year's calendar so that both fall into the same bucket.
        shifted = _year_after(day)
        before[bucket(shifted, period.grain)] += n
    starts, day = [], bucket(period.first, period.grain)
    while day <= period.last:
        starts.append(day)
        day = _next_bucket(day, period.grain)
    return [
        {
            "start": start,
            "tickets": now[start],
            "last_year": before[start],
            "url": ticket_list_url(_bucket_period(start, period)),
        }
        for start in starts
    ]


def _year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _next_bucket(start: dt.date, grain: str) -> dt.date:
    if grain == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=7 if grain == "week" else 1)


def _bucket_period(start: dt.date, period: Period) -> Period:
    """The part of `period` that the bucket starting at `start` covers."""
    end = _next_bucket(start, period.grain) - dt.timedelta(days=1)
    return Period(max(start, period.first), min(end, period.last), "day")


TOP_ROWS = 20  # a breakdown lists its largest rows, the heat map its busiest matter families: a cockpit, not a table


def _breakdown(counts: Counter, names: dict, period: Period) -> list[dict]:
    rows = []
    for key, n in counts.most_common(TOP_ROWS):
        named = names.get(key)
        label = named.label if named else str(key)
        url = ticket_list_url(period, **named.filters) if named else ""
        rows.append({"key": named.key if named else key, "label": label, "tickets": n, "url": url})
    return rows


def volume_breakdowns(
    period: Period,
    *,
    by_family_district: dict[tuple[int, str], int] | None = None,
    family_named: dict[int, Named] | None = None,
    districts: dict[str, Named] | None = None,
) -> dict[str, list[dict]]:
    """The period's tickets by channel, request type, matter family, district and current lead department.

    The keyword arguments pass reads the caller already made (the cockpit shares them with the heat map).
    """
    if by_family_district is None:
        by_family_district = _by_family_and_district(period)
    channels, types = _by_channel_and_type(period)
    by_family: Counter = Counter()
    by_district: Counter = Counter()
    for (family_id, district), n in by_family_district.items():
        by_family[family_id] += n
        if district:  # tickets filed against the city itself have no district: in the total, not in this breakdown
            by_district[district] += n
    by_lead = _by_lead(period)
    top_leads = [key for key, _n in by_lead.most_common(TOP_ROWS)]
    return {
        "channel": _breakdown(
            channels, {c.value: Named(c.value, str(c.label), {"channel": c.value}) for c in Channel}, period
        ),
        "request_type": _breakdown(
            types, {t.value: Named(t.value, str(t.label), {"request_type": t.value}) for t in RequestType}, period
        ),
        "matter": _breakdown(by_family, family_named if family_named is not None else family_names(), period),
        "district": _breakdown(
            by_district,
            districts if districts is not None else territories_by_code(TerritoryLevel.DISTRICT),
            period,
        ),
        "department": _breakdown(by_lead, _departments(top_leads), period),
    }


# --- heat map -----------------------------------------------------------------------------------------------------
def _heat_counts(
    period: Period, district: str, family: dict[int, int], tickets: dict[tuple[int, str], int] | None = None
) -> dict[tuple, dict]:
    """(family, place) → tickets and disputes, places being districts or the streets of `district`.

    Tickets come from the family × district counts (`tickets`, when the caller read them already), or on drill-down
    from one district's street counts (their index leads with the district); disputes from the friction counts,
    whose leaf matters are folded into families with `family`. Two queries at most.
    """
    cells: dict[tuple, dict] = defaultdict(lambda: {"tickets": 0, "disputes": 0})
    if district:
        column, narrowed = "street_code", {"district_code": district}
    else:
        column, narrowed = "district_code", {}
    if district:
        tickets = {
            (family_id, street): n
            for family_id, street, n in DailyPlaceVolume.objects.filter(**narrowed, **_span(period))
            .exclude(street_code="")
            .values_list("family_id", "street_code")
            .annotate(n=Sum("tickets"))
            .order_by()
        }
    elif tickets is None:
        tickets = _by_family_and_district(period)
    for (family_id, place), n in tickets.items():
        if place:
            cells[(family_id, place)]["tickets"] += n
    disputes = (
        DailyFriction.objects.filter(kind=FrictionKind.DISPUTE, **narrowed, **_span(period))
        .exclude(**{column: ""})
        .values_list("matter_id", column)
        .annotate(n=Sum("events"))
        .order_by()
    )
    for matter_id, place, n in disputes:
        cells[(family.get(matter_id, matter_id), place)]["disputes"] += n
    return cells


def heat_map(
    period: Period,
    *,
    district: str = "",
    matters: tuple[dict[int, int], dict[int, Named]] | None = None,
    places: dict[str, Named] | None = None,
    tickets: dict[tuple[int, str], int] | None = None,
) -> dict:
    """Matter family × district (or × street of one district): tickets received and disputes opened.

    Disputes count pairs of parties (docs/cockpit.md): a dispute of two departments counts once. `rows` holds the
    same cells as `cells`, laid out as a table (None where a family has nothing in a place). The keyword arguments
    pass reads the caller already made (`matters`: matter_families(); `places`: the districts or the streets;
    `tickets`: the family × district counts). Four queries at most, and per cell two links made by string
    formatting (a drill-down map has up to families × streets cells).
    """
    if places is None:
        places = territories_by_code(TerritoryLevel.STREET if district else TerritoryLevel.DISTRICT)
    family, names = matters if matters is not None else matter_families()
    counts = _heat_counts(period, district, family, tickets)
    by_family: Counter = Counter()
    for (f, _p), n in counts.items():
        by_family[f] += n["tickets"]
    busiest = {f for f, _n in by_family.most_common(TOP_ROWS)}
    counts = {key: n for key, n in counts.items() if key[0] in busiest}
    used_families = sorted(busiest, key=lambda key: names[key].label if key in names else "")
    used_places = sorted({p for _f, p in counts})
    volume_link = ticket_list_url(period)
    disputes_link = ticket_list_url(period, disputed=True)
    cells = {}
    for (f, p), n in counts.items():
        filters = _cell_query(names.get(f), places.get(p))
        cells[(f, p)] = {
            "matter": f,
            "place": p,
            **n,
            "url": volume_link + filters,
            "disputes_url": disputes_link + filters,
        }
    return {
        "district": district,
        "matters": [{"key": f, "label": names[f].label if f in names else str(f)} for f in used_families],
        "places": [
            {"key": p, "label": places[p].label if p in places else p, "drill": not district} for p in used_places
        ],
        "cells": [cells[key] for key in sorted(cells)],
        "rows": [
            {"label": names[f].label if f in names else str(f), "cells": [cells.get((f, p)) for p in used_places]}
            for f in used_families
        ],
    }


def _cell_query(family: Named | None, place: Named | None) -> str:
    """The cell's filters appended to the period's link: ticket_list_url's query, without encoding it per cell."""
    filters = {**(family.filters if family else {}), **(place.filters if place else {})}
    # The values are primary keys (integers): nothing to escape.
    return "".join(f"&{name}={value}" for name, value in filters.items() if value not in (None, ""))


# --- small tables: every count of rows in one query ---------------------------------------------------------------
def counts_at_once(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """How many rows each queryset holds, read in one query of one scalar subquery each (same database for all).

    The cockpit's counters (dispute outcomes, cases by rung, letters, referrals, the registered figures) are a
    dozen counts of small tables: one round trip instead of a dozen.
    """
    parts, params, counts = [], [], dict.fromkeys(querysets, 0)
    for key, queryset in querysets.items():
        try:
            sql, more = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (pk__in=[]): no rows, nothing to ask
            continue
        parts.append((key, f"(SELECT COUNT(*) FROM ({sql}) AS counted)"))
        params.extend(more)
    if parts:
        database = next(iter(querysets.values())).db
        with connections[database].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(sql for _key, sql in parts), params)
            counts.update(zip((key for key, _sql in parts), cursor.fetchone(), strict=True))
    return counts


# --- catalogue health ---------------------------------------------------------------------------------------------
DISPUTE_OUTCOMES = {
    "disputes_ruled": (DisputeStatus.RULED,),
    "disputes_decided_by_leader": (DisputeStatus.DECIDED,),
    "disputes_agreed": (DisputeStatus.AGREED,),
    "disputes_open": ACTIVE_DISPUTE_STATUSES,
}


def _dispute_rows() -> dict[str, QuerySet]:
    return {key: Dispute.objects.filter(status__in=statuses) for key, statuses in DISPUTE_OUTCOMES.items()}


def catalogue_health(period: Period, counts: dict[str, int] | None = None) -> dict:
    """Gaps and overlaps over the period (daily counts), and how disputes ended: by ruling, by leader, still open.

    `counts`: the dispute counts when the caller read them already (the cockpit, with its other counters).
    """
    series = [
        {
            "day": row.day,
            "gaps": row.gaps,
            "settled_gaps": row.settled_gaps,
            "overlaps": row.overlaps,
            "settled_overlaps": row.settled_overlaps,
        }
        for row in CatalogueHealth.objects.filter(day__gte=period.first, day__lte=period.last)
    ]
    if counts is None:
        counts = counts_at_once(_dispute_rows())
    return {"series": series, **{key: counts[key] for key in DISPUTE_OUTCOMES}}


# --- supervision at a glance --------------------------------------------------------------------------------------
def _glance_rows(today: dt.date) -> dict[str, QuerySet]:
    year_start = dt.datetime.combine(today.replace(month=1, day=1), dt.time(), timezone.get_current_timezone())
    return {
        **{
            f"cases_{tier.value}": SupervisionCase.objects.filter(status=CaseStatus.OPEN, tier=tier.value)
            for tier in Tier
        },
        "letters_overdue": SupervisionLetter.objects.filter(status=LetterStatus.ISSUED, response_due_on__lt=today),
        "referrals_sent": DisciplineReferral.objects.filter(sent_at__gte=year_start).exclude(
            status__in=[ReferralStatus.PROPOSED, ReferralStatus.DISMISSED]
        ),
    }


def supervision_glance(counts: dict[str, int] | None = None) -> dict:
    """Open cases by rung, letters past their answer date, and referrals sent this year against the target.

    `counts`: these counts when the caller read them already (the cockpit, with its other counters).
    """
    if counts is None:
        counts = counts_at_once(_glance_rows(timezone.localdate()))
    return {
        "cases_by_tier": [
            {"tier": tier.value, "label": str(tier.label), "cases": counts[f"cases_{tier.value}"]} for tier in Tier
        ],
        "cases_url": reverse("supervision:queue"),
        "letters_overdue": counts["letters_overdue"],
        "letters_url": reverse("supervision:letters"),
        "referrals_sent": counts["referrals_sent"],
        "referrals_target": settings.MINGZE_REFERRAL_YEARLY_TARGET,
        "referrals_url": reverse("supervision:referrals"),
    }


def _registered_rows() -> dict[str, QuerySet]:
    return {f"figure:{figure.key}": figure.rows() for figure in cockpit_figures() if figure.rows is not None}


def registered_figures(counts: dict[str, int] | None = None) -> list[dict]:
    """Figures other modules registered (the legal desk's, surge alerts', monthly topics').

    A figure registered with `rows` is counted with the others in one query (`counts`, when the caller read them
    already); one registered with `value` is asked on its own.
    """
    if counts is None:
        counts = counts_at_once(_registered_rows())
    return [
        {
            "key": figure.key,
            "label": str(figure.label),
            "value": counts[f"figure:{figure.key}"] if figure.rows is not None else figure.value(),
            "url": str(figure.url),
        }
        for figure in cockpit_figures()
    ]


def cockpit(period: Period, *, district: str = "") -> dict:
    """Every figure of the cockpit page for `period`, as plain data (the API returns it as it is).

    The heat map is the districts', or with `district` that district's streets (the page's drill-down). A constant
    number of queries whatever the period, the families or the places: each table of daily counts is read once per
    figure (the family × district counts once for the matter and district breakdowns and the heat map), the trend
    and its year before in one query, the names of matters and places once, and every counter of a small table
    (disputes, supervision, the registered figures) in one more (counts_at_once).
    """
    matters = matter_families()
    districts = territories_by_code(TerritoryLevel.DISTRICT)
    by_family_district = _by_family_and_district(period)
    totals = _daily_totals(period, period.year_before())
    counts = counts_at_once({**_dispute_rows(), **_glance_rows(timezone.localdate()), **_registered_rows()})
    if district:
        heat = heat_map(period, district=district, matters=matters)
    else:
        heat = heat_map(period, matters=matters, places=districts, tickets=by_family_district)
    return {
        "period": {
            "first": period.first,
            "last": period.last,
            "grain": period.grain,
            "last_year_first": year_before(period.first),
            "last_year_last": year_before(period.last),
        },
        "total": sum(_within(totals, period).values()),
        "trend": volume_trend(period, totals),
        "breakdowns": volume_breakdowns(
            period, by_family_district=by_family_district, family_named=matters[1], districts=districts
        ),
        "heat_map": heat,
        "catalogue": catalogue_health(period, counts),
        "supervision": supervision_glance(counts),
        "other": registered_figures(counts),
    }
