"""The joint conference (联席会议): sessions, seats (django-guardian grants), votes and closing an item.

Lock order, everywhere: dispute, then agenda item, then seat. A vote holds the item row in share mode
(FOR SHARE), so the members of a session vote at the same moment without queueing behind each other; the
close takes the dispute and then the item row exclusively (FOR UPDATE), which waits for the votes in flight.
So a vote either commits before the close holds the item (and is counted) or waits, then finds the item
closed and is refused — never lost, never counted twice. The seat row lock orders one member's own votes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from guardian.shortcuts import assign_perm, remove_perm

from arbitration.audit.grants import grant_context
from arbitration.choices import AgendaItemStatus, AgendaOutcome, DisputeStatus, SessionStatus
from arbitration.errors import (
    CastingVoteRequired,
    InvalidInput,
    ItemClosed,
    NotFound,
    RecusedMember,
    SessionClosed,
    SessionNotStarted,
)
from arbitration.history import history_insert_select, real_user, save_attributed
from arbitration.models import AgendaItem, ConferenceSession, Department, Dispute, Seat, User, Vote
from arbitration.reasons import DEADLOCK_REFERRED, ITEM_CLOSED
from arbitration.services.precedents import scope_territory
from arbitration.tally import TallyResult, casting_vote_apply, co_handlers_agreed, parse_fraction, tally

SIT = "arbitration.sit_conferencesession"
CHAIR = "arbitration.chair_conferencesession"
VIEW = "arbitration.view_conferencesession"


@transaction.atomic
def session_schedule(
    *,
    title: str,
    scheduled_for: dt.datetime,
    chair_id: int,
    actor,
    location: str = "",
) -> ConferenceSession:
    chair = User.objects.filter(pk=chair_id, is_active=True).first()
    if chair is None:
        raise InvalidInput(field="chair", reason=_("no active user with that id"))
    session = save_attributed(
        ConferenceSession(title=title, scheduled_for=scheduled_for, chair=chair, location=location),
        actor=actor,
        reason=gettext_noop("session scheduled"),
    )
    # Grants are made in the transaction that creates the object (STYLE.md §3).
    # Recorded as grant events (docs/audit.md); the reason is a message id, translated when read.
    with grant_context(actor=actor, reason=gettext_noop("session scheduled")):
        assign_perm(VIEW, chair, session)
        assign_perm(CHAIR, chair, session)
    return session


@transaction.atomic
def seat_grant(*, session_id: int, member_id: int, department_id: int, actor) -> Seat:
    """Seat a member for a department or body; the guardian grant lets them see the items and vote."""
    session = ConferenceSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    if session.status != SessionStatus.SCHEDULED:
        raise SessionClosed()
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if member is None or not Department.objects.filter(pk=department_id).exists():
        raise InvalidInput(field="member" if member is None else "department", reason=_("not found"))
    if Seat.objects.filter(session=session, department_id=department_id).exclude(member=member).exists():
        raise InvalidInput(field="department", reason=_("this body already has a seat in the session"))
    seat, _created = Seat.objects.get_or_create(
        session=session, member=member, defaults={"department_id": department_id}
    )
    if seat.department_id != department_id:
        seat.department_id = department_id
        save_attributed(
            seat, actor=actor, reason=gettext_noop("seat moved to another body"), update_fields=["department"]
        )
    with grant_context(actor=actor, reason=gettext_noop("seat granted")):
        assign_perm(VIEW, member, session)
        assign_perm(SIT, member, session)
    return seat


@transaction.atomic
def seat_revoke(*, seat_id: int, actor) -> None:
    seat = Seat.objects.select_for_update().filter(pk=seat_id).select_related("session", "member").first()
    if seat is None:
        raise NotFound()
    if seat.votes.exists():
        raise InvalidInput(field="seat", reason=_("a seat that has voted stays on the record"))
    with grant_context(actor=actor, reason=gettext_noop("seat revoked")):
        remove_perm(SIT, seat.member, seat.session)
        if seat.session.chair_id != seat.member_id:
            remove_perm(VIEW, seat.member, seat.session)
    seat._history_user, seat._change_reason = actor, gettext_noop("seat revoked")
    seat.delete()


def recused_department_ids(dispute_id: int) -> set[int]:
    """Members seated for a party are recused (回避): they may speak but not vote, and leave the quorum base."""
    return set(Dispute.parties.through.objects.filter(dispute_id=dispute_id).values_list("department_id", flat=True))


@dataclass(frozen=True)
class _Ballot:
    """What a vote needs to know, read in one statement under the locks (module docstring)."""

    item_status: str
    seat_id: int
    department_id: int
    recused: bool
    known_departments: int


def _ballot_locked(*, item_id: int, member_id: int, departments: set[int]) -> _Ballot | None:
    """The item (share lock), the member's seat in its session (update lock), whether the seat's body is a party,
    and how many of `departments` are active — one round trip, since fifty members vote at the same moment.

    The member's existing vote is not joined in: a vote that waited for the seat lock must see the vote its
    predecessor committed, which a row joined into this statement would not show. The upsert that follows does.
    """
    marks = ", ".join(["%s"] * len(departments))
    known = f"(SELECT COUNT(*) FROM {Department._meta.db_table} WHERE is_active AND id IN ({marks}))" if marks else "0"
    parties = Dispute.parties.through._meta.db_table
    # SQLite has no row locks; its write transactions are serialised (IMMEDIATE) instead.
    locks = " FOR SHARE OF i FOR UPDATE OF s" if connection.features.has_select_for_update_of else ""
    query = f"""
        SELECT i.status, s.id, s.department_id,
               EXISTS (SELECT 1 FROM {parties} p
                       WHERE p.dispute_id = i.dispute_id AND p.department_id = s.department_id),
               {known}
        FROM {AgendaItem._meta.db_table} i
        JOIN {Seat._meta.db_table} s ON s.session_id = i.session_id AND s.member_id = %s
        WHERE i.id = %s{locks}"""
    with connection.cursor() as cursor:
        cursor.execute(query, [*departments, member_id, item_id])
        row = cursor.fetchone()
    return _Ballot(*row[:3], bool(row[3]), row[4]) if row else None


@transaction.atomic
def vote_cast(
    *, item_id: int, actor, lead_department_id: int | None, co_handler_ids: Iterable[int] = (), reason: str
) -> Vote:
    """Cast or change a seat's vote; `lead_department_id=None` abstains. Every vote carries a reason.

    A vote is the one write that fifty people make at the same moment, so it costs three plain statements: one
    reads the item, the seat, recusal and the departments named; one writes the vote; one copies it to history.
    """
    co_handlers = set(co_handler_ids) - {lead_department_id}
    wanted = co_handlers | ({lead_department_id} if lead_department_id else set())
    ballot = _ballot_locked(item_id=item_id, member_id=actor.pk, departments=wanted)
    if ballot is None:
        raise NotFound()
    if ballot.item_status != AgendaItemStatus.OPEN:
        closed_at = AgendaItem.objects.values_list("closed_at", flat=True).get(pk=item_id)
        raise ItemClosed(closed_at=timezone.localtime(closed_at).strftime("%Y-%m-%d %H:%M:%S"))
    if ballot.recused:
        raise RecusedMember(department=Department.objects.values_list("name", flat=True).get(pk=ballot.department_id))
    if not reason.strip():
        raise InvalidInput(field="reason", reason=_("every vote, abstentions included, gives a reason"))
    if lead_department_id is None and co_handlers:
        raise InvalidInput(field="co_handlers", reason=_("an abstention names no co-handlers"))
    if ballot.known_departments != len(wanted):
        raise InvalidInput(field="lead", reason=_("unknown department"))
    co_handler_list, now = sorted(co_handlers), timezone.now()
    written = _vote_upsert(
        item_id=item_id, seat_id=ballot.seat_id, lead_id=lead_department_id, co_handler_ids=co_handler_list,
        reason=reason, now=now,
    )  # fmt: skip
    if written is None:  # the same vote sent again (a double click, a retry) changes nothing and writes no history
        return Vote.objects.get(item_id=item_id, seat_id=ballot.seat_id)
    vote_id, created = written
    history_insert_select(  # the row simple-history would write for this save, copied from the stored vote
        Vote, "id", [vote_id], at=now, reason=gettext_noop("vote cast") if created else gettext_noop("vote changed"),
        user_id=getattr(real_user(actor), "pk", None), kind="+" if created else "~",
    )  # fmt: skip
    if not created:  # a changed vote keeps the time it was first cast: read it back
        return Vote.objects.get(pk=vote_id)
    vote = Vote(
        id=vote_id, item_id=item_id, seat_id=ballot.seat_id, lead_id=lead_department_id,
        co_handler_ids=co_handler_list, reason=reason, cast_at=now, changed_at=now,
    )  # fmt: skip
    vote._state.adding, vote._state.db = False, connection.alias  # as if read back: it is stored
    return vote


@functools.cache
def _vote_upsert_sql() -> str:
    quote = connection.ops.quote_name
    vote = quote(Vote._meta.db_table)
    changed = ("lead_id", "co_handler_ids", "reason", "changed_at")  # what changing a vote may change
    return f"""
        INSERT INTO {vote} (item_id, seat_id, lead_id, co_handler_ids, reason, cast_at, changed_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (item_id, seat_id) DO UPDATE SET {", ".join(f"{c} = EXCLUDED.{c}" for c in changed)}
        WHERE COALESCE({vote}.lead_id, 0) <> COALESCE(EXCLUDED.lead_id, 0)
           OR {vote}.co_handler_ids <> EXCLUDED.co_handler_ids OR {vote}.reason <> EXCLUDED.reason
        RETURNING id, cast_at = changed_at"""


def _vote_upsert(
    *, item_id: int, seat_id: int, lead_id: int | None, co_handler_ids: list[int], reason: str, now: dt.datetime
) -> tuple[int, bool] | None:
    """Insert the seat's vote, or change it; (id, created), or None when it is the vote already stored.

    One plain statement instead of a read and a save: this is the write fifty members make at the same instant.
    The seat lock is held, so nobody else writes this seat's vote meanwhile. A changed vote keeps its cast_at,
    so only a new vote comes back with cast_at equal to changed_at.
    """
    field = Vote._meta.get_field
    values = [
        item_id, seat_id, lead_id, field("co_handler_ids").get_db_prep_save(co_handler_ids, connection), reason,
        *[field("cast_at").get_db_prep_save(now, connection)] * 2,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_vote_upsert_sql(), values)
        row = cursor.fetchone()
    return None if row is None else (row[0], bool(row[1]))


def _frozen_result(
    item: AgendaItem,
    result: TallyResult,
    seats: list[Seat],
    recused: set[int],
    votes: list[Vote],
    co_handler_ids: list[int],
    now: dt.datetime,
) -> dict:
    """Everything the close decided, as plain values: the record stays true whatever is edited later."""
    names = dict(Department.objects.values_list("pk", "name"))
    return {
        "closed_at": now.isoformat(),
        "seats": len(seats),
        "base": result.base,
        "cast": result.cast,
        "abstentions": result.abstentions,
        "quorum": settings.MINGZE_CONFERENCE_QUORUM,
        "quorum_required": result.quorum_required,
        "quorum_met": result.quorum_met,
        "majority": settings.MINGZE_CONFERENCE_MAJORITY,
        "majority_required": result.majority_required,
        "counts": [
            {"department_id": d, "department": names[d], "votes": n}
            for d, n in sorted(result.counts.items(), key=lambda pair: (-pair[1], names[pair[0]]))
        ],
        "leader_id": result.leader_id,
        "leader": names.get(result.leader_id, ""),
        "co_handler_ids": co_handler_ids,
        "co_handlers": [names[c] for c in co_handler_ids],
        "outcome": result.outcome,
        "recused": [
            {"member": str(s.member), "department": s.department.name} for s in seats if s.department_id in recused
        ],
        "present": [{"member": str(s.member), "department": s.department.name} for s in seats],
        "votes": [
            {
                "member": str(v.seat.member),
                "seat": v.seat.department.name,
                "lead": names.get(v.lead_id, ""),
                "co_handlers": sorted(names[c] for c in v.co_handler_ids),
                "reason": v.reason,
                "cast_at": v.changed_at.isoformat(),
            }
            for v in votes
        ],
    }


def item_tally(item: AgendaItem) -> tuple[TallyResult, list[Seat], set[int], list[Vote]]:
    """The tally as it stands (the chair's live view, and the close under its lock)."""
    seats = list(Seat.objects.filter(session_id=item.session_id).select_related("member", "department"))
    recused = recused_department_ids(item.dispute_id)
    votes = [
        v for v in item.votes.select_related("seat__member", "seat__department") if v.seat.department_id not in recused
    ]
    result = tally(
        base=sum(1 for s in seats if s.department_id not in recused),
        leads=[v.lead_id for v in votes],
        quorum=parse_fraction(settings.MINGZE_CONFERENCE_QUORUM),
        majority=parse_fraction(settings.MINGZE_CONFERENCE_MAJORITY),
    )
    return result, seats, recused, votes


def _casting_vote(result: TallyResult, department_id: int | None) -> TallyResult:
    """Apply the chair's casting vote where the local rules give one (MINGZE_CONFERENCE_CASTING_VOTE). Refused: a
    casting vote the rules do not give, one that breaks no tie, and a tie left unbroken where the rules give one."""
    allowed = settings.MINGZE_CONFERENCE_CASTING_VOTE
    if department_id is None:
        if allowed and result.outcome == AgendaOutcome.TIE:
            names = Department.objects.filter(pk__in=result.tied_ids).order_by("code").values_list("name", flat=True)
            raise CastingVoteRequired(leads="、".join(names))
        return result
    field = "casting_vote_department_id"
    if not allowed:
        raise InvalidInput(field=field, reason=_("the local rules give the chair no casting vote"))
    if result.outcome != AgendaOutcome.TIE:
        raise InvalidInput(field=field, reason=_("the vote is not tied, so there is nothing to break"))
    if department_id not in result.tied_ids:
        raise InvalidInput(field=field, reason=_("choose one of the leads tied at the top"))
    return casting_vote_apply(result, department_id)


def _casting_vote_record(result: TallyResult, actor) -> dict | None:
    if not result.casting_vote:
        return None
    names = dict(Department.objects.filter(pk__in=result.tied_ids).values_list("pk", "name"))
    return {
        "chair": str(actor),
        "department_id": result.leader_id,
        "department": names[result.leader_id],
        "tied": [names[d] for d in result.tied_ids],
    }


def _ensure_session_begun(item: AgendaItem, now: dt.datetime) -> None:
    if now < item.session.scheduled_for:
        starts_at = timezone.localtime(item.session.scheduled_for).strftime("%Y-%m-%d %H:%M")
        raise SessionNotStarted(starts_at=starts_at)


@transaction.atomic
def agenda_item_close(
    *,
    item_id: int,
    actor,
    scope: str | None = None,
    reasons: str = "",
    basis: str = "",
    casting_vote_department_id: int | None = None,
) -> AgendaItem:
    """The chair closes an item: the tally is frozen; a majority (or the chair's casting vote on a tie, where the
    local rules give one) issues a ruling dated by this moment, a deadlock goes to a leader.

    An item cannot be closed before its session has begun.
    """
    from arbitration.services.disputes import _move, dispute_refer_to_leader
    from arbitration.services.rulings import ruling_issue

    dispute_id = AgendaItem.objects.filter(pk=item_id).values_list("dispute_id", flat=True).first()
    if dispute_id is None:
        raise NotFound()
    Dispute.objects.select_for_update().get(pk=dispute_id)  # parents before children (module docstring)
    item = AgendaItem.objects.select_for_update().select_related("dispute__ticket", "session").get(pk=item_id)
    if item.status != AgendaItemStatus.OPEN:
        raise ItemClosed(closed_at=timezone.localtime(item.closed_at).strftime("%Y-%m-%d %H:%M:%S"))
    now = timezone.now()  # read under the lock: every vote counted was cast before this moment
    _ensure_session_begun(item, now)
    scope = scope or item.scope
    scope_territory(item.dispute.ticket, scope)  # refuses an unknown scope, or one finer than the ticket's place
    result, seats, recused, votes = item_tally(item)
    result = _casting_vote(result, casting_vote_department_id)
    winners = [v for v in votes if v.lead_id == result.leader_id] if result.leader_id else []
    co_handlers = co_handlers_agreed([set(v.co_handler_ids) for v in winners])
    item.status, item.closed_at, item.closed_by, item.outcome = AgendaItemStatus.CLOSED, now, actor, result.outcome
    item.scope = scope
    item.result = _frozen_result(item, result, seats, recused, votes, co_handlers, now)
    item.result["casting_vote"] = _casting_vote_record(result, actor)
    save_attributed(
        item,
        actor=actor,
        reason=ITEM_CLOSED.format(outcome=result.outcome),
        update_fields=["status", "closed_at", "closed_by", "outcome", "scope", "result"],
    )
    dispute = item.dispute
    if result.outcome == AgendaOutcome.RULING:
        ruling_issue(item=item, actor=actor, reasons=reasons, basis=basis)
        _move(dispute, DisputeStatus.RULED, actor=actor, reason=gettext_noop("ruled by the joint conference"))
    else:
        dispute_refer_to_leader(
            dispute_id=dispute.pk,
            actor=actor,
            reason=DEADLOCK_REFERRED.format(outcome=result.outcome),
        )
    return item
