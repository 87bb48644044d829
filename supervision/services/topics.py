"""The monthly topic (每月一题): proposal by the centre, a leader's approval, the tickets it gathers, progress
reports and the closing report. Rules as implemented: docs/topics.md."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from arbitration.audit.grants import grant_context
from arbitration.calendar import WorkingCalendar
from arbitration.choices import ProposalOrigin, Role
from arbitration.errors import InvalidInput, NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import CatalogueProposal, Department, Matter, Territory, Ticket, User
from arbitration.services.reform import DutyChange, proposal_draft
from supervision import selectors, states
from supervision.choices import TOPIC_WORKING_STATUSES, TopicStatus, TopicTicketVia
from supervision.errors import (
    ReasonRequired,
    TopicDeadlinePast,
    TopicLeadAlsoCoHandler,
    TopicLeadMissing,
    TopicNotWorking,
)
from supervision.models import Topic, TopicReport, TopicTicket, TopicTransition
from supervision.services.topic_report import closing_report_issue

# What the liaisons of the topic's departments are granted on it (guardian, direct foreign keys).
VIEW_TOPIC = "supervision.view_topic"
REPORT_TOPIC = "supervision.report_topic"


def _move(topic: Topic, target: str, *, actor, reason: str, fields: tuple[str, ...] = ()) -> None:
    """One status change. The caller holds the transaction and the row lock."""
    states.ensure_topic_move(topic.status, target)
    previous, topic.status = topic.status, target
    save_attributed(topic, actor=actor, reason=reason, update_fields=["status", *fields])
    TopicTransition.objects.create(
        topic=topic, from_status=previous, to_status=target, actor=real_user(actor), reason=reason
    )


def _locked(topic_id: int) -> Topic:
    # Lock first: a leader's decision and the centre's closing must not cross on the same topic.
    topic = Topic.objects.select_for_update().filter(pk=topic_id).first()
    if topic is None:
        raise NotFound()
    return topic


@transaction.atomic
def topic_propose(
    *,
    actor,
    title: str,
    matter_id: int,
    rationale: str,
    territory_id: int | None = None,
    keywords: str = "",
    source_kind: str = "",
    source_reference: str = "",
    lookback_days: int | None = None,
) -> Topic:
    """The centre proposes a topic; it waits for a city leader."""
    if not Matter.objects.filter(pk=matter_id).exists():
        raise InvalidInput(field="matter", reason=_("unknown matter"))
    if territory_id is not None and not Territory.objects.filter(pk=territory_id).exists():
        raise InvalidInput(field="territory", reason=_("unknown territory"))
    if not rationale.strip():
        raise ReasonRequired()
    topic = Topic(
        title=title.strip(),
        matter_id=matter_id,
        territory_id=territory_id,
        keywords=keywords.strip(),
        rationale=rationale.strip(),
        source_kind=source_kind,
        source_reference=source_reference.strip(),
        proposed_by=actor,
    )
    if lookback_days is not None:
        topic.lookback_days = lookback_days
    save_attributed(topic, actor=actor, reason=gettext_noop("proposed"))
    TopicTransition.objects.create(
        topic=topic, from_status="", to_status=TopicStatus.PROPOSED, actor=real_user(actor), reason=rationale
    )
    return topic


def _liaisons(department_ids) -> list[User]:
    return list(
        User.objects.filter(memberships__department_id__in=department_ids, groups__name=Role.LIAISON).distinct()
    )


def topic_grants_write(topic: Topic, *, actor, reason: str) -> None:
    """The lead's liaisons see the topic and report on it; the co-handlers' liaisons see it. Grants go through
    guardian inside `grant_context`, so each is a GrantEvent (docs/audit.md)."""
    co_handler_ids = list(topic.co_handlers.values_list("pk", flat=True))
    with grant_context(actor=actor, reason=reason):
        for liaison in _liaisons([topic.lead_id]):
            assign_perm(VIEW_TOPIC, liaison, topic)
            assign_perm(REPORT_TOPIC, liaison, topic)
        for liaison in _liaisons(co_handler_ids):
            assign_perm(VIEW_TOPIC, liaison, topic)


@transaction.atomic
def topic_approve(
    *,
    topic_id: int,
    actor,
    lead_id: int,
    goal: str,
    working_days: int,
    co_handler_ids: list[int] = (),
    target_weekly_tickets: int | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Topic:
    """A city leader approves: names the lead and co-handlers, the goal and the deadline (`working_days` working
    days from today on the working calendar). The tickets of the look-back window join at once."""
    now = now or timezone.now()
    topic = _locked(topic_id)
    states.ensure_topic_move(topic.status, TopicStatus.APPROVED)
    co_handler_ids = sorted(set(co_handler_ids))
    if not Department.objects.filter(pk=lead_id).exists():
        raise TopicLeadMissing()
    if lead_id in co_handler_ids:
        raise TopicLeadAlsoCoHandler()
    if Department.objects.filter(pk__in=co_handler_ids).count() != len(co_handler_ids):
        raise InvalidInput(field="co_handlers", reason=_("unknown department"))
    if working_days < 1:
        raise TopicDeadlinePast(deadline=timezone.localtime(now).date())
    topic.deadline = WorkingCalendar.load().add_working_days(timezone.localtime(now).date(), working_days)
    topic.lead_id, topic.goal, topic.target_weekly_tickets = lead_id, goal.strip(), target_weekly_tickets
    topic.decided_at, topic.decided_by = now, actor
    reason = reason.strip() or goal.strip()
    _move(
        topic,
        TopicStatus.APPROVED,
        actor=actor,
        reason=reason,
        fields=("deadline", "lead", "goal", "target_weekly_tickets", "decided_at", "decided_by"),
    )
    topic.co_handlers.set(co_handler_ids)
    topic_grants_write(topic, actor=actor, reason=reason)
    topic_gather_lookback(topic)
    return topic


@transaction.atomic
def topic_reject(*, topic_id: int, actor, reason: str) -> Topic:
    if not reason.strip():
        raise ReasonRequired()
    topic = _locked(topic_id)
    topic.decided_at, topic.decided_by, topic.rejection_reason = timezone.now(), actor, reason.strip()
    _move(
        topic,
        TopicStatus.REJECTED,
        actor=actor,
        reason=reason.strip(),
        fields=("decided_at", "decided_by", "rejection_reason"),
    )
    return topic


# --- the tickets a topic gathers ---------------------------------------------------------------------------
def topic_gather_lookback(topic: Topic) -> int:
    """The tickets already received in the look-back window (and since) that match the rule."""
    matched = Ticket.objects.filter(
        selectors.topic_rule_q(topic), received_at__gte=selectors.topic_window_start(topic)
    ).values_list("pk", flat=True)
    rows = [TopicTicket(topic=topic, ticket_id=pk, via=TopicTicketVia.LOOKBACK) for pk in matched.iterator()]
    TopicTicket.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def topics_gather_arrivals(tickets: list[Ticket]) -> int:
    """Tickets just received join every working topic whose rule they match (called from the `ticket_received`
    receiver, inside the receiving transaction; the bulk import's batches too)."""
    topics = selectors.working_topics()
    if not topics or not tickets:
        return 0
    territory_paths = dict(Territory.objects.filter(pk__in={t.territory_id for t in tickets}).values_list("pk", "path"))
    rows = [
        TopicTicket(topic=topic, ticket_id=ticket.pk, via=TopicTicketVia.ARRIVAL)
        for ticket in tickets
        for topic in topics
        if selectors.topic_matches(topic, ticket, ticket.matter.path, territory_paths[ticket.territory_id])
    ]
    TopicTicket.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


# --- progress and closing ----------------------------------------------------------------------------------
@transaction.atomic
def topic_report_submit(
    *, topic_id: int, actor, text: str, figures: dict | None = None, attachment=None, now: dt.datetime | None = None
) -> TopicReport:
    """The lead department's liaison reports progress; the first report starts the work (approved → in progress)."""
    topic = _locked(topic_id)
    if topic.status not in TOPIC_WORKING_STATUSES:
        raise TopicNotWorking(status=TopicStatus(topic.status).label)
    if not text.strip():
        raise InvalidInput(field="text", reason=_("write what was done"))
    report = TopicReport(
        topic=topic,
        department_id=topic.lead_id,
        author=actor,
        text=text.strip(),
        figures=figures or {},
        submitted_at=now or timezone.now(),
    )
    if attachment is not None:
        report.attachment = attachment
    save_attributed(report, actor=actor, reason=gettext_noop("progress report"))
    if topic.status == TopicStatus.APPROVED:
        _move(topic, TopicStatus.IN_PROGRESS, actor=actor, reason="牵头单位报送首次进展报告")
    return report


@transaction.atomic
def topic_closing_start(*, topic_id: int, actor, reason: str) -> Topic:
    """The centre starts closing the topic: the lead's final report may still come; the closing report follows."""
    if not reason.strip():
        raise ReasonRequired()
    topic = _locked(topic_id)
    _move(topic, TopicStatus.CLOSING, actor=actor, reason=reason.strip())
    return topic


@transaction.atomic
def topic_close(*, topic_id: int, actor, summary: str, now: dt.datetime | None = None) -> Topic:
    """Close the topic and issue its numbered closing report with the before/after figures, frozen now."""
    if not summary.strip():
        raise ReasonRequired()
    now = now or timezone.now()
    topic = _locked(topic_id)
    states.ensure_topic_move(topic.status, TopicStatus.CLOSED)
    topic.closed_at = now
    _move(topic, TopicStatus.CLOSED, actor=actor, reason=summary.strip(), fields=("closed_at",))
    closing_report_issue(topic=topic, actor=actor, summary=summary.strip(), now=now)
    return topic


# --- a topic's end in the catalogue, and departments that reorganise ------------------------------------------
def topic_propose_catalogue_reform(
    *, topic_id: int, actor, title: str, rationale: str, changes: list[DutyChange]
) -> CatalogueProposal:
    """A topic that found the catalogue wrong ends in a proposal to revise it (arbitration decides it)."""
    topic = Topic.objects.select_related("matter", "territory").filter(pk=topic_id).first()
    if topic is None:
        raise NotFound()
    figures = selectors.topic_figures(topic, now=timezone.now())
    return proposal_draft(
        actor=actor,
        title=title,
        rationale=rationale,
        origin=ProposalOrigin.TOPIC,
        origin_reference=f"每月一题 #{topic.pk} {topic.title}",
        changes=changes,
        evidence={"topic_tickets": topic.memberships.count()}
        | {f"{side}_per_week": f.per_week for side, f in figures.items()},
    )


def topic_grants_refresh(topic: Topic, *, actor, reason: str) -> None:
    """Grants follow the topic's departments: whoever is no longer their liaison loses them, the others get them."""
    keep = {user.pk for user in _liaisons([topic.lead_id, *topic.co_handlers.values_list("pk", flat=True)])}
    with grant_context(actor=actor, reason=reason):
        for user in get_users_with_perms(topic, with_group_users=False):
            if user.pk not in keep:
                for permission in (VIEW_TOPIC, REPORT_TOPIC):
                    remove_perm(permission, user, topic)
    topic_grants_write(topic, actor=actor, reason=reason)


def topics_follow_reorganisation(*, moves: list[tuple[int, int]], actor, reason: str) -> int:
    """Topics still worked on pass from a department that moved to the department it moved to (a split: to the
    first move's target, which the plan lists first), with their grants."""
    targets: dict[int, int] = {}
    for source, target in moves:
        targets.setdefault(source, target)
    affected = Topic.objects.filter(status__in=TOPIC_WORKING_STATUSES).filter(
        Q(lead_id__in=targets) | Q(co_handlers__in=list(targets))
    )
    count = 0
    for topic in affected.distinct():
        if topic.lead_id in targets:
            topic.lead_id = targets[topic.lead_id]
            save_attributed(topic, actor=actor, reason=reason, update_fields=["lead"])
        co = {targets.get(pk, pk) for pk in topic.co_handlers.values_list("pk", flat=True)} - {topic.lead_id}
        topic.co_handlers.set(co)
        topic_grants_refresh(topic, actor=actor, reason=reason)
        count += 1
    return count
