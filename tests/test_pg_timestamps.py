"""PostgreSQL's timestamps read by arbitration.pg_timestamps come out exactly as Django's own loader reads them."""

from datetime import UTC

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import get_adapters_template

from arbitration.pg_timestamps import UtcTimestamptzLoader

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# The common case, fractions of every length, dates before 1900 and near the ends of datetime's range, a leap second's
# neighbour, other offsets (shifted to UTC by PostgreSQL), and what neither loader can read.
TEXTS = [
    "2024-03-10 02:30:00+00",
    "2024-06-01 12:00:00.5+00",
    "2024-06-01 12:00:00.123456+00",
    "2016-12-31 23:59:59.999999+00",
    "1899-12-31 23:59:59.000001+00",
    "1582-10-10 00:00:00+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2024-06-01 12:00:00.5-07:30",
    "1900-01-01 00:00:00+08:05:43",
    "infinity",
    "-infinity",
    "10000-01-01 00:00:00+00",
    "0001-12-31 00:00:00+00 BC",
    None,
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the loader reads PostgreSQL's timestamptz")


def _read(cursor, text):
    try:
        cursor.execute("SELECT %s::timestamptz", [text])
        (value,) = cursor.fetchone()
    except psycopg.DataError as error:
        return ("error", str(error))
    return (value, repr(value), None if value is None else value.tzinfo is UTC, getattr(value, "fold", None))


def test_the_connection_reads_timestamps_with_the_utc_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(connection.connection.adapters.types["timestamptz"].oid, 0)
    assert loader is UtcTimestamptzLoader
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        assert cursor.fetchone()[0].tzinfo is UTC


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "Asia/Shanghai", "Europe/London"])
def test_every_value_equals_what_djangos_loader_returns(zone):
    """Django's loader on one cursor, ours on another, the session in each zone: same values, same errors."""
    connection.ensure_connection()
    raw = connection.connection
    djangos = psycopg.ClientCursor(raw)
    djangos.adapters.register_loader("timestamptz", get_adapters_template(True, UTC).get_loader(1184, 0))
    ours = psycopg.ClientCursor(raw)
    ours.adapters.register_loader("timestamptz", UtcTimestamptzLoader)
    with raw.cursor() as cursor:
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [zone])
    try:
        for text in TEXTS:
            assert _read(ours, text) == _read(djangos, text), text
    finally:
        with raw.cursor() as cursor:
            cursor.execute("SELECT set_config('TimeZone', 'UTC', true)")
