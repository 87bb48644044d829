"""`manage.py screen_leads [--month 2026-03]`: screen a month's tickets for public-interest leads."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from legal.choices import ScreeningTrigger
from legal.services.screening import screening_run
from legal.tasks import last_month, month_bounds


class Command(BaseCommand):
    help = "Propose public-interest leads from one month's tickets (default: last month)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", help="YYYY-MM; default: the previous month")

    def handle(self, *args, month: str | None = None, **options) -> None:
        if month:
            try:
                year, number = (int(part) for part in month.split("-"))
            except ValueError:
                raise CommandError("--month must look like 2026-03") from None
        else:
            year, number = last_month(timezone.localdate())
        start, end = month_bounds(year, number)
        run = screening_run(period_start=start, period_end=end, trigger=ScreeningTrigger.COMMAND)
        self.stdout.write(
            f"{year}-{number:02d}: screened {run.tickets_screened} tickets, proposed {run.leads_proposed} leads"
        )
