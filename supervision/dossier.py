"""The referral dossier (卷宗): a snapshot of a ticket's record, and its PDF in the GB/T 9704 page geometry.

The snapshot is built from the record — ticket facts, the full timeline from the audit history and the
domain events (dispatches, bounces, reviews, disputes, rulings, supervision, letters, answers), the
departments and the people involved — and stored with the referral; the PDF is rendered from it alone.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from reportlab.platypus import BaseDocTemplate, PageTemplate, Paragraph, Spacer

from arbitration.access import mask_name, mask_phone
from arbitration.documents import layout
from arbitration.documents.fonts import fonts_register
from arbitration.models import Ticket
from arbitration.selectors import TimelineEntry, ticket_assignments, ticket_timeline
from supervision.models import CaseEvent, SupervisionLetter


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def supervision_entries(ticket: Ticket) -> list[TimelineEntry]:
    """Supervision's part of the story: case events and issued letters with their answers."""
    entries = []
    for event in CaseEvent.objects.filter(case__ticket=ticket).select_related("actor", "case"):
        action = f"督办（{event.case.get_trigger_display()}）：{event.get_kind_display()}"
        if event.to_tier:
            action += f" → {event.get_to_tier_display()}"
        entries.append(
            TimelineEntry(
                at=event.at,
                source="event",
                subject="督办",
                action=action,
                actor=str(event.actor) if event.actor else "系统",
                reason=event.reason,
            )
        )
    for letter in SupervisionLetter.objects.filter(ticket=ticket).select_related("issued_by", "answered_by"):
        entries.append(
            TimelineEntry(
                at=letter.issued_at,
                source="event",
                subject="文书",
                action=f"印发{letter.get_kind_display()} {letter.document_number}",
                actor=str(letter.issued_by),
                reason=f"致{letter.addressee}",
            )
        )
        if letter.answered_at:
            entries.append(
                TimelineEntry(
                    at=letter.answered_at,
                    source="event",
                    subject="文书",
                    action=f"{letter.addressee}答复{letter.document_number}",
                    actor=str(letter.answered_by),
                    reason=letter.answer_text,
                )
            )
    return entries


def dossier_timeline(ticket: Ticket) -> list[TimelineEntry]:
    """Every entry of the ticket's record, oldest first (domain events before audit rows at the same moment)."""
    entries = ticket_timeline(ticket) + supervision_entries(ticket)
    return sorted(entries, key=lambda entry: (entry.at, entry.source != "event"))


def entry_line(position: int, entry: TimelineEntry) -> str:
    """One numbered line of the dossier's timeline, as printed."""
    text = f"{position}. {_when(entry.at)} {entry.subject}：{entry.action}（{entry.actor}）"
    if entry.reason:
        text += f" 理由：{entry.reason}"
    if entry.changes:
        text += " 变更：" + "；".join(f"{c.label} {c.old} → {c.new}" for c in entry.changes)
    return text


def dossier_snapshot(ticket: Ticket, *, referral_reason: str, trigger_label: str) -> dict:
    """The dossier as plain JSON: facts, the numbered timeline, departments and people."""
    timeline = dossier_timeline(ticket)
    assignments = ticket_assignments(ticket)
    people = sorted({entry.actor for entry in timeline} - {"系统", "system", ""})
    return {
        "title": f"关于工单{ticket.hotline_no}的移送卷宗",
        "facts": [
            f"工单编号：{ticket.hotline_no}",
            f"受理时间：{_when(ticket.received_at)}",
            f"诉求类型：{ticket.get_request_type_display()}　事项：{ticket.matter}",
            f"属地：{ticket.territory}　地址：{ticket.address or '—'}",
            f"标题：{ticket.title}",
            f"诉求内容：{ticket.content}",
            f"诉求人：{mask_name(ticket.citizen_name)}　电话：{mask_phone(ticket.citizen_phone)}",
            f"办理时限：{_when(ticket.due_at) if ticket.due_at else '—'}　状态：{ticket.get_status_display()}",
        ],
        "reason": f"移送事由：{trigger_label}。{referral_reason}",
        "timeline": [entry_line(position, entry) for position, entry in enumerate(timeline, start=1)],
        "departments": [
            f"{a.department.name}（{a.get_role_display()}，{_when(a.assigned_at)}派单"
            + (f"，{_when(a.ended_at)}结束）" if a.ended_at else "，办理中）")
            for a in assignments
        ],
        "people": people,
        "built_at": timezone.now().isoformat(),
    }


def render_dossier(data: dict) -> bytes:
    """The dossier PDF: A4 with the standard's text block, page numbers on every page."""
    fonts_register()

    def every_page(canvas, doc) -> None:
        layout.draw_page_number(canvas, doc.page)

    story = [
        layout.Title(data["title"]),
        Spacer(0, layout.LINE / 2),
        Paragraph(layout.markup(data["reason"]), layout.BODY),
    ]
    sections = (
        ("一、工单基本情况", data["facts"]),
        ("二、办理过程", data["timeline"]),
        ("三、涉及单位", data["departments"]),
        ("四、涉及人员", ["、".join(data["people"]) or "—"]),
    )
    for heading, lines in sections:
        story.append(Paragraph(heading, layout.HEADING_1))
        story += [Paragraph(layout.markup(line), layout.BODY_FLUSH) for line in lines]
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=(layout.PAGE_WIDTH, layout.PAGE_HEIGHT),
        leftMargin=layout.MARGIN_LEFT,
        rightMargin=layout.MARGIN_RIGHT,
        topMargin=layout.MARGIN_TOP,
        bottomMargin=layout.MARGIN_BOTTOM,
        title=data["title"],
        creator="Mingze 明责",
        invariant=True,
    )
    document.addPageTemplates([PageTemplate("every", [layout.body_frame()], onPage=every_page)])
    document.build(story)
    return buffer.getvalue()
