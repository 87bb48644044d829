"""The platform's events in `manage.py import_tickets`: a month back-filled as ticket rows and event rows.

The same facts as through POST /api/v1/tickets/{hotline_no}/events/, refused for the same reasons.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from arbitration.choices import TicketEventKind, TicketStatus
from arbitration.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
FACTS = [
    "status", "dispatched_at", "response_due_at", "due_at", "signed_at", "first_response_at", "handled_at",
    "replied_at", "visited_at", "satisfaction", "resolution", "result", "closed_at", "withdrawn_at",
    "rehandle_count", "reminder_count",
]  # fmt: skip
COLUMNS = [
    "hotline_no", "received_at", "dispatched_at", "dispatched_to", "request_type", "matter", "territory", "title",
    "content", "event_id", "kind", "at", "text", "handled_at", "satisfaction", "resolution", "time_limit",
]  # fmt: skip


@pytest.fixture(autouse=True)
def english_reports():
    """The command reports in the active language; these tests read the English wording."""
    with translation.override("en"):
        yield


def ticket_row(number: str) -> dict:
    return {
        "hotline_no": number,
        "received_at": "2026-03-02T09:00:00+08:00",
        "dispatched_at": "2026-03-02T09:30:00+08:00",
        "dispatched_to": "CGJ",
        "request_type": "投诉",
        "matter": "010101",
        "territory": "370802001001",
        "title": "占道经营",
        "content": "夜市摊贩占用人行道。",
    }


def event_row(number: str, event_id: str, kind: str, at: str, **facts) -> dict:
    return {"hotline_no": number, "event_id": f"{number}-{event_id}", "kind": kind, "at": at, **facts}


def life(number: str) -> list[dict]:
    """One ticket's month: every kind of event, a dissatisfied visit, re-handling, then a satisfied one."""
    return [
        ticket_row(number),
        event_row(number, "1", "签收", "2026-03-02T10:05:00"),
        event_row(number, "2", "first_response", "2026-03-02T11:00:00", text="已电话联系市民。"),
        event_row(number, "3", "supplemented", "2026-03-02T15:00:00", text="市民补充：每晚七点后出现。"),
        event_row(number, "4", "reminded", "2026-03-03T09:00:00"),
        event_row(number, "5", "replied", "2026-03-04T16:00:00", text="已清理摊点。", handled_at="2026-03-04T11:30:00"),
        event_row(number, "6", "回访", "2026-03-05T09:00:00", satisfaction="不满意", resolution="未解决"),
        event_row(number, "7", "rehandled", "2026-03-05T10:00:00", time_limit="3wd"),
        event_row(number, "8", "答复", "2026-03-09T15:00:00", text="已取缔摊点。"),
        event_row(number, "9", "visited", "2026-03-10T09:00:00", satisfaction="满意", resolution="解决"),
    ]


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def import_tickets(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):  # a request before may have switched the thread's language
        call_command("import_tickets", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def facts(number: str) -> dict:
    return Ticket.objects.filter(hotline_no=number).values(*FACTS).get()


def through_the_api(rows: list[dict], dispatcher) -> None:
    client = APIClient()
    client.force_login(dispatcher)
    for record in rows:
        if "event_id" in record:
            body = {k: v for k, v in record.items() if k != "hotline_no"}
            response = client.post(f"/api/v1/tickets/{record['hotline_no']}/events/", body, format="json")
        else:
            response = client.post("/api/v1/tickets/", record, format="json")
        assert response.status_code == 201, response.json()


# --- the facts -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("write", [write_csv, write_jsonl], ids=["csv", "jsonl"])
def test_a_month_imported_as_ticket_and_event_rows_gives_the_facts_the_api_gives(city, dispatcher, tmp_path, write):
    through_the_api(life("API1"), dispatcher)

    out, err = import_tickets(write(tmp_path / f"month.{write.__name__[6:]}", life("IMP1")))

    assert err == ""
    assert "Created 1" in out and "Events: applied 9, already in 0, refused 0." in out
    assert facts("IMP1") == facts("API1")
    ticket = Ticket.objects.get(hotline_no="IMP1")
    assert (ticket.status, ticket.rehandle_count, ticket.reminder_count) == (TicketStatus.CLOSED, 1, 1)
    assert ticket.due_at == dt.datetime(2026, 3, 10, 17, 30, tzinfo=SHANGHAI)  # the re-handling's own limit
    assert ticket.signed_at == dt.datetime(2026, 3, 2, 10, 5, tzinfo=SHANGHAI)
    assert ticket.handled_at == ticket.replied_at == dt.datetime(2026, 3, 9, 15, tzinfo=SHANGHAI)
    first_reply = ticket.events.get(platform_event_id="IMP1-5")
    assert (first_reply.reason, first_reply.data["handled_at"]) == ("已清理摊点。", "2026-03-04T03:30:00+00:00")


def test_each_imported_event_leaves_its_event_row_and_each_change_a_history_row(city, dispatcher, tmp_path):
    through_the_api(life("API1"), dispatcher)
    import_tickets(write_csv(tmp_path / "month.csv", life("IMP1")))

    def record(number: str) -> tuple[list, list]:
        ticket = Ticket.objects.get(hotline_no=number)
        events = list(ticket.events.exclude(platform_event_id=None).values_list("kind", "from_status", "to_status"))
        history = list(ticket.history.order_by("history_id").values_list(*FACTS))
        return events, history

    imported, posted = record("IMP1"), record("API1")
    assert imported == posted  # the same events, and the ticket's states one by one
    assert len(imported[1]) == 1 + 8  # created, then every event but the supplement
    rows = Ticket.objects.get(hotline_no="IMP1").history.exclude(history_type="+")
    assert {(row.history_user.username, row.history_change_reason) for row in rows} == {
        ("hotline-platform", "imported from month.csv")
    }


def test_a_withdrawal_imported_closes_the_ticket_as_withdrawn(city, tmp_path):
    rows = [ticket_row("W1"), event_row("W1", "1", "撤单", "2026-03-03T10:00:00", text="市民申请撤单。")]

    import_tickets(write_csv(tmp_path / "t.csv", rows))

    ticket = Ticket.objects.get(hotline_no="W1")
    assert (ticket.status, ticket.withdrawn_at) == ("withdrawn", dt.datetime(2026, 3, 3, 10, tzinfo=SHANGHAI))


def test_events_may_come_in_a_file_of_their_own(city, tmp_path):
    rows = life("IMP1")
    import_tickets(write_jsonl(tmp_path / "tickets.jsonl", rows[:1]))

    out, _err = import_tickets(write_jsonl(tmp_path / "events.jsonl", rows[1:]))

    assert "Created 0, updated 0, unchanged 0" in out and "Events: applied 9" in out
    assert Ticket.objects.get().status == TicketStatus.CLOSED


# --- refusals and re-runs ----------------------------------------------------------------------------------------
def test_bad_event_rows_are_reported_with_line_and_reason_and_write_nothing(city, tmp_path):
    rows = [
        ticket_row("B1"),
        event_row("B1", "1", "visited", "2026-03-05T09:00:00", satisfaction="满意"),  # before any reply
        event_row("B1", "2", "replied", "2026-03-04T16:00:00"),  # no text
        event_row("B1", "3", "signed", "2026-03-01T10:00:00"),  # before the ticket was received
        event_row("NOSUCH", "4", "signed", "2026-03-02T10:00:00"),  # no such ticket
        event_row("B1", "5", "replied", "2026-03-04T16:00:00", text="已答复。"),
        {**event_row("B1", "5", "replied", "2026-03-04T16:00:00", text="另一段答复。")},  # the id reused
    ]
    errors = tmp_path / "errors.csv"

    out, err = import_tickets(write_csv(tmp_path / "t.csv", rows), "--errors", str(errors))

    reported = [(r["line"], r["code"], r["field"]) for r in csv.DictReader(errors.open(encoding="utf-8"))]
    assert sorted(reported) == [
        ("3", "event_not_allowed", ""),
        ("4", "invalid", "text"),
        ("5", "invalid", "at"),
        ("6", "not_found", ""),
        ("8", "event_id_conflict", ""),
    ]
    assert "Events: applied 1, already in 0, refused 4." in out and "bad rows 5" in out
    ticket = Ticket.objects.get(hotline_no="B1")
    assert list(ticket.events.exclude(platform_event_id=None).values_list("platform_event_id", flat=True)) == ["B1-5"]
    assert (ticket.status, ticket.result) == (TicketStatus.REPLIED, "已答复。")
    assert "line 3 (B1)" in err


def test_running_the_same_file_again_writes_nothing(city, tmp_path):
    path = write_csv(tmp_path / "month.csv", life("IMP1") + life("IMP2"))
    import_tickets(path)
    before = Ticket.history.count(), TicketEvent.objects.count(), facts("IMP1"), facts("IMP2")

    out, err = import_tickets(path)

    assert err == ""
    assert "Created 0, updated 0, unchanged 2" in out and "Events: applied 0, already in 18, refused 0." in out
    assert (Ticket.history.count(), TicketEvent.objects.count(), facts("IMP1"), facts("IMP2")) == before


def test_small_batches_apply_each_ticket_before_its_events(city, tmp_path):
    rows = [*life("IMP1"), *life("IMP2"), ticket_row("IMP3")]

    out, err = import_tickets(write_csv(tmp_path / "month.csv", rows), "--batch-size", "2")

    assert err == ""
    assert "Created 3" in out and "Events: applied 18" in out
    assert facts("IMP1") == {**facts("IMP2")}


def test_an_event_re_sent_after_a_ticket_update_in_the_same_file_applies_in_file_order(city, tmp_path):
    rows = [
        ticket_row("O1"),
        event_row("O1", "1", "replied", "2026-03-04T16:00:00", text="已答复。"),
        {**ticket_row("O1"), "title": "占道经营（更正）"},
        event_row("O1", "2", "visited", "2026-03-05T09:00:00", satisfaction="满意"),
    ]

    _out, err = import_tickets(write_csv(tmp_path / "t.csv", rows))

    assert err == ""
    ticket = Ticket.objects.get(hotline_no="O1")
    assert (ticket.title, ticket.status, ticket.satisfaction) == ("占道经营（更正）", "closed", "satisfied")
    assert ticket.events.filter(kind=TicketEventKind.VISITED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_parallel_import_applies_events_after_their_tickets(city, tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: batches are written in parallel only there")
    rows = [record for n in range(1, 6) for record in life(f"P{n}")]

    out, err = import_tickets(write_csv(tmp_path / "month.csv", rows), "--batch-size", "3", "--workers", "3")

    assert err == ""
    assert "Created 5" in out and "Events: applied 45, already in 0, refused 0." in out
    assert set(Ticket.objects.values_list("status", "rehandle_count")) == {(TicketStatus.CLOSED, 1)}
