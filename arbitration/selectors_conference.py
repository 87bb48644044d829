"""Reads for the conference pages and API: the live tally, a member's items, the queues."""

from __future__ import annotations

from django.db.models import QuerySet

from arbitration.choices import AgendaItemStatus, BounceOutcome, DisputeStatus, NoticeKind
from arbitration.models import AgendaItem, Bounce, Department, Dispute, Notice, Seat
from arbitration.services.conferences import item_tally


def item_tally_view(item: AgendaItem) -> dict:
    """The tally as it stands, or the frozen one once the item is closed."""
    if item.status == AgendaItemStatus.CLOSED:
        frozen = item.result
        return {
            "status": item.status,
            **{
                k: frozen[k]
                for k in (
                    "base",
                    "cast",
                    "abstentions",
                    "quorum_required",
                    "quorum_met",
                    "majority_required",
                    "outcome",
                    "counts",
                    "votes",
                )
            },
        }
    result, _seats, _recused, votes = item_tally(item)
    names = dict(Department.objects.filter(pk__in=result.counts).values_list("pk", "name"))
    return {
        "status": item.status,
        "base": result.base,
        "cast": result.cast,
        "abstentions": result.abstentions,
        "quorum_required": result.quorum_required,
        "quorum_met": result.quorum_met,
        "majority_required": result.majority_required,
        "outcome": result.outcome,
        "counts": [{"department": names[d], "votes": n} for d, n in sorted(result.counts.items(), key=lambda p: -p[1])],
        "votes": [
            {"member": str(v.seat.member), "seat": v.seat.department.name, "lead": v.lead.name if v.lead_id else ""}
            for v in votes
        ],
    }


# Newest session first, its items in agenda order. The session's id breaks a tie between two sessions scheduled
# at the same time, so that their items are not interleaved. No one index holds an order that spans two tables:
# the plan reads the member's seats (index on seat.member), their sessions by primary key and each session's
# items (index on agenda_item.session), then sorts them; it grows with the sessions one member sat in, not with
# the city.
MEMBER_ITEM_ORDER = ("-session__scheduled_for", "-session_id", "position", "pk")


def member_items(user) -> QuerySet[AgendaItem]:
    """Agenda items of the sessions `user` sits in, newest session first."""
    return (
        AgendaItem.objects.filter(session__seats__member=user)
        .select_related("session", "dispute__ticket")
        .order_by(*MEMBER_ITEM_ORDER)
    )


def seat_for(user, item: AgendaItem) -> Seat | None:
    return Seat.objects.filter(session_id=item.session_id, member=user).select_related("department").first()


def bounce_review_queue() -> QuerySet[Bounce]:
    return (
        Bounce.objects.filter(outcome=BounceOutcome.PENDING)
        .select_related("ticket__matter", "ticket__territory", "department", "proposed_department", "reason")
        .order_by("created_at")
    )


def leader_queue() -> QuerySet[Dispute]:
    return (
        Dispute.objects.filter(status=DisputeStatus.AWAITING_SIGN_OFF)
        .select_related("ticket__matter", "ticket__territory")
        .prefetch_related("parties")
        .order_by("opened_at")
    )


def decision_backlog_moved(document_number: str) -> QuerySet[Notice]:
    """The tickets a decision took from its backlog: one notice to the new owner was sent for each."""
    return (
        Notice.objects.filter(document_number=document_number, kind=NoticeKind.TICKET_GAINED)
        .select_related("ticket", "department")
        .order_by("created_at", "pk")
    )
