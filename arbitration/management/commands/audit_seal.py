"""`manage.py audit_seal [--day DATE]`: chain what is pending and seal a day (default: yesterday)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from arbitration.audit.seals import seal_day


class Command(BaseCommand):
    help = "Seal a day of the audit trail (default: yesterday) (docs/audit.md)."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=dt.date.fromisoformat, help="The day to seal (YYYY-MM-DD).")

    def handle(self, *args, day=None, **options):
        day = day or timezone.localdate() - dt.timedelta(days=1)
        seal = seal_day(day)
        if seal is None:
            raise CommandError(f"{day} cannot be sealed: a later day is already sealed")
        self.stdout.write(f"{seal.day} {seal.row_count} rows merkle={seal.merkle_root} seal={seal.seal_hash}")
