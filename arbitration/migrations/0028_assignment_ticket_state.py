"""Assignment.ticket_status and ticket_due_at: copies of the ticket's status and due time, so that a department's
open tickets (the home's due tickets, a status filter of the list) are a range of an assignment index
(docs/scale.md, "The ticket's state on the assignment").

Added empty, filled by one UPDATE … FROM (PostgreSQL; SQLite from 3.33), then the status made NOT NULL and both
indexed. On a large table run the indexes with CREATE INDEX CONCURRENTLY ahead of the migration (docs/scale.md)."""

from django.db import migrations, models

from arbitration.choices import TicketStatus

BACKFILL = """
    UPDATE arbitration_assignment SET ticket_status = t.status, ticket_due_at = t.due_at
    FROM arbitration_ticket AS t WHERE t.id = arbitration_assignment.ticket_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("arbitration", "0027_lead_window_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="ticket_due_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="ticket due at"),
        ),
        migrations.AddField(
            model_name="assignment",
            name="ticket_status",
            field=models.CharField(
                choices=TicketStatus.choices, editable=False, max_length=16, null=True, verbose_name="ticket status"
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name="assignment",
            name="ticket_status",
            field=models.CharField(
                choices=TicketStatus.choices, editable=False, max_length=16, verbose_name="ticket status"
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(("ticket_status__in", ("received", "dispatched", "handling"))),
                fields=["department", "ticket_due_at", "ticket"],
                include=("ended_at",),
                name="assignment_open_due",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["ticket_status", "-ticket_received_at", "-ticket"],
                include=("department", "id"),
                name="assignment_status_recent",
            ),
        ),
    ]
