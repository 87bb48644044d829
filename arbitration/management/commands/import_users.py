"""manage.py import_users FILE: the centre's staff list — who signs in, for which department, in which roles."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from arbitration.errors import DomainError
from arbitration.history import CHANGE_REASON_LENGTH
from arbitration.import_files import file_facts, records_read
from arbitration.models import User
from arbitration.services.people import PersonFacts, person_facts, person_sync, users_deactivate, users_missing_from

HELP = """Create and update users from FILE (docs/sign-in.md).

FILE is a .csv (UTF-8 or GB18030, header row) or .json/.jsonl with the columns
  name        full name (姓名)
  username    login name; rows are matched on it
  department  department code, several separated by "|" (a liaison may act for more than one)
  roles       role codes or their names (dispatcher, liaison, 派单员, 联络员 …), several separated by "|"
  phone       office phone (optional)
A user is set to exactly what the file says; a second run of the same file changes nothing and says so.
Every bad row is listed with its line, and then nothing is written. Users missing from the file are only
listed, unless --deactivate-missing is given: then they are deactivated (never deleted). Superusers and
system accounts are never deactivated.
"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--deactivate-missing", action="store_true", help="Deactivate active users the file does not list."
        )
        parser.add_argument("--user", help="Username the history rows name (an administrator).")
        parser.add_argument("--reason", help='Change reason in history (default: "user import from <FILE>").')

    def handle(self, *args, file: Path, deactivate_missing: bool, user: str | None, reason: str | None, **options):
        if not file.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        actor = self._actor(user)
        people = self._read(file)
        reason = (reason or f"user import from {file.name}")[:CHANGE_REASON_LENGTH]
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        with transaction.atomic():
            for facts in people:
                counts[person_sync(facts, actor=actor, reason=reason)] += 1
            missing = users_missing_from(facts.username for facts in people)
            deactivated = users_deactivate(missing, actor=actor, reason=reason) if deactivate_missing else 0
            left = [] if deactivate_missing else list(missing.values_list("username", flat=True))
        self._report(counts, deactivated, left)

    def _actor(self, username: str | None) -> User | None:
        if not username:
            return None
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(_("No user named %(name)s.") % {"name": username})
        return actor

    def _read(self, path: Path) -> list[PersonFacts]:
        """Every row checked before anything is written; all bad rows are reported together."""
        people, errors, seen = [], [], {}
        try:
            records = list(records_read(path, file_facts(path).encoding))
        except DomainError as error:
            raise CommandError(str(error)) from error
        for line, record in records:
            try:
                if isinstance(record, DomainError):
                    raise record
                facts = person_facts(
                    username=str(record.get("username") or ""),
                    full_name=str(record.get("name") or ""),
                    departments=record.get("department"),
                    roles=record.get("roles"),
                    phone=str(record.get("phone") or ""),
                )
            except DomainError as error:
                errors.append(_("line %(line)d: %(error)s") % {"line": line, "error": error})
                continue
            if facts.username in seen:
                errors.append(
                    _("line %(line)d: username %(name)s is already on line %(first)d")
                    % {"line": line, "name": facts.username, "first": seen[facts.username]}
                )
                continue
            seen[facts.username] = line
            people.append(facts)
        if errors:
            raise CommandError("\n".join([_("Nothing was imported:"), *errors]))
        return people

    def _report(self, counts: dict[str, int], deactivated: int, left: list[str]) -> None:
        if counts["created"] == counts["updated"] == deactivated == 0:
            self.stdout.write(
                _("Nothing changed: all %(count)d users already match the file.") % {"count": counts["unchanged"]}
            )
        else:
            self.stdout.write(
                _("Users: %(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(deactivated)d deactivated")
                % {**counts, "deactivated": deactivated}
            )
        if left:
            self.stdout.write(
                _("%(count)d active users are not in the file and stay active (see --deactivate-missing): %(names)s")
                % {"count": len(left), "names": ", ".join(left)}
            )
