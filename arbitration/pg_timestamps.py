"""A faster reader of PostgreSQL `timestamptz` values for Django's UTC connections (docs/scale.md).

Django reads every `timestamptz` through its own loader, a Python subclass of psycopg's pure-Python parser (a
regular expression, seven `int()` calls, a shift and a zone conversion) that then sets the value's zone to the
connection's. An API ticket list reads ~460 such values: ~1.4 ms of the worker's CPU per request. psycopg's C
loader cannot stand in for it: the C class cannot be subclassed, and Django's `create_cursor` reads a `timezone`
attribute the C class does not have.

When the session's TimeZone is UTC, PostgreSQL writes every value it can as `YYYY-MM-DD HH:MM:SS[.ffffff]+00`, which
`datetime.fromisoformat` (written in C) reads into the very value Django's loader returns: the same wall time and
`datetime.UTC`. Anything else (a session in another zone, another DateStyle, infinity, years before 1 or
after 9999) goes through Django's own parsing unchanged, errors included.
"""

from datetime import UTC, datetime

from psycopg.types.datetime import TimestamptzLoader

_UTC_SUFFIX = b"+00"


class UtcTimestamptzLoader(TimestamptzLoader):
    """Django's UTC `timestamptz` loader, reading the common `…+00` text with `datetime.fromisoformat`."""

    # Django's create_cursor compares this with the connection's zone before it registers a loader of its own.
    timezone = UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        # psycopg's parser returns the value in the session's zone: the short path holds only when that is UTC and
        # the text is in ISO style (the parent chose `_load_iso` for it).
        self._short = self._timezone is UTC and self._load_method is TimestamptzLoader._load_iso

    def load(self, data):
        if self._short and data[-3:] == _UTC_SUFFIX:
            try:
                return datetime.fromisoformat(str(data, "ascii")).replace(tzinfo=UTC)
            except ValueError:
                pass  # e.g. year 10000: the parser below says why it cannot be read
        return super().load(data).replace(tzinfo=self.timezone)


def register(sender, connection, **kwargs) -> None:
    """`connection_created`: read a UTC PostgreSQL connection's `timestamptz` values with the loader above."""
    if connection.vendor != "postgresql" or connection.timezone is not UTC:
        return
    connection.connection.adapters.register_loader("timestamptz", UtcTimestamptzLoader)
