"""The CSV exports keep the masking of personal data: the ticket list exports a citizen in full only to the roles
allowed to see every citizen (MINGZE_PERSONAL_DATA_ROLES), and the lists of supervision and of the legal desk,
which name the same ticket, carry neither the citizen's name nor phone, masked or not (docs/personal-data.md).

tests/arbitration/test_personal_data.py covers the liaisons' rule (lead, co-handler, copied regulator);
here the roles outside any assignment, on both ticket exports, the page's and the API's."""

from __future__ import annotations

import csv
import io

import pytest

from arbitration.choices import Role
from legal.choices import CaseOrigin
from legal.services.cases import legal_case_open
from supervision.services.cases import case_open
from tests import factories

pytestmark = pytest.mark.django_db

NAME, MASKED_NAME = "李四光", "李**"
PHONE, MASKED_PHONE = "13955556666", "139****6666"
TICKET_EXPORTS = ("/tickets/export.csv", "/api/v1/tickets/export/")


@pytest.fixture
def reported(city):
    """A ticket led by the urban bureau, with a citizen's name and phone."""
    return factories.ticket(
        city, dispatched_to=city["urban"], hotline_no="EM0001", citizen_name=NAME, citizen_phone=PHONE
    )


def csv_rows(client, url: str) -> list[dict[str, str]]:
    response = client.get(url, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", TICKET_EXPORTS)
@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.DISPATCHER, (NAME, PHONE)),  # a personal-data role: every citizen in full
        (Role.ADMINISTRATOR, (NAME, PHONE)),
        (Role.SUPERVISOR, (MASKED_NAME, MASKED_PHONE)),  # sees every ticket, no citizen
        (Role.CITY_LEADER, (MASKED_NAME, MASKED_PHONE)),
    ],
)
def test_the_ticket_export_shows_the_citizen_in_full_only_to_the_personal_data_roles(
    client, reported, url, role, shown
):
    person = factories.user(f"u-{role}", role)
    rows = {row["工单编号"]: row for row in csv_rows(signed_in(client, person), url)}
    assert (rows["EM0001"]["来电人姓名"], rows["EM0001"]["来电人电话"]) == shown


def test_the_supervision_case_export_names_the_ticket_but_never_its_citizen(client, reported, supervisor):
    case_open(actor=supervisor, reason="媒体关注", ticket_id=reported.pk)
    rows = csv_rows(signed_in(client, supervisor), "/exports/supervision-cases.csv")
    assert [row["工单号"] for row in rows] == ["EM0001"]
    text = "".join(",".join(row.values()) for row in rows)
    assert PHONE not in text and NAME not in text and MASKED_PHONE not in text and MASKED_NAME not in text


def test_the_legal_case_export_names_the_ticket_but_never_its_citizen(client, reported):
    desk_lead = factories.user("desk_lead", Role.LEGAL_DESK_LEAD, full_name="法律专席负责人")
    legal_case_open(ticket=reported, origin=CaseOrigin.DISPATCHER, actor=desk_lead, reason="涉法咨询")
    rows = csv_rows(signed_in(client, desk_lead), "/exports/legal-cases.csv")
    assert [row["工单号"] for row in rows] == ["EM0001"]
    text = "".join(",".join(row.values()) for row in rows)
    assert PHONE not in text and NAME not in text and MASKED_PHONE not in text and MASKED_NAME not in text
