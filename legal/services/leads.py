"""Writes to public-interest leads: the desk accepts, edits, dismisses and hands off; the procuratorate
records receipt and feedback."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from guardian.shortcuts import assign_perm

from arbitration.audit.grants import grant_context
from arbitration.calendar import WorkingCalendar
from arbitration.choices import Role
from arbitration.documents.render import LetterData
from arbitration.documents.tasks import document_render_after_commit
from arbitration.errors import CalendarYearMissing, NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import Department, User
from legal import states
from legal.access import FEEDBACK_LEAD, VIEW_LEAD
from legal.choices import FeedbackKind, LeadStatus
from legal.errors import FeedbackIncomplete, LeadNotEditable, NoProcuratorateLiaison
from legal.models import LeadFeedback, LeadTransition, ProcuratorateReferral, PublicInterestLead
from legal.reasons import FEEDBACK_RECORDED
from legal.services import documents

# Fields of the lead package the desk may edit while the lead is still theirs.
PACKAGE_FIELDS = (
    "title",
    "address",
    "parties",
    "harm_facts",
    "harm_continuing",
    "department_actions",
    "evidence",
    "consent",
    "confidential",
    "contact",
)
EDITABLE_STATUSES = (LeadStatus.PROPOSED, LeadStatus.ACCEPTED)
# A message id, translated when read (arbitration.reasons.recorded_reason); the referral row names the procuratorate.
HANDED_TO_PROCURATORATE = gettext_noop("handed to the procuratorate")
RECOMMENDATION_ANSWER_MONTHS = 2  # docs/domain.md §6: the body answers in writing within 2 months


def _move(lead: PublicInterestLead, target: str, *, actor, reason: str, fields: tuple[str, ...] = ()) -> None:
    """One status change. The caller holds the transaction and the row lock."""
    states.ensure_lead_move(lead.status, target)
    previous, lead.status = lead.status, target
    save_attributed(lead, actor=actor, reason=reason, update_fields=["status", *fields])
    LeadTransition.objects.create(
        lead=lead, from_status=previous, to_status=target, actor=real_user(actor), reason=reason
    )


def _locked(lead_id: int) -> PublicInterestLead:
    lead = PublicInterestLead.objects.select_for_update().filter(pk=lead_id).first()
    if lead is None:
        raise NotFound()
    return lead


@transaction.atomic
def lead_accept(*, lead_id: int, actor, reason: str) -> PublicInterestLead:
    lead = _locked(lead_id)
    lead.decision_reason = reason
    _move(lead, LeadStatus.ACCEPTED, actor=actor, reason=reason, fields=("decision_reason",))
    return lead


@transaction.atomic
def lead_dismiss(*, lead_id: int, actor, reason: str) -> PublicInterestLead:
    lead = _locked(lead_id)
    lead.decision_reason = reason
    _move(lead, LeadStatus.DISMISSED, actor=actor, reason=reason, fields=("decision_reason",))
    return lead


@transaction.atomic
def lead_update(*, lead_id: int, actor, reason: str = "lead package edited", **changes) -> PublicInterestLead:
    """Edit the package (facts, parties, evidence, consent…) while the lead is still with the desk."""
    lead = _locked(lead_id)
    if lead.status not in EDITABLE_STATUSES:  # a handed or dismissed lead is on the record as it was
        raise LeadNotEditable(status=LeadStatus(lead.status).label)
    fields = [name for name in PACKAGE_FIELDS if name in changes]
    for name in fields:
        setattr(lead, name, changes[name])
    if fields:
        save_attributed(lead, actor=actor, reason=reason, update_fields=fields)
    return lead


def _referral_letter(lead: PublicInterestLead, procuratorate: str, number: str) -> LetterData:
    tickets = list(lead.tickets.order_by("received_at"))
    lines = [f"{i}. {documents.ticket_line(t)}" for i, t in enumerate(tickets, 1)]
    citizens = [documents.citizen_line(t, disclose=lead.consent) for t in tickets]
    paragraphs = (
        f"我办在12345热线工单筛查中发现一条可能涉及{lead.domain.name}领域公益诉讼的线索，"
        f"依据{lead.domain.legal_basis}，现移送贵院。",
        "一、线索来源",
        *lines,
        "二、涉及主体及地点",
        f"涉及单位及当事人：{lead.parties or '待查'}；地点：{lead.territory or ''}{lead.address}。",
        "三、损害事实",
        f"{lead.harm_facts or '见工单内容'}损害{'仍在持续' if lead.harm_continuing else '已停止'}。",
        "四、相关部门处置及答复情况",
        lead.department_actions or "见工单办理记录。",
        "五、证据材料",
        *(f"{i}. {item}" for i, item in enumerate(lead.evidence or ["12345热线工单记录"], 1)),
        "六、群众同意及保密情况",
        ("来电群众同意向检察机关提供其个人信息。" if lead.consent else "来电群众未同意提供个人信息，相关信息已脱敏。"),
        *sorted(set(citizens)),
        "请贵院收到本函后予以回执，并于每月末反馈办理情况（立案、发出检察建议、提起诉讼或不予立案及理由）。",
    )
    return LetterData(
        issuer_name=documents.issuer_name(),
        document_number=number,
        title="关于移送公益诉讼线索的函",
        addressee=procuratorate,
        paragraphs=paragraphs,
        issue_date=documents.issue_date(),
        attachments=tuple(f"12345热线工单（{t.hotline_no}）" for t in tickets),
        contact=lead.contact,
    )


@transaction.atomic
def lead_handoff(*, lead_id: int, actor, liaison_ids: list[int] | None = None) -> ProcuratorateReferral:
    """Hand an accepted lead to the procuratorate at the same level, with a numbered referral letter.

    The liaisons named (by default every procuratorate liaison) get a guardian grant on this lead only,
    so they see the leads handed to them and nothing else.
    """
    lead = _locked(lead_id)
    states.ensure_lead_move(lead.status, LeadStatus.HANDED_OFF)
    liaisons = User.objects.filter(is_active=True, groups__name=Role.PROCURATORATE_LIAISON).distinct()
    if liaison_ids is not None:
        liaisons = liaisons.filter(pk__in=liaison_ids)
    liaisons = list(liaisons)
    if not liaisons:
        raise NoProcuratorateLiaison()
    procuratorate = settings.MINGZE_PROCURATORATE_NAME
    number = documents.number_allocate(documents.REFERRAL_KIND, documents.issue_date())
    with translation.override("zh-hans"):
        letter = _referral_letter(lead, procuratorate, number)
    referral = save_attributed(
        ProcuratorateReferral(
            lead=lead,
            procuratorate=procuratorate,
            document_number=number,
            issued_at=timezone.now(),
            issued_by=actor,
            data=letter.to_dict(),
        ),
        actor=actor,
        reason=HANDED_TO_PROCURATORATE,
    )
    with grant_context(actor=actor, reason=HANDED_TO_PROCURATORATE):  # grant events (docs/audit.md)
        for liaison in liaisons:
            assign_perm(VIEW_LEAD, liaison, lead)
            assign_perm(FEEDBACK_LEAD, liaison, lead)
    _move(lead, LeadStatus.HANDED_OFF, actor=actor, reason=f"{number} → {procuratorate}")
    document_render_after_commit(referral)
    return referral


@transaction.atomic
def lead_record_receipt(*, lead_id: int, actor, note: str = "") -> PublicInterestLead:
    lead = _locked(lead_id)
    referral = ProcuratorateReferral.objects.select_for_update().get(lead=lead)
    _move(lead, LeadStatus.RECEIVED, actor=actor, reason=note or "received by the procuratorate")
    referral.received_at, referral.received_by, referral.receipt_note = timezone.now(), real_user(actor), note
    save_attributed(
        referral,
        actor=actor,
        reason=gettext_noop("receipt recorded"),
        update_fields=["received_at", "received_by", "receipt_note"],
    )
    return lead


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it has no such day (Civil Code art. 201)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def answer_due_on(issued_on: dt.date, calendar: WorkingCalendar | None = None) -> dt.date:
    """The last day of the 2-month answer period; one ending on a day off runs to the next working day
    (Civil Code art. 203). A year the calendar does not know keeps the plain date: it is never moved by guess."""
    due = add_months(issued_on, RECOMMENDATION_ANSWER_MONTHS)
    calendar = calendar or WorkingCalendar.load()
    try:
        return due if calendar.is_working_day(due) else calendar.next_working_day(due)
    except CalendarYearMissing:
        return due


def _require(field: str, value) -> None:
    if not value:
        raise FeedbackIncomplete(field=field)


@transaction.atomic
def lead_record_feedback(
    *,
    lead_id: int,
    actor,
    kind: str,
    note: str = "",
    declined_reason: str = "",
    recommendation_to_id: int | None = None,
    recommendation_issued_on: dt.date | None = None,
) -> LeadFeedback:
    """The procuratorate reports back: filed, recommendation issued (2-month answer deadline), lawsuit, declined."""
    lead = _locked(lead_id)
    target = states.FEEDBACK_STATUS[kind]
    states.ensure_lead_move(lead.status, target)
    feedback = LeadFeedback(lead=lead, kind=kind, note=note, recorded_by=real_user(actor))
    if kind == FeedbackKind.DECLINED:
        _require("declined_reason", declined_reason)
        feedback.declined_reason = declined_reason
    if kind == FeedbackKind.RECOMMENDATION_ISSUED:
        _require("recommendation_to", recommendation_to_id)
        _require("recommendation_issued_on", recommendation_issued_on)
        feedback.recommendation_to = Department.objects.filter(pk=recommendation_to_id).first()
        _require("recommendation_to", feedback.recommendation_to)
        feedback.recommendation_issued_on = recommendation_issued_on
        feedback.answer_due_on = answer_due_on(recommendation_issued_on)
    save_attributed(feedback, actor=actor, reason=FEEDBACK_RECORDED.format(kind=kind))
    _move(lead, target, actor=actor, reason=declined_reason or note or FEEDBACK_RECORDED.format(kind=kind))
    return feedback
