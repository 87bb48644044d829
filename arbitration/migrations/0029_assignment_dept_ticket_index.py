"""The (department, ticket) index of assignments with the id included (assignment_dept_ticket), in place of the
plain one: a liaison's assignments are then read from the index alone when hashed against a matter's or territory's
tickets (selectors._in_subtree, docs/scale.md "A liaison's list by matter or territory").

On PostgreSQL both indexes are built and dropped CONCURRENTLY (outside a transaction), the new one first, so that
the table is never without one and its writes are not blocked while the index is built."""

from django.db import migrations, models


def _concurrently(schema_editor) -> dict:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


class AddIndexConcurrently(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, **_concurrently(schema_editor))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, **_concurrently(schema_editor))


class RemoveIndexConcurrently(migrations.RemoveIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            schema_editor.remove_index(model, index, **_concurrently(schema_editor))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            schema_editor.add_index(model, index, **_concurrently(schema_editor))


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("arbitration", "0028_assignment_ticket_state"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="assignment",
            index=models.Index(fields=["department", "ticket"], include=("id",), name="assignment_dept_ticket"),
        ),
        RemoveIndexConcurrently(model_name="assignment", name="arbitration_departm_fedac2_idx"),
    ]
