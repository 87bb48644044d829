"""The per-process graph cache: rebuilt when the version moves, never reused after a rolled-back change, and
a duty change in one process seen by the next suggestion in another (PostgreSQL)."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction

from arbitration.graph import current_graph, graph_version_key
from arbitration.models import GraphVersion
from arbitration.services.catalogue import duty_close, duty_open
from tests import factories

from .conftest import suggestion_for

BASE_DIR = Path(__file__).resolve().parents[3]


def open_housing_lead(city, **extra):
    return duty_open(
        actor=None,
        reason="职责调整",
        department=city["housing"],
        matter=city["stall"],
        territory=city["city"],
        role="lead",
        legal_basis="住建局三定方案",
        **extra,
    )


@pytest.mark.django_db
def test_every_duty_change_through_the_catalogue_service_bumps_the_version(city):
    start = GraphVersion.objects.get().number

    duty = open_housing_lead(city)
    duty_close(duty_id=duty.pk, actor=None, reason="撤销")

    assert GraphVersion.objects.get().number == start + 2


@pytest.mark.django_db
def test_the_cached_graph_is_reused_until_the_version_moves(city):
    first = current_graph()
    assert current_graph() is first

    duty_close(duty_id=city["duty_stall"].pk, actor=None, reason="撤销", at=factories.at(2026, 1, 1))
    open_housing_lead(city, valid_from=factories.at(2026, 1, 1))

    assert current_graph() is not first
    assert suggestion_for(city["stall"], city["community_a1"]).top.department_code == "ZJJ"


@pytest.mark.django_db
def test_a_graph_built_inside_a_rolled_back_change_is_never_reused(city):
    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        open_housing_lead(city, valid_from=factories.at(2020, 1, 1))
        assert suggestion_for(city["stall"], city["community_a1"]).overlap  # built from the uncommitted duty
        raise Abandon

    assert not suggestion_for(city["stall"], city["community_a1"]).overlap
    factories.duty(city["market"], city["food"], city["district_a"])  # reaches the rolled-back number again

    assert not suggestion_for(city["stall"], city["community_a1"]).overlap


# --- two processes on PostgreSQL ----------------------------------------------------------------------------
OTHER_PROCESS = """
import sys
import django
django.setup()
from arbitration.graph import current_graph, suggest
from arbitration.models import Matter, Territory
from tests.factories import at

stall, place = Matter.objects.get(code="010101"), Territory.objects.get(code="370802001001")
def top():
    return suggest(current_graph(), matter_id=stall.pk, territory_code=place.code, at=at(2026, 3, 2)).top
for command in sys.stdin:
    command = command.strip()
    if command == "suggest":
        print(top().department_code, flush=True)
    elif command == "close":
        from arbitration.services.catalogue import duty_close
        from arbitration.models import Duty
        duty = Duty.objects.get(matter=stall, valid_until=None, department__code="ZJJ")
        duty_close(duty_id=duty.pk, actor=None, reason="another process", at=at(2026, 2, 1))
        print("closed", flush=True)
"""


def other_process() -> subprocess.Popen:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "PYTHONPATH": str(BASE_DIR),
    }
    return subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS],
        cwd=BASE_DIR,
        env=env,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )


def ask(process: subprocess.Popen, command: str) -> str:
    process.stdin.write(command + "\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two processes on one PostgreSQL database")
@pytest.mark.django_db(transaction=True)
def test_a_duty_change_in_one_process_is_seen_by_the_next_suggestion_in_another(city):
    process = other_process()
    try:
        assert ask(process, "suggest") == "CGJ"  # the other process has built and cached its graph

        duty_close(duty_id=city["duty_stall"].pk, actor=None, reason="职责调整", at=factories.at(2026, 1, 1))
        open_housing_lead(city, valid_from=factories.at(2026, 1, 1))
        assert ask(process, "suggest") == "ZJJ"  # …and rebuilds it on its next suggestion

        version = graph_version_key()
        assert suggestion_for(city["stall"], city["community_a1"]).top.department_code == "ZJJ"  # cached here
        assert ask(process, "close") == "closed"
        assert graph_version_key() != version
        assert suggestion_for(city["stall"], city["community_a1"]).top.source == "fallback"
    finally:
        process.stdin.close()
        process.wait(timeout=30)


@pytest.mark.django_db
def test_a_rebuild_inside_a_request_settles_the_heap_only_once_the_response_has_gone(city):
    # The receivers themselves: sending request_started would also close the test's database connection.
    from arbitration.graph import cache, graph_version_bump

    current_graph()
    cache.request_started()
    try:
        graph_version_bump()
        frozen = gc.get_freeze_count()
        rebuilt = current_graph()
        assert rebuilt.version == graph_version_key()
        during = gc.get_freeze_count()
        assert during <= frozen  # nothing frozen while the client waits (the old graph's objects may go)
    finally:
        cache.request_finished()
    assert gc.get_freeze_count() > during  # then the new graph is moved out of the collector's sight
    from django.core.signals import request_finished, request_started

    wired = {entry[0][0] for entry in (*request_started.receivers, *request_finished.receivers)}
    assert {"graph-request-started", "graph-request-finished"} <= wired  # arbitration's AppConfig.ready
