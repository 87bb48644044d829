"""A vote's co-handlers become a list of department ids on the vote row (and on each of its history rows).

The many-to-many rows, live and historical, are copied over before their tables go: nothing is lost.
"""

from collections import defaultdict

from django.db import migrations, models


def _grouped(pairs) -> dict[int, list[int]]:
    """(row id, department id) pairs → row id: its department ids, sorted."""
    ids = defaultdict(list)
    for row_id, department_id in pairs:
        ids[row_id].append(department_id)
    return {row_id: sorted(departments) for row_id, departments in ids.items()}


def copy_co_handlers(apps, schema_editor):
    Vote = apps.get_model("arbitration", "Vote")
    HistoricalVote = apps.get_model("arbitration", "HistoricalVote")
    HistoricalCoHandlers = apps.get_model("arbitration", "HistoricalVote_co_handlers")
    for model, pairs in (
        (Vote, Vote.co_handlers.through.objects.values_list("vote_id", "department_id")),
        (HistoricalVote, HistoricalCoHandlers.objects.values_list("history_id", "department_id")),
    ):
        for pk, ids in _grouped(pairs).items():
            model.objects.filter(pk=pk).update(co_handler_ids=ids)


def copy_back(apps, schema_editor):
    Vote = apps.get_model("arbitration", "Vote")
    HistoricalVote = apps.get_model("arbitration", "HistoricalVote")
    HistoricalCoHandlers = apps.get_model("arbitration", "HistoricalVote_co_handlers")
    Through = Vote.co_handlers.through
    Through.objects.bulk_create(
        Through(vote_id=vote.pk, department_id=d)
        for vote in Vote.objects.exclude(co_handler_ids=[])
        for d in vote.co_handler_ids
    )
    # A historical row names the through row it copied; a co-handler the vote no longer has has none (0).
    through_ids = {(t.vote_id, t.department_id): t.pk for t in Through.objects.all()}
    HistoricalCoHandlers.objects.bulk_create(
        HistoricalCoHandlers(
            id=through_ids.get((row.id, d), 0), history_id=row.history_id, vote_id=row.id, department_id=d
        )
        for row in HistoricalVote.objects.exclude(co_handler_ids=[])
        for d in row.co_handler_ids
    )


class Migration(migrations.Migration):
    dependencies = [
        ("arbitration", "0005_fewer_ticket_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalvote",
            name="co_handler_ids",
            field=models.JSONField(blank=True, default=list, verbose_name="co-handlers"),
        ),
        migrations.AddField(
            model_name="vote",
            name="co_handler_ids",
            field=models.JSONField(blank=True, default=list, verbose_name="co-handlers"),
        ),
        migrations.RunPython(copy_co_handlers, copy_back),
        migrations.RemoveField(
            model_name="vote",
            name="co_handlers",
        ),
        migrations.DeleteModel(
            name="HistoricalVote_co_handlers",
        ),
    ]
