"""Counts remembered for a few seconds (docs/scale.md, "Remembered figures"): a list's count is shared by every page
of the list and by the next view of it; the navigation's counts by a person's next pages, until they change
something. The test settings count on every page; these tests turn remembering on."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def remembering(settings):
    settings.MINGZE_LIST_COUNT_SECONDS = 30
    settings.MINGZE_QUEUE_COUNT_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def _counts(client, path: str, query: dict | None = None):
    """(the page, how many counts it ran: the navigation's are asked together in one statement, one COUNT each)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, query or {})
    assert response.status_code == 200
    return response, sum(q["sql"].count("COUNT(") for q in captured.captured_queries)


def test_a_list_count_is_shared_by_its_pages_and_read_again_once_forgotten(client, city, supervisor):
    for number in range(7):
        ticket(city, hotline_no=f"R{number}")
    client.force_login(supervisor)

    first, counted = _counts(client, "/tickets/", {"page_size": 3})
    assert first.context["page"].count.value == 7 and counted >= 1
    ticket(city, hotline_no="R7")
    following = {"page_size": 3, "cursor": first.context["page"].next_cursor}
    second, counted_again = _counts(client, "/tickets/", following)

    assert second.context["page"].count.value == 7  # remembered: the new ticket is counted within 30 s
    assert counted_again == 0  # neither the list's count nor the navigation's was read again
    cache.clear()
    assert _counts(client, "/tickets/", {"page_size": 3})[0].context["page"].count.value == 8


def test_a_list_under_other_filters_is_counted_apart(client, city, supervisor):
    ticket(city, hotline_no="A1")
    ticket(city, hotline_no="A2", dispatched_to=city["urban"])
    client.force_login(supervisor)

    assert _counts(client, "/tickets/")[0].context["page"].count.value == 2
    assert _counts(client, "/tickets/", {"department": city["urban"].pk})[0].context["page"].count.value == 1


def _navigation(response) -> dict[str, int]:
    return {item["key"]: item["count"] for item in response.context["queue_counts"]}


def test_the_navigation_counts_are_remembered_until_the_person_changes_something(client, city, liaison_urban):
    ticket(city, hotline_no="N1", dispatched_to=city["urban"])
    client.force_login(liaison_urban)
    before = _navigation(client.get("/"))  # the home page counts afresh, and its counts are remembered
    assert before

    page, counted = _counts(client, "/tickets/")
    assert counted == 1  # the list's own count: the navigation's are the home page's
    ticket(city, hotline_no="N2", dispatched_to=city["urban"])  # more work arrives through the intake
    assert _navigation(page) == before == _navigation(_counts(client, "/tickets/")[0])

    client.post("/tickets/", {})  # any change the person asks for, even one refused, forgets them
    page, counted = _counts(client, "/tickets/")
    assert counted > 1 and _navigation(page) != before
