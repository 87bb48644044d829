"""Catalogue analysis (gaps, overlaps, hot spots): the functions, the pages with CSV, the API, the command."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from arbitration.graph import LeadMove, current_graph, cycles, gaps, hotspots, lead_moves_load, overlaps
from arbitration.services.dispatch import ticket_dispatch
from tests import factories

from .conftest import precedent

pytestmark = pytest.mark.django_db


def test_a_matter_nobody_leads_is_one_gap_row_for_the_whole_city(graph_city):
    rows = [g for g in gaps(current_graph(), at=timezone.now()) if g.matter_code == "010103"]

    assert [(g.territory_code, g.whole_subtree) for g in rows] == [("370800", True)]


def test_a_district_lead_leaves_the_rest_of_the_city_as_gaps(graph_city):
    factories.duty(graph_city["gov_a"], graph_city["noise"], graph_city["district_a"])

    rows = [g for g in gaps(current_graph(), at=timezone.now()) if g.matter_code == "010103"]

    assert [(g.territory_code, g.whole_subtree, g.fallback_department) for g in rows] == [
        ("370800", False, ""),
        ("370811", True, "西山区人民政府"),
    ]


def test_two_leads_at_the_same_scope_are_an_overlap_until_a_precedent_settles_it(graph_city):
    factories.duty(graph_city["housing"], graph_city["stall"], graph_city["city"])
    [row] = overlaps(current_graph(), at=timezone.now())
    assert [d[1] for d in row.departments] == ["CGJ", "ZJJ"] and row.settled_by == ""

    precedent(graph_city["urban"], graph_city["stall"], graph_city["district_a"], "明责认〔2026〕5号")
    [row] = overlaps(current_graph(), at=timezone.now())
    assert row.settled_by == ""  # the precedent covers district A only, not the city-wide tie
    precedent(graph_city["urban"], graph_city["stall"], graph_city["city"], "明责认〔2026〕6号")
    assert overlaps(current_graph(), at=timezone.now())[0].settled_by == "明责认〔2026〕6号"


def test_tickets_sent_back_and_forth_are_a_hot_spot_and_a_cycle(graph_city, dispatcher):
    ticket = factories.ticket(graph_city, dispatched_to=graph_city["urban"])
    for department in ("market", "urban"):
        ticket_dispatch(
            ticket_id=ticket.pk,
            lead_department_id=graph_city[department].pk,
            actor=dispatcher,
            reason="改派",
            override_reason="双方均称非本单位职责",
        )
    graph, moves = current_graph(), lead_moves_load()

    [pair] = hotspots(graph, moves)
    assert (pair.department_a[1], pair.department_b[1], pair.a_to_b, pair.b_to_a, pair.tickets) == (
        "CGJ",
        "SJJ",
        1,
        1,
        1,
    )
    [cycle] = cycles(graph, moves)
    assert cycle.hotline_no == ticket.hotline_no and [d[1] for d in cycle.departments] == ["CGJ", "SJJ", "CGJ"]


def test_hot_spots_rank_pairs_by_bounces_first(graph_city):
    ids = {key: graph_city[key].pk for key in ("urban", "market", "housing")}
    moves = [
        LeadMove(1, "T1", ids["urban"], ids["market"], False),
        LeadMove(2, "T2", ids["urban"], ids["market"], False),
        LeadMove(3, "T3", ids["housing"], ids["market"], True),
    ]

    pairs = hotspots(current_graph(), moves)

    assert [(p.department_a[1], p.department_b[1], p.bounces, p.total) for p in pairs] == [
        ("SJJ", "ZJJ", 1, 1),
        ("CGJ", "SJJ", 0, 2),
    ]


def test_the_gap_page_lists_gaps_and_exports_csv(client, graph_city, dispatcher):
    client.force_login(dispatcher)

    page = client.get(reverse("catalogue-report", args=["gaps"]))
    csv = client.get(reverse("catalogue-report", args=["gaps"]), {"format": "csv"})

    assert page.status_code == 200 and "夜间施工噪声" in page.content.decode()
    assert csv["Content-Type"].startswith("text/csv")
    assert "010103,夜间施工噪声,370800,明州市" in csv.content.decode("utf-8-sig")


@pytest.mark.parametrize("kind", ["overlaps", "hotspots"])
def test_the_other_analysis_pages_open(client, graph_city, dispatcher, kind):
    client.force_login(dispatcher)

    assert client.get(reverse("catalogue-report", args=[kind])).status_code == 200
    assert client.get(reverse("catalogue-report", args=[kind]), {"format": "csv"}).status_code == 200


def test_analysis_is_hidden_from_liaisons(client, graph_city, liaison_urban):
    client.force_login(liaison_urban)

    assert client.get(reverse("catalogue-report", args=["gaps"])).status_code == 404
    assert client.get(reverse("api:catalogue-gaps")).status_code == 404
    assert client.get(reverse("graph-view")).status_code == 404


def test_the_api_lists_gaps_overlaps_and_hot_spots(client, graph_city, dispatcher):
    factories.duty(graph_city["housing"], graph_city["stall"], graph_city["city"])
    client.force_login(dispatcher)

    gap_rows = client.get(reverse("api:catalogue-gaps")).json()["results"]
    overlap_rows = client.get(reverse("api:catalogue-overlaps")).json()["results"]
    hot = client.get(reverse("api:catalogue-hotspots")).json()

    assert {"matter_code": "010103", "territory_code": "370800"}.items() <= gap_rows[0].items()
    assert [d["code"] for d in overlap_rows[0]["departments"]] == ["CGJ", "ZJJ"]
    assert hot == {"pairs": [], "cycles": []}


def test_the_openapi_schema_documents_the_graph_endpoints(client, dispatcher):
    client.force_login(dispatcher)

    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]

    for path in (
        "/api/v1/tickets/{hotline_no}/suggestion/",
        "/api/v1/tickets/{hotline_no}/dispatch/",
        "/api/v1/catalogue/gaps/",
        "/api/v1/catalogue/overlaps/",
        "/api/v1/catalogue/hotspots/",
    ):
        assert path in paths


def test_the_graph_view_draws_a_department_or_a_matter_neighbourhood(client, graph_city, dispatcher):
    precedent(graph_city["urban"], graph_city["noise"], graph_city["district_a"], "明责认〔2026〕7号")
    client.force_login(dispatcher)

    page = client.get(reverse("graph-view"), {"department": graph_city["urban"].pk}).content.decode()
    department = client.get(reverse("graph-neighbourhood"), {"department": graph_city["urban"].pk}).json()
    matter = client.get(reverse("graph-neighbourhood"), {"matter": graph_city["stall"].pk}).json()

    assert "vendor/cytoscape/cytoscape.min.js" in page
    kinds = {e["data"]["kind"] for e in department["elements"] if "source" in e["data"]}
    assert kinds == {"duty", "precedent"}
    labels = {e["data"]["label"] for e in matter["elements"] if "source" not in e["data"]}
    assert {"占道经营", "市城市管理局", "市容环境"} <= labels


def test_the_command_prints_each_report(graph_city):
    out = io.StringIO()
    call_command("catalogue_report", "gaps", stdout=out)
    assert "夜间施工噪声" in out.getvalue()

    out = io.StringIO()
    call_command("catalogue_report", "overlaps", "--csv", stdout=out)
    assert out.getvalue().count("\n") == 1  # the header only: the small city has no overlap
