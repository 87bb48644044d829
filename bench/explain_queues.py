"""EXPLAIN ANALYZE of every home-queue query (docs/homes.md) on a PostgreSQL bench city, for each role.

    DATABASE_URL=postgres://…/bench .venv/bin/python bench/explain_queues.py [--tickets N] [--open N]

With --tickets, first builds a bench city of N tickets (bench/common.py's city_generate) and gives every closed
ticket a lead assignment too, as a real city's history has (assignments outlive their tickets). Then, as one user
per role (the liaison of the department with most active assignments), runs each section's rows and capped count
and prints each statement's plan and time: every one should be an index scan stopped by its LIMIT, never a scan or
a hash of a table that grows with the city.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from arbitration.choices import Role  # noqa: E402
from arbitration.models import DepartmentMembership, User  # noqa: E402
from arbitration.queues import QueueContext, sections_for  # noqa: E402


def city_build(tickets: int, open_tickets: int) -> None:
    from bench.common import city_generate

    with connection.cursor() as cursor:
        city_generate(cursor, tickets, open_tickets)
        cursor.execute("""
            INSERT INTO arbitration_assignment (ticket_id, department_id, role, method, assigned_at, reason,
                                                ticket_received_at, ticket_status, ticket_due_at,
                                                ticket_matter_id, ticket_territory_id)
            SELECT t.id, d.id, 'lead', 'direct', t.dispatched_at, '', t.received_at, t.status, t.due_at,
                   t.matter_id, t.territory_id
            FROM arbitration_ticket t
            JOIN LATERAL (SELECT id FROM arbitration_department WHERE code LIKE 'BD%%'
                          ORDER BY id OFFSET (t.id %% 100) LIMIT 1) d ON true
            WHERE t.status = 'closed'""")
        cursor.execute("ANALYZE arbitration_ticket")
        cursor.execute("ANALYZE arbitration_assignment")


def bench_user(role: str, department_id: int | None) -> User:
    user, _created = User.objects.get_or_create(username=f"bench-queue-{role}", defaults={"full_name": role})
    user.groups.add(Group.objects.get(name=role))
    if department_id:
        DepartmentMembership.objects.get_or_create(user=user, department_id=department_id)
    return User.objects.get(pk=user.pk)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=0)
    parser.add_argument("--open", type=int, default=15_000)
    parser.add_argument("--plans", action="store_true", help="print each whole plan, not only its first line")
    args = parser.parse_args()
    if args.tickets:
        city_build(args.tickets, args.open)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT department_id FROM arbitration_assignment WHERE ended_at IS NULL "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        )
        row = cursor.fetchone()
    busiest = row[0] if row else None
    for role in Role:
        if role == Role.ADMINISTRATOR:
            continue
        user = bench_user(role, busiest if role == Role.LIAISON else None)
        ctx = QueueContext(user=user, now=timezone.now())
        ctx.calendar  # noqa: B018 (loaded once, outside the measured statements)
        for section in sections_for(user):
            with CaptureQueriesContext(connection) as queries:
                section.rows(ctx)
                section.count(ctx)
            for query in queries.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + sql)
                    plan = [r[0] for r in cursor.fetchall()]
                print(f"{role:22} {section.key:36} {plan[-1]:28} {plan[0][:90]}")
                if args.plans:
                    print("\n".join("    " + line for line in plan))


if __name__ == "__main__":
    main()
