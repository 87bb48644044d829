"""`manage.py seed_demo`: the demo city 明州市 with its catalogue, one or more users per role and tickets.

For demos only: every demo user gets the same printed password. On a database that already holds a city the
command refuses (nothing is changed); `--reset` first wipes the WHOLE database (`flush`), reference data is
then restored by the post-migrate hook, and the demo is seeded afresh. So running it twice never half-writes:
the second run either refuses with a clear message or starts from empty.
"""

from __future__ import annotations

import datetime as dt
import time
from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from tqdm import tqdm

from arbitration.audit.chain import chain_all
from arbitration.choices import Role
from arbitration.demo.build import demo_seed
from arbitration.demo.context import DEMO_PASSWORD
from arbitration.demo.people import ADMIN_USERNAME, PEOPLE
from arbitration.documents.signing import demo_certificate_create, signing_configured
from arbitration.documents.tasks import documents_render_pending
from arbitration.models import Department, Matter, Territory, Ticket, User


class Command(BaseCommand):
    help = (
        "Create the demo city 明州市: about 10 districts and zones, 100 streets, 500 communities, 60 bureaus and "
        "utilities, a catalogue of 246 matters with deliberate gaps and overlaps, demo users for every role "
        "(password 'mingze-demo') and N tickets. Refuses a database that already holds a city unless --reset "
        "is given, which WIPES THE WHOLE DATABASE first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=3000, help="Number of tickets (default 3000).")
        parser.add_argument("--seed", type=int, default=12345, help="Random seed: same seed, same city and tickets.")
        parser.add_argument(
            "--reset", action="store_true", help="Wipe the whole database (manage.py flush) before seeding."
        )
        parser.add_argument(
            "--now",
            default=None,
            help="ISO date-time the tickets lead up to (default: now); fix it to reproduce a run.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="On a database that already holds the demo, only print the demo logins (what `make demo` runs).",
        )
        parser.add_argument("--days", type=int, default=180, help="How many days of tickets (default 180).")
        parser.add_argument("--batch-size", type=int, default=20_000, help="Tickets per bulk batch.")

    def handle(self, *args, **options) -> None:
        if options["tickets"] < 0 or options["days"] < 1:
            raise CommandError(_("--tickets must be 0 or more and --days at least 1."))
        now = self._now(options["now"])
        if options["if_empty"] and not options["reset"] and self._occupied():
            self.stdout.write(_("The demo city is already seeded; seed_demo --reset starts it afresh."))
            self._logins(_logins_in_database())
            return
        self._make_room(reset=options["reset"])
        started = time.monotonic()
        with self._signing(), tqdm(total=options["tickets"], unit=" tickets", disable=not self.stdout.isatty()) as bar:
            context, logins = demo_seed(
                seed=options["seed"],
                tickets=options["tickets"],
                now=now,
                days=options["days"],
                stdout=self.stdout,
                style=self.style,
                batch_size=options["batch_size"],
                progress=lambda written: _advance(bar, written),
            )
            # Whatever is still waiting for its after-commit render is finalised now, while the demo certificate
            # is in force (after a real run's commits there is nothing left; inside a caller's transaction there is).
            documents_render_pending()
        # The demo's bulk writers send no signals: chain their audit rows now (docs/audit.md).
        chain_all(wait=True)
        elapsed = time.monotonic() - started
        self._summary(context, elapsed)
        self._logins(logins)

    def _signing(self):
        """The demo signs what it issues: without a configured certificate, a self-signed demo one is made under
        MINGZE_SIGNING_DEMO_DIR (the settings use it from the next start) and used for this run."""
        if signing_configured():
            return nullcontext()
        cert, key = demo_certificate_create(Path(settings.MINGZE_SIGNING_DEMO_DIR))
        self.stdout.write(_("Demo signing certificate: %(cert)s") % {"cert": cert})
        return override_settings(MINGZE_SIGNING_CERT=str(cert), MINGZE_SIGNING_KEY=str(key))

    def _now(self, text: str | None) -> dt.datetime:
        if text is None:
            return timezone.now().replace(second=0, microsecond=0)
        moment = parse_datetime(text)
        if moment is None:
            raise CommandError(_("--now must be an ISO date-time, e.g. 2026-11-20T10:00:00+08:00."))
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)

    @staticmethod
    def _occupied() -> bool:
        return (
            Territory.objects.exists()
            or Department.objects.exists()
            or Matter.objects.exists()
            or Ticket.objects.exists()
            or User.objects.filter(username__in=DEMO_USERNAMES).exists()
        )

    def _make_room(self, *, reset: bool) -> None:
        if not self._occupied():
            return
        if not reset:
            raise CommandError(
                _(
                    "The database already holds a city or demo users ({territories} territories, {tickets} tickets). "
                    "Run seed_demo --reset to wipe the whole database and seed the demo afresh."
                ).format(territories=Territory.objects.count(), tickets=Ticket.objects.count())
            )
        self.stdout.write(_("Wiping the database ({vendor})…").format(vendor=connection.vendor))
        call_command("flush", interactive=False, verbosity=0)  # post_migrate restores groups, tiers, calendar
        # flush recreated content types and permissions under new ids: drop this process's cached ones.
        ContentType.objects.clear_cache()

    def _summary(self, context, elapsed: float) -> None:
        city, ticket_seconds = context.city, context.timings.get("tickets", 0.0)
        rate = context.ticket_count / ticket_seconds if ticket_seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo city {city}: {districts} districts and zones, {streets} streets, {communities} communities, "
                    "{departments} departments, {matters} matters, {duties} duties ({gaps} gaps, {overlaps} overlaps); "
                    "{tickets} tickets in {ticket_seconds:.1f} s ({rate:.0f} tickets/s); {seconds:.1f} s in all."
                ).format(
                    city=city.city.name,
                    districts=len(city.districts),
                    streets=len(city.streets),
                    communities=len(city.communities),
                    departments=len(city.departments),
                    matters=len(city.leaves()),
                    duties=city.duty_count,
                    gaps=len(city.gaps),
                    overlaps=len(city.overlaps),
                    tickets=context.ticket_count,
                    ticket_seconds=ticket_seconds,
                    rate=rate,
                    seconds=elapsed,
                )
            )
        )

    def _logins(self, logins: list[tuple]) -> None:
        headers = (_("Username"), _("Password"), _("Full name"), _("Role"), _("Acts as"))
        rows = [(username, DEMO_PASSWORD, name, role, duty) for username, name, role, duty in logins]
        widths = [max(_width(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
        self.stdout.write("")
        self.stdout.write(_("Demo logins (for demos only: every demo user has the same password):"))
        for row in [headers, *rows]:
            self.stdout.write("  ".join(_pad(str(cell), width) for cell, width in zip(row, widths, strict=True)))


DEMO_USERNAMES = [ADMIN_USERNAME, *(username for username, *_rest in PEOPLE)]


def _logins_in_database() -> list[tuple]:
    """The login table of demo users already in the database: (username, name, roles, departments)."""
    users = User.objects.filter(username__in=DEMO_USERNAMES).prefetch_related("groups", "departments")
    return [
        (
            user.username,
            user.full_name,
            "、".join(str(Role(group.name).label) for group in user.groups.all() if group.name in Role.values),
            "、".join(department.name for department in user.departments.all()),
        )
        for user in users.order_by("pk")
    ]


def _advance(bar: tqdm, written: int) -> None:
    bar.update(written - bar.n)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
