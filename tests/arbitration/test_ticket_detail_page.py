"""The ticket page costs the same whatever the ticket's history, and no request builds the jurisdiction graph
(docs/scale.md, "The ticket page")."""

import runpy
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arbitration.graph import current_graph, graph_cache_clear
from arbitration.services.dispatch import ticket_dispatch
from tests import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _dispatch(ticket, department, *, actor) -> None:
    ticket_dispatch(
        ticket_id=ticket.pk, lead_department_id=department.pk, co_handler_ids=[], actor=actor, reason="改派",
        override_reason="测试",
    )  # fmt: skip


def _queries(client, ticket) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/tickets/{ticket.hotline_no}/")
    assert response.status_code == 200
    return len(captured)


def test_the_ticket_page_runs_the_same_queries_for_a_short_and_a_long_history(client, city, dispatcher, supervisor):
    short = factories.ticket(city, hotline_no="SHORT")
    _dispatch(short, city["urban"], actor=dispatcher)
    long = factories.ticket(city, hotline_no="LONG")
    for department in [city["urban"], city["market"], city["housing"]] * 3:  # nine dispatches, each ending the last
        _dispatch(long, department, actor=dispatcher)
    client.force_login(supervisor)
    _queries(client, short)  # warm: the first page builds the graph in this process

    assert long.events.count() >= 6 * short.events.count()  # and as many more history rows
    assert _queries(client, long) == _queries(client, short)


def test_a_gunicorn_worker_builds_the_graph_before_its_first_request(city):
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    graph_cache_clear()

    hooks["post_worker_init"](None)

    with CaptureQueriesContext(connection) as captured:
        current_graph()
    assert len(captured) == 1  # the version check only: the graph is already built
