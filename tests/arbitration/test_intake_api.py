"""The intake API (a public contract) and reading tickets back: idempotence, refusals, visibility, masking."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from arbitration.choices import AssignmentRole, TicketStatus
from arbitration.models import Assignment, Ticket, TicketEvent, User
from arbitration.services.reference import HOTLINE_PLATFORM_USER
from config.authentication import TokenAuthentication
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets/"


def payload(**changes) -> dict:
    data = {
        "hotline_no": "SD2026030200001",
        "received_at": "2026-03-02T09:00:00+08:00",
        "request_type": "complaint",
        "matter": "010101",
        "territory": "370802001001",
        "address": "湖滨路1号",
        "title": "占道经营",
        "content": "小区门口每天晚上有摊贩占道经营。",
        "citizen_name": "张三丰",
        "citizen_phone": "13812341234",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def written() -> tuple[int, int, int, int]:
    return Ticket.objects.count(), Ticket.history.count(), TicketEvent.objects.count(), Assignment.objects.count()


# --- intake --------------------------------------------------------------------------------------------------
def test_a_new_ticket_is_created_with_one_history_row_naming_the_poster(city, dispatcher):
    response = client_for(dispatcher).post(URL, payload(), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["outcome"] == "created"
    ticket = Ticket.objects.get(hotline_no="SD2026030200001")
    (row,) = ticket.history.all()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "+",
        dispatcher,
        "received from the hotline platform",
    )
    assert ticket.time_limit_tier.is_default  # no time_limit: the default tier


def test_sending_the_same_payload_twice_changes_nothing_and_writes_no_second_history_row(city, dispatcher):
    client = client_for(dispatcher)
    client.post(URL, payload(dispatched_to="CGJ", dispatched_at="2026-03-02T09:30:00"), format="json")
    before = written()

    again = client.post(URL, payload(dispatched_to="CGJ", dispatched_at="2026-03-02T09:30:00"), format="json")

    assert again.status_code == 200
    assert again.json()["outcome"] == "unchanged"
    assert written() == before
    assert Assignment.history.count() == 1


def test_a_changed_payload_updates_the_ticket_with_one_history_row(city, dispatcher):
    client = client_for(dispatcher)
    client.post(URL, payload(), format="json")

    response = client.post(URL, payload(status="replied", result="已清理摊位", resolution="解决"), format="json")

    assert response.status_code == 200
    assert response.json()["outcome"] == "updated"
    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.result, ticket.resolution) == ("replied", "已清理摊位", "resolved")
    latest = ticket.history.first()
    assert (latest.history_type, latest.history_user) == ("~", dispatcher)


def test_dispatched_to_makes_the_department_lead_and_starts_the_clock(city, dispatcher):
    response = client_for(dispatcher).post(
        URL, payload(dispatched_to="CGJ", dispatched_at="2026-03-02 09:30", time_limit="3wd"), format="json"
    )

    body = response.json()
    assert body["status"] == TicketStatus.DISPATCHED
    assert [(a["department"]["code"], a["role"]) for a in body["assignments"]] == [("CGJ", AssignmentRole.LEAD)]
    assert body["time_limit"]["code"] == "3wd"
    assert body["due_at"].startswith("2026-03-05T17:30")  # three working days, at office closing (city time)


def test_an_assignment_keeps_its_stored_reason_and_gives_it_in_the_callers_language(city, dispatcher):
    client_for(dispatcher).post(URL, payload(dispatched_to="CGJ"), format="json")

    (zh,) = client_for(dispatcher).get(f"{URL}SD2026030200001/").json()["assignments"]
    (en,) = client_for(dispatcher).get(f"{URL}SD2026030200001/", HTTP_ACCEPT_LANGUAGE="en").json()["assignments"]

    assert zh["reason"] == en["reason"] == "received from the hotline platform"  # as stored (arbitration.reasons)
    assert (zh["reason_display"], en["reason_display"]) == ("接收自热线平台", "received from the hotline platform")


def test_enum_values_may_be_given_by_their_chinese_labels(city, dispatcher):
    response = client_for(dispatcher).post(
        URL, payload(request_type="投诉", channel="小程序", confidential="是"), format="json"
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert (ticket.request_type, ticket.channel, ticket.confidential) == ("complaint", "mini_program", True)


BAD_INPUTS = [
    ({"title": None}, "invalid", "title"),
    ({"title": "   "}, "invalid", "title"),
    ({"received_at": None}, "invalid", "received_at"),
    ({"matter": "999999"}, "unknown_code", "matter"),
    ({"territory": "999999"}, "unknown_code", "territory"),
    ({"dispatched_to": "NOPE"}, "unknown_code", "dispatched_to"),
    ({"time_limit": "7wd"}, "unknown_code", "time_limit"),
    ({"request_type": "gossip"}, "invalid", "request_type"),
    ({"status": "lost"}, "invalid", "status"),
    ({"satisfaction": "meh"}, "invalid", "satisfaction"),
    ({"received_at": "yesterday"}, "invalid", "received_at"),
    ({"title": "长" * 201}, "invalid", "title"),
    ({"citizen_phone": "12345"}, "invalid", "citizen_phone"),
    ({"citizen_phone": "138-1234-1234x"}, "invalid", "citizen_phone"),
    ({"dispatched_at": "2026-03-01T09:00:00+08:00"}, "invalid", "dispatched_at"),
    ({"hotline_no": "SD/2026"}, "invalid", "hotline_no"),
    ({"confidential": "maybe"}, "invalid", "confidential"),
    ({"content": 42.5}, "invalid", "content"),
]


@pytest.mark.parametrize(("changes", "code", "field"), BAD_INPUTS)
def test_every_bad_input_is_refused_naming_the_field_and_writes_nothing(city, dispatcher, changes, code, field):
    response = client_for(dispatcher).post(URL, payload(**changes), format="json")

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["details"]["field"]) == (code, field)
    assert body["message"]
    assert written() == (0, 0, 0, 0)


def test_a_body_that_is_not_an_object_is_refused(city, dispatcher):
    response = client_for(dispatcher).post(URL, [payload()], format="json")

    assert response.status_code == 400
    assert response.json()["details"]["field"] == "payload"
    assert written() == (0, 0, 0, 0)


def test_errors_come_in_the_language_the_caller_asks_for(city, dispatcher):
    from arbitration.errors import UnknownCode

    client = client_for(dispatcher)
    chinese = client.post(URL, payload(matter="999999"), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.post(URL, payload(matter="999999"), format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert chinese["Content-Language"] == "zh-hans"
    assert english.json()["message"] == "Unknown matter code: 999999"
    with translation.override("zh-hans"):
        assert chinese.json()["message"] == str(UnknownCode(field="matter", value="999999"))
        catalogue_built = translation.gettext("Unknown {field} code: {value}") != "Unknown {field} code: {value}"
    if catalogue_built:  # the zh-Hans catalogue is compiled by the release step (locale/)
        assert re.search(r"[\u4e00-\u9fff]", chinese.json()["message"])


@pytest.mark.parametrize("who", ["outsider", "liaison_urban", "supervisor"])
def test_only_dispatchers_administrators_and_the_platform_may_post(request, city, who):
    user = request.getfixturevalue(who)

    response = client_for(user).post(URL, payload(), format="json")

    assert response.status_code == 404  # forbidden looks like missing
    assert written() == (0, 0, 0, 0)


def test_the_hotline_platform_posts_with_its_token(city):
    platform = User.objects.get(username=HOTLINE_PLATFORM_USER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=platform).key}")

    response = client.post(URL, payload(), format="json")

    assert response.status_code == 201
    assert Ticket.history.get().history_user == platform
    assert response.json()["citizen_phone"] == "138****1234"  # the platform holds no personal-data role


def test_a_token_gives_its_user_as_stored(city):
    platform = User.objects.get(username=HOTLINE_PLATFORM_USER)
    User.objects.filter(pk=platform.pk).update(last_login=timezone.now())
    user, _token = TokenAuthentication().authenticate_credentials(Token.objects.create(user=platform).key)
    stored = User.objects.get(pk=platform.pk)
    fields = [f.attname for f in User._meta.concrete_fields]
    assert [getattr(user, f) for f in fields] == [getattr(stored, f) for f in fields]  # times as times, on SQLite too
    assert not user._state.adding


@pytest.mark.parametrize("case", ["unknown token", "inactive user"])
def test_a_bad_token_is_refused_and_writes_nothing(city, case):
    platform = User.objects.get(username=HOTLINE_PLATFORM_USER)
    key = Token.objects.create(user=platform).key
    if case == "inactive user":
        User.objects.filter(pk=platform.pk).update(is_active=False)
    else:
        key = key[::-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.post(URL, payload(), format="json")

    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    assert not Ticket.objects.exists()


def test_any_group_given_the_receive_permission_may_post(city, outsider):
    outsider.groups.add(Group.objects.get(name="hotline_platform"))

    assert client_for(User.objects.get(pk=outsider.pk)).post(URL, payload(), format="json").status_code == 201


def test_nobody_unauthenticated_reads_or_writes(city):
    client = APIClient()

    assert client.post(URL, payload(), format="json").status_code in (401, 403)
    assert client.get(URL).status_code in (401, 403)
    assert written() == (0, 0, 0, 0)


# --- reading back --------------------------------------------------------------------------------------------
@pytest.fixture
def two_tickets(city):
    return {
        "urban": factories.ticket(city, hotline_no="URBAN1", dispatched_to=city["urban"]),
        "market": factories.ticket(city, hotline_no="MARKET1", dispatched_to=city["market"], matter_id=city["food"].pk),
    }


def test_a_liaison_cannot_read_another_departments_ticket_and_it_looks_missing(two_tickets, liaison_urban):
    client = client_for(liaison_urban)

    forbidden = client.get(f"{URL}MARKET1/")
    missing = client.get(f"{URL}NOSUCH1/")

    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert client.get(f"{URL}MARKET1/history/").status_code == 404
    assert client.get(f"{URL}URBAN1/").status_code == 200


def test_a_liaison_lists_only_their_departments_tickets(two_tickets, liaison_urban, liaison_market, dispatcher):
    def listed(user):
        return [row["hotline_no"] for row in client_for(user).get(URL).json()["results"]]

    assert listed(liaison_urban) == ["URBAN1"]
    assert listed(liaison_market) == ["MARKET1"]
    assert sorted(listed(dispatcher)) == ["MARKET1", "URBAN1"]


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("dispatcher", ("张三", "13812341234")),
        ("liaison_urban", ("张三", "13812341234")),  # the handling department's liaison needs to call back
        ("supervisor", ("张*", "138****1234")),
    ],
)
def test_personal_data_is_masked_for_roles_that_do_not_need_it(request, two_tickets, who, shown):
    body = client_for(request.getfixturevalue(who)).get(f"{URL}URBAN1/").json()

    assert (body["citizen_name"], body["citizen_phone"]) == shown


def test_a_confidential_ticket_is_masked_even_for_the_handling_liaison(city, liaison_urban):
    factories.ticket(city, hotline_no="SECRET1", dispatched_to=city["urban"], confidential=True)

    body = client_for(liaison_urban).get(f"{URL}SECRET1/").json()

    assert body["citizen_phone"] == "138****1234"


def test_lists_mask_personal_data_by_the_same_rule_as_one_ticket(two_tickets, liaison_urban, dispatcher, supervisor):
    # The list applies the per-ticket rule row by row (it used to mask every row for liaisons): the lead's
    # liaison sees their ticket in full, as on its own page; a supervisor sees every row masked.
    (row,) = client_for(liaison_urban).get(URL).json()["results"]
    assert (row["citizen_name"], row["citizen_phone"]) == ("张三", "13812341234")
    rows = client_for(dispatcher).get(URL).json()["results"]
    assert {row["citizen_phone"] for row in rows} == {"13812341234"}
    rows = client_for(supervisor).get(URL).json()["results"]
    assert {row["citizen_phone"] for row in rows} == {"138****1234"}


def test_history_shows_who_when_what_and_why_masking_personal_data(city, dispatcher, supervisor):
    client = client_for(dispatcher)
    client.post(URL, payload(dispatched_to="CGJ"), format="json")
    client.post(URL, payload(dispatched_to="CGJ", citizen_phone="13999998888"), format="json")

    full = client.get(f"{URL}SD2026030200001/history/").json()
    masked = client_for(supervisor).get(f"{URL}SD2026030200001/history/").json()

    assert {entry["actor"] for entry in full} == {"派单员"}
    assert {entry["reason"] for entry in full} == {"接收自热线平台"}  # INTAKE_REASON, in the reader's language
    assert len({entry["subject"] for entry in full}) == 2  # the ticket and its assignment
    assert [entry["action"] for entry in full].count("created") == 2
    (phone_change,) = [c for e in full for c in e["changes"] if c["field"] == "citizen_phone"]
    assert (phone_change["old"], phone_change["new"]) == ("13812341234", "13999998888")
    (masked_change,) = [c for e in masked for c in e["changes"] if c["field"] == "citizen_phone"]
    assert (masked_change["old"], masked_change["new"]) == ("138****1234", "139****8888")


def test_the_list_filters_by_status_department_matter_territory_and_date(city, dispatcher):
    factories.ticket(city, hotline_no="A1", dispatched_to=city["urban"])
    factories.ticket(
        city,
        hotline_no="B1",
        matter_id=city["food"].pk,
        territory_id=city["community_b1"].pk,
        received_at=factories.at(2026, 4, 1),
    )
    client = client_for(dispatcher)

    def listed(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.json()
        return sorted(row["hotline_no"] for row in response.json()["results"])

    assert listed(status="dispatched") == ["A1"]
    assert listed(department="CGJ") == ["A1"]
    assert listed(matter="0101") == ["A1", "B1"]  # a family includes the matters under it
    assert listed(matter="010102") == ["B1"]
    assert listed(territory="370811") == ["B1"]
    assert listed(received_from="2026-03-15") == ["B1"]
    assert listed(received_to="2026-03-02") == ["A1"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"department": "NOPE"}, "department"),
        ({"status": "lost"}, "status"),
        ({"received_from": "soon"}, "received_from"),
    ],
)
def test_a_bad_list_filter_is_a_400_naming_it(city, dispatcher, params, field):
    response = client_for(dispatcher).get(URL, params)

    assert response.status_code == 400
    assert response.json()["details"]["field"] == field


def test_the_list_costs_the_same_queries_at_any_size(city, liaison_urban):
    client = client_for(liaison_urban)

    def queries_for_page() -> int:
        client.get(URL)  # warm the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    factories.ticket(city, dispatched_to=city["urban"])
    few = queries_for_page()
    for _ in range(12):
        factories.ticket(city, dispatched_to=city["urban"])
    assert queries_for_page() == few
    assert few <= 8


def test_the_intake_endpoints_are_in_the_openapi_schema_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    from arbitration.api import tickets as ticket_api

    patterns = [
        path("api/v1/tickets/", ticket_api.TicketCollection.as_view()),
        path("api/v1/tickets/<str:hotline_no>/", ticket_api.TicketDetail.as_view()),
        path("api/v1/tickets/<str:hotline_no>/history/", ticket_api.TicketHistory.as_view()),
    ]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
    assert set(schema["paths"]["/api/v1/tickets/"]) == {"get", "post"}
    assert "hotline_no" in schema["components"]["schemas"]["TicketIntakeRequest"]["properties"]


def test_the_schema_endpoint_serves_the_intake_paths(dispatcher):
    response = client_for(dispatcher).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert "/api/v1/tickets/{hotline_no}/history/" in response.json()["paths"]
