"""Assignment.ticket_matter and ticket_territory: copies of the ticket's matter and territory, so that a liaison's
list by matter or by place is each department's range of an assignment index (docs/scale.md, "A liaison's list by
matter or territory").

Added empty, filled by one UPDATE … FROM (PostgreSQL; SQLite from 3.33), then indexed. On a large table build the
indexes with CREATE INDEX CONCURRENTLY ahead of the migration (docs/scale.md)."""

import django.db.models.deletion
from django.db import migrations, models


BACKFILL = """
    UPDATE arbitration_assignment SET ticket_matter_id = t.matter_id, ticket_territory_id = t.territory_id
    FROM arbitration_ticket AS t WHERE t.id = arbitration_assignment.ticket_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("arbitration", "0029_assignment_dept_ticket_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="ticket_matter",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="arbitration.matter",
                verbose_name="ticket matter",
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="ticket_territory",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="arbitration.territory",
                verbose_name="ticket territory",
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["department", "ticket_matter", "-ticket_received_at", "-ticket"],
                include=("id",),
                name="assignment_dept_matter",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["department", "ticket_territory", "-ticket_received_at", "-ticket"],
                include=("id",),
                name="assignment_dept_territory",
            ),
        ),
    ]
