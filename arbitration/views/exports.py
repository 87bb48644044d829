"""Lists as CSV files: the ticket list, shared by the page (/tickets/export.csv) and the API
(/api/v1/tickets/export/), and every other list page through one registry (/exports/<name>.csv).

UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly; streamed row by row, so that a list of
any length costs the server constant memory (docs/personal-data.md).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from arbitration import selectors
from arbitration.errors import NotFound
from arbitration.models import Ticket

BOM = "\ufeff"


class _Line:
    """csv.writer writes into this and gets the line back, so each row can be yielded as it is made."""

    def write(self, line: str) -> str:
        return line


def ticket_csv_response(tickets: QuerySet[Ticket]) -> StreamingHttpResponse:
    """`tickets` must be annotated with `personal_data_visible` (access.with_personal_data_visible)."""
    # The rows are produced after the view has returned: keep the request's language for headings and labels.
    language = translation.get_language()

    def lines():
        writer = csv.writer(_Line())
        with translation.override(language):
            yield BOM
            for row in selectors.ticket_export_rows(tickets):
                yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.csv"'
    return response


# --- Every other list page: one registry, one view, one template tag (docs/homes.md, "Exports") -------------------
# A list registers what it exports: its rows for a request (the user's visibility and the page's own filters, read
# from the same query string the page reads) and its columns (a zh-Hans heading and how to read the cell). The page
# shows `{% export_link "name" %}`, which keeps the current filters. Only the ticket exports carry personal data,
# and they go through ticket_csv_response above and its masking rule; no other list exports a name or a phone.
Column = tuple["str | Promise", Callable[[Any], Any]]


@dataclass(frozen=True)
class ListExport:
    name: str  # the URL's slug and the file's name
    rows: Callable[[HttpRequest], Iterable[Any]]  # raise NotFound (404) where the user may not open the list
    columns: tuple[Column, ...]


LIST_EXPORTS: dict[str, ListExport] = {}


def list_export_register(export: ListExport) -> None:
    LIST_EXPORTS[export.name] = export


def csv_cell(value: Any) -> str:
    """Dates and times in the centre's zone, choices by their label, and no formula a spreadsheet would run."""
    if value is None:
        text = ""
    elif isinstance(value, dt.datetime):
        text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, dt.date):
        text = value.strftime("%Y-%m-%d")
    elif isinstance(value, bool):
        text = gettext("yes") if value else gettext("no")
    else:
        text = str(value)
    return selectors.spreadsheet_safe(text)


def list_csv_response(export: ListExport, rows: Iterable[Any]) -> StreamingHttpResponse:
    language = translation.get_language()

    def lines():
        writer = csv.writer(_Line())
        with translation.override(language):
            yield BOM
            yield writer.writerow([str(heading) for heading, _read in export.columns])
            iterator = rows.iterator(chunk_size=2000) if isinstance(rows, QuerySet) else rows
            for row in iterator:
                yield writer.writerow([csv_cell(read(row)) for _heading, read in export.columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{export.name}-{stamp}.csv"'
    return response


@login_required
def list_export(request: HttpRequest, name: str) -> HttpResponse:
    export = LIST_EXPORTS.get(name)
    if export is None:
        raise Http404()
    try:
        rows = export.rows(request)
    except NotFound as exc:
        raise Http404() from exc
    return list_csv_response(export, rows)


def heading(model, name: str) -> str | Promise:
    """A column's heading: the field's own verbose name, already in the zh-Hans catalogue."""
    return model._meta.get_field(name).verbose_name


def display(name: str) -> Callable[[Any], Any]:
    """Read a choice field by its label (get_FOO_display)."""
    return lambda row: getattr(row, f"get_{name}_display")()
