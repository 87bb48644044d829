"""Assignment.ticket_received_at: a copy of its ticket's received_at, indexed per department in the ticket list's
order, so that a liaison's list and the list filtered by department read a page of the index (docs/scale.md).

Added empty, filled by one UPDATE … FROM (PostgreSQL; SQLite from 3.33), then made NOT NULL and indexed. On a large
table run the indexes with CREATE INDEX CONCURRENTLY ahead of the migration (docs/scale.md)."""

from django.db import migrations, models

BACKFILL = """
    UPDATE arbitration_assignment SET ticket_received_at = t.received_at
    FROM arbitration_ticket AS t WHERE t.id = arbitration_assignment.ticket_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("arbitration", "0022_queue_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="ticket_received_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="ticket received at"),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name="assignment",
            name="ticket_received_at",
            field=models.DateTimeField(editable=False, verbose_name="ticket received at"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["department", "-ticket_received_at", "-ticket"], name="assignment_dept_recent"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["-ticket_received_at", "-ticket"], include=["department", "id"], name="assignment_recent"
            ),
        ),
    ]
