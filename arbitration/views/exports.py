"""The ticket list as a CSV file, shared by the page (/tickets/export.csv) and the API (/api/v1/tickets/export/).

UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly; streamed row by row, so that a list of
any length costs the server constant memory (docs/personal-data.md).
"""

from __future__ import annotations

import csv

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone, translation

from arbitration import selectors
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
