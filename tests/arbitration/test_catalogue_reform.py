"""Catalogue reform from the record: proposals approved with an effective date, and reorganisations (机构改革)
whose impact report, computed on the graph before approval, matches what carrying them out does."""

import datetime as dt

import pytest
from django.utils import timezone

from arbitration.choices import AssignmentRole, DepartmentKind, DutySource, ProposalAction, ReorganisationKind
from arbitration.errors import (
    EffectiveDatePast,
    ProposalMoveRefused,
    ProposalStale,
    ReorganisationInvalid,
    ReorganisationMoveRefused,
    ReorganisationNotDue,
)
from arbitration.graph import current_graph, overlaps, suggest
from arbitration.models import (
    Assignment,
    CatalogueProposal,
    DepartmentMembership,
    Duty,
    ProposalTransition,
    Reorganisation,
)
from arbitration.services.catalogue import duty_close
from arbitration.services.reform import (
    DutyChange,
    proposal_approve,
    proposal_draft,
    proposal_draft_from_overlap,
    proposal_draft_from_ruling,
)
from arbitration.services.reorganisation import (
    reorganisation_approve,
    reorganisation_carry_out,
    reorganisation_plan,
)
from tests import factories

# The conference's fixtures and the ruling made with them (the urban bureau leads 占道经营 at the street).
from tests.arbitration.conference.conftest import (  # noqa: F401
    bodies,
    chair,
    dispute,
    fresh_ticket,
    item,
    seat_members,
    session,
)
from tests.supervision.conftest import ruling  # noqa: F401

pytestmark = pytest.mark.django_db


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def top_lead(city, at: dt.datetime) -> int:
    found = suggest(current_graph(), matter_id=city["stall"].pk, territory_code=city["community_a1"].code, at=at)
    return found.top.department_id


def test_an_approved_proposal_writes_the_revision_from_its_effective_date_and_the_graph_follows(city, administrator):
    proposal = proposal_draft(
        actor=administrator,
        title="占道经营划归市场监管",
        rationale="裁定多次认定",
        origin="manual",
        changes=[
            DutyChange(action=ProposalAction.CHANGE, duty_id=city["duty_stall"].pk, department_id=city["market"].pk)
        ],
    )
    assert top_lead(city, timezone.now()) == city["urban"].pk
    with pytest.raises(EffectiveDatePast):
        proposal_approve(
            proposal_id=proposal.pk, actor=administrator, effective_on=timezone.localdate() - dt.timedelta(days=1)
        )
    proposal_approve(proposal_id=proposal.pk, actor=administrator, effective_on=tomorrow())

    old = Duty.objects.get(pk=city["duty_stall"].pk)
    new = proposal.changes.get().resulting_duty
    assert old.valid_until == start_of(tomorrow()) == new.valid_from
    assert (new.department, new.matter, new.territory) == (city["market"], city["stall"], city["city"])
    # Today the bureau still leads; from the effective date the graph suggests the new owner.
    assert top_lead(city, timezone.now()) == city["urban"].pk
    assert top_lead(city, start_of(tomorrow()) + dt.timedelta(hours=9)) == city["market"].pk
    with pytest.raises(ProposalMoveRefused):
        proposal_approve(proposal_id=proposal.pk, actor=administrator, effective_on=tomorrow())  # approve twice
    assert list(ProposalTransition.objects.filter(proposal=proposal).values_list("to_status", flat=True)) == [
        "proposed",
        "approved",
    ]


def test_a_proposal_whose_duty_changed_since_it_was_drafted_is_refused_whole(city, administrator):
    proposal = proposal_draft(
        actor=administrator,
        title="两项调整",
        rationale="r",
        origin="manual",
        changes=[
            DutyChange(action=ProposalAction.END, duty_id=city["duty_food"].pk),
            DutyChange(action=ProposalAction.END, duty_id=city["duty_stall"].pk),
        ],
    )
    duty_close(duty_id=city["duty_stall"].pk, actor=administrator, reason="已另行调整")
    with pytest.raises(ProposalStale):
        proposal_approve(proposal_id=proposal.pk, actor=administrator, effective_on=tomorrow())
    assert Duty.objects.get(pk=city["duty_food"].pk).valid_until is None  # nothing half-written


def test_a_recurring_overlap_drafts_a_proposal_that_ends_it(city, administrator):
    factories.duty(city["housing"], city["stall"], city["city"])
    assert any(o.matter_id == city["stall"].pk for o in overlaps(current_graph(), at=timezone.now()))
    proposal = proposal_draft_from_overlap(
        matter_id=city["stall"].pk,
        territory_id=city["city"].pk,
        keep_department_id=city["urban"].pk,
        actor=administrator,
    )
    assert [c.action for c in proposal.changes.all()] == [ProposalAction.END]
    proposal_approve(proposal_id=proposal.pk, actor=administrator, effective_on=tomorrow())
    later = start_of(tomorrow()) + dt.timedelta(hours=1)
    assert not any(o.matter_id == city["stall"].pk for o in overlaps(current_graph(), at=later))


def test_a_ruling_drafts_a_proposal_naming_its_lead_with_the_evidence(ruling, administrator):  # noqa: F811
    proposal = proposal_draft_from_ruling(ruling_id=ruling.pk, actor=administrator)
    [add] = proposal.changes.filter(action=ProposalAction.ADD)
    assert (add.department_id, add.matter_id, add.territory_id) == (
        ruling.lead_id,
        ruling.matter_id,
        ruling.territory_id,
    )
    assert ruling.document_number in add.legal_basis
    assert proposal.evidence["rulings"] == [ruling.document_number]
    assert proposal.evidence["tickets"] >= 1 and proposal.evidence["disputed_tickets"] >= 1


# --- reorganisation ------------------------------------------------------------------------------------------
def merged_bureau(city):
    return factories.department("ZHZF", "市综合行政执法局", DepartmentKind.BUREAU)


def test_a_merger_moves_open_assignments_precedents_and_people_as_its_impact_report_said(
    ruling,  # noqa: F811
    city,
    administrator,
    liaison_urban,
):
    target = merged_bureau(city)
    open_ticket = factories.ticket(city, dispatched_to=city["urban"])
    precedents = Duty.objects.filter(department=city["urban"], source=DutySource.RULING, valid_until=None)
    assert precedents.exists()
    moved_precedents = precedents.count()
    plan = reorganisation_plan(
        actor=administrator,
        kind=ReorganisationKind.MERGE,
        title="城管、市场监管职能整合",
        basis="明编〔2026〕1号",
        effective_on=timezone.localdate(),
        moves=[(city["urban"].pk, target.pk, None), (city["market"].pk, target.pk, None)],
    )
    impact = plan.impact
    assert impact["precedents_moved"] == moved_precedents
    assert impact["open_assignments_moved"] >= 1 and impact["memberships_moved"] >= 1
    reorganisation_approve(reorganisation_id=plan.pk, actor=administrator)
    done = reorganisation_carry_out(reorganisation_id=plan.pk, actor=administrator)

    assert done.result == done.impact  # the report said what the move then did
    lead = Assignment.objects.get(ticket=open_ticket, ended_at=None, role=AssignmentRole.LEAD)
    assert lead.department == target and lead.method == "reorganisation"
    assert (
        Duty.objects.filter(department=target, source=DutySource.RULING, valid_until=None).count() == moved_precedents
    )
    assert not Duty.objects.filter(department__in=[city["urban"], city["market"]], valid_until=None).exists()
    assert DepartmentMembership.objects.filter(user=liaison_urban, department=target).exists()
    city["urban"].refresh_from_db()
    assert not city["urban"].is_active
    assert top_lead(city, timezone.now()) == target.pk
    with pytest.raises(ReorganisationMoveRefused):
        reorganisation_carry_out(reorganisation_id=plan.pk, actor=administrator)  # carried out once


def test_a_split_that_leaves_a_matter_out_reports_the_gap_before_and_makes_exactly_it(city, administrator):
    roads = factories.department("DLJ", "市道路管理局", DepartmentKind.BUREAU)
    stalls = factories.department("TFJ", "市摊贩管理局", DepartmentKind.BUREAU)
    other = factories.matter("010103", "道路破损", city["urban_env"])
    factories.duty(city["urban"], other, city["city"])
    unmapped = factories.matter("0102", "园林绿化", city["urban_family"])
    unmapped_leaf = factories.matter("010201", "树木修剪", unmapped)
    factories.duty(city["urban"], unmapped_leaf, city["city"])
    plan = reorganisation_plan(
        actor=administrator,
        kind=ReorganisationKind.SPLIT,
        title="城管局拆分",
        basis="明编〔2026〕2号",
        effective_on=timezone.localdate(),
        moves=[(city["urban"].pk, stalls.pk, city["stall"].pk), (city["urban"].pk, roads.pk, other.pk)],
    )
    assert [row["matter"] for row in plan.impact["loses_owner"]] == ["010201"]
    assert plan.impact["duties_ended"] == 1 and plan.impact["gains_two"] == []
    reorganisation_approve(reorganisation_id=plan.pk, actor=administrator)
    done = reorganisation_carry_out(reorganisation_id=plan.pk, actor=administrator)
    assert done.result == done.impact
    assert top_lead(city, timezone.now()) == stalls.pk


def test_illegal_reorganisations_are_refused(city, administrator):
    target = merged_bureau(city)
    today = timezone.localdate()
    with pytest.raises(ReorganisationInvalid):  # merge a department into itself
        reorganisation_plan(
            actor=administrator,
            kind=ReorganisationKind.MERGE,
            title="x",
            basis="x",
            effective_on=today,
            moves=[(city["urban"].pk, city["urban"].pk, None)],
        )
    with pytest.raises(ReorganisationInvalid):  # a merger into two departments
        reorganisation_plan(
            actor=administrator,
            kind=ReorganisationKind.MERGE,
            title="x",
            basis="x",
            effective_on=today,
            moves=[(city["urban"].pk, target.pk, None), (city["market"].pk, city["housing"].pk, None)],
        )
    with pytest.raises(EffectiveDatePast):
        reorganisation_plan(
            actor=administrator,
            kind=ReorganisationKind.RENAME,
            title="x",
            basis="x",
            effective_on=today - dt.timedelta(days=1),
            moves=[(city["urban"].pk, city["urban"].pk, None)],
            new_name="市城市管理和综合执法局",
        )
    later = reorganisation_plan(
        actor=administrator,
        kind=ReorganisationKind.RENAME,
        title="更名",
        basis="x",
        effective_on=tomorrow(),
        moves=[(city["urban"].pk, city["urban"].pk, None)],
        new_name="市城市管理和综合执法局",
    )
    with pytest.raises(ReorganisationMoveRefused):  # not approved yet
        reorganisation_carry_out(reorganisation_id=later.pk, actor=administrator)
    reorganisation_approve(reorganisation_id=later.pk, actor=administrator)
    with pytest.raises(ReorganisationMoveRefused):  # approve twice
        reorganisation_approve(reorganisation_id=later.pk, actor=administrator)
    with pytest.raises(ReorganisationNotDue):
        reorganisation_carry_out(reorganisation_id=later.pk, actor=administrator)
    done = reorganisation_carry_out(
        reorganisation_id=later.pk, actor=administrator, now=start_of(tomorrow()) + dt.timedelta(hours=1)
    )
    city["urban"].refresh_from_db()
    assert city["urban"].name == "市城市管理和综合执法局" and city["urban"].is_active
    assert done.result == done.impact


def test_reform_pages_by_role(city, administrator, dispatcher, outsider):
    from django.test import Client

    def client(user):
        c = Client()
        c.force_login(user)
        return c

    target = merged_bureau(city)
    today = timezone.localdate().isoformat()
    # A dispatcher (catalogue analysis) drafts from a gap; only the administrator approves.
    response = client(dispatcher).post(
        "/catalogue/proposals/draft/gap/",
        {"matter": city["food"].pk, "territory": city["district_a"].pk, "department": city["gov_a"].pk,
         "legal_basis": "区政府三定方案"},
    )  # fmt: skip
    assert response.status_code == 302
    proposal = CatalogueProposal.objects.get()
    assert client(dispatcher).get(f"/catalogue/proposals/{proposal.pk}/").status_code == 200
    assert client(outsider).get(f"/catalogue/proposals/{proposal.pk}/").status_code == 404
    assert (
        client(dispatcher).post(f"/catalogue/proposals/{proposal.pk}/approve/", {"effective_on": today}).status_code
        == 404
    )
    client(administrator).post(f"/catalogue/proposals/{proposal.pk}/approve/", {"effective_on": today})
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    # The administrator plans a merger on the page and reads the impact report before approving.
    response = client(administrator).post(
        "/catalogue/reorganisations/",
        {"kind": "merge", "title": "合并", "basis": "明编〔2026〕3号", "effective_on": today,
         "moves": "CGJ > ZHZF\nSJJ > ZHZF"},
    )  # fmt: skip
    planned = Reorganisation.objects.get()
    assert response.status_code == 302 and planned.moves.count() == 2
    page = client(administrator).get(f"/catalogue/reorganisations/{planned.pk}/").content.decode()
    assert "影响评估报告" in page and "市综合行政执法局" in page
    bad = client(administrator).post(
        "/catalogue/reorganisations/",
        {"kind": "merge", "title": "x", "basis": "x", "effective_on": today, "moves": "CGJ > NOPE"},
    )
    assert bad.status_code == 400 and Reorganisation.objects.count() == 1  # a form error, nothing written
    client(administrator).post(f"/catalogue/reorganisations/{planned.pk}/approve/")
    client(administrator).post(f"/catalogue/reorganisations/{planned.pk}/carry-out/")
    planned.refresh_from_db()
    assert planned.status == "carried_out" and planned.result == planned.impact
    assert target.pk in Duty.objects.filter(valid_until=None).values_list("department_id", flat=True)


def test_reform_api_refusals_are_4xx_in_chinese(city, administrator, dispatcher):
    from rest_framework.test import APIClient

    def api(user):
        client = APIClient()
        client.force_login(user)
        return client

    today = timezone.localdate().isoformat()
    into_itself = {
        "kind": "merge",
        "title": "x",
        "basis": "x",
        "effective_on": today,
        "moves": [{"from_department_id": city["urban"].pk, "to_department_id": city["urban"].pk}],
    }
    refused = api(administrator).post("/api/v1/reorganisations/", into_itself, format="json")
    assert (
        refused.status_code == 400
        and refused.json()["message"] == "无法制定该机构改革方案：单位不能合并或拆分到其自身。"
    )
    assert api(dispatcher).post("/api/v1/reorganisations/", into_itself, format="json").status_code == 403
    drafted = api(dispatcher).post(
        "/api/v1/catalogue-proposals/",
        {"title": "t", "rationale": "r", "changes": [{"action": "end", "duty_id": city["duty_food"].pk}]},
        format="json",
    )
    assert drafted.status_code == 201
    approve = f"/api/v1/catalogue-proposals/{drafted.json()['id']}/approve/"
    assert api(dispatcher).post(approve, {"effective_on": today}, format="json").status_code == 403
    assert api(administrator).post(approve, {"effective_on": today}, format="json").status_code == 200
    again = api(administrator).post(approve, {"effective_on": today}, format="json")
    assert again.status_code == 409 and "已批准" in again.json()["message"]
