"""The dossier as plain data, frozen when the referral is sent: what docs/supervision.md ("Dossier") lists — the
rule that fired, every ticket of the problem, the ladder as it was climbed, one merged timeline, the documents
with their SHA-256, the departments and the people involved."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

from arbitration.access import mask_name, mask_phone
from arbitration.documents.layout import chinese_numeral
from arbitration.models import Ticket
from arbitration.selectors import ticket_assignments
from supervision import selectors, states
from supervision.choices import CaseEventKind, ReferralTrigger, Tier
from supervision.dossier.documents import attached_letters, attached_rulings
from supervision.dossier.integrity import audit_integrity
from supervision.dossier.timeline import entry_line, merged_timeline, when
from supervision.models import DisciplineReferral, SupervisionCase

SYSTEM_ACTORS = {"系统", "system", ""}


def dossier_snapshot(referral: DisciplineReferral) -> dict:
    """Everything the dossier shows, as JSON. Always in the document language, whatever the sender's screen."""
    with translation.override(settings.LANGUAGE_CODE):
        tickets, cases = _record(referral)
        timeline = merged_timeline(tickets, cases)
        return {
            "title": _title(tickets),
            "reason": f"移送事由：{referral.get_trigger_display()}。{referral.reason}",
            **_summary(referral, tickets, cases),
            "facts": [line for position, ticket in enumerate(tickets, 1) for line in _facts(position, ticket)],
            "timeline": [entry_line(position, line) for position, line in enumerate(timeline, start=1)],
            "letters": attached_letters(tickets, cases),
            "rulings": attached_rulings(tickets),
            "departments": [line for ticket in tickets for line in _departments(ticket)],
            "people": sorted({line.actor for line in timeline} - SYSTEM_ACTORS),
            "audit": audit_integrity(tickets, cases),  # docs/audit.md
            "built_at": timezone.now().isoformat(),
        }


def referral_summary(referral: DisciplineReferral) -> dict:
    """The part of the dossier a referral's page shows before it is sent: tickets, rule, ladder as climbed."""
    with translation.override(settings.LANGUAGE_CODE):
        return _summary(referral, *_record(referral))


def _record(referral: DisciplineReferral) -> tuple[list[Ticket], list[SupervisionCase]]:
    """The referral's tickets (all those of its problem), oldest first, and every case about them."""
    ticket_ids = selectors.problem_ticket_ids(referral.problem_id) if referral.problem_id else [referral.ticket_id]
    tickets = list(
        Ticket.objects.filter(pk__in=ticket_ids).select_related("matter", "territory").order_by("received_at", "pk")
    )
    return tickets, selectors.cases_about(ticket_ids=ticket_ids, problem_id=referral.problem_id)


def _summary(referral: DisciplineReferral, tickets: list[Ticket], cases: list[SupervisionCase]) -> dict:
    return {
        "rule": rule_sentence(referral),
        "tickets": [ticket.hotline_no for ticket in tickets],
        "ladder": [ladder_line(case) for case in cases] or ["未经督办。"],
    }


def _title(tickets: list[Ticket]) -> str:
    if len(tickets) == 1:
        return f"关于工单{tickets[0].hotline_no}的移送卷宗"
    return f"关于工单{tickets[0].hotline_no}等{len(tickets)}件同一诉求问题的移送卷宗"


def _facts(position: int, ticket: Ticket) -> list[str]:
    return [
        f"（{chinese_numeral(position)}）工单编号：{ticket.hotline_no}",
        f"受理时间：{when(ticket.received_at)}",
        f"诉求类型：{ticket.get_request_type_display()}　事项：{ticket.matter}",
        f"属地：{ticket.territory}　地址：{ticket.address or '—'}",
        f"标题：{ticket.title}",
        f"诉求内容：{ticket.content}",
        f"诉求人：{mask_name(ticket.citizen_name)}　电话：{mask_phone(ticket.citizen_phone)}",
        f"办理时限：{when(ticket.due_at) if ticket.due_at else '—'}　状态：{ticket.get_status_display()}"
        + (f"　回访：{ticket.get_satisfaction_display()}" if ticket.satisfaction else ""),
    ]


def _departments(ticket: Ticket) -> list[str]:
    return [
        f"{ticket.hotline_no}：{a.department.name}（{a.get_role_display()}，{when(a.assigned_at)}派单"
        + (f"，{when(a.ended_at)}结束）" if a.ended_at else "，办理中）")
        for a in ticket_assignments(ticket)
    ]


def rule_sentence(referral: DisciplineReferral) -> str:
    """Which rule fired, when, and where the ladder stood: a rule waits for key supervision to fail unless the
    settings let it skip that rung."""
    rule = f"触发规则：{referral.get_trigger_display()}，{when(referral.proposed_at)}提出移送建议"
    if referral.trigger == ReferralTrigger.MANUAL:
        return f"{rule}（督办人员直接提出）。"
    if not states.referral_waits_for_key_rung(referral.trigger):
        return f"{rule}（按规定该规则不经重点督办即可提出）。"
    problem_ids = [referral.problem_id] if referral.problem_id else []
    lapses = selectors.key_rung_lapses(ticket_ids=[referral.ticket_id], problem_ids=problem_ids)
    lapsed = lapses.at(referral.ticket_id, referral.problem_id)
    return f"{rule}（重点督办于{when(lapsed)}期满仍未推动办理后提出）。" if lapsed else f"{rule}。"


def ladder_line(case: SupervisionCase) -> str:
    """When each rung of one case was climbed, from its events: opened, raised, top reached, closed."""
    steps = []
    for event in case.climbs:
        moment = when(event.at)
        if event.kind == CaseEventKind.OPENED:
            steps.append(f"{moment}立案（{Tier(event.to_tier or case.tier).label}）")
        elif event.kind == CaseEventKind.RAISED:
            steps.append(f"{moment}升为{Tier(event.to_tier).label}")
        elif event.kind == CaseEventKind.LADDER_TOP:
            steps.append(f"{moment}已至最高层级，仍未见成效")
        else:
            steps.append(f"{moment}结案（{case.close_reason or event.reason}）")
    subject = f"工单{case.ticket.hotline_no}" if case.ticket_id else "—"
    return f"督办件{case.pk}（{case.get_trigger_display()}，{subject}）：" + "；".join(steps)
