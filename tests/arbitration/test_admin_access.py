"""The admin follows the pages' rules: ticket visibility, masking, and a duty catalogue that keeps old rows."""

import pytest
from django.urls import reverse

from arbitration.models import Assignment, Duty
from tests.factories import at, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def urban_ticket(city):
    return ticket(city, dispatched_to=city["urban"], hotline_no="U0001")


@pytest.fixture
def market_ticket(city):
    return ticket(city, dispatched_to=city["market"], hotline_no="M0001", matter_id=city["food"].pk)


def test_liaison_changelist_shows_only_their_departments_tickets(client, urban_ticket, market_ticket, liaison_urban):
    client.force_login(liaison_urban)
    response = client.get(reverse("admin:arbitration_ticket_changelist"))
    assert response.status_code == 200
    assert {t.hotline_no for t in response.context["cl"].result_list} == {"U0001"}


@pytest.mark.parametrize("view", ["change", "history"])
def test_liaison_cannot_open_another_departments_ticket_in_admin(
    client, urban_ticket, market_ticket, liaison_urban, view
):
    client.force_login(liaison_urban)
    own = client.get(reverse(f"admin:arbitration_ticket_{view}", args=[urban_ticket.pk]))
    other = client.get(reverse(f"admin:arbitration_ticket_{view}", args=[market_ticket.pk]))
    assert own.status_code == 200
    assert other.status_code in (302, 404)  # the admin redirects "does not exist" to the index
    assert "M0001" not in other.content.decode()


def test_liaison_sees_only_assignments_of_their_tickets(client, urban_ticket, market_ticket, liaison_urban):
    client.force_login(liaison_urban)
    response = client.get(reverse("admin:arbitration_assignment_changelist"))
    assert {a.ticket.hotline_no for a in response.context["cl"].result_list} == {"U0001"}
    hidden = Assignment.objects.get(ticket=market_ticket)
    assert client.get(reverse("admin:arbitration_assignment_history", args=[hidden.pk])).status_code == 404


def test_admin_list_masks_personal_data_for_a_liaison(client, urban_ticket, liaison_urban):
    client.force_login(liaison_urban)
    html = client.get(reverse("admin:arbitration_ticket_changelist")).content.decode()
    assert "138****1234" in html and "13812341234" not in html


def test_dispatcher_admin_list_shows_personal_data(client, urban_ticket, dispatcher):
    dispatcher.is_staff = True
    dispatcher.save(update_fields=["is_staff"])
    client.force_login(dispatcher)
    html = client.get(reverse("admin:arbitration_ticket_changelist")).content.decode()
    assert "13812341234" in html


def test_editing_a_duty_in_admin_closes_the_old_row_and_opens_a_new_one(client, city, administrator):
    old = city["duty_stall"]
    client.force_login(administrator)
    response = client.post(
        reverse("admin:arbitration_duty_change", args=[old.pk]),
        {
            "department": city["gov_a"].pk,
            "matter": old.matter_id,
            "territory": city["district_a"].pk,
            "role": old.role,
            "legal_basis": "东湖区占道经营属地管理规定",
            "source": old.source,
            "source_reference": "",
            "change_reason": "属地管理改革",
        },
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.valid_until is not None and old.department == city["urban"]  # kept, closed, unchanged
    successor = Duty.objects.get(matter=old.matter, valid_until=None)
    assert successor.pk != old.pk
    assert successor.department == city["gov_a"] and successor.valid_from == old.valid_until
    assert successor.history.first().history_change_reason == "属地管理改革"
    assert successor.history.first().history_user == administrator


def test_adding_a_duty_in_admin_opens_it_through_the_catalogue(client, city, administrator):
    client.force_login(administrator)
    client.post(
        reverse("admin:arbitration_duty_add"),
        {
            "department": city["housing"].pk,
            "matter": city["stall"].pk,
            "territory": city["city"].pk,
            "role": "co_handler",
            "legal_basis": "住建局三定方案",
            "source": "catalogue",
            "source_reference": "",
            "change_reason": "补充协办单位",
        },
    )
    added = Duty.objects.get(department=city["housing"])
    assert added.valid_until is None and added.history.first().history_change_reason == "补充协办单位"


def test_every_arbitration_model_is_in_the_admin(administrator, client):
    from django.apps import apps
    from django.contrib import admin

    for model in apps.get_app_config("arbitration").get_models():
        if model._meta.auto_created or hasattr(model, "instance_type") or model.__module__.startswith("tests."):
            continue  # m2m tables, history models, and models that tests declare for themselves
        assert admin.site.is_registered(model), model


def test_admin_changelists_render_for_an_administrator(client, urban_ticket, administrator):
    from django.contrib import admin

    client.force_login(administrator)
    for model in admin.site._registry:
        if model._meta.app_label != "arbitration":
            continue
        url = reverse(f"admin:arbitration_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_saving_a_calendar_year_in_admin_recomputes_unknown_due_times(client, city, administrator):
    late = ticket(city, dispatched_to=city["urban"], received_at=at(2026, 12, 30, 9))
    assert late.due_at is None
    client.force_login(administrator)
    response = client.post(
        reverse("admin:arbitration_calendaryear_add"),
        {
            "year": 2027,
            "source": "国办发明电〔2026〕1号",
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-date": "2027-01-01",
            "days-0-kind": "holiday",
            "days-0-name": "元旦",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    late.refresh_from_db()
    assert late.due_at is not None and late.due_unknown_reason == ""


def test_admin_change_and_add_forms_render_for_an_administrator(client, urban_ticket, administrator):
    from django.contrib import admin

    client.force_login(administrator)
    for model in admin.site._registry:
        if model._meta.app_label != "arbitration":
            continue
        name = model._meta.model_name
        assert client.get(reverse(f"admin:arbitration_{name}_add")).status_code in (200, 403), name
        first = model._default_manager.first()
        if first is not None:
            assert client.get(reverse(f"admin:arbitration_{name}_change", args=[first.pk])).status_code == 200, name
            assert client.get(reverse(f"admin:arbitration_{name}_history", args=[first.pk])).status_code == 200, name


def test_admin_history_masks_personal_data_for_a_liaison_of_a_confidential_ticket(client, city, liaison_urban):
    secret = ticket(city, dispatched_to=city["urban"], hotline_no="S0001", confidential=True)
    ticket(city, dispatched_to=city["urban"], hotline_no="S0001", confidential=True, citizen_phone="13900001111")
    client.force_login(liaison_urban)
    html = client.get(reverse("admin:arbitration_ticket_history", args=[secret.pk])).content.decode()
    assert "139****1111" in html and "13900001111" not in html and "13812341234" not in html
    version = secret.history.first().history_id
    past = client.get(reverse("admin:arbitration_ticket_simple_history", args=[secret.pk, version]))
    assert past.status_code == 404  # a past version is a whole form of values
