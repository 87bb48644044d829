"""Migration 0006 moves a vote's co-handlers from a many-to-many onto the vote row: nothing is lost either way."""

from arbitration.models import Vote
from tests.arbitration.conference.conftest import seat_members
from tests.arbitration.conference.test_conference import vote
from tests.migrating import migrate

BEFORE, AFTER = ("arbitration", "0005_fewer_ticket_indexes"), ("arbitration", "0006_vote_co_handler_ids")


def test_co_handlers_of_votes_and_of_their_history_survive_the_migration_both_ways(
    back_to_the_latest_migrations, item, session, bodies, city
):
    first, second = seat_members(session, bodies[:2])
    vote(item, first, city["urban"], co=[city["market"]])
    vote(item, first, city["urban"], co=[])  # a change: the history holds both versions
    vote(item, second, city["market"], co=[city["urban"]])
    history_before = sorted(Vote.history.values_list("history_id", "co_handler_ids"))

    old = migrate(BEFORE).loader.project_state([BEFORE]).apps
    through = old.get_model("arbitration", "Vote").co_handlers.through
    historical = old.get_model("arbitration", "HistoricalVote_co_handlers")
    assert sorted(through.objects.values_list("department_id", flat=True)) == [city["urban"].pk]
    assert sorted(historical.objects.values_list("history_id", "department_id")) == sorted(
        (history_id, ids[0]) for history_id, ids in history_before if ids
    )

    migrate(AFTER)
    assert sorted(Vote.history.values_list("history_id", "co_handler_ids")) == history_before
    assert dict(Vote.objects.values_list("seat__member", "co_handler_ids")) == {
        first.pk: [],
        second.pk: [city["urban"].pk],
    }
