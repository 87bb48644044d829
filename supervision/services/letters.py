"""Supervision letters: drafting (by rule or by hand), issuing with a gapless 文号, answering, withdrawing.

Each kind says what it must (docs/letters.md): its words come from the kind's `LetterTemplate`, filled when the
letter is issued with the facts of what it is about. An issued letter is a snapshot: its `LetterData`, the
template text and the facts are frozen into `data`, and the PDF is rendered from it once, after the issuing
transaction commits.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from arbitration.calendar import WorkingCalendar
from arbitration.documents.numbering import document_number_issue
from arbitration.documents.render import LetterData
from arbitration.documents.tasks import document_render_after_commit
from arbitration.errors import NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import Department
from supervision.choices import CaseEventKind, LetterKind, LetterStatus
from supervision.errors import (
    InterviewDetailsMissing,
    InterviewNotAhead,
    LetterNoAddressee,
    LetterNotDraft,
    LetterNotIssued,
    LetterSubjectMissing,
    ReasonRequired,
)
from supervision.models import DisciplineReferral, LetterDraft, Scorecard, SupervisionCase, SupervisionLetter
from supervision.reasons import LETTER_ISSUED
from supervision.services.records import case_event_record
from supervision.texts.compose import LetterText, current_template, letter_text
from supervision.texts.facts import Interview, Issue, ensure_subject

logger = logging.getLogger(__name__)


# Shown where the 文号 will stand until the letter is issued and its number drawn.
NUMBER_PENDING = "（印发时编号）"


def letter_draft(
    *,
    kind: str,
    actor,
    reason: str = "",
    department_id: int | None = None,
    addressee: str = "",
    title: str = "",
    remarks: str = "",
    case: SupervisionCase | None = None,
    ticket_id: int | None = None,
    scorecard: Scorecard | None = None,
    referral: DisciplineReferral | None = None,
) -> LetterDraft:
    """A draft for a supervisor to review and issue. The caller holds the transaction."""
    ensure_subject(kind, case=case, scorecard=scorecard, referral=referral, reason=reason)
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    if kind == LetterKind.REFERRAL:  # a referral letter goes to the discipline commission, never to a department
        department, addressee = None, settings.MINGZE_DISCIPLINE_COMMISSION_NAME
    addressee = addressee or (department.name if department else "")
    if not addressee:
        raise LetterNoAddressee()
    draft = LetterDraft(
        kind=kind,
        department=department,
        addressee=addressee,
        title=title.strip(),
        remarks=remarks.strip(),
        case=case,
        ticket_id=ticket_id or (case.ticket_id if case else None) or (referral.ticket_id if referral else None),
        scorecard=scorecard,
        referral=referral,
        reason=reason,
        drafted_by=real_user(actor),
    )
    save_attributed(draft, actor=actor, reason=reason or "letter drafted")
    if case is not None:
        case_event_record(
            case,
            CaseEventKind.LETTER_DRAFTED,
            actor=actor,
            reason=draft.title or LetterKind(kind).label,
            data={"draft": draft.pk, "kind": kind},
        )
    return draft


def letter_draft_for_case(*, case: SupervisionCase, kind: str, actor) -> LetterDraft | None:
    """Draft the ladder's letter for a case once: a pending draft of the same kind is not drafted again, and a
    kind that cannot speak of this case (a reminder for a case without tickets) is not drafted at all."""
    if LetterDraft.objects.filter(case=case, kind=kind, status=LetterStatus.DRAFT).exists():
        return None
    try:
        ensure_subject(kind, case=case)
    except LetterSubjectMissing:
        logger.warning("Ladder letter %s does not fit case %s; not drafted", kind, case.pk)
        return None
    return letter_draft(
        kind=kind,
        actor=actor,
        reason=f"{case.get_tier_display()}: {case.get_trigger_display()}",
        department_id=case.department_id,
        case=case,
    )


def letter_draft_for_scorecard(*, scorecard: Scorecard, kind: str, actor, reason: str = "") -> LetterDraft | None:
    """A warning letter or interview notice from a scorecard, drafted once (unless the draft was withdrawn)."""
    drafted = LetterDraft.objects.filter(scorecard=scorecard, kind=kind).exclude(status=LetterStatus.WITHDRAWN)
    if drafted.exists():
        return None
    return letter_draft(
        kind=kind, actor=actor, reason=reason, department_id=scorecard.department_id, scorecard=scorecard
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
    remarks: str = "",
) -> LetterDraft:
    """A supervisor drafts a letter about a case, or an interview notice for a department with a stated reason."""
    case = None
    if case_id is not None:
        case = SupervisionCase.objects.select_related("ticket").filter(pk=case_id).first()
        if case is None:
            raise NotFound()
        department_id = department_id or case.department_id
    if department_id is not None and not Department.objects.filter(pk=department_id).exists():
        raise NotFound()  # refused before anything is written, not an IntegrityError (docs/hardening.md)
    return letter_draft(
        kind=kind,
        actor=actor,
        reason=reason,
        department_id=department_id,
        addressee=addressee,
        title=title,
        remarks=remarks,
        case=case,
    )


def response_due_on(calendar: WorkingCalendar, issued: dt.date) -> dt.date:
    return calendar.add_working_days(issued, settings.MINGZE_SUPERVISION_LETTER_RESPONSE_WORKING_DAYS)


def _ensure_interview(interview: Interview | None, *, now: dt.datetime) -> Interview:
    """An interview notice is issued only with its time, place, attendees and materials, for a time ahead."""
    interview = interview or Interview()
    missing = interview.missing()
    if missing:
        raise InterviewDetailsMissing(missing="、".join(missing))
    if interview.at <= now:
        raise InterviewNotAhead()
    return interview


def letter_preview(
    *,
    draft: LetterDraft,
    title: str = "",
    remarks: str | None = None,
    due_on: dt.date | None = None,
    interview: Interview | None = None,
    now: dt.datetime | None = None,
) -> LetterText:
    """The draft as it would read if issued now with these choices (the number is drawn only when issuing)."""
    calendar = WorkingCalendar.load()
    choices = {"remarks": remarks, "due_on": due_on, "interview": interview}
    issue = _issue_facts(draft, number=NUMBER_PENDING, now=now or timezone.now(), calendar=calendar, **choices)
    return letter_text(draft, issue, calendar=calendar, title=title)


def _issue_facts(
    draft: LetterDraft,
    *,
    number: str,
    now: dt.datetime,
    calendar: WorkingCalendar,
    remarks: str | None,
    due_on: dt.date | None,
    interview: Interview | None,
) -> Issue:
    """The facts of issuing: the number, the moment, the answer date (default: N working days on), the remarks
    (default: the draft's) and the interview's arrangements."""
    return Issue(
        document_number=number,
        moment=now,
        response_due=due_on or response_due_on(calendar, timezone.localtime(now).date()),
        remarks=draft.remarks if remarks is None else remarks.strip(),
        interview=interview,
    )


def _letter_data(draft: LetterDraft, text: LetterText, issue: Issue, *, actor) -> dict:
    """The snapshot an issued letter keeps: what its PDF is rendered from, and the template and facts behind it."""
    data = LetterData(
        issuer_name=settings.MINGZE_SUPERVISION_ISSUER_NAME,
        document_number=issue.document_number,
        title=text.title,
        addressee=draft.addressee,
        paragraphs=text.paragraphs,
        issue_date=timezone.localtime(issue.moment).date(),
        attachments=text.attachments,
        contact=f"联系人：{actor}" if actor is not None else "",
    ).to_dict()
    return {
        **data,
        "kind": draft.kind,
        "ticket_no": draft.ticket.hotline_no if draft.ticket_id else "",
        "response_due_on": issue.response_due.isoformat(),
        **text.snapshot(),
    }


@transaction.atomic
def letter_issue(
    *,
    draft_id: int,
    actor,
    title: str = "",
    remarks: str | None = None,
    due_on: dt.date | None = None,
    interview: Interview | None = None,
    now: dt.datetime | None = None,
) -> SupervisionLetter:
    """Issue a draft: fill its kind's template, draw the 文号, freeze text and facts, render the PDF after commit."""
    # Lock the draft first: two supervisors pressing "issue" at once must not issue it twice.
    draft = (
        LetterDraft.objects.select_for_update(of=("self",))  # only the draft: its subjects are read, not changed
        .select_related("case__ticket", "scorecard", "referral__ticket", "ticket")
        .filter(pk=draft_id)
        .first()
    )
    if draft is None:
        raise NotFound()
    if draft.status != LetterStatus.DRAFT:
        raise LetterNotDraft()
    now = now or timezone.now()
    if draft.kind == LetterKind.INTERVIEW:
        interview = _ensure_interview(interview, now=now)
    template = current_template(draft.kind)  # refused here, before a number is drawn
    calendar = WorkingCalendar.load()
    number = document_number_issue(kind=draft.kind, year=timezone.localtime(now).year)
    choices = {"remarks": remarks, "due_on": due_on, "interview": interview}
    issue = _issue_facts(draft, number=number, now=now, calendar=calendar, **choices)
    text = letter_text(draft, issue, calendar=calendar, title=title, template=template)
    letter = save_attributed(
        SupervisionLetter(
            document_number=number,
            issued_at=now,
            issued_by=actor,
            data=_letter_data(draft, text, issue, actor=actor),
            kind=draft.kind,
            draft=draft,
            department=draft.department,
            addressee=draft.addressee,
            case=draft.case,
            ticket=draft.ticket,
            scorecard=draft.scorecard,
            referral=draft.referral,
            response_due_on=issue.response_due,
        ),
        actor=actor,
        reason=LETTER_ISSUED.format(number=number),
    )
    draft.status = LetterStatus.ISSUED
    save_attributed(draft, actor=actor, reason=LETTER_ISSUED.format(number=number), update_fields=["status"])
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
def letter_issue_for_case(
    *, case_id: int, kind: str, actor, reason: str = "", remarks: str = "", interview: Interview | None = None
) -> SupervisionLetter:
    """Draft and issue in one step (a supervisor escalating a case by letter)."""
    draft = letter_draft_create(kind=kind, actor=actor, reason=reason, case_id=case_id, remarks=remarks)
    return letter_issue(draft_id=draft.pk, actor=actor, interview=interview)


def letter_issue_for_referral(*, referral: DisciplineReferral, actor, reason: str) -> SupervisionLetter:
    """The 移送函 to the discipline commission, listing the referral's frozen dossier. The caller holds the
    transaction and has frozen `referral.dossier_data`."""
    draft = letter_draft(kind=LetterKind.REFERRAL, actor=actor, reason=reason, referral=referral)
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
        reason=gettext_noop("letter answered"),
        update_fields=["status", "answered_at", "answered_by", "answer_text"],
    )
    if letter.case_id:
        case_event_record(
            letter.case, CaseEventKind.ANSWERED, actor=actor, reason=text.strip(), data={"letter": letter.pk}
        )
    return letter
