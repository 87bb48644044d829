"""Runs spread over workers by partition (docs/spread.md): the sweep, screening and rollups split into partitions do
what one whole run does; a partition that dies part-way is done again when retried, and nothing is done twice."""

import datetime as dt
from collections import Counter

import psycopg
import pytest
from django.db import connection
from django.test import override_settings

from arbitration.models import SpreadPartition, SpreadRun
from arbitration.spread import (
    PARTITION_LOCK,
    SpreadKind,
    day_spans,
    id_ranges,
    partition_run,
    run_start,
    spread_runs_resume,
)
from supervision.choices import CaseStatus, Trigger
from supervision.models import (
    CaseEvent,
    DailyDistrictVolume,
    DailyPlaceVolume,
    DailyVolume,
    Reminder,
    SupervisionCase,
)
from supervision.rollups.build import rollups_rebuild
from supervision.services.sweep import supervision_sweep
from supervision.spread import SWEEP, sweep_work
from tests import factories
from tests.factories import at
from tests.supervision.helpers import dispatched_ticket, rehandled_and_unsatisfied

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 10, 10)  # the helpers' tickets are due 2026-03-09 17:30: overdue


class WorkerLost(Exception):
    """What a worker that dies after doing a partition's work and before recording it looks like to the run."""


DIED: set[int] = set()


def dying_work(params: dict, part: dict) -> dict:
    """The sweep's real partition work; the partition starting at the second ticket dies once, after its work."""
    result = sweep_work(params, part)
    if part["first"] == params["die_at"] and part["first"] not in DIED:
        DIED.add(part["first"])
        raise WorkerLost
    return result


DYING_SWEEP = SpreadKind("dying-sweep", SWEEP.plan, dying_work, SWEEP.finish)
DYING_KINDS = {"dying-sweep": "tests.supervision.test_spread.DYING_SWEEP"}


def open_cases():
    return SupervisionCase.objects.filter(status=CaseStatus.OPEN)


def test_ranges_hold_about_as_many_ids_each_and_cover_them_all():
    assert id_ranges([3, 5, 8, 13, 21, 34, 55], 3) == [(3, 8), (13, 34), (55, 55)]
    assert id_ranges([], 3) == []
    assert day_spans(dt.date(2026, 3, 1), dt.date(2026, 3, 5), 2) == [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 3)),
        (dt.date(2026, 3, 4), dt.date(2026, 3, 5)),
    ]


@override_settings(MINGZE_SPREAD_PARTITIONS=3)
def test_the_spread_sweep_opens_what_the_whole_sweep_opens_and_a_second_run_nothing(city):
    tickets = [dispatched_ticket(city) for _ in range(7)]
    rehandled_and_unsatisfied(city)  # opened once, by the join, after the partitions

    run = run_start("sweep", {"now": NOW.isoformat()})

    assert run.finished_at is not None
    assert list(run.partitions.values_list("attempts", flat=True)) == [1, 1, 1]
    assert run.partitions.filter(done_at=None).count() == 0
    overdue = Counter(open_cases().filter(trigger=Trigger.OVERDUE).values_list("ticket_id", flat=True))
    assert overdue == Counter({ticket.pk: 1 for ticket in tickets})
    assert open_cases().filter(trigger=Trigger.UNSATISFIED).count() == 1
    assert run.result["opened"][Trigger.OVERDUE] == 7 and run.result["opened"][Trigger.UNSATISFIED] == 1
    assert sum(run.result["opened"].values()) == open_cases().count()
    assert Reminder.objects.exclude(sent_at=None).count() == Reminder.objects.count() > 0  # the join sent them

    second = run_start("sweep", {"now": NOW.isoformat()})
    assert second.partitions.count() == 0 and second.finished_at is not None
    assert sum(second.result["opened"].values()) == 0
    assert supervision_sweep(now=NOW).changes == 0  # the whole sweep agrees nothing is left


@override_settings(MINGZE_SPREAD_PARTITIONS=3, MINGZE_SPREAD_KINDS=DYING_KINDS)
def test_a_partition_whose_worker_dies_is_done_again_on_retry_and_nothing_is_done_twice(city):
    tickets = [dispatched_ticket(city, citizen_phone=f"1390000000{i}") for i in range(6)]
    DIED.clear()

    with pytest.raises(WorkerLost):  # eager: the second partition's task raises out of the group
        run_start("dying-sweep", {"now": NOW.isoformat(), "die_at": tickets[2].pk})

    run = SpreadRun.objects.get(kind="dying-sweep")
    first, second, third = run.partitions.order_by("number")
    assert first.done_at is not None and second.done_at is None and third.done_at is None
    assert second.attempts == 1 and run.finished_at is None
    assert open_cases().filter(ticket__in=tickets[2:4]).count() == 2  # its work was done before it died

    # The broker redelivers the unacknowledged message (acks_late); here the resume task queues it again.
    assert spread_runs_resume(older_than=dt.timedelta(0)) == 1

    run.refresh_from_db()
    assert run.finished_at is not None
    assert list(run.partitions.values_list("attempts", flat=True)) == [1, 2, 1]
    overdue = open_cases().filter(trigger=Trigger.OVERDUE)
    assert Counter(overdue.values_list("ticket_id", flat=True)) == Counter({ticket.pk: 1 for ticket in tickets})
    assert SupervisionCase.history.filter(trigger=Trigger.OVERDUE).count() == len(tickets)
    assert CaseEvent.objects.filter(kind="opened", case__in=overdue).count() == len(tickets)
    assert Reminder.objects.filter(case__in=overdue).count() == len(tickets)
    # The report counts what recorded attempts did: the dead attempt's two cases are there, its count died with it.
    assert run.result["opened"][Trigger.OVERDUE] == 4
    assert spread_runs_resume(older_than=dt.timedelta(0)) == 0  # nothing left to resume


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(MINGZE_SPREAD_PARTITIONS=2)
def test_a_partition_held_by_a_live_worker_is_left_to_it_and_done_once_that_worker_is_gone():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    city = factories.small_city()
    for _ in range(4):
        dispatched_ticket(city)
    run = SpreadRun.objects.create(kind="sweep", params={"now": NOW.isoformat(), "prepared": {}})
    partition = SpreadPartition.objects.create(run=run, number=0, params={"first": 1, "last": 10**9})
    settings = connection.settings_dict
    worker = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )
    worker.execute("SELECT pg_advisory_lock(%s, %s)", [PARTITION_LOCK, partition.pk])

    assert partition_run(partition.pk) is False  # a second delivery while the first worker still runs it
    assert open_cases().count() == 0

    worker.close()  # the worker dies: its connection, and the lock with it, are gone
    assert partition_run(partition.pk) is True
    assert partition_run(partition.pk) is False  # done: a late duplicate delivery does nothing
    run.refresh_from_db()
    assert run.finished_at is not None and open_cases().filter(trigger=Trigger.OVERDUE).count() == 4


@override_settings(MINGZE_SPREAD_PARTITIONS=3)
def test_the_spread_rollup_rebuild_writes_what_one_rebuild_writes(city):
    for day in range(1, 8):
        dispatched_ticket(city, received=at(2026, 3, day, 9))
        dispatched_ticket(city, received=at(2026, 3, day, 15), department=city["market"])

    def rows():
        volume = set(DailyVolume.objects.values_list("day", "channel", "request_type", "district_code", "tickets"))
        districts = set(DailyDistrictVolume.objects.values_list("day", "family_id", "district_code", "tickets"))
        places = DailyPlaceVolume.objects.values_list("day", "family_id", "district_code", "street_code", "tickets")
        places = set(places)
        return volume, districts, places

    rollups_rebuild(dt.date(2026, 3, 1), dt.date(2026, 3, 7))
    whole = rows()
    for model in (DailyVolume, DailyDistrictVolume, DailyPlaceVolume):
        model.objects.all().delete()

    run = run_start("rollups", {"first": "2026-03-01", "last": "2026-03-07"})

    assert run.partitions.count() == 3 and run.finished_at is not None
    assert rows() == whole and sum(n for *_key, n in whole[0]) == 14
