"""Every list page exports its list as CSV through one mechanism: the page's filters kept, zh-Hans headings,
streamed, and no citizen's phone for a role that may not see it (docs/homes.md, "Exports")."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from arbitration.choices import Role
from arbitration.services.bounces import bounce_uphold
from arbitration.views.exports import LIST_EXPORTS
from tests import factories
from tests.arbitration.conference.conftest import bounce
from tests.factories import ticket

PHONE = "13812341234"  # the factories' citizen phone

# Each list page → its export, and a role that may open it (the page's own rule).
PAGES = {
    "bounces": ("/bounces/", Role.LIAISON),
    "bounce-review": ("/bounces/review/", Role.DISPATCHER),
    "disputes": ("/disputes/", Role.SUPERVISOR),
    "sessions": ("/conference/", Role.DISPATCHER),
    "rulings": ("/rulings/", Role.SUPERVISOR),
    "notices": ("/notices/", Role.LIAISON),
    "supervision-cases": ("/supervision/", Role.SUPERVISOR),
    "letters": ("/supervision/letters/", Role.SUPERVISOR),
    "referrals": ("/supervision/referrals/", Role.SUPERVISOR),
    "scorecards": ("/supervision/scorecards/", Role.SUPERVISOR),
    "alerts": ("/supervision/alerts/", Role.SUPERVISOR),
    "topics": ("/supervision/topics/", Role.SUPERVISOR),
    "legal-cases": ("/legal/", Role.LEGAL_DESK_LEAD),
    "leads": ("/legal/leads/", Role.LEGAL_DESK_LEAD),
}


def rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Chinese right
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def disputed(city, dispatcher, liaison_urban, liaison_market):
    fresh = ticket(city, dispatched_to=city["urban"], received_at=timezone.now(), hotline_no="X1")
    bounce_uphold(
        bounce_id=bounce(fresh, liaison_urban, proposed=city["market"]).pk,
        actor=dispatcher,
        lead_department_id=city["market"].pk,
        note="属市场监管职责",
        override_reason="复核认定",
    )
    bounce(fresh, liaison_market, proposed=city["urban"])
    return fresh.disputes.get()


def test_every_registered_export_has_its_page_here():
    assert set(LIST_EXPORTS) == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_list_page_links_its_export_and_the_export_has_zh_hans_headings_and_no_phone(client, city, disputed, name):
    page, role = PAGES[name]
    person = factories.user(f"u-{name}", role, departments=(city["urban"],) if role == Role.LIAISON else ())
    client.force_login(person)
    html = client.get(page, follow=True).content.decode()
    assert f"/exports/{name}.csv" in html
    response = client.get(f"/exports/{name}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    table = rows(response)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(table[0]))  # the headings are Chinese
    assert PHONE not in "".join(",".join(row) for row in table)


def test_the_export_keeps_the_list_filters(client, city, disputed, supervisor):
    client.force_login(supervisor)
    html = client.get("/disputes/?status=open").content.decode()
    assert "/exports/disputes.csv?status=open" in html
    everything = rows(client.get("/exports/disputes.csv?status="))
    none_ruled = rows(client.get("/exports/disputes.csv?status=ruled"))
    assert [row[0] for row in everything[1:]] == ["X1"]
    assert none_ruled[1:] == []


def test_a_liaison_exports_only_their_departments_bounces(client, city, disputed):
    other = factories.user("liaison_gov", Role.LIAISON, departments=(city["gov_a"],))
    client.force_login(other)
    assert rows(client.get("/exports/bounces.csv"))[1:] == []


def test_a_list_the_user_may_not_open_cannot_be_exported(client, city, liaison_urban):
    client.force_login(liaison_urban)
    assert client.get("/exports/supervision-cases.csv").status_code == 404
    assert client.get("/exports/bounce-review.csv").status_code == 404
    assert client.get("/exports/no-such-list.csv").status_code == 404
