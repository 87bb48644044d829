"""The people's pages: home per role, the ticket list and its filters, the detail with masking and history."""

import pytest
from django.urls import reverse

from arbitration.choices import Role, TicketStatus
from arbitration.models import Ticket
from arbitration.selectors import ticket_timeline
from arbitration.services.tickets import assignment_create, assignments_end
from tests import factories
from tests.factories import at, ticket

pytestmark = pytest.mark.django_db

LIST = reverse("ticket-list")


def detail(t: Ticket) -> str:
    return reverse("ticket-detail", args=[t.hotline_no])


def listed(response) -> set[str]:
    return {t["hotline_no"] for t in response.context["page"].rows}


@pytest.fixture
def urban_ticket(city):
    return ticket(city, dispatched_to=city["urban"], hotline_no="U0001", title="夜市摊贩占道")


@pytest.fixture
def market_ticket(city):
    return ticket(
        city,
        dispatched_to=city["market"],
        hotline_no="M0001",
        matter_id=city["food"].pk,
        territory_id=city["community_b1"].pk,
        title="过期食品",
        received_at=at(2026, 4, 10, 9),
    )


# --- home ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "roles",
    [
        (Role.DISPATCHER,),
        (Role.SUPERVISOR,),
        (Role.CITY_LEADER,),
        (Role.CONFERENCE_MEMBER,),
        (Role.LAWYER,),
        (Role.DISCIPLINE_LIAISON,),
        (Role.PROCURATORATE_LIAISON,),
        (Role.LEGAL_DESK_LEAD,),
        (),
    ],
)
def test_home_page_renders_for_every_role(client, city, urban_ticket, roles):
    client.force_login(factories.user("someone", *roles))
    response = client.get("/", follow=True)  # a city leader's home is the cockpit (docs/cockpit.md)
    assert response.status_code == 200
    assert "someone" in response.content.decode()


def test_liaison_home_lists_only_their_departments_open_tickets(client, urban_ticket, market_ticket, liaison_urban):
    client.force_login(liaison_urban)
    html = client.get("/").content.decode()
    assert urban_ticket.hotline_no in html
    assert market_ticket.hotline_no not in html


def test_administrator_home_warns_of_due_times_unknown_for_lack_of_calendar(client, city, administrator):
    late = ticket(city, dispatched_to=city["urban"], received_at=at(2026, 12, 30, 9))
    assert late.due_at is None and late.due_unknown_reason  # 2027 is not in the table yet
    client.force_login(administrator)
    html = client.get("/").content.decode()
    assert "warning-banner" in html
    assert reverse("admin:arbitration_calendaryear_changelist") in html


def test_administrator_home_has_no_warning_when_every_due_time_is_known(client, urban_ticket, administrator):
    client.force_login(administrator)
    assert "warning-banner" not in client.get("/").content.decode()


def test_pages_ask_for_login(client, urban_ticket):
    for url in ("/", LIST, detail(urban_ticket)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_login_page_logs_a_user_in(client, dispatcher):
    response = client.post(reverse("login"), {"username": "dispatcher", "password": "pw-dispatcher"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


# --- list ------------------------------------------------------------------------------------------------------
def test_liaison_list_shows_only_their_departments_tickets(client, urban_ticket, market_ticket, liaison_urban):
    client.force_login(liaison_urban)
    assert listed(client.get(LIST)) == {"U0001"}


def test_liaison_cannot_widen_the_list_by_filtering_on_another_department(
    client, city, urban_ticket, market_ticket, liaison_urban
):
    client.force_login(liaison_urban)
    assert listed(client.get(LIST, {"department": city["market"].pk})) == {"U0001"}  # invalid choice, ignored


def test_outsider_sees_no_tickets(client, urban_ticket, outsider):
    client.force_login(outsider)
    assert listed(client.get(LIST)) == set()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"U0001", "M0001", "R0001"}),
        ({"status": TicketStatus.RECEIVED}, {"R0001"}),
        ({"department": "market"}, {"M0001"}),
        ({"matter": "food"}, {"M0001"}),
        ({"matter": "urban_env"}, {"U0001", "M0001", "R0001"}),  # a matter includes its sub-matters
        ({"territory": "district_b"}, {"M0001"}),  # a district includes its streets and communities
        ({"territory": "street_a1"}, {"U0001", "R0001"}),
        ({"received_from": "2026-04-01"}, {"M0001"}),
        ({"received_to": "2026-03-31"}, {"U0001", "R0001"}),
        ({"q": "过期"}, {"M0001"}),
        ({"q": "u000"}, {"U0001"}),
        ({"urgency": "overdue"}, {"U0001", "M0001"}),
    ],
)
def test_dispatcher_filters_the_list(client, city, urban_ticket, market_ticket, dispatcher, params, expected):
    ticket(city, hotline_no="R0001")
    params = {name: city[value].pk if value in city else value for name, value in params.items()}
    client.force_login(dispatcher)
    assert listed(client.get(LIST, params)) == expected


def test_list_is_paginated_by_fifty(client, city, dispatcher):
    for n in range(51):
        ticket(city, hotline_no=f"P{n:04d}")
    client.force_login(dispatcher)
    first = client.get(LIST)
    assert len(first.context["page"].rows) == 50
    second = client.get(LIST, {"cursor": first.context["page"].next_cursor})
    assert [t["hotline_no"] for t in second.context["page"].rows] == ["P0000"]  # the oldest, received first


def test_list_marks_overdue_tickets(client, urban_ticket, dispatcher):
    client.force_login(dispatcher)
    html = client.get(LIST).content.decode()
    assert 'class="badge red"' in html


def _list_queries(client, django_assert_num_queries, expected: int) -> None:
    with django_assert_num_queries(expected):
        assert client.get(LIST, {"territory": ""}).status_code == 200


@pytest.mark.parametrize("persona", ["dispatcher", "liaison_urban"])
def test_list_query_count_does_not_grow_with_tickets(client, city, django_assert_num_queries, request, persona):
    person = request.getfixturevalue(persona)
    for n in range(3):
        ticket(city, dispatched_to=city["urban"], hotline_no=f"A{n}")
    client.force_login(person)
    client.get(LIST)  # warm the session
    # session, the user with their roles, departments and permissions in one (arbitration.auth_backend), count, the
    # filter selects' catalogue stamp (their options are kept: docs/scale.md, "Rendering"), the page, its
    # assignments; then the navigation's counts (docs/homes.md), every queue section's capped count in one
    # statement: a dispatcher's 1, and 2 for the tickets with no owner (the oldest waiting ones and the graph's
    # version); a liaison's 1 (due tickets, bounce windows, cases, letters, rulings and leader decisions, alerts) and
    # the working calendar's 2 (the bounce window's start). Constant: none of them grows with the tickets.
    expected = 6 + 1 + 2  # the same for both
    _list_queries(client, django_assert_num_queries, expected)
    for n in range(20):
        ticket(city, dispatched_to=city["urban"], hotline_no=f"B{n}")
    _list_queries(client, django_assert_num_queries, expected)


# --- detail ----------------------------------------------------------------------------------------------------
def test_dispatcher_sees_citizen_personal_data(client, urban_ticket, dispatcher):
    client.force_login(dispatcher)
    html = client.get(detail(urban_ticket)).content.decode()
    assert "13812341234" in html and "张三" in html


def test_handling_liaison_sees_personal_data_unless_confidential(client, city, urban_ticket, liaison_urban):
    client.force_login(liaison_urban)
    assert "13812341234" in client.get(detail(urban_ticket)).content.decode()
    secret = ticket(city, dispatched_to=city["urban"], confidential=True)
    html = client.get(detail(secret)).content.decode()
    assert "13812341234" not in html and "138****1234" in html


def test_supervisor_sees_masked_personal_data_also_in_the_history(client, city, urban_ticket, supervisor):
    ticket(
        city,
        hotline_no=urban_ticket.hotline_no,
        citizen_phone="13900001111",
        citizen_name="张三丰",
        dispatched_to=city["urban"],
    )  # the platform corrects the phone: a diff in the history
    client.force_login(supervisor)
    html = client.get(detail(urban_ticket)).content.decode()
    assert "138****1234" in html and "139****1111" in html
    assert "13812341234" not in html and "13900001111" not in html and "张三丰" not in html


def test_another_departments_ticket_is_not_found_like_a_missing_one(client, market_ticket, liaison_urban):
    client.force_login(liaison_urban)
    assert client.get(detail(market_ticket)).status_code == 404
    assert client.get(reverse("ticket-detail", args=["NO-SUCH"])).status_code == 404


def test_detail_shows_active_and_ended_assignments_and_unknown_due_time(client, city, dispatcher):
    late = ticket(city, dispatched_to=city["urban"], received_at=at(2026, 12, 30, 9))
    assignments_end(late, actor=dispatcher, reason="转派市场监管")
    assignment_create(
        ticket=late,
        department_id=city["market"].pk,
        role="lead",
        method="direct",
        actor=dispatcher,
        reason="转派市场监管",
    )
    client.force_login(dispatcher)
    response = client.get(detail(late))
    html = response.content.decode()
    assert [a.department.code for a in response.context["assignments"]] == ["SJJ", "CGJ"]  # active first
    assert "2027" in html  # the reason names the missing year
    assert "转派市场监管" in html and "派单员" in html


def test_timeline_merges_events_and_history_with_who_and_why(city, dispatcher):
    t = ticket(city, dispatched_to=city["urban"])
    assignment_create(
        ticket=t,
        department_id=city["market"].pk,
        role="co_handler",
        method="direct",
        actor=dispatcher,
        reason="食品问题请市场监管协办",
    )
    entries = ticket_timeline(t, personal_data_visible=True)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    sources = {e.source for e in entries}
    assert sources == {"event", "history"}
    co_handling = [e for e in entries if e.reason == "食品问题请市场监管协办"]
    assert {e.source for e in co_handling} == {"event", "history"}
    assert all(e.actor == "派单员" for e in co_handling)
    assert any("市市场监督管理局" in e.action for e in co_handling)


def test_timeline_shows_field_changes_with_labels(city):
    t = ticket(city, hotline_no="H1", dispatched_to=city["urban"])
    ticket(city, hotline_no="H1", title="夜间占道经营", dispatched_to=city["urban"])
    changed = [e for e in ticket_timeline(t) if e.changes]
    title_changes = [c for e in changed for c in e.changes if c.field == "title"]
    assert title_changes and title_changes[0].old == "占道经营" and title_changes[0].new == "夜间占道经营"
