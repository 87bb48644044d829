"""The graph view in a real browser: the vendored cytoscape.js draws a department's neighbourhood."""

import pytest

from tests.arbitration.graph.conftest import graph_city, precedent  # noqa: F401 - graph_city is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_graph_view_draws_the_neighbourhood_of_a_department(live_server, page, login, graph_city, dispatcher):  # noqa: F811 - fixture
    precedent(graph_city["urban"], graph_city["noise"], graph_city["district_a"], "明责认〔2026〕8号")
    login(page, "dispatcher", "pw-dispatcher")

    page.goto(f"{live_server.url}/graph/?department={graph_city['urban'].pk}")
    page.wait_for_selector("#graph[data-nodes]")

    assert int(page.get_attribute("#graph", "data-nodes")) == 3  # the bureau and its two matters
    assert int(page.get_attribute("#graph", "data-edges")) == 2  # a catalogue duty and a precedent
    assert page.locator("#graph canvas").count() >= 1
    assert page.evaluate("window.mingzeGraph.edges('[kind = \"precedent\"]').length") == 1
