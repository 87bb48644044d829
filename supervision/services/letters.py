"""Supervision letters: drafting (by rule or by hand), issuing with a gapless 文号, answering, withdrawing.

An issued letter is a snapshot (STYLE.md §4): its `LetterData` is frozen into `data` when issued and the
PDF is rendered from it once, after the issuing transaction commits.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from arbitration.calendar import WorkingCalendar
from arbitration.documents.layout import date_text
from arbitration.documents.numbering import document_number_issue
from arbitration.documents.render import LetterData
from arbitration.documents.tasks import document_render_after_commit
from arbitration.errors import NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import Department
from supervision.choices import CaseEventKind, LetterKind, LetterStatus, Trigger
from supervision.errors import LetterNoAddressee, LetterNotDraft, LetterNotIssued, ReasonRequired
from supervision.models import LetterDraft, Scorecard, SupervisionCase, SupervisionLetter
from supervision.services.bulletins import percent  # a rate with no judged ticket has no value (docs/scorecards.md)
from supervision.services.records import case_event_record

TITLES = {
    LetterKind.REMINDER: "关于催促办理12345热线工单的通知",
    LetterKind.ESCALATION: "关于督促办理12345热线工单的督办函",
    LetterKind.WARNING: "关于12345热线办理工作的预警函",
    LetterKind.INTERVIEW: "关于约谈单位主要负责同志的通知",
    LetterKind.REFERRAL: "关于移送12345热线工单问题线索的函",
}

# What the letter says about why the case was opened (official Chinese: these are the document's own words).
TRIGGER_SENTENCES = {
    Trigger.NEAR_DUE: "即将超出办理时限",
    Trigger.OVERDUE: "已超出办理时限仍未办结",
    Trigger.UNSATISFIED: "经重办后群众仍不满意",
    Trigger.REPEATED: "同一问题被群众反复反映",
    Trigger.UNREASONABLE_BOUNCES: "多次无理退单",
    Trigger.RULING_REFUSED: "拒不执行职责认定或领导签批意见",
    Trigger.MANUAL: "经督办人员研判需予督办",
}


def _ticket_sentence(ticket) -> str:
    due = f"，办理时限为{date_text(timezone.localtime(ticket.due_at))}" if ticket.due_at else ""
    return f"工单编号{ticket.hotline_no}（{ticket.title}）{due}"


def case_letter_paragraphs(case: SupervisionCase, kind: str) -> list[str]:
    """The body of a letter about a case; the due-date sentence is added when the letter is issued."""
    cause = TRIGGER_SENTENCES.get(case.trigger, TRIGGER_SENTENCES[Trigger.MANUAL])
    subject = f"你单位承办的12345热线{_ticket_sentence(case.ticket)}" if case.ticket_id else "你单位"
    opening = f"{subject}，{cause}，已列入{case.get_tier_display()}。"
    if kind == LetterKind.REMINDER:
        return [opening, "请你单位抓紧办理，按规定时限答复群众。"]
    return [
        opening,
        "根据12345热线督办工作有关规定，现予督办。请你单位高度重视，明确责任人，立即组织办理，"
        "不得推诿、拖延，并将办理情况书面反馈。",
        "逾期未反馈或仍未办结的，将提级督办，并视情移送纪委监委。",
    ]


def scorecard_letter_paragraphs(scorecard: Scorecard, kind: str) -> list[str]:
    period = (
        f"{scorecard.period_start.year}年{scorecard.period_start.month}月"
        if scorecard.period_kind == "month"
        else f"{scorecard.period_start.year}年第{(scorecard.period_start.month - 1) // 3 + 1}季度"
    )
    facts = (
        f"你单位{period}12345热线服务指数为{scorecard.service_index}分，在同类{scorecard.group_size}家单位中"
        f"排名第{scorecard.rank}位；满意率{percent(scorecard.satisfaction_rate)}，按时办结率{percent(scorecard.on_time_rate)}。"
    )
    if kind == LetterKind.INTERVIEW:
        bar = settings.MINGZE_SCORE_INTERVIEW_BELOW
        return [
            facts,
            f"服务指数低于{bar}分。经研究，决定约谈你单位主要负责同志，具体时间地点另行通知。",
            "请你单位认真分析原因，形成整改报告，约谈时一并报送。",
        ]
    return [facts, "现予预警。请你单位认真查找问题，制定整改措施，切实提升办理质效，并将整改情况书面反馈。"]


def letter_draft(
    *,
    kind: str,
    actor,
    reason: str = "",
    department_id: int | None = None,
    addressee: str = "",
    title: str = "",
    paragraphs: list[str] | None = None,
    case: SupervisionCase | None = None,
    ticket_id: int | None = None,
    scorecard: Scorecard | None = None,
    referral=None,
) -> LetterDraft:
    """A draft for a supervisor to review and issue. The caller holds the transaction."""
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    addressee = addressee or (department.name if department else "")
    if not addressee:
        raise LetterNoAddressee()
    draft = LetterDraft(
        kind=kind,
        department=department,
        addressee=addressee,
        title=title or TITLES[kind],
        paragraphs=list(paragraphs or []),
        case=case,
        ticket_id=ticket_id or (case.ticket_id if case else None),
        scorecard=scorecard,
        referral=referral,
        reason=reason,
        drafted_by=real_user(actor),
    )
    save_attributed(draft, actor=actor, reason=reason or "letter drafted")
    if case is not None:
        case_event_record(
            case, CaseEventKind.LETTER_DRAFTED, actor=actor, reason=draft.title, data={"draft": draft.pk, "kind": kind}
        )
    return draft


def letter_draft_for_case(*, case: SupervisionCase, kind: str, actor) -> LetterDraft | None:
    """Draft the ladder's letter for a case once: a pending draft of the same kind is not drafted again."""
    if LetterDraft.objects.filter(case=case, kind=kind, status=LetterStatus.DRAFT).exists():
        return None
    return letter_draft(
        kind=kind,
        actor=actor,
        reason=f"{case.get_tier_display()}: {case.get_trigger_display()}",
        department_id=case.department_id,
        paragraphs=case_letter_paragraphs(case, kind),
        case=case,
    )


@transaction.atomic
def letter_draft_create(
    *,
    kind: str,
    actor,
    reason: str = "",
    case_id: int | None = None,
    department_id: int | None = None,
    addressee: str = "",
    title: str = "",
    paragraphs: list[str] | None = None,
) -> LetterDraft:
    """A supervisor drafts a letter, for a case (its text prepared from the case) or free-standing."""
    case = None
    if case_id is not None:
        case = SupervisionCase.objects.select_related("ticket").filter(pk=case_id).first()
        if case is None:
            raise NotFound()
        department_id = department_id or case.department_id
        paragraphs = paragraphs or case_letter_paragraphs(case, kind)
    return letter_draft(
        kind=kind,
        actor=actor,
        reason=reason,
        department_id=department_id,
        addressee=addressee,
        title=title,
        paragraphs=paragraphs,
        case=case,
    )


def response_due_on(calendar: WorkingCalendar, issued: dt.date) -> dt.date:
    return calendar.add_working_days(issued, settings.MINGZE_SUPERVISION_LETTER_RESPONSE_WORKING_DAYS)


@transaction.atomic
def letter_issue(
    *,
    draft_id: int,
    actor,
    title: str = "",
    paragraphs: list[str] | None = None,
    due_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> SupervisionLetter:
    """Issue a draft: draw the 文号, freeze the letter's data, and render its PDF after commit."""
    # Lock the draft first: two supervisors pressing "issue" at once must not issue it twice.
    draft = LetterDraft.objects.select_for_update().filter(pk=draft_id).first()
    if draft is None:
        raise NotFound()
    if draft.status != LetterStatus.DRAFT:
        raise LetterNotDraft()
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    due_on = due_on or response_due_on(WorkingCalendar.load(), today)
    number = document_number_issue(kind=draft.kind, year=today.year)
    body = [*(paragraphs or draft.paragraphs), f"请于{date_text(due_on)}前将办理情况书面反馈。"]
    data = LetterData(
        issuer_name=settings.MINGZE_SUPERVISION_ISSUER_NAME,
        document_number=number,
        title=title or draft.title,
        addressee=draft.addressee,
        paragraphs=tuple(body),
        issue_date=today,
        attachments=("卷宗",) if draft.kind == LetterKind.REFERRAL else (),
        contact=f"联系人：{actor}" if actor is not None else "",
    ).to_dict()
    data.update(
        {
            "kind": draft.kind,
            "ticket_no": draft.ticket.hotline_no if draft.ticket_id else "",
            "response_due_on": due_on.isoformat(),
        }
    )
    letter = save_attributed(
        SupervisionLetter(
            document_number=number,
            issued_at=now,
            issued_by=actor,
            data=data,
            kind=draft.kind,
            draft=draft,
            department=draft.department,
            addressee=draft.addressee,
            case=draft.case,
            ticket=draft.ticket,
            scorecard=draft.scorecard,
            referral=draft.referral,
            response_due_on=due_on,
        ),
        actor=actor,
        reason=f"issued {number}",
    )
    draft.status = LetterStatus.ISSUED
    save_attributed(draft, actor=actor, reason=f"issued {number}", update_fields=["status"])
    if draft.case_id:
        case_event_record(
            draft.case,
            CaseEventKind.LETTER_ISSUED,
            actor=actor,
            reason=number,
            data={"letter": letter.pk, "kind": draft.kind},
        )
    document_render_after_commit(letter)
    return letter


@transaction.atomic
def letter_issue_for_case(*, case_id: int, kind: str, actor, reason: str = "") -> SupervisionLetter:
    """Draft and issue in one step (a supervisor escalating a case by letter)."""
    draft = letter_draft_create(kind=kind, actor=actor, reason=reason, case_id=case_id)
    return letter_issue(draft_id=draft.pk, actor=actor)


@transaction.atomic
def letter_withdraw(*, draft_id: int, actor, reason: str) -> LetterDraft:
    if not (reason or "").strip():
        raise ReasonRequired()
    draft = LetterDraft.objects.select_for_update().filter(pk=draft_id).first()
    if draft is None:
        raise NotFound()
    if draft.status != LetterStatus.DRAFT:
        raise LetterNotDraft()
    draft.status = LetterStatus.WITHDRAWN
    return save_attributed(draft, actor=actor, reason=reason, update_fields=["status"])


@transaction.atomic
def letter_answer(*, letter_id: int, actor, text: str) -> SupervisionLetter:
    """The addressed department answers the letter (the register then shows it as answered)."""
    if not (text or "").strip():
        raise ReasonRequired()
    letter = SupervisionLetter.objects.select_for_update().filter(pk=letter_id).first()
    if letter is None:
        raise NotFound()
    if letter.status != LetterStatus.ISSUED:
        raise LetterNotIssued()
    letter.status, letter.answered_at, letter.answered_by, letter.answer_text = (
        LetterStatus.ANSWERED,
        timezone.now(),
        actor,
        text.strip(),
    )
    save_attributed(
        letter,
        actor=actor,
        reason="letter answered",
        update_fields=["status", "answered_at", "answered_by", "answer_text"],
    )
    if letter.case_id:
        case_event_record(
            letter.case, CaseEventKind.ANSWERED, actor=actor, reason=text.strip(), data={"letter": letter.pk}
        )
    return letter
