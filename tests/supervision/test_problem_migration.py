"""Migration 0005: repeated-request cases opened before problems existed become the cases of problems."""

from supervision.choices import CaseEventKind, CaseStatus, Trigger
from supervision.models import SupervisionCase
from supervision.services.sweep import supervision_sweep
from tests.factories import at
from tests.migrating import migrate, migrate_to_leaves
from tests.supervision.helpers import dispatched_ticket

BEFORE, AFTER = ("supervision", "0004_letter_templates"), ("supervision", "0005_problems")


def test_a_place_case_and_a_caller_case_on_one_ticket_become_one_problem_case(back_to_the_latest_migrations, city):
    tickets = [dispatched_ticket(city, received=at(2026, 3, 2 + day, 9)) for day in range(3)]
    old = migrate(BEFORE).loader.project_state([BEFORE]).apps.get_model("supervision", "SupervisionCase")
    opened = {"trigger": "repeated", "ticket_id": tickets[-1].pk, "department_id": city["urban"].pk}
    place = old.objects.create(subject_key="place:1:2", tier="key", reason="30日内同一事项、同一地点反映3次", **opened)
    caller = old.objects.create(subject_key="caller:0123abcd", reason="30日内同一来电人反映3次", **opened)

    migrate(AFTER)
    migrate_to_leaves()  # the live models below know the later columns (docs/audit.md's chain columns)

    kept, closed = SupervisionCase.objects.get(pk=place.pk), SupervisionCase.objects.get(pk=caller.pk)
    assert (kept.status, kept.subject_key, kept.tier) == (CaseStatus.OPEN, f"problem:{kept.problem_id}", "key")
    assert list(kept.problem.tickets.all()) == [tickets[-1]]
    assert closed.status == CaseStatus.CLOSED and f"督办件{kept.pk}" in closed.close_reason
    assert kept.history.first().subject_key == kept.subject_key and kept.problem.history.count() == 1
    supervision_sweep(now=at(2026, 3, 5, 10))  # the first sweep after the upgrade extends the case
    assert list(SupervisionCase.objects.filter(status=CaseStatus.OPEN, trigger=Trigger.REPEATED)) == [kept]
    assert set(kept.problem.tickets.all()) == set(tickets)
    assert kept.events.filter(kind=CaseEventKind.TICKET_JOINED).count() == 2
