"""One timeline over several tickets: each ticket's record (domain events and audit history), the supervision
cases about them or their problem, and the letters issued — merged in time order, each line naming its ticket.

The case page and the referral dossier read the same timeline; only the dossier numbers and freezes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from django.db.models import Q
from django.utils import timezone

from arbitration.models import Ticket
from arbitration.reasons import recorded_reason
from arbitration.selectors import HISTORY_ACTION_LABELS, TimelineEntry, ticket_timeline
from supervision.choices import CaseEventKind
from supervision.models import CaseEvent, SupervisionCase, SupervisionLetter


@dataclass(frozen=True)
class TicketEntry(TimelineEntry):
    """A line of the merged timeline: an entry and the ticket it is about (its hotline number), so that the shared
    timeline template (arbitration/_timeline.html) shows it as it shows any entry, naming the ticket."""

    hotline_no: str = ""

    @classmethod
    def of(cls, hotline_no: str, entry: TimelineEntry) -> TicketEntry:
        return cls(**{name: getattr(entry, name) for name in ENTRY_FIELDS}, hotline_no=hotline_no)


ENTRY_FIELDS = tuple(field.name for field in fields(TimelineEntry))


def when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def merged_timeline(
    tickets: list[Ticket],
    cases: list[SupervisionCase],
    *,
    personal_data_visible: Callable[[Ticket], bool] = lambda ticket: False,
) -> list[TicketEntry]:
    """Every entry of every ticket, of the cases and of their letters, oldest first; at the same moment the domain
    event comes before the audit row, and tickets keep their order (oldest ticket first)."""
    entries = [
        TicketEntry.of(ticket.hotline_no, entry)
        for ticket in tickets
        for entry in ticket_timeline(ticket, personal_data_visible=personal_data_visible(ticket))
    ]
    entries += case_entries(cases)
    entries += letter_entries(tickets, cases)
    return sorted(entries, key=lambda line: (line.at, line.source != "event"))


def case_entries(cases: Iterable[SupervisionCase]) -> list[TicketEntry]:
    """Supervision's part of the story: every event of the cases (a joined ticket names itself)."""
    by_pk = {case.pk: case for case in cases}
    events = CaseEvent.objects.filter(case_id__in=list(by_pk)).select_related("actor").order_by("at", "pk")
    lines = []
    for event in events:
        case = by_pk[event.case_id]
        action = f"督办（{case.get_trigger_display()}）：{event.get_kind_display()}"
        if event.to_tier:
            action += f" → {event.get_to_tier_display()}"
        number = event.data.get("hotline_no") if event.kind == CaseEventKind.TICKET_JOINED else None
        entry = TimelineEntry(
            at=event.at,
            source="event",
            subject="督办",
            action=action,
            actor=str(event.actor) if event.actor else "系统",
            reason=recorded_reason(event.reason),
        )
        lines.append(TicketEntry.of(number or (case.ticket.hotline_no if case.ticket_id else ""), entry))
    return lines


def letter_entries(tickets: list[Ticket], cases: list[SupervisionCase]) -> list[TicketEntry]:
    """Letters issued about the tickets or their cases, and the answers to them."""
    letters = SupervisionLetter.objects.filter(
        Q(ticket_id__in=[ticket.pk for ticket in tickets]) | Q(case_id__in=[case.pk for case in cases])
    ).select_related("issued_by", "answered_by", "ticket")
    lines = []
    for letter in letters:
        number = letter.ticket.hotline_no if letter.ticket_id else ""
        lines.append(
            TicketEntry.of(
                number,
                TimelineEntry(
                    at=letter.issued_at,
                    source="event",
                    subject="文书",
                    action=f"印发{letter.get_kind_display()} {letter.document_number}",
                    actor=str(letter.issued_by),
                    reason=f"致{letter.addressee}",
                ),
            )
        )
        if letter.answered_at:
            answer = TimelineEntry(
                at=letter.answered_at,
                source="event",
                subject="文书",
                action=f"{letter.addressee}答复{letter.document_number}",
                actor=str(letter.answered_by),
                reason=letter.answer_text,
            )
            lines.append(TicketEntry.of(number, answer))
    return lines


def entry_line(position: int, line: TicketEntry) -> str:
    """One numbered line of the dossier's timeline, as printed: when, which ticket, what, who, why, what changed."""
    ticket = f"【{line.hotline_no}】" if line.hotline_no else ""
    action = HISTORY_ACTION_LABELS.get(line.action, line.action) if line.source == "history" else line.action
    text = f"{position}. {when(line.at)} {ticket}{line.subject}：{action}（{line.actor}）"
    if line.reason:
        text += f" 理由：{line.reason}"
    if line.changes:
        text += " 变更：" + "；".join(f"{c.label} {c.old} → {c.new}" for c in line.changes)
    return text
