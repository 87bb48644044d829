"""Demo extender (see arbitration/demo/__init__.py): bounces, disputes, a conference session ready to vote on,
and a few past rulings with their PDFs, so that the README's demo can vote and close an item at once."""

from __future__ import annotations

import datetime as dt

from arbitration.choices import AssignmentRole, Role, TicketStatus
from arbitration.models import Assignment, Ticket
from arbitration.services.bounces import bounce_create, bounce_uphold
from arbitration.services.conferences import agenda_item_close, seat_grant, session_schedule, vote_cast
from arbitration.services.disputes import dispute_put_on_agenda

PENDING_BOUNCES = 3  # left in the review queue
DISPUTES = 5  # A bounces to B, review upholds, B bounces back: a dispute opens
PAST_RULINGS = 2
README_MEMBER = "member_cgj"  # the member of the README's tour, who votes on the open item


def demo_extend(context) -> None:
    dispatcher = next(iter(context.users_with_role(Role.DISPATCHER)), context.admin)
    liaisons = {dept: user for user in context.users_with_role(Role.LIAISON) for dept in user.department_ids}
    tickets = _bounceable(context, liaisons)
    reason_ids = _reason_ids()
    pending = sum(_bounce(context, t, liaisons, reason_ids) is not None for t in tickets[:PENDING_BOUNCES])
    disputes = [
        d
        for t in tickets[PENDING_BOUNCES : PENDING_BOUNCES + DISPUTES + PAST_RULINGS]
        if (d := _dispute(context, t, liaisons, reason_ids, dispatcher)) is not None
    ]
    members = [(u, min(u.department_ids)) for u in context.users_with_role(Role.CONFERENCE_MEMBER) if u.department_ids]
    past = _session(context, dispatcher, members, starts=dt.timedelta(days=-7), title="2026年联席会议第一次会议")
    rulings = [_rule(context, d, past, dispatcher, members) for d in disputes[:PAST_RULINGS]]
    # A tied vote in the past session: the dispute waits for the leader's sign-off (the README's leader signs it).
    for dispute in disputes[PAST_RULINGS : PAST_RULINGS + 1]:
        _rule(context, dispute, past, dispatcher, members, tie=True)
    # In session since an hour ago: an item can be closed only once its session has begun (docs/rulings.md). The
    # item open for votes is one the README's member may vote on: their department is not a party to it.
    sitting = _session(context, dispatcher, members, starts=dt.timedelta(hours=-1), title="2026年联席会议第二次会议")
    tour_department = next((dept for member, dept in members if member.username == README_MEMBER), None)
    waiting = disputes[PAST_RULINGS + 1 :]
    waiting.sort(key=lambda d: d.parties.filter(pk=tour_department).exists())  # stable: not a party first
    for dispute in waiting[:1]:
        dispute_put_on_agenda(
            dispute_id=dispute.pk,
            session_id=sitting.pk,
            actor=dispatcher,
            reason=context.reason,
        )
    context.stdout.write(
        f"conference: {pending} bounces awaiting review, {len(disputes)} disputes, session “{sitting.title}” with "
        f"{len(members)} seats and an item open for votes (chair: {dispatcher.username}), "
        f"{sum(r is not None for r in rulings)} past rulings"
    )


def _reason_ids() -> dict[str, int]:
    from arbitration.models import BounceReason

    return dict(BounceReason.objects.values_list("code", "pk"))


def _bounceable(context, liaisons: dict[int, object]) -> list[Ticket]:
    """Open tickets whose lead department has a demo liaison (ping-pong candidates first)."""
    leads = (
        Assignment.objects.filter(
            role=AssignmentRole.LEAD,
            ended_at=None,
            department_id__in=liaisons,
            ticket__status__in=[TicketStatus.DISPATCHED, TicketStatus.HANDLING],
        )
        .select_related("ticket")
        .order_by("ticket__hotline_no")
    )
    first = set(context.ping_pong[:20])
    tickets = sorted({a.ticket for a in leads[:400]}, key=lambda t: (t.hotline_no not in first, t.hotline_no))
    return [t for t in tickets if not t.bounces.exists()][: PENDING_BOUNCES + DISPUTES + PAST_RULINGS]


def _lead(ticket: Ticket) -> Assignment:
    return ticket.assignments.get(role=AssignmentRole.LEAD, ended_at=None)


def _bounce(context, ticket: Ticket, liaisons, reason_ids, proposed_id: int | None = None):
    lead = _lead(ticket)
    if proposed_id is None:
        proposed_id = context.rng.choice(sorted(d for d in liaisons if d != lead.department_id))
    code = context.rng.choice(["not_our_duty", "unclear_ownership", "overlapping_duties"])
    return bounce_create(
        assignment_id=lead.pk,
        actor=liaisons[lead.department_id],
        reason_id=reason_ids[code],
        explanation="经核查，该事项不属于本单位法定职责范围。",
        basis="本单位三定方案及权责清单",
        proposed_department_id=proposed_id,
        # The demo's liaisons contest the catalogue, so they cite a document that says otherwise (docs/bounces.md).
        basis_document="明编办〔2026〕7号《关于有关部门职责边界问题的复函》",
    )


def _dispute(context, ticket: Ticket, liaisons, reason_ids, dispatcher):
    first = _bounce(context, ticket, liaisons, reason_ids)
    bounce_uphold(
        bounce_id=first.pk,
        actor=dispatcher,
        lead_department_id=first.proposed_department_id,
        note="演示：复核认为退单理由成立",
        override_reason="演示：按退单单位建议改派",
    )
    _bounce(context, ticket, liaisons, reason_ids, proposed_id=first.department_id)
    return ticket.disputes.first()


def _session(context, chair, members, *, starts: dt.timedelta, title: str):
    session = session_schedule(
        title=title,
        scheduled_for=context.now + starts,
        chair_id=chair.pk,
        actor=context.admin,
        location="市政务服务中心第一会议室",
    )
    for member, department_id in members:
        seat_grant(session_id=session.pk, member_id=member.pk, department_id=department_id, actor=context.admin)
    return session


def _rule(context, dispute, session, chair, members, *, tie: bool = False):
    """Vote on the dispute and close its item: a ruling, or with `tie` a vote split evenly between the parties
    (a deadlock, which goes to a city leader unless the local rules give the chair a casting vote)."""
    item = dispute_put_on_agenda(dispute_id=dispute.pk, session_id=session.pk, actor=chair, reason=context.reason)
    parties = sorted(dispute.parties.values_list("pk", flat=True))
    lead = context.rng.choice(parties)
    voters = [m for m, dept in members if dept not in parties]
    for index, member in enumerate(voters):
        # A ruling: the last voter abstains. A tie: the voters alternate, the last abstains when they are odd.
        abstain = index == len(voters) - 1 and (not tie or len(voters) % 2 == 1)
        choice = parties[index % 2] if tie else lead
        vote_cast(
            item_id=item.pk,
            actor=member,
            lead_department_id=None if abstain else choice,
            reason="情况需进一步核实，弃权" if abstain else "依据三定方案，该单位负有主要监管职责",
        )
    agenda_item_close(
        item_id=item.pk,
        actor=chair,
        reasons="联席会议记名表决票数相同，提请市领导签批。"
        if tie
        else "经联席会议记名表决，过半数成员认定该单位为主办单位。",
        basis="《明州市12345热线职责争议处理办法》第十二条",
    )
    return getattr(item, "ruling", None)
