"""Personal data goes only where it must: one rule for the page, the API, the list and the CSV export.

Tickets arrive as the hotline platform sends them (POST /api/v1/tickets/) and a dispatcher dispatches them through
the API, which copies the sector's regulator (双向联办) and adds a co-handler.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.test.utils import override_settings
from rest_framework.test import APIClient

from arbitration.choices import DutyRole, Role
from tests import factories

pytestmark = pytest.mark.django_db

PHONE, MASKED_PHONE = "13812341234", "138****1234"
NAME, MASKED_NAME = "张三丰", "张**"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def receive_and_dispatch(city, dispatcher, hotline_no: str, **fields) -> None:
    """The platform posts the ticket; the dispatcher makes the urban bureau lead and the housing bureau co-handler
    (the market bureau, regulator of the sector, is copied automatically)."""
    payload = {
        "hotline_no": hotline_no,
        "received_at": "2026-03-02T09:00:00+08:00",
        "request_type": "complaint",
        "matter": "010101",
        "territory": "370802001001",
        "title": "占道经营",
        "content": "小区门口每天晚上有摊贩占道经营。",
        "citizen_name": NAME,
        "citizen_phone": PHONE,
        **fields,
    }
    api = client_for(dispatcher)
    assert api.post("/api/v1/tickets/", payload, format="json").status_code == 201
    dispatched = api.post(
        f"/api/v1/tickets/{hotline_no}/dispatch/",
        {"lead_department_id": city["urban"].pk, "co_handler_ids": [city["housing"].pk]},
        format="json",
    )
    assert dispatched.status_code == 201, dispatched.json()


@pytest.fixture
def dual_city(city):
    factories.duty(city["market"], city["stall"], city["city"], role=DutyRole.REGULATOR)
    return city


@pytest.fixture
def people(dual_city, dispatcher, supervisor, liaison_urban, liaison_market):
    housing = factories.user("liaison_housing", Role.LIAISON, departments=(dual_city["housing"],))
    return {
        "dispatcher": dispatcher,
        "supervisor": supervisor,
        "lead": liaison_urban,
        "copied": liaison_market,
        "co_handler": housing,
    }


@pytest.fixture
def ticket_no(dual_city, people):
    receive_and_dispatch(dual_city, people["dispatcher"], "PD0001")
    return "PD0001"


def api_citizen(user, hotline_no: str) -> tuple[str, str]:
    body = client_for(user).get(f"/api/v1/tickets/{hotline_no}/").json()
    return body["citizen_name"], body["citizen_phone"]


def page_html(user, hotline_no: str) -> str:
    response = client_for(user).get(f"/tickets/{hotline_no}/")
    assert response.status_code == 200
    return response.content.decode()


def export_rows(user, url: str = "/api/v1/tickets/export/") -> list[dict[str, str]]:
    response = client_for(user).get(url, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # UTF-8 with BOM: Excel opens Chinese text correctly
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_copied_regulator_sees_the_phone_masked_in_page_api_and_export(ticket_no, people):
    copied = people["copied"]
    html = page_html(copied, ticket_no)
    assert MASKED_PHONE in html and PHONE not in html and NAME not in html
    assert api_citizen(copied, ticket_no) == (MASKED_NAME, MASKED_PHONE)
    (row,) = export_rows(copied)
    assert (row["来电人姓名"], row["来电人电话"]) == (MASKED_NAME, MASKED_PHONE)
    (listed,) = client_for(copied).get("/api/v1/tickets/").json()["results"]
    assert listed["citizen_phone"] == MASKED_PHONE


def test_the_lead_liaison_sees_the_citizen_in_full_in_page_api_and_export(ticket_no, people):
    lead = people["lead"]
    assert PHONE in page_html(lead, ticket_no)
    assert api_citizen(lead, ticket_no) == (NAME, PHONE)
    (row,) = export_rows(lead)
    assert (row["来电人姓名"], row["来电人电话"]) == (NAME, PHONE)


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("dispatcher", (NAME, PHONE)),
        ("lead", (NAME, PHONE)),
        ("co_handler", (MASKED_NAME, MASKED_PHONE)),
        ("copied", (MASKED_NAME, MASKED_PHONE)),
        ("supervisor", (MASKED_NAME, MASKED_PHONE)),
    ],
)
def test_only_the_lead_and_the_personal_data_roles_see_the_citizen(ticket_no, people, who, shown):
    assert api_citizen(people[who], ticket_no) == shown


@override_settings(MINGZE_PERSONAL_DATA_ASSIGNMENT_ROLES=["lead", "co_handler"])
def test_a_setting_lets_co_handlers_see_the_citizen_but_not_the_copied_regulator(ticket_no, people):
    assert api_citizen(people["co_handler"], ticket_no) == (NAME, PHONE)
    assert api_citizen(people["copied"], ticket_no) == (MASKED_NAME, MASKED_PHONE)
    (row,) = export_rows(people["co_handler"])
    assert row["来电人电话"] == PHONE


def test_a_confidential_ticket_is_masked_for_the_lead_everywhere_but_not_for_the_dispatcher(dual_city, people):
    receive_and_dispatch(dual_city, people["dispatcher"], "PD0002", confidential=True)
    lead = people["lead"]
    html = page_html(lead, "PD0002")
    assert MASKED_PHONE in html and PHONE not in html
    assert api_citizen(lead, "PD0002") == (MASKED_NAME, MASKED_PHONE)
    (row,) = export_rows(lead)
    assert row["来电人电话"] == MASKED_PHONE
    assert api_citizen(people["dispatcher"], "PD0002") == (NAME, PHONE)


@override_settings(MINGZE_PERSONAL_DATA_ROLES=["dispatcher", "administrator", "supervisor"])
def test_roles_named_in_the_setting_see_every_citizen_confidential_or_not(dual_city, people):
    receive_and_dispatch(dual_city, people["dispatcher"], "PD0003", confidential=True)
    assert api_citizen(people["supervisor"], "PD0003") == (NAME, PHONE)


def test_one_export_masks_row_by_row_and_follows_the_list_filters(dual_city, people):
    receive_and_dispatch(dual_city, people["dispatcher"], "PD0004")
    receive_and_dispatch(dual_city, people["dispatcher"], "PD0005", confidential=True)
    factories.ticket(dual_city, hotline_no="PD0006", dispatched_to=dual_city["market"], citizen_phone="13700001111")
    rows = {row["工单编号"]: row for row in export_rows(people["copied"])}
    # The market bureau is copied on two tickets and leads the third: only the third shows in full.
    assert {no: row["来电人电话"] for no, row in rows.items()} == {
        "PD0004": MASKED_PHONE,
        "PD0005": MASKED_PHONE,
        "PD0006": "13700001111",
    }
    assert rows["PD0004"]["承办单位"] == "市城市管理局（主办）、市住房和城乡建设局（协办）、市市场监督管理局（抄送）"
    filtered = export_rows(people["copied"], "/api/v1/tickets/export/?department=CGJ")
    assert sorted(row["工单编号"] for row in filtered) == ["PD0004", "PD0005"]


def test_the_list_page_offers_the_export_which_masks_alike(ticket_no, people):
    copied = people["copied"]
    html = client_for(copied).get("/tickets/").content.decode()
    assert 'id="ticket-export"' in html
    (row,) = export_rows(copied, "/tickets/export.csv")
    assert row["来电人电话"] == MASKED_PHONE


def test_someone_without_a_ticket_list_cannot_export(ticket_no, outsider):
    assert client_for(outsider).get("/api/v1/tickets/export/").status_code == 404
    assert client_for(outsider).get("/tickets/export.csv").status_code == 404


def test_a_bad_filter_on_the_export_is_a_clear_400(ticket_no, people):
    response = client_for(people["dispatcher"]).get("/api/v1/tickets/export/?received_from=yesterday")
    assert response.status_code == 400 and response.json()["details"]["field"] == "received_from"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(dual_city, people):
    receive_and_dispatch(dual_city, people["dispatcher"], "PD0007", title='=HYPERLINK("http://x")')
    (row,) = export_rows(people["dispatcher"])
    assert row["标题"] == '\'=HYPERLINK("http://x")'
