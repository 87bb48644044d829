"""Rulings (认定书), leader decisions (领导签批), refusals of either, and the precedents they make.

A ruling or leader decision scoped to a matter becomes duty rows (source RULING / LEADER_DECISION, with the
document number as reference) through `duty_open`, which bumps the graph version in the same transaction,
so the next ticket of that matter is suggested to the department ruled on.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arbitration import access
from arbitration.choices import (
    AgendaOutcome,
    AssignmentMethod,
    DisputeStatus,
    DutyRole,
    DutySource,
    RulingScope,
)
from arbitration.documents.numbering import document_number_issue
from arbitration.documents.render import MinutesData
from arbitration.documents.tasks import document_render_after_commit
from arbitration.errors import AlreadyRefused, IllegalMove, InvalidInput, NotFound
from arbitration.history import save_attributed
from arbitration.models import (
    AgendaItem,
    DecisionRefusal,
    Department,
    Dispute,
    Duty,
    LeaderDecision,
    Ruling,
    Territory,
    Ticket,
)
from arbitration.services.catalogue import duty_close, duty_open
from arbitration.signals import leader_decision_refused, ruling_refused

# The scope as the document words it (a 公文 is written in Chinese whatever the reader's interface language).
SCOPE_WORDS = {
    RulingScope.TICKET: "仅限本工单",
    RulingScope.MATTER_TERRITORY: "本属地同类事项",
    RulingScope.MATTER_CITY: "全市同类事项",
}


def _date_words(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def scope_territory(ticket: Ticket, scope: str) -> Territory:
    """The territory a decision covers: the ticket's own, or the city (the root of its territory path)."""
    if scope == RulingScope.MATTER_CITY:
        return Territory.objects.get(code=ticket.territory.ancestor_codes()[0])
    return ticket.territory


def binding_decision_for(ticket: Ticket, department_id: int) -> Ruling | LeaderDecision | None:
    """The leader decision or ruling in force that gives tickets like this one to `department_id`, if any."""
    covers = (
        Q(scope=RulingScope.TICKET, ticket_id=ticket.pk)
        | Q(scope=RulingScope.MATTER_CITY, matter_id=ticket.matter_id)
        | Q(
            scope=RulingScope.MATTER_TERRITORY,
            matter_id=ticket.matter_id,
            territory__code__in=ticket.territory.ancestor_codes(),
        )
    )
    holds = Q(lead_id=department_id) | Q(co_handlers__id=department_id)
    for model in (LeaderDecision, Ruling):  # a leader's decision is final, so it speaks first
        found = model.objects.filter(covers, holds, in_force=True).order_by("-issued_at").first()
        if found is not None:
            return found
    return None


def _precedents_open(decision: Ruling | LeaderDecision, *, source: str, actor) -> None:
    if decision.scope == RulingScope.TICKET:
        return  # a ruling for one ticket settles that ticket only
    reason = f"precedent: {decision.document_number}"
    roles = [(decision.lead_id, DutyRole.LEAD), *((c.pk, DutyRole.CO_HANDLER) for c in decision.co_handlers.all())]
    for department_id, role in roles:
        duty_open(
            actor=actor,
            reason=reason,
            department_id=department_id,
            matter_id=decision.matter_id,
            territory_id=decision.territory_id,
            role=role,
            legal_basis=decision.basis,
            source=source,
            source_reference=decision.document_number,
        )


def _precedents_close(decision: Ruling, *, actor, reason: str) -> None:
    for duty_id in (
        Duty.objects.current()
        .filter(source=DutySource.RULING, source_reference=decision.document_number)
        .values_list("pk", flat=True)
    ):
        duty_close(duty_id=duty_id, actor=actor, reason=reason)


def _minutes(
    *,
    dispute: Dispute,
    number: str,
    title: str,
    meeting_line: str,
    present,
    absent,
    attending,
    decided: list[str],
    reasons: str,
    basis: str,
    tally_lines: list[str],
    mark: str = "",
    issuer_name: str,
) -> dict:
    """The frozen minutes (纪要) of a decision: what the PDF shows, stored once as JSON."""
    items = [("一、议定事项", tuple(decided)), ("二、认定理由", (reasons,)), ("三、依据", (basis,))]
    if tally_lines:
        items.append(("四、表决情况", tuple(tally_lines)))
    data = MinutesData(
        issuer_name=issuer_name,
        document_number=number,
        title=title,
        meeting_line=meeting_line,
        present=tuple(present),
        absent=tuple(absent),
        attending=tuple(attending),
        items=tuple(items),
        issue_date=timezone.localdate(),
        cc=tuple(d.name for d in dispute.parties.all()),
        mark=mark,
    )
    return data.to_dict()


def _decided_lines(
    ticket: Ticket, lead: Department, co_handlers: list[Department], scope: str, territory: Territory
) -> list[str]:
    return [
        f"主办单位：{lead.name}",
        f"协办单位：{'、'.join(c.name for c in co_handlers) or '无'}",
        f"适用范围：{SCOPE_WORDS[scope]}（事项：{ticket.matter.name}；属地：{territory.name}）",
        f"涉及工单：{ticket.hotline_no}（{ticket.title}）",
    ]


def _tally_lines(result: dict) -> list[str]:
    lines = [
        f"应参加表决{result['base']}席（回避{len(result['recused'])}席），实际表决{result['cast']}票，"
        f"其中弃权{result['abstentions']}票；法定人数{result['quorum_required']}票，"
        f"{'已达到' if result['quorum_met'] else '未达到'}；过半数所需{result['majority_required']}票。",
        "计票：" + "；".join(f"{c['department']}{c['votes']}票" for c in result["counts"]) + "。",
    ]
    lines += [f"{v['member']}（{v['seat']}）：{v['lead'] or '弃权'}。{v['reason']}" for v in result["votes"]]
    return lines


def ruling_issue(*, item: AgendaItem, actor, reasons: str = "", basis: str = "") -> Ruling:
    """Called by `agenda_item_close` inside its transaction, with the dispute and the item locked."""
    from arbitration.services.disputes import redispatch_settled

    result, dispute = item.result, item.dispute
    if result.get("outcome") != AgendaOutcome.RULING:
        raise IllegalMove(thing=_("agenda item"), current=result.get("outcome", ""), target=AgendaOutcome.RULING)
    ticket = Ticket.objects.select_related("matter", "territory").get(pk=dispute.ticket_id)
    lead = Department.objects.get(pk=result["leader_id"])
    co_handlers = list(Department.objects.filter(pk__in=result["co_handler_ids"]).order_by("code"))
    territory = scope_territory(ticket, item.scope)
    number = document_number_issue(kind="ruling")  # gapless: rolls back with this transaction
    reasons = reasons.strip() or _("Decided by majority vote of the joint conference.")
    basis = basis.strip() or f"{settings.MINGZE_CONFERENCE_ISSUER_NAME}表决结果"
    session = item.session
    voted = {v["member"] for v in result["votes"]}
    recused = {r["member"] for r in result["recused"]}
    data = _minutes(
        dispute=dispute,
        number=number,
        issuer_name=settings.MINGZE_CONFERENCE_ISSUER_NAME,
        title=f"关于“{ticket.matter.name}”职责归属的认定书",
        meeting_line=f"{_date_words(session.scheduled_for)}，{session.title}召开，{session.chair}主持，"
        f"对工单{ticket.hotline_no}的职责争议进行审议并记名表决。",
        present=[f"{p['department']} {p['member']}" for p in result["present"] if p["member"] in voted | recused],
        absent=[f"{p['department']} {p['member']}" for p in result["present"] if p["member"] not in voted | recused],
        attending=[f"{r['department']} {r['member']}（回避）" for r in result["recused"]],
        decided=_decided_lines(ticket, lead, co_handlers, item.scope, territory),
        reasons=reasons,
        basis=basis,
        tally_lines=_tally_lines(result),
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
            issued_at=timezone.now(),
            issued_by=actor,
            data=data,
        ),
        actor=actor,
        reason=f"ruling {number}",
    )
    ruling.co_handlers.set(co_handlers)
    redispatch_settled(
        dispute=dispute,
        lead_id=lead.pk,
        co_handler_ids=[c.pk for c in co_handlers],
        actor=actor,
        reason=_("conference ruling %(number)s") % {"number": number},
        method=AssignmentMethod.CONFERENCE_RULING,
    )
    _precedents_open(ruling, source=DutySource.RULING, actor=actor)
    document_render_after_commit(ruling)
    return ruling


@transaction.atomic
def leader_decision_issue(
    *,
    dispute_id: int,
    actor,
    lead_department_id: int,
    co_handler_ids: Iterable[int] = (),
    scope: str = RulingScope.MATTER_TERRITORY,
    reasons: str,
    basis: str,
) -> LeaderDecision:
    """A city leader's sign-off: final; replaces any ruling on the dispute, re-dispatches, and is a precedent."""
    from arbitration.services.disputes import _move, redispatch_settled

    dispute = Dispute.objects.select_for_update().filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound()
    if dispute.status != DisputeStatus.AWAITING_SIGN_OFF:
        raise IllegalMove(
            thing=_("dispute"), current=DisputeStatus(dispute.status).label, target=DisputeStatus.DECIDED.label
        )
    if scope not in RulingScope.values:
        raise InvalidInput(field="scope", reason=_("unknown scope"))
    if not reasons.strip() or not basis.strip():
        raise InvalidInput(field="reasons" if not reasons.strip() else "basis", reason=_("required"))
    lead = Department.objects.filter(pk=lead_department_id, is_active=True).first()
    co_handlers = list(Department.objects.filter(pk__in=set(co_handler_ids) - {lead_department_id}, is_active=True))
    if lead is None:
        raise InvalidInput(field="lead", reason=_("unknown department"))
    ticket = Ticket.objects.select_related("matter", "territory").get(pk=dispute.ticket_id)
    refused = Ruling.objects.filter(dispute=dispute, in_force=True).first()
    if refused is not None:
        refused.in_force = False
        save_attributed(refused, actor=actor, reason="replaced by a leader decision", update_fields=["in_force"])
        _precedents_close(refused, actor=actor, reason="replaced by a leader decision")
    territory = scope_territory(ticket, scope)
    number = document_number_issue(kind="leader_decision")
    issuer = settings.MINGZE_LEADER_ISSUER_NAME
    why = (_("refused ruling %(number)s") % {"number": refused.document_number}) if refused else _("deadlock")
    background = f"联席会议认定书{refused.document_number}未获执行" if refused else "联席会议未能形成决定"
    data = _minutes(
        dispute=dispute,
        number=number,
        issuer_name=issuer,
        mark=f"{issuer}签批单",
        title=f"关于“{ticket.matter.name}”职责归属的签批决定",
        meeting_line=f"{_date_words(timezone.now())}，{actor}对工单{ticket.hotline_no}的职责争议"
        f"（{background}）"
        f"作出签批决定，本决定为最终决定。",
        present=[str(actor)],
        absent=[],
        attending=[],
        decided=_decided_lines(ticket, lead, co_handlers, scope, territory),
        reasons=reasons,
        basis=basis,
        tally_lines=[],
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
            issued_at=timezone.now(),
            issued_by=actor,
            data=data,
        ),
        actor=actor,
        reason=f"leader decision {number} ({why})",
    )
    decision.co_handlers.set(co_handlers)
    dispute.settled_at = timezone.now()
    _move(
        dispute,
        DisputeStatus.DECIDED,
        actor=actor,
        reason=_("signed off: %(number)s") % {"number": number},
        extra_fields=["settled_at"],
    )
    redispatch_settled(
        dispute=dispute,
        lead_id=lead.pk,
        co_handler_ids=[c.pk for c in co_handlers],
        actor=actor,
        reason=_("leader decision %(number)s") % {"number": number},
        method=AssignmentMethod.LEADER_DECISION,
    )
    _precedents_open(decision, source=DutySource.LEADER_DECISION, actor=actor)
    document_render_after_commit(decision)
    return decision


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
        reason=f"refusal of {decision.document_number}",
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
            reason=_("ruling %(number)s refused by %(department)s")
            % {"number": ruling.document_number, "department": refusal.department.name},
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
