"""Prepared statements are planned for their values every run, so partial indexes stay usable (docs/deployment-scale.md,
"Prepared statements")."""

import pytest
from django.db import connection
from django.utils import timezone

from arbitration.choices import OPEN_TICKET_STATUSES
from arbitration.models import Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements and plan_cache_mode are PostgreSQL's")


def test_a_statement_run_many_times_never_gets_a_generic_plan():
    """The open tickets' due-time list, as a liaison's home runs it: after five runs PostgreSQL would plan it once for
    any values, and that plan cannot use the partial index of open tickets (`status IN (…)` is a parameter)."""
    for _ in range(8):
        list(Ticket.objects.filter(status__in=OPEN_TICKET_STATUSES, due_at__lt=timezone.now()).order_by("due_at")[:10])
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_custom_plan",)
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s AND statement LIKE %s",
            ['%FROM "arbitration_ticket"%', '%"due_at" < $%'],
        )
        plans = cursor.fetchall()
    assert plans, "the list was not prepared: is PG_PREPARE off?"
    assert [generic for generic, _custom in plans] == [0] * len(plans)
    assert sum(custom for _generic, custom in plans) >= 7
