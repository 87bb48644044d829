"""The hotline platform's events after intake, through POST /api/v1/tickets/{hotline_no}/events/ (a public contract).

Tickets arrive through POST /api/v1/tickets/ as the platform sends them; every fact under test comes from an event.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import path
from django.utils import timezone, translation
from rest_framework.test import APIClient

from arbitration.choices import PLATFORM_EVENT_KINDS, Resolution, Satisfaction, TicketEventKind, TicketStatus
from arbitration.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

TICKETS = "/api/v1/tickets/"
NUMBER = "SD2026030200001"
EVENTS = f"{TICKETS}{NUMBER}/events/"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def ticket_payload(**changes) -> dict:
    data = {
        "hotline_no": NUMBER,
        "received_at": "2026-03-02T09:00:00+08:00",  # a Monday
        "dispatched_at": "2026-03-02T09:30:00+08:00",
        "dispatched_to": "CGJ",
        "request_type": "complaint",
        "matter": "010101",
        "territory": "370802001001",
        "title": "占道经营",
        "content": "小区门口每天晚上有摊贩占道经营。",
        "citizen_name": "张三丰",
        "citizen_phone": "13812341234",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def platform(city, dispatcher) -> APIClient:
    """The platform's client, with one dispatched ticket received through the intake API."""
    client = APIClient()
    client.force_login(dispatcher)
    assert client.post(TICKETS, ticket_payload(), format="json").status_code == 201
    return client


def post(client: APIClient, event_id: str, kind: str, at: str, **facts):
    return client.post(EVENTS, {"event_id": event_id, "kind": kind, "at": at, **facts}, format="json")


def written() -> tuple[int, int, list]:
    ticket = Ticket.objects.get(hotline_no=NUMBER)
    facts = [getattr(ticket, name) for name in ("status", "signed_at", "replied_at", "visited_at", "reminder_count")]
    return TicketEvent.objects.count(), Ticket.history.count(), facts


def reply_and_visit(client, satisfaction: str = "满意") -> None:
    assert post(client, "R1", "replied", "2026-03-04T16:00:00", text="已清理摊点。").status_code == 201
    assert post(client, "V1", "visited", "2026-03-05T09:00:00", satisfaction=satisfaction).status_code == 201


# --- each kind ---------------------------------------------------------------------------------------------------
def test_the_first_response_limit_is_computed_at_dispatch_with_the_working_calendar(platform):
    ticket = Ticket.objects.get(hotline_no=NUMBER)

    # The default tier (5 working days) answers within 3 office hours: Monday 09:30 → 12:30.
    assert ticket.response_due_at == local(2, 12, 30)
    assert ticket.due_at == local(9, 17, 30)


def test_signed_for_and_first_response_set_their_times_and_start_handling(platform):
    signed = post(platform, "E1", "签收", "2026-03-02T10:05:00")
    responded = post(platform, "E2", "first_response", "2026-03-02T11:00:00+08:00", text="已电话联系市民。")

    assert (signed.status_code, responded.status_code) == (201, 201)
    assert responded.json()["ticket"]["status"] == TicketStatus.HANDLING
    ticket = Ticket.objects.get(hotline_no=NUMBER)
    assert (ticket.signed_at, ticket.first_response_at) == (local(2, 10, 5), local(2, 11))
    event = ticket.events.get(platform_event_id="E1")
    assert (event.kind, event.from_status, event.to_status) == (TicketEventKind.SIGNED, "dispatched", "handling")
    assert event.data["department"] == "CGJ"  # who held the ticket when it was signed for
    assert event.at == local(2, 10, 5)


def test_a_reply_records_the_text_the_reply_time_and_the_handled_time(platform):
    response = post(
        platform, "E1", "replied", "2026-03-04T16:00:00", text="已清理摊点。", handled_at="2026-03-04T11:30:00"
    )

    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(hotline_no=NUMBER)
    assert (ticket.status, ticket.result) == (TicketStatus.REPLIED, "已清理摊点。")
    assert (ticket.handled_at, ticket.replied_at) == (local(4, 11, 30), local(4, 16))
    assert ticket.events.get(platform_event_id="E1").reason == "已清理摊点。"


def test_without_a_handled_time_the_ticket_counts_as_handled_when_replied(platform):
    post(platform, "E1", "replied", "2026-03-04T16:00:00", text="已答复。")

    ticket = Ticket.objects.get(hotline_no=NUMBER)
    assert ticket.handled_at == ticket.replied_at == local(4, 16)


def test_a_satisfied_return_visit_closes_the_ticket(platform):
    reply_and_visit(platform, satisfaction="basically")

    ticket = Ticket.objects.get(hotline_no=NUMBER)
    assert (ticket.status, ticket.satisfaction, ticket.visited_at) == ("closed", "basically", local(5, 9))
    assert ticket.closed_at == local(5, 9)


def test_a_dissatisfied_return_visit_keeps_the_ticket_replied_for_the_centre_to_decide(platform):
    post(platform, "E2", "replied", "2026-03-04T16:00:00", text="已清理摊点。")
    response = post(platform, "E3", "visited", "2026-03-05T09:00:00", satisfaction="不满意", resolution="未解决")

    assert response.status_code == 201
    ticket = Ticket.objects.get(hotline_no=NUMBER)
    assert (ticket.status, ticket.satisfaction, ticket.resolution) == ("replied", "dissatisfied", "unresolved")
    assert ticket.closed_at is None


def test_re_handling_reopens_the_ticket_with_a_new_due_time_and_keeps_the_first_round_on_its_events(platform):
    reply_and_visit(platform, satisfaction="不满意")

    response = post(platform, "E4", "重办", "2026-03-05T10:00:00", time_limit="3wd", text="市民不满意，重办。")

    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(hotline_no=NUMBER)
    assert (ticket.status, ticket.rehandle_count) == (TicketStatus.HANDLING, 1)
    assert ticket.due_at == local(10, 17, 30)  # three working days from Thursday 5 March
    assert (ticket.replied_at, ticket.visited_at, ticket.satisfaction, ticket.result) == (None, None, "", "")
    first_round = {event.kind: event for event in ticket.events.filter(kind__in=["replied", "visited"])}
    assert first_round["replied"].reason == "已清理摊点。"
    assert first_round["visited"].data["satisfaction"] == Satisfaction.DISSATISFIED
    rehandled = ticket.events.get(platform_event_id="E4")
    assert (rehandled.from_status, rehandled.to_status) == ("replied", "handling")

    # The second round runs like the first.
    assert post(platform, "E5", "replied", "2026-03-09T15:00:00", text="已取缔摊点。").status_code == 201
    assert post(platform, "E6", "visited", "2026-03-10T09:00:00", satisfaction="满意").status_code == 201
    ticket.refresh_from_db()
    assert (ticket.status, ticket.result, ticket.rehandle_count) == ("closed", "已取缔摊点。", 1)


def test_reminders_are_counted(platform):
    post(platform, "E1", "催单", "2026-03-03T10:00:00", text="市民催促尽快处理。")
    post(platform, "E2", "reminded", "2026-03-04T10:00:00")

    assert Ticket.objects.get(hotline_no=NUMBER).reminder_count == 2


def test_a_supplement_is_shown_to_the_handler_in_the_api_and_on_the_ticket_page(platform, client, liaison_urban):
    response = post(platform, "E1", "补单", "2026-03-03T10:00:00", text="市民补充：摊贩每晚七点后出现。")
    assert response.status_code == 201

    api = APIClient()
    api.force_login(liaison_urban)
    detail = api.get(f"{TICKETS}{NUMBER}/").json()
    assert [(s["text"], s["at"]) for s in detail["supplements"]] == [
        ("市民补充：摊贩每晚七点后出现。", "2026-03-03T10:00:00+08:00")
    ]
    client.force_login(liaison_urban)
    with translation.override("zh-hans"):
        html = client.get(f"/tickets/{NUMBER}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "市民补充：摊贩每晚七点后出现。" in html
    assert "市民补充" in html.split('class="supplements"')[1]


def test_the_ticket_page_shows_the_events_in_chinese(platform, client, liaison_urban):
    post(platform, "E1", "signed", "2026-03-02T10:05:00")
    reply_and_visit(platform, satisfaction="基本满意")
    client.force_login(liaison_urban)

    html = client.get(f"/tickets/{NUMBER}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    events = html.split('class="timeline platform-events"')[1].split("</ol>")[0]
    for word in ("签收", "答复", "回访", "基本满意", "已清理摊点。"):
        assert word in events
    assert "Signed for" not in html and "Return visit" not in html


def test_withdrawal_closes_the_ticket_as_withdrawn_and_a_resent_ticket_does_not_reopen_it(platform):
    response = post(platform, "E1", "撤单", "2026-03-03T10:00:00", text="市民已自行解决，申请撤单。")

    assert response.status_code == 201
    ticket = Ticket.objects.get(hotline_no=NUMBER)
    assert (ticket.status, ticket.withdrawn_at, ticket.closed_at) == ("withdrawn", local(3, 10), local(3, 10))
    assert not ticket.is_open
    platform.post(TICKETS, ticket_payload(status="handling", title="占道经营（更新）"), format="json")
    assert Ticket.objects.get(hotline_no=NUMBER).status == TicketStatus.WITHDRAWN


def test_the_events_of_a_ticket_are_listed_oldest_first(platform, liaison_urban):
    post(platform, "E2", "first_response", "2026-03-02T11:00:00")
    post(platform, "E1", "signed", "2026-03-02T10:05:00")  # arrives late, happened first
    api = APIClient()
    api.force_login(liaison_urban)

    listed = api.get(EVENTS).json()

    assert [(e["event_id"], e["kind"]) for e in listed] == [("E1", "signed"), ("E2", "first_response")]


# --- idempotency -------------------------------------------------------------------------------------------------
def test_the_same_event_twice_answers_200_with_the_stored_event_and_writes_nothing(platform):
    first = post(platform, "E1", "replied", "2026-03-04T16:00:00", text="已清理摊点。")
    before = written()

    again = post(platform, "E1", "答复", "2026-03-04T16:00:00+08:00", text="已清理摊点。")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["outcome"] == "unchanged"
    assert again.json()["event"] == first.json()["event"]
    assert written() == before


@pytest.mark.parametrize(
    "changes",
    [
        {"text": "另一段答复。"},
        {"at": "2026-03-04T17:00:00"},
        {"kind": "supplemented"},
        {"handled_at": "2026-03-04T12:00:00"},
    ],
)
def test_the_same_event_id_with_other_content_is_a_409_and_writes_nothing(platform, changes):
    post(platform, "E1", "replied", "2026-03-04T16:00:00", text="已清理摊点。")
    before = written()

    body = {"event_id": "E1", "kind": "replied", "at": "2026-03-04T16:00:00", "text": "已清理摊点。", **changes}
    response = platform.post(EVENTS, body, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "event_id_conflict"
    assert written() == before


def test_an_event_id_used_on_another_ticket_is_a_409(platform):
    platform.post(TICKETS, ticket_payload(hotline_no="SD2026030200002"), format="json")
    post(platform, "E1", "signed", "2026-03-02T10:05:00")

    response = platform.post(
        f"{TICKETS}SD2026030200002/events/",
        {"event_id": "E1", "kind": "signed", "at": "2026-03-02T10:05:00"},
        format="json",
    )

    assert response.status_code == 409
    assert Ticket.objects.get(hotline_no="SD2026030200002").signed_at is None


# --- refusals ----------------------------------------------------------------------------------------------------
def _future() -> str:
    return (timezone.now() + dt.timedelta(days=1)).isoformat()


REFUSALS = [
    # (events before, the refused event, status, code, field)
    ([], {"kind": "visited", "at": "2026-03-05T09:00:00", "satisfaction": "满意"}, 409, "event_not_allowed", None),
    ([], {"kind": "rehandled", "at": "2026-03-05T09:00:00"}, 409, "event_not_allowed", None),
    ([("replied", {"text": "答复"})], {"kind": "replied", "at": "2026-03-05T09:00:00", "text": "再答复"}, 409,
     "event_not_allowed", None),
    ([("replied", {"text": "答复"}), ("visited", {"satisfaction": "不满意"})],
     {"kind": "visited", "at": "2026-03-06T09:00:00", "satisfaction": "满意"}, 409, "event_not_allowed", None),
    ([("replied", {"text": "答复"}), ("visited", {"satisfaction": "满意"})],
     {"kind": "supplemented", "at": "2026-03-06T09:00:00", "text": "补充"}, 409, "event_not_allowed", None),
    ([("withdrawn", {})], {"kind": "reminded", "at": "2026-03-06T09:00:00"}, 409, "ticket_withdrawn", None),
    ([("withdrawn", {})], {"kind": "withdrawn", "at": "2026-03-06T09:00:00"}, 409, "ticket_withdrawn", None),
    ([], {"kind": "signed", "at": "2026-03-02T08:00:00"}, 400, "invalid", "at"),  # before it was received
    ([], {"kind": "signed", "at": "2026-03-02T09:10:00"}, 400, "invalid", "at"),  # before it was dispatched
    ([], {"kind": "signed", "at": "FUTURE"}, 400, "invalid", "at"),
    ([("replied", {"text": "答复"})], {"kind": "visited", "at": "2026-03-04T09:00:00", "satisfaction": "满意"}, 400,
     "invalid", "at"),  # before the reply it follows
    ([], {"kind": "replied", "at": "2026-03-04T16:00:00"}, 400, "invalid", "text"),
    ([], {"kind": "supplemented", "at": "2026-03-04T16:00:00", "text": " "}, 400, "invalid", "text"),
    ([], {"kind": "replied", "at": "2026-03-04T16:00:00", "text": "答复", "handled_at": "2026-03-04T17:00:00"}, 400,
     "invalid", "handled_at"),
    ([("replied", {"text": "答复"})], {"kind": "visited", "at": "2026-03-05T09:00:00"}, 400, "invalid",
     "satisfaction"),
    ([("replied", {"text": "答复"})], {"kind": "visited", "at": "2026-03-05T09:00:00", "satisfaction": "还行"}, 400,
     "invalid", "satisfaction"),
    ([("replied", {"text": "答复"})], {"kind": "rehandled", "at": "2026-03-05T09:00:00", "time_limit": "9wd"}, 400,
     "unknown_code", "time_limit"),
    ([], {"kind": "dispatched", "at": "2026-03-04T16:00:00"}, 400, "invalid", "kind"),
    ([], {"kind": "signed", "at": "yesterday"}, 400, "invalid", "at"),
    ([], {"kind": "signed"}, 400, "invalid", "at"),
    ([], {"at": "2026-03-04T16:00:00"}, 400, "invalid", "kind"),
]  # fmt: skip


# A refusal speaks Chinese; the only latin words it may hold are field names and the codes it lists.
CODE_WORDS = set(re.findall(r"[a-z]{3,}", " ".join([*Satisfaction.values, *Resolution.values, *PLATFORM_EVENT_KINDS])))


@pytest.mark.parametrize(("before", "event", "status", "code", "field"), REFUSALS)
def test_an_impossible_or_malformed_event_is_refused_with_a_4xx_and_writes_nothing(
    platform, before, event, status, code, field
):
    for n, (kind, facts) in enumerate(before):
        assert post(platform, f"B{n}", kind, f"2026-03-0{4 + n}T16:00:00", **facts).status_code == 201
    stored = written()
    if event["at" if "at" in event else "kind"] == "FUTURE":
        event = {**event, "at": _future()}

    response = platform.post(EVENTS, {"event_id": "X1", **event}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == code
    if field is not None:
        assert body["details"]["field"] == field
    assert set(re.findall(r"[a-z]{3,}", body["message"])) <= CODE_WORDS | set(re.findall(r"[a-z]{3,}", field or ""))
    assert written() == stored


def test_a_missing_event_id_is_refused(platform):
    response = platform.post(EVENTS, {"kind": "signed", "at": "2026-03-02T10:05:00"}, format="json")

    assert (response.status_code, response.json()["details"]["field"]) == (400, "event_id")


def test_an_event_of_an_unknown_ticket_is_a_404(platform):
    response = platform.post(
        f"{TICKETS}NOSUCH/events/", {"event_id": "E1", "kind": "signed", "at": "2026-03-02T10:05:00"}, format="json"
    )

    assert response.status_code == 404


def test_a_sign_for_before_any_dispatch_is_refused(city, dispatcher):
    client = APIClient()
    client.force_login(dispatcher)
    client.post(TICKETS, ticket_payload(dispatched_to=None, dispatched_at=None), format="json")

    response = post(client, "E1", "signed", "2026-03-02T10:05:00")

    assert (response.status_code, response.json()["code"]) == (409, "event_not_allowed")


def test_only_those_who_receive_tickets_may_post_events_and_others_get_404(platform, liaison_urban):
    api = APIClient()
    api.force_login(liaison_urban)

    response = api.post(EVENTS, {"event_id": "E1", "kind": "signed", "at": "2026-03-02T10:05:00"}, format="json")

    assert response.status_code == 404
    assert not TicketEvent.objects.filter(platform_event_id="E1").exists()


def test_the_hotline_platform_posts_events_with_its_token(platform):
    from rest_framework.authtoken.models import Token

    from arbitration.models import User
    from arbitration.services.reference import HOTLINE_PLATFORM_USER

    token = Token.objects.create(user=User.objects.get(username=HOTLINE_PLATFORM_USER))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.post(EVENTS, {"event_id": "E1", "kind": "signed", "at": "2026-03-02T10:05:00"}, format="json")

    assert response.status_code == 201
    row = Ticket.history.filter(id=Ticket.objects.get(hotline_no=NUMBER).pk).first()
    assert (row.history_user.username, row.history_change_reason) == (HOTLINE_PLATFORM_USER, "热线平台事件 E1")


# --- history and schema ------------------------------------------------------------------------------------------
def test_every_event_that_changes_the_ticket_leaves_a_history_row_and_an_event_row(platform):
    ticket = Ticket.objects.get(hotline_no=NUMBER)
    rows_before = ticket.history.count()

    post(platform, "E1", "signed", "2026-03-02T10:05:00")
    post(platform, "E2", "first_response", "2026-03-02T11:00:00")
    post(platform, "E3", "supplemented", "2026-03-02T12:00:00", text="补充")  # the ticket itself does not change
    reply_and_visit(platform)

    assert ticket.history.count() == rows_before + 4
    assert list(ticket.events.exclude(platform_event_id=None).values_list("platform_event_id", flat=True)) == [
        "E1", "E2", "E3", "R1", "V1"
    ]  # fmt: skip


def test_the_events_endpoint_is_in_the_openapi_schema_with_examples_and_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    from arbitration.api import platform_events

    GENERATOR_STATS.reset()
    patterns = [path("api/v1/tickets/<str:hotline_no>/events/", platform_events.TicketEvents.as_view())]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
    operation = schema["paths"]["/api/v1/tickets/{hotline_no}/events/"]["post"]
    # 401, 403, 413 and 429 are documented on every write (docs/hardening.md).
    assert set(operation["responses"]) == {"200", "201", "400", "401", "403", "404", "409", "413", "429"}
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert {example["value"]["kind"] for example in examples.values()} >= {"signed", "replied", "visited", "withdrawn"}
    properties = schema["components"]["schemas"]["PlatformEventRequest"]["properties"]
    assert set(properties) == {"event_id", "kind", "at", "text", "handled_at", "satisfaction", "resolution",
                               "time_limit"}  # fmt: skip


def test_the_intake_refuses_a_withdrawal_which_comes_only_as_an_event(city, dispatcher):
    client = APIClient()
    client.force_login(dispatcher)

    response = client.post(TICKETS, ticket_payload(status="withdrawn"), format="json")

    assert (response.status_code, response.json()["details"]["field"]) == (400, "status")
    assert not Ticket.objects.exists()
