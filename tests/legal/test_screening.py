"""Screening proposes exactly the expected leads on a hand-built month, and nothing for non-statutory matters."""

import pytest

from arbitration.choices import RequestType, Resolution, Satisfaction
from legal.choices import LeadBasis, LeadStatus, ScreeningTrigger
from legal.models import PublicInterestLead
from legal.services.screening import screening_run
from legal.tasks import month_bounds
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db

MARCH = month_bounds(2026, 3)


def _complaint(city, day: int, *, matter, address: str, content: str = "", territory=None, **extra):
    return factories.ticket(
        city,
        received_at=at(2026, 3, day, 21),
        matter_id=matter.pk,
        address=address,
        territory_id=(territory or city["community_a1"]).pk,
        title=content[:20] or "投诉",
        content=content or f"{address}有问题",
        request_type=extra.pop("request_type", RequestType.COMPLAINT),
        **extra,
    )


@pytest.fixture
def march(legal_city):
    """A hand-built month. Expected leads: the pollution cluster at 滨河路88号, the cluster naming one company at
    three different places, and one unresolved food complaint. Everything else must stay silent."""
    c = legal_city
    exhaust, food, stall = c["exhaust"], c["food"], c["stall"]
    expected = {}
    # 1. Three pollution complaints at one place within the window (spelled a little differently).
    expected["place"] = {
        _complaint(
            c, 2, matter=exhaust, address="滨河路88号", content="工厂晚上排放刺鼻废气", dispatched_to=c["eco_bureau"]
        ).hotline_no,
        _complaint(
            c, 9, matter=exhaust, address="滨河路 88号", content="又在排废气", dispatched_to=c["eco_bureau"]
        ).hotline_no,
        _complaint(
            c, 20, matter=exhaust, address="滨河路88号附近", content="废气味道很重", dispatched_to=c["eco_bureau"]
        ).hotline_no,
    }
    # 2. Three pollution complaints naming the same company from different places.
    expected["party"] = {
        _complaint(
            c,
            3,
            matter=exhaust,
            address=f"{n}号楼",
            territory=c["community_b1"],
            content=f"东边的明州瑞丰化工有限公司偷排废气，第{n}次反映",
        ).hotline_no
        for n in (1, 5, 9)
    }
    # 3. A single food-safety complaint the department left unresolved.
    expected["matter"] = {
        _complaint(
            c,
            12,
            matter=food,
            address="菜市场",
            content="熟食摊卖变质食品",
            resolution=Resolution.UNRESOLVED,
            satisfaction=Satisfaction.DISSATISFIED,
        ).hotline_no,
    }
    # Silent: two pollution complaints at another place (too few), resolved and satisfied.
    for day in (4, 6):
        _complaint(
            c,
            day,
            matter=exhaust,
            address="解放路1号",
            content="油烟",
            resolution=Resolution.RESOLVED,
            satisfaction=Satisfaction.SATISFIED,
        )
    # Silent: a resolved food enquiry.
    _complaint(c, 14, matter=food, address="超市", content="如何辨别过期食品", request_type=RequestType.ENQUIRY)
    # Silent: repeated complaints about street stalls at one place — not a statutory domain.
    for day in (2, 3, 4, 5, 6):
        _complaint(c, day, matter=stall, address="滨河路88号", content="占道经营", resolution=Resolution.UNRESOLVED)
    # Silent: a pollution cluster in February, outside the period.
    for day in (3, 10, 17):
        factories.ticket(c, received_at=at(2026, 2, day), matter_id=exhaust.pk, address="二月路1号", title="废气")
    return expected


def _leads_by_tickets() -> dict[frozenset, PublicInterestLead]:
    return {
        frozenset(lead.tickets.values_list("hotline_no", flat=True)): lead for lead in PublicInterestLead.objects.all()
    }


def test_screening_proposes_exactly_the_expected_leads(march, legal_city):
    run = screening_run(period_start=MARCH[0], period_end=MARCH[1], trigger=ScreeningTrigger.COMMAND)
    leads = _leads_by_tickets()
    assert set(leads) == {frozenset(tickets) for tickets in march.values()}
    assert run.leads_proposed == 3
    place = leads[frozenset(march["place"])]
    assert (place.basis, place.domain.code, place.status) == (LeadBasis.CLUSTER, "ecology", LeadStatus.PROPOSED)
    assert place.cluster_key.startswith("place:") and place.address == "滨河路88号"
    party = leads[frozenset(march["party"])]
    assert party.cluster_key == "party:明州瑞丰化工有限公司" and "明州瑞丰化工有限公司" in party.parties
    single = leads[frozenset(march["matter"])]
    assert (single.basis, single.domain.code) == (LeadBasis.MATTER, "food_drug")
    assert len(place.evidence) == 3 and "市生态环境局" in place.department_actions


def test_screening_the_same_month_again_proposes_nothing_new(march):
    screening_run(period_start=MARCH[0], period_end=MARCH[1], trigger=ScreeningTrigger.COMMAND)
    again = screening_run(period_start=MARCH[0], period_end=MARCH[1], trigger=ScreeningTrigger.ON_DEMAND)
    assert again.leads_proposed == 0 and PublicInterestLead.objects.count() == 3


def test_a_month_of_non_statutory_complaints_proposes_nothing(legal_city):
    for day in range(2, 12):
        _complaint(
            legal_city,
            day,
            matter=legal_city["stall"],
            address="滨河路88号",
            content="占道经营扰民",
            resolution=Resolution.UNRESOLVED,
            satisfaction=Satisfaction.DISSATISFIED,
        )
    run = screening_run(period_start=MARCH[0], period_end=MARCH[1], trigger=ScreeningTrigger.COMMAND)
    assert run.leads_proposed == 0 and not PublicInterestLead.objects.exists()


def test_the_desk_screens_on_demand_through_the_api_and_decides(march, desk_lead, api):
    client = api(desk_lead)
    run = client.post(
        "/api/v1/legal/screenings/",
        {"period_start": MARCH[0].isoformat(), "period_end": MARCH[1].isoformat()},
        format="json",
    )
    assert run.status_code == 201 and run.json()["leads_proposed"] == 3
    lead_id = client.get("/api/v1/legal/leads/?status=proposed").json()["results"][0]["id"]
    dismissed = client.post(f"/api/v1/legal/leads/{lead_id}/dismiss/", {"reason": "已由部门处理完毕"}, format="json")
    assert dismissed.json()["status"] == LeadStatus.DISMISSED
    assert dismissed.json()["decision_reason"] == "已由部门处理完毕"


def test_the_screen_leads_command_screens_a_month(march):
    from django.core.management import call_command

    call_command("screen_leads", "--month", "2026-03")
    assert PublicInterestLead.objects.count() == 3


def test_a_party_name_too_many_complaints_share_names_a_kind_of_place_and_joins_nothing(legal_city, settings):
    settings.MINGZE_LEAD_PARTY_MAX_TICKETS = 3
    # Four complaints about "the construction site" at four addresses: not one polluter, so no cluster lead.
    for n, day in enumerate((2, 4, 6, 8), start=1):
        _complaint(
            legal_city, day, matter=legal_city["exhaust"], address=f"{n}号楼", content="楼下建筑工地夜间排放废气"
        )
    run = screening_run(period_start=MARCH[0], period_end=MARCH[1], trigger=ScreeningTrigger.COMMAND)
    assert run.leads_proposed == 0 and not PublicInterestLead.objects.exists()
    # Under a higher bar the same four complaints are one party, and one cluster lead.
    settings.MINGZE_LEAD_PARTY_MAX_TICKETS = 60
    run = screening_run(period_start=MARCH[0], period_end=MARCH[1], trigger=ScreeningTrigger.ON_DEMAND)
    assert run.leads_proposed == 1
    assert PublicInterestLead.objects.get().cluster_key == "party:楼下建筑工地"
