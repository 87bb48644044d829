"""Lists page by keyset (cursor) and run a constant number of queries at any page size (docs/scale.md)."""

import base64
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from arbitration import keyset
from arbitration.errors import InvalidInput
from arbitration.models import Assignment, Ticket
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db
API = "/api/v1/tickets/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def tickets(city, dispatcher):
    """Seven tickets dispatched to the urban bureau (by the dispatcher, whom the API names per assignment); three
    share one received time, so the key's tie-break on the id is exercised."""
    made = []
    for n in range(7):
        received = at(2026, 3, 2, 9) if n in (2, 3, 4) else at(2026, 3, 1 + n, 8)
        made.append(factories.ticket(city, dispatched_to=city["urban"], hotline_no=f"K{n}", received_at=received))
    Assignment.objects.update(assigned_by=dispatcher)  # plain column, no history needed for a list's reads
    return made


def newest_first() -> list[str]:
    return list(Ticket.objects.order_by("-received_at", "-pk").values_list("hotline_no", flat=True))


def follow(client, url: str, query: dict, link: str = "next") -> list[list[str]]:
    pages, answer = [], client.get(url, query).json()
    while True:
        pages.append([row["hotline_no"] for row in answer["results"]])
        if not answer[link]:
            return pages
        answer = client.get(answer[link]).json()


def test_following_next_walks_the_whole_list_once_in_order_and_previous_walks_back(tickets, dispatcher):
    client = api(dispatcher)
    pages = follow(client, API, {"page_size": 3})
    assert pages == [newest_first()[0:3], newest_first()[3:6], newest_first()[6:7]]

    last = client.get(API, {"page_size": 3}).json()
    last = client.get(client.get(last["next"]).json()["next"]).json()
    assert last["next"] is None
    back = client.get(last["previous"]).json()
    assert [row["hotline_no"] for row in back["results"]] == newest_first()[3:6]
    first = client.get(back["previous"]).json()
    assert [row["hotline_no"] for row in first["results"]] == newest_first()[0:3]
    assert first["previous"] is None


def test_the_answer_carries_an_exact_count_while_the_list_is_small(tickets, dispatcher):
    answer = api(dispatcher).get(API, {"page_size": 2}).json()
    assert (answer["count"], answer["count_is_estimate"]) == (7, False)


def test_past_the_exact_count_limit_postgresql_estimates_and_says_so(tickets, dispatcher, settings):
    settings.MINGZE_LIST_EXACT_COUNT_LIMIT = 3
    answer = api(dispatcher).get(API, {"page_size": 2}).json()
    if connection.vendor == "postgresql":
        assert answer["count_is_estimate"] is True
        assert answer["count"] >= 4  # never below what was seen: the capped count found more than the limit
    else:  # SQLite has no estimate: it counts
        assert (answer["count"], answer["count_is_estimate"]) == (7, False)


@pytest.mark.parametrize("page_size", ["0", "-1", "abc", "201", "1.5"])
def test_a_page_size_out_of_bounds_is_a_400_naming_it(tickets, dispatcher, page_size):
    response = api(dispatcher).get(API, {"page_size": page_size})
    assert response.status_code == 400
    assert response.json()["details"]["field"] == "page_size"


def test_the_largest_page_size_is_the_setting(tickets, dispatcher, settings):
    settings.MINGZE_LIST_MAX_PAGE_SIZE = 5
    client = api(dispatcher)
    assert len(client.get(API, {"page_size": 5}).json()["results"]) == 5
    assert client.get(API, {"page_size": 6}).status_code == 400


def forged(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "!!!",
        forged({"b": False, "k": ["2026-03-02T09:00:00+08:00"]}),  # a key of the wrong length
        forged({"b": False, "k": ["not a time", 3]}),
        forged({"b": "yes", "k": ["2026-03-02T09:00:00+08:00", 3]}),
        forged({"b": False, "k": [None, 3]}),  # received_at is never NULL
        forged([1, 2]),
    ],
)
def test_a_cursor_this_list_did_not_make_is_a_400_naming_it(tickets, dispatcher, cursor):
    response = api(dispatcher).get(API, {"cursor": cursor})
    assert response.status_code == 400, response.content
    assert response.json()["details"]["field"] == "cursor"


def test_the_next_link_keeps_the_filters(tickets, city, dispatcher):
    factories.ticket(city, hotline_no="OTHER", status="closed", received_at=at(2026, 3, 5, 8))
    client = api(dispatcher)
    pages = follow(client, API, {"status": "dispatched", "page_size": 2})
    assert [no for page in pages for no in page] == [no for no in newest_first() if no != "OTHER"]


def test_the_ticket_list_page_pages_by_cursor_and_keeps_its_filters(client, tickets, city, dispatcher):
    factories.ticket(city, hotline_no="OTHER", status="closed", received_at=at(2026, 3, 5, 8))
    client.force_login(dispatcher)
    url, seen, query = reverse("ticket-list"), [], {"status": "dispatched"}
    response = client.get(url, query)
    while True:
        page = response.context["page"]
        seen += [t["hotline_no"] for t in page.rows]
        if not page.next_cursor:
            break
        assert f"cursor={page.next_cursor}" in response.content.decode()
        response = client.get(url, {**query, "cursor": page.next_cursor})
    assert len(seen) == 7 and "OTHER" not in seen  # one page: 7 < 50
    assert client.get(url, {"cursor": "abc"}).status_code == 400


def test_a_nullable_key_pages_forwards_and_backwards_with_nulls_last(tickets):
    for n, ticket in enumerate(tickets):  # due_at NULL on some rows, ties on others
        ticket.due_at = None if n % 3 == 0 else at(2026, 4, 1 + n % 2)
        ticket.save(update_fields=["due_at"])
    queryset = Ticket.objects.all()
    expected = [t.hotline_no for t in sorted(tickets, key=lambda t: (t.due_at is None, t.due_at or 0, t.pk))]
    ks = keyset.Keyset(queryset, ("due_at", "pk"))
    seen, page = [], ks.page(None, 2)
    seen += [t.hotline_no for t in page.rows]
    while page.next_cursor:
        page = ks.page(page.next_cursor, 2)
        seen += [t.hotline_no for t in page.rows]
    assert seen == expected
    back = []
    while page.previous_cursor:
        page = ks.page(page.previous_cursor, 2)
        back = [t.hotline_no for t in page.rows] + back
    assert back == expected[: len(back)] and len(back) == 6  # every row before the last page's one


def test_a_deep_page_filters_on_the_key_and_never_offsets(tickets):
    ks = keyset.Keyset(Ticket.objects.all(), ("-received_at", "-pk"))
    cursor = ks.page(None, 3).next_cursor
    with CaptureQueriesContext(connection) as queries:
        ks.page(cursor, 3, count=False)
    sql = queries.captured_queries[0]["sql"].upper()
    assert "OFFSET" not in sql and "RECEIVED_AT" in sql.split("WHERE", 1)[1]


def test_rows_read_as_values_page_with_the_same_cursors_as_model_rows(tickets):
    ordering = ("-received_at", "-pk")
    models, values = keyset.Keyset(Ticket.objects.all(), ordering), keyset.Keyset(Ticket.objects.all(), ordering)
    values.queryset = values.queryset.values("hotline_no", *(part.name for part in values.parts))
    as_models, as_values = models.page(None, 2), values.page(None, 2)
    while as_models.next_cursor:
        assert [row["hotline_no"] for row in as_values.rows] == [t.hotline_no for t in as_models.rows]
        assert as_values.next_cursor == as_models.next_cursor
        as_models, as_values = models.page(as_models.next_cursor, 2), values.page(as_values.next_cursor, 2)
    assert as_values.next_cursor is None and as_values.previous_cursor == as_models.previous_cursor


def test_an_in_memory_list_pages_by_position_with_the_same_cursor_rules():
    page = keyset.list_page(list(range(5)), None, 2)
    assert page.rows == [0, 1] and page.previous_cursor is None
    page = keyset.list_page(list(range(5)), page.next_cursor, 2)
    assert page.rows == [2, 3]
    assert keyset.list_page(list(range(5)), page.previous_cursor, 2).rows == [0, 1]
    with pytest.raises(InvalidInput):
        keyset.list_page(list(range(5)), forged({"p": 99}), 2)


# --- no query per row ---------------------------------------------------------------------------------------------
def paginated_list_endpoints() -> list[str]:
    """Every GET in the API schema answering a paginated list (`results`) on a path without parameters: a new list
    endpoint is covered here without being named."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if "{" in path or get is None:
            continue
        content = get["responses"].get("200", {}).get("content", {}).get("application/json", {})
        ref = content.get("schema", {}).get("$ref", "")
        component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}) if ref else {}
        if "results" in component.get("properties", {}):
            found.append(path)
    return found


def queries_at(client, url: str, page_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code in (200, 403, 404), (url, response.content[:300])  # 403, 404: not theirs to list
    rows = len(response.json().get("results", [])) if response.status_code == 200 else 0
    return len(queries), rows


def test_the_enumeration_finds_the_main_list_endpoints():
    endpoints = paginated_list_endpoints()
    assert {"/api/v1/tickets/", "/api/v1/supervision/cases/", "/api/v1/legal/cases/"} <= set(endpoints)


@pytest.mark.parametrize("persona", ["administrator", "supervisor", "liaison_urban"])
def test_every_list_endpoint_runs_the_same_queries_at_two_page_sizes(request, tickets, persona):
    client = api(request.getfixturevalue(persona))
    for url in paginated_list_endpoints():
        queries_at(client, url, 1)  # warm: a first call may fill a process cache (the jurisdiction graph)
        small, small_rows = queries_at(client, url, 1)
        large, large_rows = queries_at(client, url, 5)
        assert small == large, (url, small, large)
        if url == API:  # the tickets' list sees rows for each persona: the comparison is between real pages
            assert (small_rows, large_rows) == (1, 5)


@pytest.mark.parametrize("persona", ["dispatcher", "liaison_urban"])
def test_the_ticket_list_page_runs_the_same_queries_for_a_short_and_a_full_page(
    request, client, tickets, city, persona, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    client.get(reverse("ticket-list"))  # the process's jurisdiction graph is built on a first call (its own queries)
    with CaptureQueriesContext(connection) as short:
        assert len(client.get(reverse("ticket-list")).context["page"].rows) == 7
    for n in range(50):
        factories.ticket(city, dispatched_to=city["urban"], hotline_no=f"F{n:02d}", received_at=at(2026, 2, 1, 8))
    with django_assert_num_queries(len(short)):
        assert len(client.get(reverse("ticket-list")).context["page"].rows) == 50
