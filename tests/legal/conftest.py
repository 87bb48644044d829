"""Personas of the legal desk and a city with a legal-type matter and a pollution matter."""

import pytest
from rest_framework.test import APIClient

from arbitration.choices import Role
from legal.models import PublicInterestDomain
from tests import factories


@pytest.fixture
def legal_city(city):
    """The small city plus a legal-type matter (labour contract disputes) and an ecology matter (noise)."""
    labour_family = factories.matter("07", "劳动和社会保障")
    labour = factories.matter("0701", "劳动关系", labour_family)
    city["labour_contract"] = factories.matter("070101", "劳动合同纠纷", labour, legal_type=True)
    env_family = factories.matter("02", "环境保护")
    env = factories.matter("0201", "污染防治", env_family)
    city["exhaust"] = factories.matter("020101", "工业废气", env)  # mapped to ecology below, not by keyword
    city["ecology_domain"] = PublicInterestDomain.objects.get(code="ecology")
    city["ecology_domain"].matters.add(env)
    city["eco_bureau"] = factories.department("HBJ", "市生态环境局")
    factories.duty(city["eco_bureau"], city["exhaust"], city["city"])
    factories.duty(city["urban"], city["labour_contract"], city["city"])
    return city


@pytest.fixture
def desk_lead(db):
    return factories.user("desk_lead", Role.LEGAL_DESK_LEAD, full_name="法律专席负责人", is_staff=True)


@pytest.fixture
def lawyer(db):
    return factories.user("lawyer_a", Role.LAWYER, full_name="律师甲", is_staff=True)


@pytest.fixture
def other_lawyer(db):
    return factories.user("lawyer_b", Role.LAWYER, full_name="律师乙", is_staff=True)


@pytest.fixture
def procurator(db):
    return factories.user("procurator", Role.PROCURATORATE_LIAISON, full_name="检察院联络员", is_staff=True)


@pytest.fixture
def api():
    def client_for(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for
