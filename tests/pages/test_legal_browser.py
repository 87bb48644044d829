"""A lawyer logs advice on their case and hands it to the arbitration commission, in a real browser."""

import pytest

from arbitration.choices import Role
from legal.choices import CaseOrigin, CaseStatus
from legal.models import Handoff, LegalCase
from legal.services import cases
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assigned_case(city):
    desk_lead = factories.user("desk_lead", Role.LEGAL_DESK_LEAD)
    lawyer = factories.user("lawyer_a", Role.LAWYER, full_name="律师甲")
    ticket = factories.ticket(city, title="公司拒付加班费", content="所在公司长期安排加班却不支付加班费。")
    case, _created = cases.legal_case_open(
        ticket=ticket, origin=CaseOrigin.DISPATCHER, actor=desk_lead, reason="劳动争议"
    )
    cases.legal_case_assign(case_id=case.pk, lawyer_id=lawyer.pk, actor=desk_lead)
    return case


def test_a_lawyer_logs_advice_and_hands_the_case_to_arbitration(live_server, page, login, assigned_case):
    login(page, "lawyer_a", "pw-lawyer_a")
    page.goto(f"{live_server.url}/legal/")
    page.click(f"text={assigned_case.ticket.hotline_no}")

    page.check("#declaration-form input[value=no]")
    page.click("#declaration-form button[type=submit]")

    page.fill("#advice-form [name=question]", "公司拒付加班费如何维权")
    page.fill("#advice-form [name=analysis]", "用人单位安排加班应当支付加班费，属于劳动争议，应先行仲裁。")
    page.fill(
        "#advice-form [name=authorities]",
        "中华人民共和国劳动法 | 第四十四条\n中华人民共和国劳动争议调解仲裁法 | 第五条",
    )
    page.select_option("#advice-form [name=route]", "arbitration")
    page.fill("#advice-form [name=reply_text]", "建议向劳动人事争议仲裁委员会申请仲裁。")
    page.click("#advice-form button[type=submit]")
    advice = page.locator("#advice article.advice")
    assert "《中华人民共和国劳动法》第四十四条" in advice.inner_text()

    body = page.locator("#handoff-form [name=body] option", has_text="明州仲裁委员会").get_attribute("value")
    page.select_option("#handoff-form [name=body]", body)
    page.fill("#handoff-form [name=summary]", "属于劳动争议，移送仲裁委员会依法处理。")
    page.click("#handoff-form button[type=submit]")

    handoff = Handoff.objects.get(case=assigned_case)
    assert handoff.body.name == "明州仲裁委员会"
    assert handoff.document_number in page.locator("#handoffs").inner_text()
    assert LegalCase.objects.get(pk=assigned_case.pk).status == CaseStatus.HANDED_OFF
    with page.expect_download() as download:
        page.click("#handoffs a:has-text('PDF')")
    assert download.value.suggested_filename == f"{handoff.document_number}.pdf"
