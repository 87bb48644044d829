"""Hand-offs (移送/分流): a lawyer hands a case to a body with a numbered letter; receipt and outcome follow."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from arbitration.choices import TicketEventKind
from arbitration.documents.render import LetterData
from arbitration.documents.tasks import document_render_after_commit
from arbitration.errors import InvalidInput, NotFound
from arbitration.history import real_user, save_attributed
from arbitration.services.tickets import ticket_event_record
from legal.choices import BodyKind, CaseStatus, HandoffStatus
from legal.errors import BodyInactive, HandoffAlreadyReceived, HandoffNotReceived, NoAdviceYet
from legal.models import Handoff, HandoffBody, LegalCase
from legal.reasons import HANDED_OFF
from legal.services import documents
from legal.services.cases import _ensure_lawyer, _locked, _move

HANDOFF_TITLE = "关于移送12345热线涉法诉求的函"
# The route as printed on the letter: an official letter is always in Chinese, whatever the user's language.
ROUTE_WORDS = {
    BodyKind.COURT: "诉讼",
    BodyKind.ARBITRATION_COMMISSION: "仲裁",
    BodyKind.MEDIATION_CENTRE: "人民调解",
    BodyKind.LEGAL_AID_CENTRE: "法律援助",
    BodyKind.POLICE: "公安机关依法处置",
    BodyKind.JUSTICE_BUREAU: "司法行政",
    BodyKind.PETITIONS_BUREAU: "信访",
}


def _letter(case: LegalCase, body: HandoffBody, summary: str, number: str, contact: str) -> LetterData:
    advice = case.advice.order_by("-created_at", "-pk").first()
    ticket = case.ticket
    paragraphs = (
        documents.ticket_line(ticket),
        f"经本热线法律专席律师审查：{summary}",
        f"律师意见：{advice.analysis}" if advice else "",
        f"根据12345热线诉求分类处置的有关规定（国办函〔2025〕66号），该诉求宜通过"
        f"{ROUTE_WORDS.get(body.kind, '相应法定')}途径解决，现移送贵单位依法处理。",
        contact,
        "请贵单位收到本函后予以回执，并将处理结果书面反馈我办。",
    )
    return LetterData(
        issuer_name=documents.issuer_name(),
        document_number=number,
        title=HANDOFF_TITLE,
        addressee=body.name,
        paragraphs=tuple(p for p in paragraphs if p),
        issue_date=documents.issue_date(),
        attachments=(f"12345热线工单（{ticket.hotline_no}）",),
        contact=f"法律专席 {case.lawyer}",
    )


@transaction.atomic
def handoff_issue(
    *, case_id: int, body_id: int, summary: str, actor, contact_consent: bool = False, contact_legal_basis: str = ""
) -> Handoff:
    """Hand the case to a body: number the letter, snapshot its data, render the PDF after commit.

    The citizen's contact details go on the letter only with `contact_consent` or `contact_legal_basis`
    (documents.handoff_contact_line); both are kept on the hand-off and in its history.
    """
    contact_legal_basis = contact_legal_basis.strip()
    if len(contact_legal_basis) > Handoff._meta.get_field("contact_legal_basis").max_length:
        raise InvalidInput(field="contact_legal_basis", reason=_("too long"))
    case = _locked(case_id)  # one hand-off at a time per case, and the status move below needs the lock
    _ensure_lawyer(case, actor)
    if not case.advice.exists():
        raise NoAdviceYet()
    body = HandoffBody.objects.filter(pk=body_id).first()
    if body is None:
        raise NotFound()
    if not body.is_active:
        raise BodyInactive()
    number = documents.number_allocate(documents.HANDOFF_KIND, documents.issue_date())
    ticket = case.ticket
    contact = documents.handoff_contact_line(ticket, consent=contact_consent, legal_basis=contact_legal_basis)
    disclosed = documents.handoff_discloses_contact(ticket, consent=contact_consent, legal_basis=contact_legal_basis)
    letter = _letter(case, body, summary, number, contact)
    handoff = save_attributed(
        Handoff(
            case=case,
            body=body,
            summary=summary,
            contact_consent=contact_consent,
            contact_legal_basis=contact_legal_basis,
            contact_disclosed=disclosed,
            document_number=number,
            issued_at=timezone.now(),
            issued_by=actor,
            data=letter.to_dict(),
        ),
        actor=actor,
        reason=HANDED_OFF.format(body=body.name),
    )
    if case.status == CaseStatus.ADVISED:
        _move(case, CaseStatus.HANDED_OFF, actor=actor, reason=f"{number} → {body.name}")
    ticket_event_record(
        ticket=ticket,
        kind=TicketEventKind.LEGAL_ROUTE,
        actor=actor,
        reason=f"{body.get_kind_display()}：{body.name}",
        data={
            "step": "handoff",
            "case": case.pk,
            "body": body.name,
            "body_kind": body.kind,
            "document_number": number,
            "contact_disclosed": disclosed,
        },
    )
    document_render_after_commit(handoff)
    return handoff


def _locked_handoff(handoff_id: int) -> Handoff:
    handoff = Handoff.objects.select_for_update().select_related("case").filter(pk=handoff_id).first()
    if handoff is None:
        raise NotFound()
    return handoff


@transaction.atomic
def handoff_record_receipt(*, handoff_id: int, actor, note: str, received_at=None) -> Handoff:
    """The body acknowledged the letter (recorded by the case's lawyer)."""
    handoff = _locked_handoff(handoff_id)
    _ensure_lawyer(handoff.case, actor)
    if handoff.status != HandoffStatus.ISSUED:
        raise HandoffAlreadyReceived()
    handoff.status, handoff.received_at, handoff.receipt_note = (
        HandoffStatus.RECEIVED,
        received_at or timezone.now(),
        note,
    )
    return save_attributed(
        handoff,
        actor=actor,
        reason=gettext_noop("receipt recorded"),
        update_fields=["status", "received_at", "receipt_note"],
    )


@transaction.atomic
def handoff_record_outcome(*, handoff_id: int, actor, outcome: str) -> Handoff:
    handoff = _locked_handoff(handoff_id)
    _ensure_lawyer(handoff.case, actor)
    if handoff.status == HandoffStatus.ISSUED:
        raise HandoffNotReceived()
    handoff.status, handoff.outcome, handoff.outcome_at = HandoffStatus.CONCLUDED, outcome, timezone.now()
    save_attributed(
        handoff, actor=actor, reason=gettext_noop("outcome recorded"), update_fields=["status", "outcome", "outcome_at"]
    )
    ticket_event_record(
        ticket=handoff.case.ticket,
        kind=TicketEventKind.LEGAL_ROUTE,
        actor=real_user(actor),
        reason=outcome,
        data={"step": "handoff_outcome", "case": handoff.case_id, "document_number": handoff.document_number},
    )
    return handoff
