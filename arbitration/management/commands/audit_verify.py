"""`manage.py audit_verify [--since DATE]`: recompute every chain and seal; exit 1 on the first broken link."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from arbitration.audit.verify import record_verification


class Command(BaseCommand):
    help = "Recompute every audit chain and seal and report the first broken link (docs/audit.md)."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=dt.date.fromisoformat, help="Only rows and seals from this day on.")

    def handle(self, *args, since=None, **options):
        verification, result = record_verification(since)
        seconds = (verification.finished_at - verification.started_at).total_seconds()
        summary = (
            f"{result.rows_checked} rows in {seconds:.2f} s, {result.seals_checked} seals"
            f" (chains {result.chain_seconds:.2f} s, seals {result.seal_seconds:.2f} s)"
        )
        if not result.ok:
            raise CommandError(f"audit trail BROKEN: {result.first_failure} ({summary})", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {summary}"))
