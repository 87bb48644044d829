"""manage.py import_city and import_tickets, and the bulk writer under them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from arbitration.calendar import WorkingCalendar
from arbitration.models import Assignment, Department, Duty, Matter, Territory, Ticket, TicketEvent, User
from arbitration.services.bulk import tickets_bulk_receive
from arbitration.services.reference import HOTLINE_PLATFORM_USER
from arbitration.services.tickets import TicketIntake, ticket_receive
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_reports():
    """The commands report in the active language; these tests read the English wording."""
    with translation.override("en"):
        yield


SAMPLE_CITY = Path(__file__).resolve().parents[2] / "arbitration" / "fixtures" / "sample_city"
COLUMNS = [
    "hotline_no",
    "received_at",
    "dispatched_at",
    "request_type",
    "matter",
    "territory",
    "title",
    "content",
    "citizen_name",
    "citizen_phone",
    "time_limit",
    "dispatched_to",
]


def row(number: int, **changes) -> dict:
    values = {
        "hotline_no": f"IMP{number:05d}",
        "received_at": "2026-03-02T09:00:00+08:00",
        "dispatched_at": "",
        "request_type": "投诉",
        "matter": "010101",
        "territory": "370802001001",
        "title": "占道经营",
        "content": "夜市摊贩占用人行道。",
        "citizen_name": "李四",
        "citizen_phone": "13912345678",
        "time_limit": "",
        "dispatched_to": "",
    }
    values.update(changes)
    return values


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_tickets(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_tickets", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- import_city ---------------------------------------------------------------------------------------------
def test_the_sample_city_imports_with_history_naming_user_and_reason(administrator):
    out = io.StringIO()
    call_command("import_city", str(SAMPLE_CITY), "--user", administrator.username, stdout=out)

    assert (Territory.objects.count(), Matter.objects.count(), Department.objects.count(), Duty.objects.count()) == (
        10,
        16,
        10,
        11,
    )
    community = Territory.objects.get(code="370902001001")
    assert community.ancestor_codes() == ["370900", "370902", "370902001", "370902001001"]
    assert Matter.objects.get(code="030101").legal_type
    cgj = Department.objects.get(code="QH-CGJ")
    assert list(cgj.regulated_sectors.values_list("code", flat=True)) == ["01"]
    for model in (Territory, Matter, Department, Duty):
        assert set(model.history.values_list("history_user", "history_change_reason")) == {
            (administrator.pk, "city import from sample_city")
        }


def test_importing_the_city_again_changes_nothing(administrator, tmp_path):
    call_command("import_city", str(SAMPLE_CITY), stdout=io.StringIO())
    rows = sum(model.history.count() for model in (Territory, Matter, Department, Duty))

    out = io.StringIO()
    call_command("import_city", str(SAMPLE_CITY), stdout=out)

    assert sum(model.history.count() for model in (Territory, Matter, Department, Duty)) == rows
    assert "duties: created 0, updated 0, unchanged 11" in out.getvalue()


def test_a_changed_legal_basis_closes_the_old_duty_and_opens_a_new_one(tmp_path):
    call_command("import_city", str(SAMPLE_CITY), stdout=io.StringIO())
    changed = tmp_path / "city"
    changed.mkdir()
    text = (SAMPLE_CITY / "duties.csv").read_text(encoding="utf-8")
    (changed / "duties.csv").write_text(text.replace("第十一条", "第十二条"), encoding="utf-8")

    call_command("import_city", str(changed), stdout=io.StringIO())

    rows = Duty.objects.filter(matter__code="010102").order_by("valid_from")
    assert [(d.legal_basis[-4:], d.valid_until is None) for d in rows] == [("第十一条", False), ("第十二条", True)]


def test_a_bad_city_row_is_refused_alone_naming_file_line_and_field(tmp_path):
    city = tmp_path / "city"
    city.mkdir()
    (city / "territories.csv").write_text(
        "code,name,level,parent\n1,甲市,city,\n2,乙区,district,1\n3,丙街道,street,99\n", encoding="utf-8"
    )
    errors = tmp_path / "errors.csv"
    err = io.StringIO()

    call_command("import_city", str(city), "--errors", str(errors), stdout=io.StringIO(), stderr=err)

    assert "territories, line 4: Unknown parent code: 99" in err.getvalue()
    assert sorted(Territory.objects.values_list("code", flat=True)) == ["1", "2"]
    assert [tuple(r.values()) for r in csv.DictReader(errors.open(encoding="utf-8"))] == [
        ("territories", "4", "parent", "Unknown parent code: 99")
    ]


def test_city_files_in_gb18030_and_json_are_read(tmp_path):
    city = tmp_path / "city"
    city.mkdir()
    (city / "territories.csv").write_text("code,name,level,parent\n1,甲市,市,\n2,乙区,区县,1\n", encoding="gb18030")
    (city / "departments.json").write_text(
        json.dumps([{"code": "Q", "name": "乙区政府", "kind": "区县", "territory": "2"}], ensure_ascii=False),
        encoding="utf-8",
    )

    call_command("import_city", str(city), stdout=io.StringIO())

    assert Territory.objects.get(code="2").name == "乙区"
    assert Department.objects.get(code="Q").territory.code == "2"


# --- import_tickets ------------------------------------------------------------------------------------------
BAD_ROWS = [
    (row(901, matter="999999"), "matter"),
    (row(902, territory="X"), "territory"),
    (row(903, dispatched_to="NOPE"), "dispatched_to"),
    (row(904, request_type="gossip"), "request_type"),
    (row(905, received_at="next week"), "received_at"),
    (row(906, title=""), "title"),
    (row(907, citizen_phone="12"), "citizen_phone"),
    (row(908, time_limit="7wd"), "time_limit"),
    (row(909, dispatched_at="2026-03-01T08:00:00+08:00"), "dispatched_at"),
]


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_are_kept(city, tmp_path):
    rows = [row(1), *(bad for bad, _field in BAD_ROWS), row(2, dispatched_to="CGJ")]
    errors = tmp_path / "errors.csv"

    out, err = import_tickets(write_csv(tmp_path / "t.csv", rows), "--errors", str(errors))

    assert sorted(Ticket.objects.values_list("hotline_no", flat=True)) == ["IMP00001", "IMP00002"]
    assert Ticket.history.count() == 2
    reported = list(csv.DictReader(errors.open(encoding="utf-8")))
    assert [(r["line"], r["hotline_no"], r["field"]) for r in reported] == [
        (str(line), bad["hotline_no"], field) for line, (bad, field) in enumerate(BAD_ROWS, start=3)
    ]
    assert "line 3 (IMP00901)" in err and "999999" in err
    assert "13912345678" not in err  # personal data never reaches logs
    assert "Created 2, updated 0, unchanged 0, bad rows 9" in out


def test_a_broken_line_is_reported_and_the_rest_imported(city, tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(
        "\n".join(
            [json.dumps(row(1), ensure_ascii=False), "{not json", "[1, 2]", json.dumps(row(2), ensure_ascii=False)]
        )
        + "\n",
        encoding="utf-8",
    )

    _out, err = import_tickets(path)

    assert Ticket.objects.count() == 2
    assert "line 2" in err and "line 3" in err


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_json_lines_in_each_accepted_encoding_import_with_chinese_intact_and_bad_lines_named(city, tmp_path, encoding):
    good = json.dumps(row(1, title="噪声扰民", content="工地夜间施工，噪声很大。"), ensure_ascii=False)
    path = tmp_path / "t.jsonl"
    path.write_text(f'{good}\n{{"hotline_no": "坏行"\n', encoding=encoding)

    _out, err = import_tickets(path)

    assert Ticket.objects.get().content == "工地夜间施工，噪声很大。"
    assert "line 2" in err


def test_a_gb18030_csv_imports_with_its_chinese_intact(city, tmp_path):
    path = write_csv(tmp_path / "t.csv", [row(1, title="噪声扰民", content="工地夜间施工，噪声很大。")], "gb18030")

    import_tickets(path)

    assert Ticket.objects.get().content == "工地夜间施工，噪声很大。"


def test_running_the_same_file_again_skips_what_is_in_and_updates_what_changed(city, tmp_path):
    rows = [row(n, dispatched_to="CGJ" if n % 2 else "") for n in range(1, 8)]
    path = write_csv(tmp_path / "t.csv", rows)
    import_tickets(path)
    counts = Ticket.history.count(), Assignment.history.count(), TicketEvent.objects.count()

    out, _err = import_tickets(path)
    assert "Created 0, updated 0, unchanged 7" in out
    assert (Ticket.history.count(), Assignment.history.count(), TicketEvent.objects.count()) == counts

    rows[3]["title"] = "占道经营（复诉）"
    out, _err = import_tickets(write_csv(path, rows))
    assert "Created 0, updated 1, unchanged 6" in out
    assert Ticket.history.count() == counts[0] + 1


def test_an_interrupted_import_picks_up_where_it_stopped(city, tmp_path):
    rows = [row(n) for n in range(1, 11)]
    import_tickets(write_csv(tmp_path / "first-half.csv", rows[:4]))

    out, _err = import_tickets(write_csv(tmp_path / "all.csv", rows), "--batch-size", "3")

    assert "Created 6, updated 0, unchanged 4" in out
    assert Ticket.objects.count() == Ticket.history.filter(history_type="+").count() == 10


def test_a_number_repeated_in_the_file_is_applied_as_an_update(city, tmp_path):
    rows = [row(1), row(1, title="占道经营（更正）")]

    import_tickets(write_csv(tmp_path / "t.csv", rows))

    assert Ticket.objects.get().title == "占道经营（更正）"
    assert list(Ticket.history.values_list("history_type", flat=True).order_by("history_id")) == ["+", "~"]


# --- the bulk writer -----------------------------------------------------------------------------------------
def _intake(city, number: str, **fields) -> TicketIntake:
    values = {
        "received_at": factories.at(2026, 2, 13, 16),
        "request_type": "complaint",
        "matter_id": city["stall"].pk,
        "territory_id": city["community_a1"].pk,
        "title": "占道",
        "content": "摊贩占道",
        "citizen_phone": "13800001111",
    }
    dispatched_to = fields.pop("dispatched_to", None)
    values.update(fields)
    return TicketIntake(hotline_no=number, fields=values, dispatched_to_id=dispatched_to.pk if dispatched_to else None)


SNAPSHOT = (
    "status",
    "dispatched_at",
    "due_at",
    "due_unknown_reason",
    "time_limit_tier_id",
    "channel",
    "confidential",
    "citizen_phone",
    "received_at",
)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"dispatched_at": factories.at(2026, 2, 13, 17)},  # Friday before the Spring Festival week
        {"dispatched_at": factories.at(2026, 2, 13, 17), "status": "received"},
        {"time_limit_tier_id": "3h", "dispatched_at": factories.at(2026, 9, 30, 18)},
    ],
)
def test_the_bulk_path_stores_what_the_per_row_path_stores(city, dispatcher, fields):
    from arbitration.models import TimeLimitTier

    if "time_limit_tier_id" in fields:
        fields = {**fields, "time_limit_tier_id": TimeLimitTier.objects.get(code=fields["time_limit_tier_id"]).pk}
    one = ticket_receive(intake=_intake(city, "ONE", **fields), actor=dispatcher).ticket
    tickets_bulk_receive([_intake(city, "BULK", **fields)], actor=dispatcher, reason="bulk")
    bulk = Ticket.objects.get(hotline_no="BULK")
    one.refresh_from_db()

    assert [getattr(bulk, name) for name in SNAPSHOT] == [getattr(one, name) for name in SNAPSHOT]


def test_a_bulk_dispatch_gives_the_lead_with_history_and_events(city, dispatcher):
    result = tickets_bulk_receive(
        [_intake(city, "B1", dispatched_to=city["urban"])], actor=dispatcher, reason="bulk test"
    )

    assert (result.created, result.failed) == (1, [])
    ticket = Ticket.objects.get()
    (lead,) = ticket.assignments.all()
    assert (lead.department, lead.role, lead.assigned_by) == (city["urban"], "lead", dispatcher)
    assert ticket.status == "dispatched" and ticket.dispatched_at is not None and ticket.due_at is not None
    assert list(ticket.events.values_list("kind", flat=True)) == ["received", "dispatched"]
    assert ticket.events.get(kind="dispatched").data == {"department": "CGJ", "role": "lead", "method": "direct"}
    (history,) = lead.history.all()
    assert (history.history_type, history.history_user, history.history_change_reason) == ("+", dispatcher, "bulk test")


def test_bulk_receive_refuses_an_inactive_department_and_keeps_the_rest(city, dispatcher):
    closed = factories.department("OLD", "已撤销的局")
    closed.is_active = False
    closed.save()

    result = tickets_bulk_receive(
        [_intake(city, "OK1"), _intake(city, "BAD1", dispatched_to=closed)], actor=dispatcher, reason="bulk"
    )

    assert [number for number, _error in result.failed] == ["BAD1"]
    assert list(Ticket.objects.values_list("hotline_no", flat=True)) == ["OK1"]


def test_a_bulk_due_time_in_a_year_without_calendar_is_unknown_not_guessed(city, dispatcher):
    calendar = WorkingCalendar.load()
    year = max(calendar.known_years) + 1

    tickets_bulk_receive(
        [_intake(city, "FUTURE", received_at=factories.at(year, 3, 2), dispatched_at=factories.at(year, 3, 2, 11))],
        actor=dispatcher,
        reason="bulk",
    )

    ticket = Ticket.objects.get()
    assert ticket.due_at is None
    assert str(year) in ticket.due_unknown_reason


def test_the_platform_account_is_the_default_importer(city, tmp_path):
    import_tickets(write_csv(tmp_path / "t.csv", [row(1)]))

    assert Ticket.history.get().history_user == User.objects.get(username=HOTLINE_PLATFORM_USER)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_numbers_at_once_create_each_ticket_once(city, dispatcher):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent writers (SQLite queues them)")
    intakes = [_intake(city, f"RACE{n}", dispatched_to=city["urban"]) for n in range(40)]
    barrier, errors = threading.Barrier(2), []

    def run() -> None:
        try:
            barrier.wait()
            tickets_bulk_receive(intakes, actor=dispatcher, reason="race", batch_size=40)
        except Exception as error:  # reported to the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Ticket.objects.count() == Ticket.history.filter(history_type="+").count() == 40
    assert Assignment.objects.filter(ended_at=None).count() == 40


# --- the bulk writer writes what the per-row path writes -----------------------------------------------------
LONG_REASON = "imported from a file whose name is long enough to be cut at the hundredth character of history: " * 2
TICKET_FIELDS = [f.attname for f in Ticket._meta.concrete_fields if f.attname not in ("id", "hotline_no", "updated_at")]


def _variants(city) -> list[dict]:
    """Intakes covering every branch of the new-ticket rows: dispatch or not, each kind of time limit, a year
    without calendar, every optional field, and text that COPY must escape."""
    from arbitration.models import TimeLimitTier

    def tier(code: str, amount: int | None = None, unit: str | None = None) -> int:
        if amount is None:
            return TimeLimitTier.objects.get(code=code).pk
        return TimeLimitTier.objects.create(code=code, name=code, amount=amount, unit=unit).pk

    friday = factories.at(2026, 2, 13, 16)
    future = max(WorkingCalendar.load().known_years) + 1
    return [
        {},
        {"dispatched_at": factories.at(2026, 2, 13, 17)},
        {"dispatched_at": factories.at(2026, 2, 13, 17), "status": "received"},
        {"dispatched_at": factories.at(2026, 2, 13, 17), "dispatched_to": city["urban"]},
        {"dispatched_at": factories.at(2026, 9, 30, 18), "time_limit_tier_id": tier("24h"),
         "dispatched_to": city["market"]},
        {"dispatched_at": friday, "time_limit_tier_id": tier("8wh", 8, "working_hours")},
        {"dispatched_at": friday, "time_limit_tier_id": tier("7cd", 7, "calendar_days")},
        {"dispatched_at": friday, "time_limit_tier_id": tier("3wd"), "dispatched_to": city["urban"]},
        {"received_at": factories.at(future, 3, 2), "dispatched_at": factories.at(future, 3, 2, 11),
         "dispatched_to": city["urban"]},
        {"title": "摊贩\t占道", "content": "第一行\n第二行\\结尾\r", "address": "C:\\路\t1号", "citizen_name": "张\\三",
         "channel": "web", "confidential": True, "status": "handling", "resolution": "partly",
         "satisfaction": "dissatisfied", "result": "已处理\n待回访"},
    ]  # fmt: skip


def _written(number: str) -> dict:
    """Every row the intake of `number` wrote, without ids, the number itself and the moment of writing."""
    ticket = Ticket.objects.get(hotline_no=number)
    assignment_history = Assignment.history.filter(ticket_id=ticket.pk).order_by("history_id")
    return {
        "ticket": {name: getattr(ticket, name) for name in TICKET_FIELDS},
        "history": list(ticket.history.order_by("history_id").values_list(
            "history_type", "history_user", "history_change_reason", *TICKET_FIELDS)),
        "events": list(ticket.events.order_by("id").values_list("kind", "from_status", "to_status", "actor", "reason",
                                                                "data")),
        "assignments": list(ticket.assignments.order_by("id").values_list(
            "department", "role", "method", "assigned_by", "reason", "ended_at")),
        "assignment_history": list(assignment_history.values_list(
            "history_type", "history_user", "history_change_reason", "department", "role", "method", "assigned_by",
            "reason", "ended_at")),
    }  # fmt: skip


def _receive_both_ways(city, dispatcher, **bulk_options) -> list[dict]:
    variants = _variants(city)
    for n, fields in enumerate(variants):
        ticket_receive(intake=_intake(city, f"ONE{n}", **fields), actor=dispatcher, reason=LONG_REASON)
    bulk = [_intake(city, f"BULK{n}", **fields) for n, fields in enumerate(variants)]
    result = tickets_bulk_receive(bulk, actor=dispatcher, reason=LONG_REASON, **bulk_options)
    assert (result.created, result.failed) == (len(variants), [])
    return variants


def test_the_bulk_path_writes_every_row_the_per_row_path_writes(city, dispatcher):
    variants = _receive_both_ways(city, dispatcher)

    for n in range(len(variants)):
        assert _written(f"BULK{n}") == _written(f"ONE{n}"), variants[n]
    assert Ticket.objects.get(hotline_no="BULK9").content == "第一行\n第二行\\结尾\r"
    assert Ticket.objects.get(hotline_no="BULK8").due_at is None
    assert Ticket.history.filter(history_change_reason=LONG_REASON[:100]).count() == 2 * len(variants)


def test_a_bulk_dispatch_without_a_dispatch_time_is_stored_already_dispatched(city, dispatcher):
    """The documented difference: one creation where the per-row path creates, then starts the clock."""
    ticket_receive(intake=_intake(city, "ONE", dispatched_to=city["urban"]), actor=dispatcher, reason="r")
    tickets_bulk_receive([_intake(city, "BULK", dispatched_to=city["urban"])], actor=dispatcher, reason="r")
    one, bulk = _written("ONE"), _written("BULK")

    assert [row[0] for row in one["history"]] == ["+", "~"]
    assert [row[0] for row in bulk["history"]] == ["+"]
    assert [event[:3] for event in one["events"]] == [
        ("received", "", "received"),
        ("dispatched", "", ""),
        ("status_changed", "received", "dispatched"),
    ]
    assert [event[:3] for event in bulk["events"]] == [("received", "", "dispatched"), ("dispatched", "", "")]
    assert one["assignments"] == bulk["assignments"]
    assert (one["ticket"]["status"], bulk["ticket"]["status"]) == ("dispatched", "dispatched")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_batches_written_on_parallel_connections_match_the_per_row_path(city, dispatcher):
    _needs_postgresql()
    variants = _receive_both_ways(city, dispatcher, batch_size=2, workers=3)

    for n in range(len(variants)):
        assert _written(f"BULK{n}") == _written(f"ONE{n}"), variants[n]


def test_the_tickets_sent_to_receivers_are_the_stored_rows(city, dispatcher, django_assert_num_queries):
    from arbitration.signals import ticket_received

    sent: list[Ticket] = []

    def receiver(sender, *, tickets, **kwargs) -> None:
        sent.extend(tickets)

    ticket_received.connect(receiver, dispatch_uid="test.sent")
    try:
        tickets_bulk_receive([_intake(city, f"S{n}", **fields) for n, fields in enumerate(_variants(city))],
                             actor=dispatcher, reason="bulk")  # fmt: skip
    finally:
        ticket_received.disconnect(dispatch_uid="test.sent")

    fields = [f.attname for f in Ticket._meta.concrete_fields]
    for ticket in sent:
        stored = Ticket.objects.get(pk=ticket.pk)
        assert [getattr(ticket, name) for name in fields] == [getattr(stored, name) for name in fields]
        assert (ticket._state.adding, ticket._state.db) == (False, "default")
    with django_assert_num_queries(0):
        assert {ticket.matter.code for ticket in sent} == {"010101"}


def _needs_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: batches are written in parallel only there")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_parallel_import_reports_bad_rows_and_writes_nothing_new_when_run_again(city, tmp_path):
    _needs_postgresql()
    rows = [row(n, dispatched_to="CGJ" if n % 2 else "") for n in range(1, 10)]
    rows[4] = row(5, matter="999999")
    path = write_csv(tmp_path / "t.csv", rows)

    out, err = import_tickets(path, "--batch-size", "2", "--workers", "3")
    assert "Created 8, updated 0, unchanged 0, bad rows 1" in out
    assert "line 6 (IMP00005)" in err
    counts = Ticket.history.count(), Assignment.history.count(), TicketEvent.objects.count()
    assert counts == (8, 4, 12)

    out, _err = import_tickets(path, "--batch-size", "2", "--workers", "3")
    assert "Created 0, updated 0, unchanged 8, bad rows 1" in out
    assert (Ticket.history.count(), Assignment.history.count(), TicketEvent.objects.count()) == counts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_parallel_import_applies_a_number_repeated_in_a_later_batch_after_the_first(city, tmp_path):
    _needs_postgresql()
    rows = [row(n) for n in range(1, 8)] + [row(1, title="占道经营（更正）")]  # the fourth batch of two repeats

    out, _err = import_tickets(write_csv(tmp_path / "t.csv", rows), "--batch-size", "2", "--workers", "3")

    assert "Created 7, updated 1, unchanged 0" in out
    ticket = Ticket.objects.get(hotline_no="IMP00001")
    assert ticket.title == "占道经营（更正）"
    assert list(ticket.history.order_by("history_id").values_list("history_type", flat=True)) == ["+", "~"]
