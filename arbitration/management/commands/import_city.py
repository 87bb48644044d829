"""manage.py import_city DIR: territories, matters, departments and the duty catalogue from files."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from arbitration.errors import DomainError
from arbitration.history import CHANGE_REASON_LENGTH
from arbitration.import_files import encoding_name, file_facts, records_read
from arbitration.intake import error_field
from arbitration.models import User
from arbitration.services.city_import import CityRowError, city_import

KINDS = ("territories", "matters", "departments", "duties")

HELP = """Import a city's reference data from DIR (see arbitration/fixtures/sample_city/ for a sample).

DIR holds any of territories, matters, departments and duties, each as .csv (UTF-8 or GB18030, header
row) or .json (an array of objects with the same keys). Rows are matched by code: new ones are created,
changed ones updated, unchanged ones left alone, all with history naming --user and --reason. A parent
may appear after its children. A bad row (undecodable bytes, a control character, a value too long, a date
outside MINGZE_INPUT_YEARS, an unknown code) is refused alone and reported with its file, line, field and
reason on stderr and in --errors FILE; the good rows are written, and rows that need a refused one (its
children, its duties) are refused in turn (docs/hardening.md).

territories.csv   code, name, level (city|district|street|community, 1-4, or 市|区县|街道|社区), parent
matters.csv       code, name, parent, legal_type (true|false: tickets of it go to the legal desk);
                  three levels, the level follows from the parent
departments.csv   code, name, kind (bureau|district|zone|street|community|utility|other, or 市直部门|区县|
                  开发区|街道|社区|公服企业|其他), parent (department code), territory (code of the
                  territory it governs, for territorial governments), regulated_sectors (matter codes
                  separated by "|", for 双向联办), is_active (true|false, default true)
duties.csv        department, matter, territory (codes), role (lead|co_handler|regulator, or 主办|协办|监管),
                  legal_basis, source (catalogue|ruling|leader_decision, default catalogue),
                  source_reference, valid_from (ISO 8601, default now). A duty whose basis or source
                  changed is closed and a new one opened: the catalogue never loses a row.
"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--user", help="Username the history rows name (an administrator).")
        parser.add_argument("--reason", help='Change reason in history (default: "city import from <DIR>").')
        parser.add_argument("--encoding", type=encoding_name, help="The files' encoding (utf-8, gb18030 …).")
        parser.add_argument("--errors", type=Path, help="Write refused rows (file, line, field, message) here as CSV.")

    def handle(self, *args, directory: Path, user: str | None, reason: str | None, encoding: str | None,
               errors: Path | None, **options) -> None:  # fmt: skip
        if not directory.is_dir():
            raise CommandError(_("No such directory: %(path)s") % {"path": directory})
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("No user named %(name)s.") % {"name": user})
        refused: list[CityRowError] = []
        rows = {kind: self._read(directory, kind, encoding, refused) for kind in KINDS}
        if not any(rows.values()):
            raise CommandError(_("%(path)s holds none of territories, matters, departments, duties (.csv or .json).")
                               % {"path": directory})  # fmt: skip
        reason = (reason or f"city import from {directory.name}")[:CHANGE_REASON_LENGTH]
        result = city_import(**rows, actor=actor, reason=reason)
        self._report_refused(refused + result.refused, errors)
        for kind in KINDS:
            self.stdout.write(
                _("%(kind)s: created %(created)d, updated %(updated)d, unchanged %(unchanged)d")
                % {"kind": kind, "created": result.created.get(kind, 0), "updated": result.updated.get(kind, 0),
                   "unchanged": result.unchanged.get(kind, 0)}
            )  # fmt: skip

    def _read(self, directory: Path, kind: str, encoding: str | None,
              refused: list[CityRowError]) -> list[tuple[int, dict]]:  # fmt: skip
        files = [path for path in (directory / f"{kind}.csv", directory / f"{kind}.json") if path.is_file()]
        if not files:
            return []
        path = files[0]
        try:
            facts = file_facts(path, encoding)
        except DomainError as error:
            raise CommandError(str(error)) from error
        rows = []
        for line, record in records_read(path, facts.encoding):
            if isinstance(record, DomainError):
                refused.append(CityRowError(kind=kind, line=line, field=error_field(record), error=str(record)))
            else:
                rows.append((line, record))
        return rows

    def _report_refused(self, refused: list[CityRowError], path: Path | None) -> None:
        refused = sorted(refused, key=lambda error: (KINDS.index(error.details["kind"]), error.details["line"]))
        for error in refused:
            self.stderr.write(str(error))
        if path is not None:
            with path.open("w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(["file", "line", "field", "message"])
                for error in refused:
                    details = error.details
                    writer.writerow([details["kind"], details["line"], details["field"], details["error"]])
        if refused:
            self.stdout.write(_("Refused rows: %(count)d.") % {"count": len(refused)})
