"""`manage.py audit_chain`: chain every audit row still unchained (what the beat task does every minute)."""

from django.core.management.base import BaseCommand

from arbitration.audit.chain import chain_all


class Command(BaseCommand):
    help = "Chain every audit row not chained yet (docs/audit.md)."

    def handle(self, *args, **options):
        self.stdout.write(f"{chain_all()} rows chained")
