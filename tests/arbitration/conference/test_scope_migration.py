"""Migration 0011 renames the old scopes to levels of the territory chain: every decision binds where it did."""

from arbitration.models import AgendaItem, Ruling
from arbitration.services.conferences import agenda_item_close
from tests.arbitration.conference.conftest import seat_members
from tests.arbitration.conference.test_conference import vote
from tests.migrating import migrate

BEFORE = ("arbitration", "0010_platform_ticket_events")
AFTER = ("arbitration", "0011_rulings_bind_along_the_territory_chain")


def test_a_street_ruling_is_matter_territory_before_and_street_again_after(
    back_to_the_latest_migrations, item, session, bodies, city
):
    for member in seat_members(session, bodies[:3]):
        vote(item, member, city["market"])
    agenda_item_close(item_id=item.pk, actor=session.chair, scope="street")
    ruling = Ruling.objects.get()
    assert (ruling.scope, ruling.territory) == ("street", city["street_a1"])

    old = migrate(BEFORE).loader.project_state([BEFORE]).apps
    assert old.get_model("arbitration", "Ruling").objects.get().scope == "matter_territory"
    assert set(old.get_model("arbitration", "HistoricalRuling").objects.values_list("scope", flat=True)) == {
        "matter_territory"
    }
    assert old.get_model("arbitration", "AgendaItem").objects.get().scope == "matter_territory"

    migrate(AFTER)
    assert Ruling.objects.get().scope == "street" and set(Ruling.history.values_list("scope", flat=True)) == {"street"}
    assert AgendaItem.objects.get().scope == "street"  # its ruling's level, not its ticket's (a community)
    assert set(AgendaItem.history.values_list("scope", flat=True)) == {"street"}
