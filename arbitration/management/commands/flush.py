"""`manage.py flush` with the audit guard lifted for its own deletes (docs/audit.md).

On SQLite a flush is a DELETE per table, which the audit triggers refuse; `seed_demo --reset` and pytest's
transactional tests flush. The bypass is this connection's only, for this command only.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from arbitration.audit.triggers import audit_bypass


class Command(FlushCommand):
    def handle(self, **options):
        with audit_bypass(connections[options.get("database") or DEFAULT_DB_ALIAS]):
            return super().handle(**options)
