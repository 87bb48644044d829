"""manage.py detect_surges [--day YYYY-MM-DD]: run surge detection for one day (default yesterday)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from supervision.alerts.run import surges_detect


class Command(BaseCommand):
    help = "Detect surges of requests for one day (default: yesterday) and raise alerts (docs/alerts.md)."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="the day to evaluate, YYYY-MM-DD (default: yesterday)")

    def handle(self, *args, **options):
        day = None
        if options["day"]:
            try:
                day = dt.date.fromisoformat(options["day"])
            except ValueError as exc:
                raise CommandError(f"--day must be YYYY-MM-DD, not {options['day']!r}") from exc
        self.stdout.write(surges_detect(day=day).summary())
