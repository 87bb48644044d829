"""The facts a letter states, read from what it is about, as the values of its kind's placeholders.

Each kind has a subject it speaks about (docs/letters.md, "Kinds"): a reminder and an escalation letter a
supervision case, a warning letter a scorecard, an interview notice a scorecard, a case or the drafter's reason,
a referral letter a discipline referral and its frozen dossier. The facts are read when the letter is issued,
so the letter states the case as it stands then (its tier, its tickets); the issued letter keeps them.

The words are the document's own (official Chinese), whatever language the user works in.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from pypdf import PdfReader

from arbitration.calendar import WorkingCalendar
from arbitration.choices import DepartmentKind
from arbitration.documents.layout import date_text
from arbitration.errors import CalendarYearMissing, InvalidInput
from arbitration.models import Ticket
from supervision.choices import LetterKind, PeriodKind, Trigger
from supervision.dossier import render_dossier
from supervision.errors import LetterSubjectMissing
from supervision.models import DisciplineReferral, LetterDraft, Scorecard, SupervisionCase

TO_BE_FILLED = "（待填写）"

# The kinds a supervisor may issue from a supervision case's page.
CASE_LETTER_KINDS = (LetterKind.REMINDER, LetterKind.ESCALATION, LetterKind.INTERVIEW)

# What each kind speaks about, as a refusal names it.
SUBJECTS = {
    LetterKind.REMINDER: gettext_lazy("a supervision case that presses tickets"),
    LetterKind.ESCALATION: gettext_lazy("a supervision case"),
    LetterKind.WARNING: gettext_lazy("a scorecard"),
    LetterKind.INTERVIEW: gettext_lazy("a scorecard, a supervision case or a stated reason"),
    LetterKind.REFERRAL: gettext_lazy("a discipline referral"),
}
UNKNOWN_FIGURE = "暂无数据"

# Why the case was opened, as the letter says it.
TRIGGER_SENTENCES = {
    Trigger.NEAR_DUE: "即将超出办理时限",
    Trigger.OVERDUE: "已超出办理时限仍未办结",
    Trigger.UNSATISFIED: "经重办后群众仍不满意",
    Trigger.REPEATED: "同一问题被群众反复反映",
    Trigger.UNREASONABLE_BOUNCES: "多次无理退单",
    Trigger.RULING_REFUSED: "拒不执行职责认定或领导签批意见",
    Trigger.MANUAL: "经督办人员研判需予督办",
}

# What the escalation letter requires of the department, by what set the case off.
REQUIREMENTS = {
    Trigger.NEAR_DUE: "确保在办理时限内办结并答复群众",
    Trigger.OVERDUE: "立即组织办理，尽快办结并答复群众",
    Trigger.UNSATISFIED: "重新研究处理方案，切实解决群众诉求",
    Trigger.REPEATED: "查明问题反复发生的原因，从根本上解决问题",
    Trigger.UNREASONABLE_BOUNCES: "严格按照派单目录履行职责，不得无理退单",
    Trigger.RULING_REFUSED: "立即执行职责认定或领导签批意见，接收并办理相关工单",
    Trigger.MANUAL: "立即组织办理，按要求反馈办理情况",
}

# The parts of a dossier snapshot a referral letter lists, with how each is counted. A snapshot may hold any of
# them (older and newer dossiers differ); a part it lacks is not listed.
DOSSIER_PARTS = (
    ("facts", "工单基本情况"),
    ("tickets", "涉及工单{n}件"),
    ("timeline", "办理过程记录{n}条"),
    ("letters", "督办文书{n}份"),
    ("rulings", "职责认定及领导签批文书{n}份"),
    ("departments", "涉及单位{n}个"),
    ("people", "涉及人员{n}人"),
)
TICKET_NUMBER_LINE = re.compile(r"^工单编号：(\S+)")


@dataclass(frozen=True)
class Interview:
    """约谈安排: what the supervisor fills in when issuing an interview notice."""

    at: dt.datetime | None = None
    place: str = ""
    attendees: str = ""
    materials: str = ""

    def missing(self) -> list[str]:
        """The labels of the arrangements not filled in (what a refusal names)."""
        values = (
            (gettext("Interview time"), self.at),
            (gettext("Interview place"), self.place),
            (gettext("Who must attend"), self.attendees),
            (gettext("What to bring"), self.materials),
        )
        return [label for label, value in values if not (value.strip() if isinstance(value, str) else value)]


@dataclass(frozen=True)
class Issue:
    """The facts of the act of issuing, beside those of the subject."""

    document_number: str
    moment: dt.datetime
    response_due: dt.date
    remarks: str = ""
    interview: Interview | None = None


def moment_text(moment: dt.datetime) -> str:
    """2026年3月9日17时30分 (9时 on the hour), in the city's time."""
    local = timezone.localtime(moment)
    clock = f"{local.hour}时{local.minute}分" if local.minute else f"{local.hour}时"
    return f"{date_text(local)}{clock}"


def rate_figure(rate) -> str:
    return UNKNOWN_FIGURE if rate is None else f"{rate:.1%}"


# --- subjects -----------------------------------------------------------------------------------------------------
def ensure_subject(kind: str, *, case=None, scorecard=None, referral=None, reason: str = "") -> None:
    """Refuse a draft that has nothing its kind must speak about (docs/letters.md, "Kinds")."""
    if kind not in LetterKind.values:
        raise InvalidInput(
            field="kind", reason=gettext("not one of {choices}").format(choices=", ".join(LetterKind.values))
        )
    has = {
        LetterKind.REMINDER: case is not None and bool(case_tickets(case)),
        LetterKind.ESCALATION: case is not None,
        LetterKind.WARNING: scorecard is not None,
        LetterKind.INTERVIEW: case is not None or scorecard is not None or bool(reason.strip()),
        LetterKind.REFERRAL: referral is not None,
    }[kind]
    if not has:
        raise LetterSubjectMissing(kind=LetterKind(kind).label, subject=SUBJECTS[kind])


def case_tickets(case: SupervisionCase) -> list[Ticket]:
    """The tickets a case presses, with their time limits: every ticket of its problem for repeated requests (one
    problem, one case: docs/supervision.md), else its one ticket, none for a case about a department's conduct."""
    if case.problem_id:
        tickets = Ticket.objects.filter(problem_membership__problem_id=case.problem_id)
    elif case.ticket_id:
        tickets = Ticket.objects.filter(pk=case.ticket_id)
    else:
        return []
    return list(tickets.select_related("time_limit_tier").order_by("received_at", "pk"))


def _named(tickets: list[Ticket]) -> str:
    return "、".join(f"{ticket.hotline_no}（{ticket.title}）" for ticket in tickets)


def _working_days_late(due: dt.datetime, now: dt.datetime, calendar: WorkingCalendar) -> int | None:
    try:
        return calendar.working_days_between(timezone.localtime(due).date(), timezone.localtime(now).date())
    except CalendarYearMissing:
        return None  # the count is left out rather than guessed


def ticket_line(position: int, ticket: Ticket, *, now: dt.datetime, calendar: WorkingCalendar) -> str:
    """One ticket of a reminder: its number, its time limit, when the limit runs or ran out, how late it is."""
    head = f"{position}. 工单{ticket.hotline_no}（{ticket.title}），办理时限为{ticket.time_limit_tier.name}"
    if ticket.due_at is None:
        return f"{head}，届满时间尚未确定。"
    due = moment_text(ticket.due_at)
    if ticket.due_at > now:
        return f"{head}，将于{due}届满。"
    late = _working_days_late(ticket.due_at, now, calendar)
    return f"{head}，已于{due}届满，" + (f"截至发文时已超期{late}个工作日。" if late else "截至发文时已超出办理时限。")


def case_summary(case: SupervisionCase) -> str:
    cause = TRIGGER_SENTENCES.get(case.trigger, TRIGGER_SENTENCES[Trigger.MANUAL])
    tickets = case_tickets(case)
    if tickets:
        return f"你单位承办的12345热线工单{_named(tickets)}，{cause}"
    return f"你单位{cause}（{case.reason.rstrip('。')}）" if case.reason.strip() else f"你单位{cause}"


def period_text(scorecard: Scorecard) -> str:
    start = scorecard.period_start
    if scorecard.period_kind == PeriodKind.QUARTER:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年{start.month}月"


def _group_label(scorecard: Scorecard) -> str:
    try:
        return str(DepartmentKind(scorecard.group).label)
    except ValueError:
        return scorecard.group


def _case_facts(case: SupervisionCase, *, now: dt.datetime, calendar: WorkingCalendar) -> dict[str, object]:
    tickets = case_tickets(case)
    return {
        "tickets": _named(tickets),
        "ticket_count": len(tickets),
        "ticket_list": [ticket_line(i, t, now=now, calendar=calendar) for i, t in enumerate(tickets, start=1)],
        "case_summary": case_summary(case),
        "tier": case.get_tier_display(),
        "case_opened": date_text(timezone.localtime(case.opened_at)),
        "requirement": REQUIREMENTS.get(case.trigger, REQUIREMENTS[Trigger.MANUAL]),
    }


def _scorecard_facts(card: Scorecard) -> dict[str, object]:
    return {
        "period": period_text(card),
        "group": _group_label(card),
        "group_size": card.group_size,
        "rank": card.rank,
        "service_index": f"{card.service_index:.2f}",
        "response_rate": rate_figure(card.response_rate),
        "on_time_rate": rate_figure(card.on_time_rate),
        "feedback_rate": rate_figure(card.feedback_rate),
        "satisfaction_rate": rate_figure(card.satisfaction_rate),
    }


def interview_reason(draft: LetterDraft) -> str:
    """Why the head is summoned: the scorecard's figures, else the case, else the drafter's own words."""
    if draft.scorecard_id:
        card, bar = draft.scorecard, settings.MINGZE_SCORE_INTERVIEW_BELOW
        below = f"，低于{bar}分" if card.service_index < bar else ""
        return (
            f"你单位{period_text(card)}12345热线服务指数为{card.service_index:.2f}分{below}，"
            f"在同类单位（{_group_label(card)}，共{card.group_size}家）中排名第{card.rank}位"
        )
    if draft.case_id:
        return case_summary(draft.case)
    return draft.reason.strip().rstrip("。")


def _interview_facts(draft: LetterDraft, interview: Interview | None) -> dict[str, object]:
    interview = interview or Interview()
    return {
        "reason": interview_reason(draft),
        "interview_time": moment_text(interview.at) if interview.at else TO_BE_FILLED,
        "interview_place": interview.place.strip() or TO_BE_FILLED,
        "attendees": interview.attendees.strip() or TO_BE_FILLED,
        "materials": interview.materials.strip() or TO_BE_FILLED,
    }


# --- the dossier a referral letter lists ---------------------------------------------------------------------------
def dossier_contents(data: dict) -> list[str]:
    """The parts of the frozen dossier, numbered, each with its count."""
    lines = []
    for key, label in DOSSIER_PARTS:
        part = data.get(key)
        if part:
            count = len(part) if isinstance(part, list | tuple | dict) else 1
            lines.append(label.format(n=count))
    return [f"{position}. {line}；" for position, line in enumerate(lines, start=1)]


def dossier_ticket_numbers(data: dict, fallback: str) -> list[str]:
    """The hotline numbers of the tickets the dossier covers, from whatever shape the snapshot has."""
    tickets = data.get("tickets")
    if isinstance(tickets, list) and tickets:
        return [str(t.get("hotline_no", "")) if isinstance(t, dict) else str(t) for t in tickets]
    found = [m.group(1) for line in data.get("facts", []) if (m := TICKET_NUMBER_LINE.match(str(line)))]
    return found or [fallback]


def dossier_pages(data: dict) -> int:
    """Pages of the dossier PDF. It is rendered from the same frozen snapshot (byte for byte the stored one),
    because the letter is issued in the transaction that freezes the dossier, before its PDF is stored."""
    if not data:
        return 0
    return len(PdfReader(io.BytesIO(render_dossier(data))).pages)


def _referral_facts(referral: DisciplineReferral) -> dict[str, object]:
    data = referral.dossier_data or {}
    numbers = dossier_ticket_numbers(data, referral.ticket.hotline_no)
    contents = dossier_contents(data)
    if contents:
        contents[-1] = contents[-1].rstrip("；") + "。"
    return {
        "tickets": _named([referral.ticket]) if numbers == [referral.ticket.hotline_no] else "、".join(numbers),
        "ticket_count": len(numbers),
        "referral_reason": f"{referral.reason.strip().rstrip('。')}（{referral.get_trigger_display()}）",
        "dossier_title": str(data.get("title") or "移送卷宗"),
        "dossier_contents": contents,
        "pages": dossier_pages(data),
    }


# --- all of it ------------------------------------------------------------------------------------------------------
def letter_facts(draft: LetterDraft, issue: Issue, *, calendar: WorkingCalendar) -> dict[str, object]:
    """Every placeholder value of the draft's kind (the caller fills the template with them)."""
    with translation.override(settings.LANGUAGE_CODE):  # choice labels in the letter's own language
        facts: dict[str, object] = {
            "issuer": settings.MINGZE_SUPERVISION_ISSUER_NAME,
            "addressee": draft.addressee,
            "document_number": issue.document_number,
            "issue_date": date_text(timezone.localtime(issue.moment)),
            "response_due": date_text(issue.response_due),
            "remarks": issue.remarks,
        }
        if draft.kind in (LetterKind.REMINDER, LetterKind.ESCALATION):
            facts |= _case_facts(draft.case, now=issue.moment, calendar=calendar)
        elif draft.kind == LetterKind.WARNING:
            facts |= _scorecard_facts(draft.scorecard)
        elif draft.kind == LetterKind.INTERVIEW:
            facts |= _interview_facts(draft, issue.interview)
        else:
            facts |= _referral_facts(draft.referral)
    return facts
