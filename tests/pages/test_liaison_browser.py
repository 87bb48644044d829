"""A liaison logs in through a real browser and sees exactly their department's tickets."""

import pytest

from tests.factories import ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tickets_of_two_departments(city):
    mine = [ticket(city, dispatched_to=city["urban"], title=f"占道经营 {n}") for n in range(3)]
    theirs = [
        ticket(city, dispatched_to=city["market"], matter_id=city["food"].pk, title=f"食品安全 {n}") for n in range(2)
    ]
    return mine, theirs


def test_liaison_sees_exactly_their_departments_tickets(
    live_server, page, login, liaison_urban, tickets_of_two_departments
):
    mine, theirs = tickets_of_two_departments
    login(page, "liaison_urban", "pw-liaison_urban")

    page.goto(f"{live_server.url}/tickets/")
    rows = page.locator("tr.ticket-row")
    shown = set(rows.evaluate_all("rows => rows.map(row => row.dataset.hotlineNo)"))
    assert shown == {t.hotline_no for t in mine}

    # Typing another department's number into the address bar answers like a number that does not exist.
    response = page.goto(f"{live_server.url}/tickets/{theirs[0].hotline_no}/")
    assert response.status == 404


def test_liaison_home_lists_their_open_tickets(live_server, page, login, liaison_urban, tickets_of_two_departments):
    mine, theirs = tickets_of_two_departments
    login(page, "liaison_urban", "pw-liaison_urban")

    text = page.locator("main").inner_text()
    assert all(t.hotline_no in text for t in mine)
    assert not any(t.hotline_no in text for t in theirs)
