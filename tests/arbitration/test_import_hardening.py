"""Imports never half-write (docs/hardening.md): each kind of bad row at the start, in the middle and at the end of
a file read in small batches is reported with its line and field, and exactly the good rows are written."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from arbitration.models import Territory, Ticket
from arbitration.services.bulk import tickets_bulk_receive
from tests.arbitration.test_import import COLUMNS, _intake, english_reports, import_tickets, row  # noqa: F401

pytestmark = pytest.mark.django_db

ROWS = 40
BATCH = "7"
BAD_AT = (0, ROWS // 2, ROWS - 1)  # the first row, one mid-file (mid-batch too), the last row
MARK = "<<BAD>>"

# kind → (the changes that spoil a row, the field reported)
SPOILERS = {
    "nul": ({"title": "占道\x00经营"}, "title"),
    "control": ({"content": "夜市\x1b[31m摊贩"}, "content"),
    "too_long": ({"title": "长" * 201}, "title"),
    "huge_text": ({"content": "长" * 20001}, "content"),
    "year_1": ({"received_at": "0001-01-01T00:00:00"}, "received_at"),
    "year_9999": ({"received_at": "9999-12-31T23:59:59+08:00"}, "received_at"),
    "undecodable": ({"title": MARK}, "encoding"),
}


def _csv_bytes(rows: list[dict]) -> bytes:
    stream = io.StringIO(newline="")
    writer = csv.DictWriter(stream, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    # Undecodable bytes can only be written as bytes: a lone continuation byte and an invalid lead byte.
    return stream.getvalue().encode("utf-8").replace(MARK.encode(), b"\x80\xff")


@pytest.mark.parametrize("kind", list(SPOILERS))
def test_each_kind_of_bad_row_is_reported_alone_at_start_middle_and_end(city, tmp_path, kind):
    changes, field = SPOILERS[kind]
    rows = [row(n, **(changes if n - 1 in BAD_AT else {})) for n in range(1, ROWS + 1)]
    path, errors = tmp_path / "t.csv", tmp_path / "errors.csv"
    path.write_bytes(_csv_bytes(rows))

    out, _err = import_tickets(path, "--batch-size", BATCH, "--errors", str(errors))

    good = [r["hotline_no"] for n, r in enumerate(rows) if n not in BAD_AT]
    assert sorted(Ticket.objects.values_list("hotline_no", flat=True)) == good
    reported = [(r["line"], r["field"]) for r in csv.DictReader(errors.open(encoding="utf-8"))]
    assert reported == [(str(n + 2), field) for n in BAD_AT]  # line 1 is the header
    assert f"Created {ROWS - len(BAD_AT)}, updated 0, unchanged 0, bad rows {len(BAD_AT)}" in out


def test_json_lines_with_undecodable_bytes_and_nul_escapes_keep_their_good_lines(city, tmp_path):
    import json

    lines = [json.dumps(row(n), ensure_ascii=False).encode() for n in range(1, 21)]
    lines[0] = lines[0].replace("占道经营".encode(), b"\xc3\x28")  # an invalid two-byte sequence
    lines[19] = json.dumps(row(20, title="a\u0000b")).encode()  # NUL as a JSON escape
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")

    _out, err = import_tickets(path, "--batch-size", "3")

    assert Ticket.objects.count() == 18
    assert "line 1 (-)" in err and "line 20 (IMP00020)" in err


def _mixed_file(tmp_path):
    """Half the lines UTF-8, half GB18030: no detector can say which the file is."""
    rows = [row(n, title="噪声扰民") for n in range(1, 9)]
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    head, *lines = text.getvalue().splitlines(keepends=True)
    body = b"".join(line.encode("gb18030" if n % 2 else "utf-8") for n, line in enumerate(lines))
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode() + body)
    return path


def test_an_unsure_encoding_is_refused_with_a_request_to_name_it(city, tmp_path):
    path = _mixed_file(tmp_path)

    with pytest.raises(CommandError, match="--encoding"):
        import_tickets(path)

    assert not Ticket.objects.exists()


def test_a_named_encoding_reads_the_lines_it_decodes_and_reports_the_rest(city, tmp_path):
    path = _mixed_file(tmp_path)

    out, err = import_tickets(path, "--encoding", "utf-8")

    assert sorted(Ticket.objects.values_list("hotline_no", flat=True)) == ["IMP00001", "IMP00003", "IMP00005",
                                                                          "IMP00007"]  # fmt: skip
    assert "line 3" in err and "line 9" in err
    assert "bad rows 4" in out


def test_an_unknown_encoding_name_is_a_usage_error(city, tmp_path):
    path = _mixed_file(tmp_path)

    with pytest.raises(CommandError, match="unknown encoding"):
        import_tickets(path, "--encoding", "klingon")


# --- the database refusing what the parser let through --------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_the_database_refuses_is_written_again_without_its_bad_rows(city, dispatcher, workers):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores NUL and over-long text; PostgreSQL refuses them")
    intakes = [_intake(city, f"OK{n:02d}") for n in range(12)]
    intakes[0] = _intake(city, "NUL", content="a\x00b")  # straight to the bulk writer: no parser to stop it
    intakes[6] = _intake(city, "LONG", title="长" * 201)
    intakes[11] = _intake(city, "NUL2", citizen_name="\x00")

    result = tickets_bulk_receive(intakes, actor=dispatcher, reason="bulk", batch_size=4, workers=workers)

    assert sorted(number for number, _error in result.failed) == ["LONG", "NUL", "NUL2"]
    assert {error.code for _number, error in result.failed} == {"row_not_stored"}
    assert sorted(Ticket.objects.values_list("hotline_no", flat=True)) == [
        f"OK{n:02d}" for n in range(12) if n not in (0, 6, 11)
    ]
    assert Ticket.history.count() == 9  # nothing of the refused rows, history included


def test_a_time_python_cannot_store_is_refused_alone_by_the_bulk_writer(city, dispatcher):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL stores times before year 1 (BC); SQLite's UTC conversion cannot")
    year_1 = dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # before UTC's year 1
    intakes = [_intake(city, "EARLY", received_at=year_1), _intake(city, "FINE")]

    result = tickets_bulk_receive(intakes, actor=dispatcher, reason="bulk", batch_size=10)

    assert [number for number, _error in result.failed] == ["EARLY"]
    assert list(Ticket.objects.values_list("hotline_no", flat=True)) == ["FINE"]


# --- import_city ---------------------------------------------------------------------------------------------
def test_bad_city_rows_of_each_kind_are_refused_alone(tmp_path):
    city = tmp_path / "city"
    city.mkdir()
    lines = [
        "code,name,level,parent",
        "1,甲市,city,",
        "2,乙\x00区,district,1",  # NUL
        "3," + "长" * 101 + ",district,1",  # longer than the name column
        "4,丙区,district,1",
        "5," + MARK + ",district,1",  # undecodable
        "6,丁街道,street,2",  # its parent was refused
        "7,戊街道,street,4",
    ]
    (city / "territories.csv").write_bytes("\n".join(lines).encode().replace(MARK.encode(), b"\xff") + b"\n")
    errors = tmp_path / "errors.csv"

    call_command("import_city", str(city), "--errors", str(errors), stdout=io.StringIO(), stderr=io.StringIO())

    assert sorted(Territory.objects.values_list("code", flat=True)) == ["1", "4", "7"]
    reported = [(r["line"], r["field"]) for r in csv.DictReader(errors.open(encoding="utf-8"))]
    assert reported == [("3", "name"), ("4", "name"), ("6", "encoding"), ("7", "parent")]


def test_a_duty_valid_from_outside_the_accepted_years_is_refused(tmp_path):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "arbitration" / "fixtures" / "sample_city"
    city = tmp_path / "city"
    city.mkdir()
    for name in ("territories.csv", "matters.csv", "departments.json"):
        (city / name).write_bytes((sample / name).read_bytes())
    duties = (sample / "duties.csv").read_text(encoding="utf-8").splitlines()
    header = duties[0].split(",")
    assert "valid_from" in header, "the sample duties file names valid_from"
    position = header.index("valid_from")
    cells = next(csv.reader([duties[1]]))
    cells[position] = "0900-01-01T00:00:00"
    spoiled = io.StringIO(newline="")
    csv.writer(spoiled).writerow(cells)
    (city / "duties.csv").write_text("\n".join([duties[0], spoiled.getvalue().strip(), *duties[2:]]) + "\n")
    err = io.StringIO()

    call_command("import_city", str(city), stdout=io.StringIO(), stderr=err)

    assert "duties, line 2" in err.getvalue() and "1990" in err.getvalue()
