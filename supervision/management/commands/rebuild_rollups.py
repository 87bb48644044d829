"""`manage.py rebuild_rollups [--since DAY] [--until DAY]`: recount the cockpit's daily counts (docs/cockpit.md)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.rollups.build import rollups_first_day, rollups_rebuild


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("Not a day (YYYY-MM-DD): %(value)s") % {"value": value}) from error


class Command(BaseCommand):
    help = "Recount the cockpit's daily counts for a range of days, exactly; running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=parse_day, help="First day (default: the oldest ticket's day).")
        parser.add_argument("--until", type=parse_day, help="Last day (default: today).")

    def handle(self, *args, since=None, until=None, **options):
        first = since or rollups_first_day()
        last = until or timezone.localdate()
        if first is None:
            self.stdout.write(_("No tickets: nothing to count."))
            return
        if first > last:
            raise CommandError(_("The first day comes after the last."))
        rows = rollups_rebuild(first, last)
        self.stdout.write(
            _("Counted %(first)s to %(last)s: %(rows)s rows.") % {"first": first, "last": last, "rows": rows}
        )
