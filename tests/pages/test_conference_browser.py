"""In a real browser: a member votes, the chair closes the item, the ruling's PDF downloads."""
# ruff: noqa: F811 — the conference fixtures are imported by name so that pytest finds them here.

import pytest

from arbitration.models import Ruling
from arbitration.services.conferences import vote_cast
from tests.arbitration.conference.conftest import (  # noqa: F401  (fixtures)
    bodies,
    chair,
    dispute,
    fresh_ticket,
    item,
    seat_members,
    session,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_votes_chair_closes_and_the_ruling_pdf_downloads(
    live_server, browser, login, item, session, bodies, city, tmp_path
):
    members = seat_members(session, bodies[:3])
    for other in members[1:]:
        vote_cast(item_id=item.pk, actor=other, lead_department_id=city["urban"].pk, reason="职责清单明确")

    member_page = browser.new_context(locale="zh-CN").new_page()
    login(member_page, members[0].username, f"pw-{members[0].username}")
    member_page.goto(f"{live_server.url}/conference/")
    member_page.click("a.item-link")
    member_page.select_option("#vote-lead", str(city["urban"].pk))
    member_page.fill("#vote-reason", "占道经营属城市管理职责")
    member_page.click("#vote-submit")
    member_page.wait_for_selector(".messages .success")
    assert item.votes.count() == 3

    chair_page = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    login(chair_page, "chair", "pw-chair")
    chair_page.goto(f"{live_server.url}/conference/items/{item.pk}/")
    assert chair_page.inner_text("#t-cast") == "3"
    chair_page.on("dialog", lambda dialog: dialog.accept())
    chair_page.click("#close-item")
    chair_page.wait_for_selector("#ruling-link")
    ruling = Ruling.objects.get()
    chair_page.click("#ruling-link")
    with chair_page.expect_download() as download:
        chair_page.click("#pdf-download")
    saved = tmp_path / "ruling.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF") and ruling.document_number in download.value.suggested_filename
