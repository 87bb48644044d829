"""Supervision's heavy runs as spread kinds (arbitration.spread; docs/spread.md): the sweep by ticket id range,
surge screening by matter id range, the rollup rebuild by day span. Each partition calls the same service a whole
run calls, on its part."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from arbitration.calendar import WorkingCalendar
from arbitration.models import Matter
from arbitration.spread import SpreadKind, day_spans, id_ranges
from supervision.alerts.run import surges_detect
from supervision.rollups.build import rollups_rebuild
from supervision.services.cases import reminders_send
from supervision.services.opening import SweepReport
from supervision.services.sweep import sweep_finish, sweep_prepare, sweep_time_limits, time_limit_uncovered


def _moment(params: dict) -> dt.datetime:
    return parse_datetime(params["now"]) if params.get("now") else timezone.now()


def _sum(results: list[dict], *names: str) -> dict:
    return {name: sum(result.get(name, 0) for result in results) for name in names}


# --- the sweep --------------------------------------------------------------------------------------------------
def sweep_plan(params: dict) -> tuple[dict, list[dict]]:
    """Prepare (close what cleared, turn cards red) here, once; then one partition per range of the ticket ids that
    need a time-limit case, about as many tickets in each."""
    now, calendar, report = _moment(params), WorkingCalendar.load(), SweepReport()
    sweep_prepare(now=now, calendar=calendar, report=report)
    ids = [pk for pk, _due in time_limit_uncovered(now=now, calendar=calendar)]
    parts = [{"first": first, "last": last} for first, last in id_ranges(ids)]
    return {**params, "now": now.isoformat(), "prepared": report.as_dict()}, parts


def sweep_work(params: dict, part: dict) -> dict:
    """Open the range's time-limit cases, then send queued reminders (its own among them) here rather than all in the
    join, so the workers share that too; `reminders_send` skips rows another worker holds."""
    report = SweepReport()
    sweep_time_limits(
        now=_moment(params), calendar=WorkingCalendar.load(), report=report, first=part["first"], last=part["last"]
    )
    reminders_send()
    return report.as_dict()


def sweep_join(params: dict, results: list[dict]) -> dict:
    """The rules that need every time-limit case in place (grouping, the ladder, referrals), then the reminders."""
    report = SweepReport()
    for part in (params["prepared"], *results):
        report.add(part)
    sweep_finish(now=_moment(params), calendar=WorkingCalendar.load(), report=report)
    reminders_send()
    return {**report.as_dict(), "summary": report.summary()}


SWEEP = SpreadKind("sweep", sweep_plan, sweep_work, sweep_join)


# --- surge screening --------------------------------------------------------------------------------------------
def screening_plan(params: dict) -> tuple[dict, list[dict]]:
    now = _moment(params)
    day = parse_date(params["day"]) if params.get("day") else timezone.localtime(now).date() - dt.timedelta(days=1)
    ids = list(Matter.objects.order_by("pk").values_list("pk", flat=True))
    parts = [{"first": first, "last": last} for first, last in id_ranges(ids)]
    return {**params, "now": now.isoformat(), "day": day.isoformat()}, parts


def screening_work(params: dict, part: dict) -> dict:
    report = surges_detect(day=parse_date(params["day"]), now=_moment(params), matters=(part["first"], part["last"]))
    return {"series": report.series, "alarms": report.alarms, "raised": report.raised}


def screening_join(params: dict, results: list[dict]) -> dict:
    raised = [pk for result in results for pk in result.get("raised", [])]
    totals = _sum(results, "series", "alarms")
    summary = f"{params['day']}: {totals['series']} series watched, {totals['alarms']} above their bound, "
    return {**totals, "raised": raised, "summary": summary + f"{len(raised)} raised"}


SCREENING = SpreadKind("screening", screening_plan, screening_work, screening_join)


# --- the rollup rebuild -----------------------------------------------------------------------------------------
def rollups_plan(params: dict) -> tuple[dict, list[dict]]:
    first, last = parse_date(params["first"]), parse_date(params["last"])
    parts = [{"first": a.isoformat(), "last": b.isoformat()} for a, b in day_spans(first, last)]
    return {"first": first.isoformat(), "last": last.isoformat()}, parts


def rollups_work(params: dict, part: dict) -> dict:
    return {"rows": rollups_rebuild(parse_date(part["first"]), parse_date(part["last"]))}


def rollups_join(params: dict, results: list[dict]) -> dict:
    return _sum(results, "rows")


ROLLUPS = SpreadKind("rollups", rollups_plan, rollups_work, rollups_join)
