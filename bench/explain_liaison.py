"""EXPLAIN (ANALYZE, BUFFERS) of a liaison's ticket list (page and API), page 1 and deep, alone and with each common
filter, on a PostgreSQL bench city (docs/scale.md, "A liaison's list").

    DATABASE_URL=postgres://…/bench .venv/bin/python bench/explain_liaison.py [--tickets N] [--deep 100000]

With --tickets, first builds a bench city of N tickets (bench/common.py's city_generate) and gives it the
assignment history a real city has: every closed ticket keeps a lead assignment (assignments outlive their
tickets), three bureaus (BD1–BD3, the liaison's) lead about a third of them, as the largest bureaus of a city do,
and one ticket in fifty was re-dispatched once (an ended assignment, often to another of the three bureaus, so the
list must show such a ticket once). Then, as a liaison of BD1–BD3, requests each list and prints the plan and time
of every statement that reads tickets.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from arbitration.choices import Role  # noqa: E402
from arbitration.models import Assignment, Department, DepartmentMembership, Ticket, User  # noqa: E402

BUREAUS = ("BD1", "BD2", "BD3")
HISTORY_SQL = """
    INSERT INTO arbitration_assignment (ticket_id, department_id, role, method, assigned_at, reason, ended_at,
                                        ticket_received_at, ticket_status, ticket_due_at,
                                        ticket_matter_id, ticket_territory_id)
    SELECT t.id, d.ids[CASE WHEN t.id % 100 < 36 THEN 1 + t.id % 3 ELSE 1 + t.id % 100 END], 'lead', 'direct',
           t.dispatched_at, '', NULL, t.received_at, t.status, t.due_at,
           t.matter_id, t.territory_id
    FROM arbitration_ticket t, (SELECT array_agg(id ORDER BY id) AS ids FROM arbitration_department
                                WHERE code LIKE 'BD%%') d
    WHERE t.status = 'closed'
    UNION ALL
    SELECT t.id, d.ids[1 + (t.id / 50) % 3], 'lead', 'direct', t.dispatched_at - interval '30 minutes', '',
           t.dispatched_at, t.received_at, t.status, t.due_at,
           t.matter_id, t.territory_id
    FROM arbitration_ticket t, (SELECT array_agg(id ORDER BY id) AS ids FROM arbitration_department
                                WHERE code LIKE 'BD%%') d
    WHERE t.id % 50 = 7"""


def city_build(tickets: int, open_tickets: int) -> None:
    from bench.common import city_generate

    with connection.cursor() as cursor:
        city_generate(cursor, tickets, open_tickets)
        began = time.perf_counter()
        cursor.execute(HISTORY_SQL)
        cursor.execute("VACUUM ANALYZE arbitration_assignment")
        print(f"  assignment history: {time.perf_counter() - began:.1f} s", flush=True)


def liaison() -> User:
    user, _created = User.objects.get_or_create(username="bench-liaison-3", defaults={"full_name": "liaison"})
    user.groups.add(Group.objects.get(name=Role.LIAISON))
    for department in Department.objects.filter(code__in=BUREAUS):
        DepartmentMembership.objects.get_or_create(user=user, department=department)
    return User.objects.get(pk=user.pk)


def cursor_at(received_at, pk: int) -> str:
    """The `next` cursor that ends on the row (received_at, pk): the shape arbitration.keyset writes."""
    raw = json.dumps({"b": False, "k": [received_at.isoformat(), pk]}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def deep_cursor(user: User, depth: int) -> tuple[str, int]:
    """The cursor of the row `depth` rows down the liaison's list (read once with OFFSET, outside the plans)."""
    mine = Ticket.objects.filter(
        Exists(Assignment.objects.filter(ticket=OuterRef("pk"), department_id__in=user.department_ids))
    ).order_by("-received_at", "-pk")
    total = mine.count()
    depth = min(depth, max(total - 60, 0))
    row = mine.values_list("received_at", "pk")[depth : depth + 1].first()
    return cursor_at(*row), depth


def requests(user: User, deep: tuple[str, int]) -> dict[str, tuple[str, dict]]:
    cursor, depth = deep
    sample = Ticket.objects.filter(status="dispatched", assignments__department_id=min(user.department_ids)).first()
    week_ago = (timezone.localdate() - timezone.timedelta(days=7)).isoformat()
    bureau = Department.objects.get(code=BUREAUS[0])
    return {
        "page 1": ("/tickets/", {}),
        f"{depth:,} rows deep": ("/tickets/", {"cursor": cursor}),
        "API page 1": ("/api/v1/tickets/", {}),
        f"API {depth:,} rows deep": ("/api/v1/tickets/", {"cursor": cursor}),
        "status=closed": ("/tickets/", {"status": "closed"}),
        "status=dispatched": ("/tickets/", {"status": "dispatched"}),
        "urgency=overdue": ("/tickets/", {"urgency": "overdue"}),
        "urgency=due_soon": ("/tickets/", {"urgency": "due_soon"}),
        "matter": ("/tickets/", {"matter": sample.matter_id}),
        "territory": ("/tickets/", {"territory": sample.territory_id}),
        "received last 7 days": ("/tickets/", {"received_from": week_ago}),
        "department (one of the three)": ("/tickets/", {"department": bureau.pk}),
        "API department (one of the three)": ("/api/v1/tickets/", {"department": bureau.code}),
        f"status=closed, {depth:,} rows deep": ("/tickets/", {"status": "closed", "cursor": cursor}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=0)
    parser.add_argument("--open", type=int, default=None, help="open tickets (default 3 %% of --tickets)")
    parser.add_argument("--deep", type=int, default=100_000)
    parser.add_argument("--only", default="", help="only the lists whose label contains this")
    args = parser.parse_args()
    if args.tickets:
        city_build(args.tickets, args.open if args.open is not None else args.tickets * 3 // 100)
    user = liaison()
    deep = deep_cursor(user, args.deep)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    for label, (path, query) in requests(user, deep).items():
        if args.only not in label:
            continue
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, query)
            assert response.status_code == 200, (label, response.status_code)
        print(f"\n=== liaison of {', '.join(BUREAUS)}: {label}", flush=True)
        with connection.cursor() as cursor:
            for statement in captured.captured_queries:
                sql = statement["sql"]
                if "arbitration_ticket" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                print("\n".join(line for (line,) in cursor.fetchall()))
                print("---", flush=True)


if __name__ == "__main__":
    main()
