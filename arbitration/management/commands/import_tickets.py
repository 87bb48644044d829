"""manage.py import_tickets FILE: tickets from the hotline platform, in bulk, restartable."""

from __future__ import annotations

import csv
import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from arbitration.audit.chain import chain_all
from arbitration.errors import DomainError
from arbitration.history import CHANGE_REASON_LENGTH
from arbitration.import_files import encoding_name, file_facts, records_read
from arbitration.intake import (
    EVENT_FIELDS,
    PAYLOAD_FIELDS,
    CodeBook,
    error_field,
    event_payload_parse,
    is_event_record,
    ticket_payload_parse,
)
from arbitration.models import User
from arbitration.services.bulk import DEFAULT_BATCH_SIZE, BulkReceiver, BulkResult
from arbitration.services.platform_events import EventBulkResult, PlatformEvent, ticket_events_bulk_apply
from arbitration.services.reference import HOTLINE_PLATFORM_USER
from arbitration.services.tickets import TicketIntake

DEFAULT_WORKERS = 2

HELP = f"""Import tickets from the hotline platform.

FILE is CSV (a header row of field names, one ticket per row) or JSON Lines (one JSON object per line),
chosen by the suffix (.csv, .jsonl, .ndjson) or --format; UTF-8 (with or without BOM) and GB18030 are
detected, and a file that is neither for sure is refused until --encoding names its encoding. A line whose
bytes do not decode is a bad row; text may not hold control characters such as NUL, and times must fall in
MINGZE_INPUT_YEARS (docs/hardening.md). The fields are those of POST /api/v1/tickets/: {", ".join(PAYLOAD_FIELDS)}.
Required: hotline_no, received_at, request_type, matter, territory, title, content. Codes for matter,
territory, dispatched_to (department) and time_limit (tier); enum values by code or Chinese label
(request_type "complaint" or "投诉"); times in ISO 8601, naive ones are Asia/Shanghai.

A record with an `event_id` is an event of the ticket its `hotline_no` names, with the fields of
POST /api/v1/tickets/{{hotline_no}}/events/: {", ".join(EVENT_FIELDS)}. Tickets and events may share one file
(in CSV the header then holds both sets of columns; on a ticket row the event columns are left empty) or come
in files of their own, tickets first. Events apply in file order, each after the tickets above it, so list each
ticket's events in the order they happened. An event already in (the same event_id) is skipped.

Bad rows are reported with their line number and reason (stderr, and --errors FILE as CSV); good rows
are kept. Each batch commits on its own: after an interruption, run the same file again — tickets
already in and unchanged are skipped, changed ones are updated with a history row. History rows name
--user (default: the hotline platform's system account) and --reason.

On PostgreSQL, --workers batches (default {DEFAULT_WORKERS}) are written at once, each on its own connection,
while the next rows are read; a number repeated in a later batch waits until the earlier one is in.
"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["csv", "jsonl"], help="Override the suffix.")
        parser.add_argument(
            "--encoding", type=encoding_name, help="The file's encoding (utf-8, gb18030 …), not detected."
        )
        parser.add_argument("--errors", type=Path, help="Write bad rows (line, hotline_no, code, field, message) here.")
        parser.add_argument("--user", default=HOTLINE_PLATFORM_USER, help="Username the history rows name.")
        parser.add_argument("--reason", help='Change reason in history (default: "imported from <file name>").')
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument(
            "--workers", type=int, default=DEFAULT_WORKERS,
            help="Batches written at once, each on its own connection (PostgreSQL; SQLite writes one by one).",
        )  # fmt: skip

    def handle(self, *args, file: Path, format: str | None, encoding: str | None, errors: Path | None, user: str,
               reason: str | None, batch_size: int, workers: int, **options) -> None:  # fmt: skip
        if not file.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(_("No user named %(name)s.") % {"name": user})
        reason = (reason or f"imported from {file.name}")[:CHANGE_REASON_LENGTH]
        try:
            facts = file_facts(file, encoding)
        except DomainError as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        with _BadRows(self.stderr, errors) as bad, _rare_collections():
            result, events = _Import(actor=actor, reason=reason, batch_size=batch_size, workers=workers, bad=bad).run(
                records_read(file, facts.encoding, format),
                tqdm(total=facts.lines, unit=" rows", file=self.stderr._out, disable=not self.stderr.isatty()),
            )
        # The bulk writer asks a Celery worker to chain what it wrote when it closes (in-process when Celery is
        # eager); receivers of other apps (the legal desk opening cases) write in bulk without a signal. Chain
        # whatever is left, waiting for a worker that is still at it, so the import ends with its audit trail
        # complete (unless chaining is left to the beat task alone, docs/audit.md).
        if settings.MINGZE_AUDIT_CHAIN_ON_COMMIT:
            chain_all(wait=True)
        seconds = time.perf_counter() - started
        rows = result.total + bad.count - len(result.failed) + events.applied + events.unchanged
        self.stdout.write(
            _("Created %(created)d, updated %(updated)d, unchanged %(unchanged)d, bad rows %(bad)d; "
              "%(rows)d rows in %(seconds).1f s (%(rate).0f rows/s).")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
               "bad": bad.count, "rows": rows, "seconds": seconds, "rate": rows / seconds if seconds else 0}
        )  # fmt: skip
        if events.applied or events.unchanged or events.failed:
            self.stdout.write(_("Events: applied %(applied)d, already in %(unchanged)d, refused %(refused)d.")
                              % {"applied": events.applied, "unchanged": events.unchanged,
                                 "refused": len(events.failed)})  # fmt: skip


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely: an import makes millions of short-lived objects and almost no
    cycles, yet with the default thresholds the collector walks every surviving batch again and again (about a
    quarter of the Python time). Freezing moves what exists already (Django, the code books) out of its reach."""
    thresholds, ours = gc.get_threshold(), gc.get_freeze_count() == 0  # never thaw what someone else froze
    if ours:
        gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if ours:
            gc.unfreeze()


class _BadRows:
    """Reports refused rows on stderr and, if asked, in a CSV file. Messages never carry personal data."""

    def __init__(self, stderr, path: Path | None) -> None:
        self.stderr, self.path, self.count, self._file, self._writer = stderr, path, 0, None, None

    def __enter__(self) -> _BadRows:
        if self.path is not None:
            self._file = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(["line", "hotline_no", "code", "field", "message"])
        return self

    def __exit__(self, *exc) -> None:
        if self._file is not None:
            self._file.close()

    def add(self, line: int, hotline_no: str, error: DomainError) -> None:
        self.count += 1
        self.stderr.write(_("line %(line)d (%(number)s): %(message)s")
                          % {"line": line, "number": hotline_no or "-", "message": error})  # fmt: skip
        if self._writer is not None:
            self._writer.writerow([line, hotline_no, error.code, error_field(error), str(error)])


# On a ticket row of a file that also holds events, an empty cell in these columns belongs to the event columns
# (a visit's satisfaction…): it leaves the ticket's value alone instead of clearing what an event set.
SHARED_EVENT_COLUMNS = ("satisfaction", "resolution")


class _Import:
    def __init__(self, *, actor: User, reason: str, batch_size: int, workers: int, bad: _BadRows) -> None:
        self.actor, self.reason, self.batch_size, self.bad = actor, reason, batch_size, bad
        self.codes = CodeBook.load()  # every code once, not per row
        self.receiver = BulkReceiver(actor=actor, reason=reason, workers=workers, on_batch=self._written)
        self.progress: tqdm | None = None
        self.batch: list[TicketIntake] = []
        self.lines: dict[str, int] = {}
        self.events: list[tuple[PlatformEvent, int]] = []  # with their line numbers, in file order
        self.event_numbers: set[str] = set()
        self.event_result = EventBulkResult()

    def run(self, records, progress: tqdm) -> tuple[BulkResult, EventBulkResult]:
        self.progress = progress
        with progress, self.receiver:
            for line, record in records:
                if isinstance(record, DomainError):
                    self.bad.add(line, "", record)
                elif is_event_record(record):
                    self._event(line, record)
                else:
                    self._ticket(line, record)
            self._submit_tickets()
            self._apply_events()
            self.receiver.close()
            progress.update(max(0, progress.total - progress.n) if progress.total else 0)
        return self.receiver.result, self.event_result

    def _ticket(self, line: int, record: dict) -> None:
        if "event_id" in record:
            record = {k: v for k, v in record.items() if v != "" or k not in SHARED_EVENT_COLUMNS}
        try:
            intake = ticket_payload_parse(record, self.codes)
        except DomainError as error:
            self.bad.add(line, str(record.get("hotline_no") or ""), error)
            return
        if intake.hotline_no in self.event_numbers:
            self._apply_events()  # the ticket's earlier events first: the file's order is the order of things
        self.batch.append(intake)
        self.lines[intake.hotline_no] = line
        if len(self.batch) >= self.batch_size:
            self._submit_tickets()

    def _event(self, line: int, record: dict) -> None:
        # The same parser as the API's, so an event the API refuses is refused here for the same reason.
        try:
            event = event_payload_parse(record, self.codes)
        except DomainError as error:
            self.bad.add(line, str(record.get("hotline_no") or ""), error)
            return
        self.events.append((event, line))
        self.event_numbers.add(event.hotline_no)
        if len(self.events) >= self.batch_size:
            self._apply_events()

    def _submit_tickets(self) -> None:
        self.receiver.submit(self.batch, tag=self.lines)
        self.batch, self.lines = [], {}

    def _apply_events(self) -> None:
        """Apply the waiting events once every ticket read before them is in."""
        if not self.events:
            return
        self._submit_tickets()
        self.receiver.wait()
        events, lines = [event for event, _line in self.events], {id(event): line for event, line in self.events}
        part = ticket_events_bulk_apply(events, actor=self.actor, reason=self.reason,
                                        calendar=self.receiver.run.calendar)  # fmt: skip
        self.event_result.applied += part.applied
        self.event_result.unchanged += part.unchanged
        self.event_result.failed += part.failed
        for event, error in part.failed:
            self.bad.add(lines[id(event)], event.hotline_no, error)
        self.progress.update(len(events))
        self.events, self.event_numbers = [], set()

    def _written(self, batch: list[TicketIntake], part: BulkResult, lines: dict[str, int]) -> None:
        for hotline_no, error in part.failed:
            self.bad.add(lines.get(hotline_no, 0), hotline_no, error)
        self.progress.update(len(batch))
