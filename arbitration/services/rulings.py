"""Rulings (认定书), leader decisions (领导签批), agreements (协商纪要), and refusals of the first two.

Each is issued inside the transaction that decides it: numbered, frozen as minutes dated by the moment of the
decision, written, and then takes effect (`_decision_take_effect`): its ticket is re-dispatched, its precedents are
opened for its scope, and after commit its PDF is rendered and its backlog taken (services.precedents).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from arbitration import access
from arbitration.choices import AgendaOutcome, DisputeStatus, RulingScope
from arbitration.documents.numbering import document_number_issue
from arbitration.documents.tasks import document_render_after_commit
from arbitration.errors import AlreadyRefused, IllegalMove, InvalidInput, NotFound
from arbitration.history import save_attributed
from arbitration.models import (
    AgendaItem,
    Agreement,
    DecisionRefusal,
    Department,
    Dispute,
    LeaderDecision,
    Ruling,
    Territory,
    Ticket,
)
from arbitration.reasons import (
    AGREEMENT_ISSUED,
    LEADER_DECISION_ON_DEADLOCK,
    LEADER_DECISION_ON_REFUSAL,
    REFUSAL_DECLARED,
    RULING_ISSUED,
    RULING_REFUSED,
    SIGNED_OFF,
)
from arbitration.services.decision_minutes import (
    date_words,
    decided_lines,
    decision_items,
    minutes_data,
    tally_lines,
)
from arbitration.services.precedents import (
    Decision,
    decision_backlog_after_commit,
    default_scope_for,
    precedents_close,
    precedents_open,
    scope_territory,
)
from arbitration.signals import leader_decision_refused, ruling_refused

REPLACED = gettext_noop("replaced by a leader decision")  # stored as written, shown translated


def _number(decision_type: type[Decision], decided_at: dt.datetime) -> str:
    """Gapless: the number rolls back with the issuing transaction. The year is the year of the decision."""
    return document_number_issue(kind=decision_type.document_kind, year=timezone.localtime(decided_at).year)


def _decision_take_effect(decision: Decision, *, co_handlers: list[Department], actor, reason: str) -> Decision:
    """What every ownership decision does once written: its ticket goes to the owner, its precedents open for its
    scope, and after commit its PDF is rendered and the open tickets already in its scope follow."""
    from arbitration.services.disputes import redispatch_settled

    decision.co_handlers.set(co_handlers)
    redispatch_settled(
        dispute=decision.dispute,
        lead_id=decision.lead_id,
        co_handler_ids=[c.pk for c in co_handlers],
        actor=actor,
        reason=reason,
        method=decision.assignment_method,
    )
    precedents_open(decision, actor=actor)
    document_render_after_commit(decision)
    decision_backlog_after_commit(decision)
    return decision


def _ticket(dispute: Dispute) -> Ticket:
    return Ticket.objects.select_related("matter", "territory").get(pk=dispute.ticket_id)


def ruling_issue(*, item: AgendaItem, actor, reasons: str = "", basis: str = "") -> Ruling:
    """Called by `agenda_item_close` inside its transaction, with the dispute and the item locked and closed.

    The ruling is dated by the moment the item closed: that is when the conference decided.
    """
    result, dispute = item.result, item.dispute
    if result.get("outcome") != AgendaOutcome.RULING:
        raise IllegalMove(thing=_("agenda item"), current=result.get("outcome", ""), target=AgendaOutcome.RULING)
    ticket = _ticket(dispute)
    territory = scope_territory(ticket, item.scope)
    lead = Department.objects.get(pk=result["leader_id"])
    co_handlers = list(Department.objects.filter(pk__in=result["co_handler_ids"]).order_by("code"))
    decided_at = item.closed_at
    number = _number(Ruling, decided_at)
    if result.get("casting_vote"):
        default_reasons = _("Decided by the chair's casting vote on a tied vote of the joint conference.")
    else:
        default_reasons = _("Decided by majority vote of the joint conference.")
    reasons, basis = (
        reasons.strip() or default_reasons,
        basis.strip() or f"{settings.MINGZE_CONFERENCE_ISSUER_NAME}表决结果",
    )
    session = item.session
    counted = {v["member"] for v in result["votes"]} | {r["member"] for r in result["recused"]}
    data = minutes_data(
        dispute=dispute,
        number=number,
        issuer_name=settings.MINGZE_CONFERENCE_ISSUER_NAME,
        title=f"关于“{ticket.matter.name}”职责归属的认定书",
        meeting_line=f"{date_words(session.scheduled_for)}，{session.title}召开，{session.chair}主持，"
        f"对工单{ticket.hotline_no}的职责争议进行审议并记名表决。",
        items=decision_items(
            decided_lines(ticket, lead, co_handlers, item.scope, territory), reasons, basis, tally_lines(result)
        ),
        decided_at=decided_at,
        present=[f"{p['department']} {p['member']}" for p in result["present"] if p["member"] in counted],
        absent=[f"{p['department']} {p['member']}" for p in result["present"] if p["member"] not in counted],
        attending=[f"{r['department']} {r['member']}（回避）" for r in result["recused"]],
    )
    data["tally"] = {key: result[key] for key in ("base", "cast", "abstentions", "quorum_required", "counts")}
    ruling = save_attributed(
        Ruling(
            agenda_item=item,
            dispute=dispute,
            ticket=ticket,
            scope=item.scope,
            matter=ticket.matter,
            territory=territory,
            lead=lead,
            reasons=reasons,
            basis=basis,
            document_number=number,
            issued_at=decided_at,
            issued_by=actor,
            data=data,
        ),
        actor=actor,
        reason=RULING_ISSUED.format(number=number),
    )
    reason = _("conference ruling %(number)s") % {"number": number}
    return _decision_take_effect(ruling, co_handlers=co_handlers, actor=actor, reason=reason)


def _leader_decision_parties(
    *, lead_department_id: int, co_handler_ids: Iterable[int], reasons: str, basis: str
) -> tuple[Department, list[Department]]:
    if not reasons.strip() or not basis.strip():
        raise InvalidInput(field="reasons" if not reasons.strip() else "basis", reason=_("required"))
    lead = Department.objects.filter(pk=lead_department_id, is_active=True).first()
    if lead is None:
        raise InvalidInput(field="lead", reason=_("unknown department"))
    co_handlers = Department.objects.filter(pk__in=set(co_handler_ids) - {lead_department_id}, is_active=True)
    return lead, list(co_handlers.order_by("code"))


def _ruling_replace(dispute: Dispute, *, actor) -> Ruling | None:
    """The ruling in force on the dispute, if any, stops binding: the leader's decision replaces it."""
    refused = Ruling.objects.filter(dispute=dispute, in_force=True).first()
    if refused is not None:
        refused.in_force = False
        save_attributed(refused, actor=actor, reason=REPLACED, update_fields=["in_force"])
        precedents_close(refused, actor=actor, reason=REPLACED)
    return refused


@transaction.atomic
def leader_decision_issue(
    *,
    dispute_id: int,
    actor,
    lead_department_id: int,
    co_handler_ids: Iterable[int] = (),
    scope: str | None = None,
    reasons: str,
    basis: str,
) -> LeaderDecision:
    """A city leader's sign-off: final; replaces any ruling on the dispute, re-dispatches, and binds its scope
    (by default the ticket's street)."""
    from arbitration.services.disputes import _move

    dispute = Dispute.objects.select_for_update().filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound()
    if dispute.status != DisputeStatus.AWAITING_SIGN_OFF:
        raise IllegalMove(
            thing=_("dispute"), current=DisputeStatus(dispute.status).label, target=DisputeStatus.DECIDED.label
        )
    lead, co_handlers = _leader_decision_parties(
        lead_department_id=lead_department_id, co_handler_ids=co_handler_ids, reasons=reasons, basis=basis
    )
    ticket = _ticket(dispute)
    scope = scope or default_scope_for(ticket)
    territory = scope_territory(ticket, scope)
    refused = _ruling_replace(dispute, actor=actor)
    decided_at = timezone.now()
    number = _number(LeaderDecision, decided_at)
    issuer = settings.MINGZE_LEADER_ISSUER_NAME
    background = f"联席会议认定书{refused.document_number}未获执行" if refused else "联席会议未能形成决定"
    data = minutes_data(
        dispute=dispute,
        number=number,
        issuer_name=issuer,
        mark=f"{issuer}签批单",
        title=f"关于“{ticket.matter.name}”职责归属的签批决定",
        meeting_line=f"{date_words(decided_at)}，{actor}对工单{ticket.hotline_no}的职责争议（{background}）"
        f"作出签批决定，本决定为最终决定。",
        items=decision_items(decided_lines(ticket, lead, co_handlers, scope, territory), reasons, basis),
        decided_at=decided_at,
        present=[str(actor)],
    )
    decision = save_attributed(
        LeaderDecision(
            dispute=dispute,
            ruling=refused,
            ticket=ticket,
            scope=scope,
            matter=ticket.matter,
            territory=territory,
            lead=lead,
            reasons=reasons,
            basis=basis,
            document_number=number,
            issued_at=decided_at,
            issued_by=actor,
            data=data,
        ),
        actor=actor,
        reason=LEADER_DECISION_ON_REFUSAL.format(number=number, ruling=refused.document_number)
        if refused
        else LEADER_DECISION_ON_DEADLOCK.format(number=number),
    )
    dispute.settled_at = decided_at
    _move(
        dispute,
        DisputeStatus.DECIDED,
        actor=actor,
        reason=SIGNED_OFF.format(number=number),
        extra_fields=["settled_at"],
    )
    reason = _("leader decision %(number)s") % {"number": number}
    return _decision_take_effect(decision, co_handlers=co_handlers, actor=actor, reason=reason)


def agreement_issue(
    *,
    dispute: Dispute,
    actor,
    lead: Department,
    co_handlers: list[Department],
    minutes: str,
    basis: str,
    scope: str,
    territory: Territory,
) -> Agreement:
    """Called by `dispute_agree` inside its transaction, with the dispute locked and moved to agreed: the numbered
    minutes (协商工作纪要), dated by the moment of the agreement, which re-dispatch the ticket and, with a scope wider
    than the ticket (the parties agreed to it), are a precedent like a ruling."""
    ticket = _ticket(dispute)
    decided_at = dispute.settled_at
    number = _number(Agreement, decided_at)
    issuer = settings.MINGZE_ISSUER_NAME
    parties = [d.name for d in dispute.parties.order_by("code")]
    basis = basis.strip() or "各方协商一致"
    decided = decided_lines(ticket, lead, co_handlers, scope, territory)
    if scope != RulingScope.TICKET:
        decided.append("经各方同意，本纪要作为先例，在上述适用范围内适用于同类工单。")
    data = minutes_data(
        dispute=dispute,
        number=number,
        issuer_name=issuer,
        mark=f"{issuer}协商工作纪要",
        title=f"关于“{ticket.matter.name}”职责归属的协商纪要",
        meeting_line=f"{date_words(decided_at)}，{issuer}组织{'、'.join(parties)}就工单{ticket.hotline_no}"
        f"的职责争议进行协商，各方协商一致，现纪要如下。",
        items=[("一、议定事项", tuple(decided)), ("二、协商情况", (minutes.strip(),)), ("三、依据", (basis,))],
        decided_at=decided_at,
        present=parties,
        attending=[f"{issuer} {actor}"],
    )
    agreement = save_attributed(
        Agreement(
            dispute=dispute,
            ticket=ticket,
            scope=scope,
            matter=ticket.matter,
            territory=territory,
            lead=lead,
            minutes=minutes.strip(),
            reasons=minutes.strip(),
            basis=basis,
            document_number=number,
            issued_at=decided_at,
            issued_by=actor,
            data=data,
        ),
        actor=actor,
        reason=AGREEMENT_ISSUED.format(number=number),
    )
    reason = _("negotiated agreement %(number)s") % {"number": number}
    return _decision_take_effect(agreement, co_handlers=co_handlers, actor=actor, reason=reason)


def _refusal_record(*, decision: Ruling | LeaderDecision, actor, department_id: int, reason: str) -> DecisionRefusal:
    if not reason.strip():
        raise InvalidInput(field="reason", reason=_("required"))
    bound = {decision.lead_id, *decision.co_handlers.values_list("pk", flat=True)}
    department = Department.objects.filter(pk=department_id).first()
    if department is None or department_id not in bound:
        raise NotFound()
    access.ensure_acts_for(actor, department)
    field = "ruling" if isinstance(decision, Ruling) else "leader_decision"
    if DecisionRefusal.objects.filter(**{field: decision}, department_id=department_id).exists():
        raise AlreadyRefused(department=department.name, document=decision.document_number)
    return save_attributed(
        DecisionRefusal(**{field: decision}, department=department, declared_by=actor, reason=reason),
        actor=actor,
        reason=REFUSAL_DECLARED.format(number=decision.document_number),
    )


@transaction.atomic
def ruling_refuse(*, ruling_id: int, actor, department_id: int, reason: str) -> DecisionRefusal:
    """A ruled department refuses the ruling: the dispute goes to a city leader's sign-off."""
    from arbitration.services.disputes import _move

    dispute_id = Ruling.objects.filter(pk=ruling_id).values_list("dispute_id", flat=True).first()
    if dispute_id is None:
        raise NotFound()
    dispute = Dispute.objects.select_for_update().get(pk=dispute_id)
    ruling = Ruling.objects.select_for_update().get(pk=ruling_id)
    if not ruling.in_force:
        raise IllegalMove(thing=_("ruling"), current=_("replaced"), target=_("refused"))
    refusal = _refusal_record(decision=ruling, actor=actor, department_id=department_id, reason=reason)
    if dispute.status == DisputeStatus.RULED:  # a second refusing department finds it already referred
        _move(
            dispute,
            DisputeStatus.AWAITING_SIGN_OFF,
            actor=actor,
            reason=RULING_REFUSED.format(number=ruling.document_number, department=refusal.department.name),
        )
    ruling_refused.send(sender=Ruling, ruling=ruling, refusal=refusal, actor=actor)
    return refusal


@transaction.atomic
def leader_decision_refuse(*, decision_id: int, actor, department_id: int, reason: str) -> DecisionRefusal:
    """Refusing a final decision leaves arbitration: supervision takes it up through the signal."""
    decision = LeaderDecision.objects.select_for_update().filter(pk=decision_id).first()
    if decision is None:
        raise NotFound()
    refusal = _refusal_record(decision=decision, actor=actor, department_id=department_id, reason=reason)
    leader_decision_refused.send(sender=LeaderDecision, decision=decision, refusal=refusal, actor=actor)
    return refusal
