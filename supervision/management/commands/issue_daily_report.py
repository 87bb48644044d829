"""`manage.py issue_daily_report [--day DAY]`: issue the daily work report (工作日报) of a day, yesterday by default."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.management.commands.rebuild_rollups import parse_day
from supervision.services.reports import daily_report_issue


class Command(BaseCommand):
    help = "Issue the daily work report of a day (default: yesterday); a day already reported is left as it is."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=parse_day, help="The day reported (default: yesterday).")

    def handle(self, *args, day=None, **options):
        day = day or timezone.localdate() - dt.timedelta(days=1)
        report = daily_report_issue(day=day)
        self.stdout.write(_("Daily report of %(day)s: %(number)s") % {"day": day, "number": report.document_number})
