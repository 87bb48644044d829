"""Keyset (cursor) pagination and the count rule, shared by every list page and list endpoint (docs/scale.md).

A page is read as "the next `size` rows after this key" on the list's own order, never as OFFSET: a page 100,000
rows deep reads the same few index entries as page 1. The order always ends with the primary key, so a key names
one row exactly. The cursor is the key of the page's last row (next) or first row (previous), opaque to clients.

Counts are exact up to `MINGZE_LIST_EXACT_COUNT_LIMIT` rows (counting that many index entries is cheap); past it,
PostgreSQL's own estimate for the filtered query (EXPLAIN's row estimate) is shown and marked as an estimate.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import functools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured, ValidationError
from django.db import connections
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.sql.constants import LOUTER
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from arbitration.errors import InvalidInput
from arbitration.remembered import query_key, remembered

KEY = "keyset_{}"  # the annotation names the key's parts are read back from
BAD_CURSOR = gettext_noop("not a cursor of this list; follow the next and previous links")


@dataclass(frozen=True)
class Count:
    value: int
    is_estimate: bool


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None
    count: Count
    page_size: int
    query: str = ""  # a page's other query parameters, kept by its previous and next links
    param: str = "cursor"  # the query parameter carrying this list's cursor (one per list on a page)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def exact_count_limit() -> int:
    return settings.MINGZE_LIST_EXACT_COUNT_LIMIT


def page_size_from(raw: str | None, *, default: int) -> int:
    """The client's `page_size`: a whole number from 1 to MINGZE_LIST_MAX_PAGE_SIZE, else 400."""
    if raw in (None, ""):
        return default
    largest = settings.MINGZE_LIST_MAX_PAGE_SIZE
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= largest):
        raise InvalidInput(field="page_size", reason=_("a whole number from 1 to %(max)d") % {"max": largest})
    return int(raw)


def list_count(queryset: QuerySet | list) -> Count:
    """Exact when at most the limit's worth of rows match (one capped count), else the planner's estimate; either is
    remembered for MINGZE_LIST_COUNT_SECONDS under the query it counts (the cursor is not part of it, so every page of
    one list shares it)."""
    if isinstance(queryset, list):
        return Count(len(queryset), False)
    plain = queryset.order_by().values("pk")  # one column: the annotations the rows carry are not computed
    try:
        key = query_key("list-count", plain)
    except EmptyResultSet:  # a condition nothing can meet (none(), an empty IN list): Django's count() is 0 too
        return Count(0, False)
    return remembered(key, settings.MINGZE_LIST_COUNT_SECONDS, lambda: _count(plain))


def _count(plain: QuerySet) -> Count:
    limit = exact_count_limit()
    capped = plain[: limit + 1].count()
    if capped <= limit or connections[plain.db].vendor != "postgresql":
        return Count(capped if capped <= limit else plain.count(), False)
    return Count(max(_planner_estimate(plain), capped), True)


def _planner_estimate(queryset: QuerySet) -> int:
    """PostgreSQL's row estimate for the filtered query: read from EXPLAIN's plan, no row is counted."""
    plan = json.loads(queryset.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


@dataclass(frozen=True)
class _Part:
    name: str  # the annotation's name
    descending: bool
    nullable: bool


class Keyset:
    """One list's order as a key: `ordering` like ("-received_at", "-pk"); the primary key is appended if missing.
    Names may cross relations ("department__code") or name an annotation of the queryset."""

    def __init__(self, queryset: QuerySet, ordering: Sequence[str] | None = None) -> None:
        names = list(ordering or queryset.query.order_by or queryset.model._meta.ordering)
        if not all(isinstance(name, str) for name in names):
            raise ImproperlyConfigured("A keyset ordering is a list of field names.")
        if not names or names[-1].lstrip("-") not in ("pk", queryset.model._meta.pk.name):
            names.append("-pk" if names and names[-1].startswith("-") else "pk")
        self.queryset = queryset.annotate(**{KEY.format(i): F(name.lstrip("-")) for i, name in enumerate(names)})
        annotations = self.queryset.query.annotations
        self.parts = [
            _Part(KEY.format(i), name.startswith("-"), _nullable(annotations[KEY.format(i)], self.queryset.query))
            for i, name in enumerate(names)
        ]
        self.fields = [annotations[part.name].output_field for part in self.parts]

    # --- reading a page ---------------------------------------------------------------------------------------
    def page(self, cursor: str | None, size: int, *, count: bool = True) -> KeysetPage:
        backwards, key = self.decode(cursor) if cursor else (False, None)
        queryset = self.queryset.order_by(*self._order(reverse=backwards))
        if key is not None:
            queryset = queryset.filter(self._beyond(key, backwards=backwards))
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        has_next = (more and not backwards) or (backwards and key is not None)
        has_previous = (more and backwards) or (key is not None and not backwards)
        return KeysetPage(
            rows=rows,
            next_cursor=self.encode(rows[-1], backwards=False) if rows and has_next else None,
            previous_cursor=self.encode(rows[0], backwards=True) if rows and has_previous else None,
            count=list_count(self.queryset) if count else Count(len(rows), False),
            page_size=size,
        )

    def _order(self, *, reverse: bool) -> list:
        order = []
        for part in self.parts:
            descending = part.descending != reverse
            expression = F(part.name)
            if part.nullable:  # NULLs last in the list's order on every database (their defaults differ)
                nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
                order.append(expression.desc(**nulls) if descending else expression.asc(**nulls))
            else:
                order.append(expression.desc() if descending else expression.asc())
        return order

    def _beyond(self, key: list, *, backwards: bool) -> Q:
        """Rows strictly after `key` in the list's order (before it when `backwards`), as
        (a > x) OR (a = x AND b > y) OR …, plus the redundant bound a >= x that lets an index on the first
        column start at the key instead of scanning from the list's top (a deep page reads what page 1 reads)."""
        beyond, equal = Q(pk__in=[]), Q()
        for part, value in zip(self.parts, key, strict=True):
            beyond |= equal & self._strictly(part, value, backwards=backwards)
            equal &= Q(**{f"{part.name}__isnull": True}) if value is None else Q(**{part.name: value})
        first, value = self.parts[0], key[0]
        if value is not None:
            bound = Q(**{f"{first.name}__{'lte' if first.descending != backwards else 'gte'}": value})
            if first.nullable and not backwards:
                bound |= Q(**{f"{first.name}__isnull": True})
            beyond &= bound
        return beyond

    @staticmethod
    def _strictly(part: _Part, value: Any, *, backwards: bool) -> Q:
        if value is None:  # NULLs come last: nothing follows them, every non-NULL precedes them
            return Q(**{f"{part.name}__isnull": False}) if backwards else Q(pk__in=[])
        after = Q(**{f"{part.name}__{'lt' if part.descending != backwards else 'gt'}": value})
        return after | Q(**{f"{part.name}__isnull": True}) if part.nullable and not backwards else after

    # --- cursors ----------------------------------------------------------------------------------------------
    def encode(self, row: Any, *, backwards: bool) -> str:
        """The cursor of `row`: a model instance, or a dict of `.values()` that names the key's annotations."""
        read = row.__getitem__ if isinstance(row, dict) else functools.partial(getattr, row)
        key = [_jsonable(read(part.name)) for part in self.parts]
        raw = json.dumps({"b": backwards, "k": key}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[bool, list]:
        """(backwards, key) from a cursor this list made; anything else is a 400 naming the `cursor` parameter."""
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            backwards, raw = data["b"], data["k"]
            if not isinstance(backwards, bool) or not isinstance(raw, list) or len(raw) != len(self.parts):
                raise ValueError
            pairs = zip(self.fields, raw, strict=True)
            key = [None if value is None else field.to_python(value) for field, value in pairs]
            if any(value is None and not part.nullable for part, value in zip(self.parts, key, strict=True)):
                raise ValueError
        except (ValueError, TypeError, KeyError, binascii.Error, ValidationError, UnicodeDecodeError):
            raise InvalidInput(field="cursor", reason=_(BAD_CURSOR)) from None
        return backwards, key


def _nullable(expression, query) -> bool:
    """A column that may hold NULL, or one reached through an outer join (NULL where it finds nothing); a COALESCE
    ending in a constant never is; any other expression may be NULL too."""
    if isinstance(expression, Coalesce):  # NULL only if its last choice may be (a constant never is)
        last = expression.get_source_expressions()[-1]
        return last.value is None if isinstance(last, Value) else _nullable(last, query)
    target = getattr(expression, "target", None)
    if target is None or target.null:
        return True
    join = query.alias_map.get(expression.alias)
    return getattr(join, "join_type", None) == LOUTER


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def list_page(items: list, cursor: str | None, size: int) -> KeysetPage:
    """A list already computed in memory (the catalogue analysis, from the cached graph): its position is the
    cursor, since reading it costs the same at any depth; the cursor has the same shape and the same 400."""
    start = 0
    if cursor:
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            start = data["p"]
            if not isinstance(start, int) or not 0 <= start <= len(items):
                raise ValueError
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
            raise InvalidInput(field="cursor", reason=_(BAD_CURSOR)) from None

    def at(position: int) -> str:
        return base64.urlsafe_b64encode(json.dumps({"p": position}).encode()).decode().rstrip("=")

    end = start + size
    return KeysetPage(
        rows=items[start:end],
        next_cursor=at(end) if end < len(items) else None,
        previous_cursor=at(max(start - size, 0)) if start > 0 else None,
        count=Count(len(items), False),
        page_size=size,
    )


def paginate(
    items: QuerySet | list, cursor: str | None, size: int, ordering: Sequence[str] | None = None
) -> KeysetPage:
    if isinstance(items, list):
        return list_page(items, cursor, size)
    return Keyset(items, ordering).page(cursor, size)


def page_for(
    request, items: QuerySet | list, size: int, ordering: Sequence[str] | None = None, *, param: str = "cursor"
) -> KeysetPage:
    """A list page's rows from the request's cursor; `page.query` is the request's other parameters, for the
    previous and next links (arbitration/_keyset_nav.html). `size` is the page's default: the client's
    `page_size` (bounded as in the API) replaces it. A page showing several lists names each list's cursor
    parameter with `param`, so each pages on its own and the others keep their place."""
    size = page_size_from(request.GET.get("page_size"), default=size)
    try:
        page = paginate(items, request.GET.get(param), size, ordering)
    except InvalidInput as bad:  # the 400 names the parameter the client sent
        raise InvalidInput(field=param, reason=bad.details["reason"]) from None
    query = request.GET.copy()
    query.pop(param, None)
    page.query, page.param = query.urlencode(), param
    return page
