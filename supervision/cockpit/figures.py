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
from django.db.models import Count, Sum
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
from supervision.rollups.build import families


@dataclass(frozen=True)
class Named:
    """A thing a figure is broken down by: its key in the counts, what the viewer reads, its drill-down filter."""

    key: object
    label: str
    filters: dict


# --- names ---------------------------------------------------------------------------------------------------------
def family_names() -> dict[int, Named]:
    """Matter family id → its name and drill-down filter (the family's subtree)."""
    tops = set(families().values())
    return {
        pk: Named(pk, name, {"matter": pk}) for pk, name in Matter.objects.filter(pk__in=tops).values_list("pk", "name")
    }


def territories_by_code(level: int) -> dict[str, Named]:
    return {
        code: Named(code, name, {"territory": pk})
        for pk, code, name in Territory.objects.filter(level=level).values_list("pk", "code", "name")
    }


def _departments() -> dict[int, Named]:
    return {pk: Named(pk, name, {"lead": pk}) for pk, name in Department.objects.values_list("pk", "name")}


# --- volumes and trends --------------------------------------------------------------------------------------------
def _daily_totals(period: Period) -> dict[dt.date, int]:
    rows = (
        DailyVolume.objects.filter(day__gte=period.first, day__lte=period.last)
        .values_list("day")
        .annotate(n=Sum("tickets"))
        .order_by()
    )
    return dict(rows)


def volume_trend(period: Period) -> list[dict]:
    """Tickets per bucket of the period, beside the same bucket a year before."""
    now: Counter = Counter()
    for day, n in _daily_totals(period).items():
        now[bucket(day, period.grain)] += n
    before: Counter = Counter()
    for day, n in _daily_totals(period.year_before()).items():
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


def _volume_by(period: Period, column: str, model=DailyVolume) -> Counter:
    rows = (
        model.objects.filter(day__gte=period.first, day__lte=period.last)
        .values_list(column)
        .annotate(n=Sum("tickets"))
        .order_by()
    )
    return Counter(dict(rows))


def volume_breakdowns(period: Period) -> dict[str, list[dict]]:
    """The period's tickets by channel, request type, matter family, district and current lead department."""
    by_department = Counter(
        dict(
            DailyDepartmentVolume.objects.filter(day__gte=period.first, day__lte=period.last)
            .exclude(department_id=0)
            .values_list("department_id")
            .annotate(n=Sum("tickets"))
            .order_by()
        )
    )
    return {
        "channel": _breakdown(
            _volume_by(period, "channel"),
            {c.value: Named(c.value, str(c.label), {"channel": c.value}) for c in Channel},
            period,
        ),
        "request_type": _breakdown(
            _volume_by(period, "request_type"),
            {t.value: Named(t.value, str(t.label), {"request_type": t.value}) for t in RequestType},
            period,
        ),
        "matter": _breakdown(_volume_by(period, "family_id", DailyDistrictVolume), family_names(), period),
        # Tickets filed against the city itself have no district: they are in the total, not in this breakdown.
        "district": _breakdown(
            Counter({k: n for k, n in _volume_by(period, "district_code").items() if k}),
            territories_by_code(TerritoryLevel.DISTRICT),
            period,
        ),
        "department": _breakdown(by_department, _departments(), period),
    }


# --- heat map -----------------------------------------------------------------------------------------------------
def _heat_counts(period: Period, district: str) -> dict[tuple, dict]:
    """(family, place) → tickets and disputes, places being districts or the streets of `district`.

    Tickets come from the family × district counts, or on drill-down from one district's street counts (their index
    leads with the district); disputes from the friction counts, whose leaf matters are folded into families here.
    """
    cells: dict[tuple, dict] = defaultdict(lambda: {"tickets": 0, "disputes": 0})
    span = {"day__gte": period.first, "day__lte": period.last}
    if district:
        column, model, narrowed = "street_code", DailyPlaceVolume, {"district_code": district}
    else:
        column, model, narrowed = "district_code", DailyDistrictVolume, {}
    tickets = (
        model.objects.filter(**narrowed, **span)
        .exclude(**{column: ""})
        .values_list("family_id", column)
        .annotate(n=Sum("tickets"))
        .order_by()
    )
    for family_id, place, n in tickets:
        cells[(family_id, place)]["tickets"] += n
    family = families()
    disputes = (
        DailyFriction.objects.filter(kind=FrictionKind.DISPUTE, **narrowed, **span)
        .exclude(**{column: ""})
        .values_list("matter_id", column)
        .annotate(n=Sum("events"))
        .order_by()
    )
    for matter_id, place, n in disputes:
        cells[(family.get(matter_id, matter_id), place)]["disputes"] += n
    return cells


def heat_map(period: Period, *, district: str = "") -> dict:
    """Matter family × district (or × street of one district): tickets received and disputes opened.

    Disputes count pairs of parties (docs/cockpit.md): a dispute of two departments counts once. `rows` holds the
    same cells as `cells`, laid out as a table (None where a family has nothing in a place).
    """
    places = territories_by_code(TerritoryLevel.STREET if district else TerritoryLevel.DISTRICT)
    counts = _heat_counts(period, district)
    names = family_names()
    by_family: Counter = Counter()
    for (f, _p), n in counts.items():
        by_family[f] += n["tickets"]
    busiest = {f for f, _n in by_family.most_common(TOP_ROWS)}
    counts = {key: n for key, n in counts.items() if key[0] in busiest}
    used_families = sorted(busiest, key=lambda key: names[key].label if key in names else "")
    used_places = sorted({p for _f, p in counts})
    cells = {
        (f, p): {
            "matter": f,
            "place": p,
            **n,
            "url": ticket_list_url(period, **_cell_filters(names.get(f), places.get(p))),
            "disputes_url": ticket_list_url(period, disputed=True, **_cell_filters(names.get(f), places.get(p))),
        }
        for (f, p), n in counts.items()
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


def _cell_filters(family: Named | None, place: Named | None) -> dict:
    return {**(family.filters if family else {}), **(place.filters if place else {})}


# --- catalogue health ---------------------------------------------------------------------------------------------
def catalogue_health(period: Period) -> dict:
    """Gaps and overlaps over the period (daily counts), and how disputes ended: by ruling, by leader, still open."""
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
    ended = dict(Dispute.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "series": series,
        "disputes_ruled": ended.get(DisputeStatus.RULED, 0),
        "disputes_decided_by_leader": ended.get(DisputeStatus.DECIDED, 0),
        "disputes_agreed": ended.get(DisputeStatus.AGREED, 0),
        "disputes_open": sum(ended.get(status, 0) for status in ACTIVE_DISPUTE_STATUSES),
    }


# --- supervision at a glance --------------------------------------------------------------------------------------
def supervision_glance() -> dict:
    """Open cases by rung, letters past their answer date, and referrals sent this year against the target."""
    by_tier = dict(
        SupervisionCase.objects.filter(status=CaseStatus.OPEN).values_list("tier").annotate(n=Count("pk")).order_by()
    )
    today = timezone.localdate()
    overdue = SupervisionLetter.objects.filter(status=LetterStatus.ISSUED, response_due_on__lt=today).count()
    year_start = dt.datetime.combine(today.replace(month=1, day=1), dt.time(), timezone.get_current_timezone())
    sent = (
        DisciplineReferral.objects.filter(sent_at__gte=year_start)
        .exclude(status__in=[ReferralStatus.PROPOSED, ReferralStatus.DISMISSED])
        .count()
    )
    return {
        "cases_by_tier": [
            {"tier": tier.value, "label": str(tier.label), "cases": by_tier.get(tier.value, 0)} for tier in Tier
        ],
        "cases_url": reverse("supervision:queue"),
        "letters_overdue": overdue,
        "letters_url": reverse("supervision:letters"),
        "referrals_sent": sent,
        "referrals_target": settings.MINGZE_REFERRAL_YEARLY_TARGET,
        "referrals_url": reverse("supervision:referrals"),
    }


def registered_figures() -> list[dict]:
    """Figures other modules registered (the legal desk's, surge alerts', monthly topics')."""
    return [
        {"key": figure.key, "label": str(figure.label), "value": figure.value(), "url": str(figure.url)}
        for figure in cockpit_figures()
    ]


def cockpit(period: Period) -> dict:
    """Every figure of the cockpit page for `period`, as plain data (the API returns it as it is)."""
    return {
        "period": {
            "first": period.first,
            "last": period.last,
            "grain": period.grain,
            "last_year_first": year_before(period.first),
            "last_year_last": year_before(period.last),
        },
        "total": sum(_daily_totals(period).values()),
        "trend": volume_trend(period),
        "breakdowns": volume_breakdowns(period),
        "heat_map": heat_map(period),
        "catalogue": catalogue_health(period),
        "supervision": supervision_glance(),
        "other": registered_figures(),
    }
