"""Builders for legal-desk tests: a case assigned to a lawyer, declared and advised, through the services."""

from legal.choices import CaseOrigin, LegalRoute
from legal.services import cases
from tests import factories

AUTHORITIES = [{"law": "中华人民共和国劳动争议调解仲裁法", "article": "第五条"}]


def case_for(city, *, desk_lead, lawyer=None, **ticket_fields):
    ticket = factories.ticket(city, **ticket_fields)
    case, _created = cases.legal_case_open(ticket=ticket, origin=CaseOrigin.DISPATCHER, actor=desk_lead, reason="test")
    if lawyer is not None:
        cases.legal_case_assign(case_id=case.pk, lawyer_id=lawyer.pk, actor=desk_lead)
    case.refresh_from_db()
    return case


def advised_case(city, *, desk_lead, lawyer, **ticket_fields):
    case = case_for(city, desk_lead=desk_lead, lawyer=lawyer, **ticket_fields)
    cases.conflict_declare(case_id=case.pk, actor=lawyer, has_conflict=False, statement="无利害关系")
    advice = cases.advice_create(
        case_id=case.pk,
        actor=lawyer,
        question="拖欠工资如何维权",
        analysis="属于劳动争议。",
        authorities=AUTHORITIES,
        route=LegalRoute.ARBITRATION,
        reply_text="请申请劳动仲裁。",
    )
    case.refresh_from_db()
    return case, advice
