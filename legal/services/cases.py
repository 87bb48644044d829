"""Writes to legal cases: opening (three ways), assigning a lawyer, declarations, advice, reads, closing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from guardian.shortcuts import assign_perm, remove_perm

from arbitration.audit.grants import grant_context
from arbitration.choices import Role, TicketEventKind
from arbitration.errors import NotFound
from arbitration.history import history_columns, real_user, save_attributed
from arbitration.models import Ticket, TicketEvent, User
from arbitration.services.copy_writer import Table, Writer
from arbitration.services.tickets import ticket_event_record, ticket_events_record_bulk
from legal import states
from legal.access import ADVISE_CASE, VIEW_CASE, may_advise
from legal.choices import CaseOrigin, CaseStatus
from legal.errors import AlreadyDeclared, ConflictNotDeclared, ConflictOfInterest, NotALawyer, NotTheCaseLawyer
from legal.models import Advice, CaseRead, ConflictDeclaration, LegalCase, LegalCaseTransition

# Stored in English and translated when read (arbitration.reasons.recorded_reason).
ADVICE_LOGGED = gettext_noop("advice logged")
ASSIGNED_TO_LAWYER = gettext_noop("assigned to a lawyer")  # the lawyer is the grant's own user


def _move(case: LegalCase, target: str, *, actor, reason: str, fields: tuple[str, ...] = ()) -> None:
    """One status change. The caller holds the transaction and the row lock."""
    states.ensure_case_move(case.status, target)
    previous, case.status = case.status, target
    save_attributed(case, actor=actor, reason=reason, update_fields=["status", *fields])
    LegalCaseTransition.objects.create(
        case=case, from_status=previous, to_status=target, actor=real_user(actor), reason=reason
    )


def _locked(case_id: int) -> LegalCase:
    case = LegalCase.objects.select_for_update().select_related("ticket").filter(pk=case_id).first()
    if case is None:
        raise NotFound()
    return case


@transaction.atomic
def legal_case_open(*, ticket: Ticket, origin: str, actor, reason: str, bounce=None) -> tuple[LegalCase, bool]:
    """Put a ticket on the legal desk. A ticket already there keeps its case: (case, created)."""
    existing = LegalCase.objects.filter(ticket=ticket).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():  # another route may open the same ticket's case at this moment
            case = save_attributed(
                LegalCase(ticket=ticket, origin=origin, origin_note=reason, bounce=bounce, opened_by=real_user(actor)),
                actor=actor,
                reason=reason,
            )
    except IntegrityError:
        return LegalCase.objects.get(ticket=ticket), False
    LegalCaseTransition.objects.create(case=case, to_status=case.status, actor=real_user(actor), reason=reason)
    ticket_event_record(
        ticket=ticket,
        kind=TicketEventKind.LEGAL_ROUTE,
        actor=actor,
        reason=reason,
        data={"step": "sent_to_legal_desk", "origin": origin, "case": case.pk},
    )
    return case, True


@transaction.atomic
def legal_cases_open_bulk(*, tickets: list[Ticket], origin: str, actor, reason: str) -> list[int]:
    """The intake path for many new tickets at once (the bulk importer); returns the ids of the cases opened.

    The same rows as `legal_case_open` writes for each ticket — the case, its history row, its first transition
    and the ticket's LEGAL_ROUTE event — one COPY per table: an import opens thousands of cases, and a
    bulk_create per table cost as much as writing the whole batch of tickets.
    """
    taken = set(
        LegalCase.objects.filter(ticket_id__in=[ticket.pk for ticket in tickets]).values_list("ticket_id", flat=True)
    )
    fresh = [ticket for ticket in tickets if ticket.pk not in taken]
    if not fresh:
        return []
    user, now, writer = real_user(actor), timezone.now(), Writer()
    who = {"actor_id": user.pk if user else None, "reason": reason, "at": now}
    cases_table = Table.of(LegalCase, with_pk=True)
    ids = writer.allocate_ids(cases_table, len(fresh))
    cases = [
        {"id": case_id, "ticket_id": ticket.pk, "origin": origin, "origin_note": reason, "status": CaseStatus.OPEN,
         "opened_by_id": who["actor_id"], "opened_at": now}
        for case_id, ticket in zip(ids, fresh, strict=True)
    ]  # fmt: skip
    writer.write(cases_table, cases)
    created = history_columns(at=now, reason=reason, user_id=who["actor_id"])
    writer.write(Table.of(LegalCase.history.model, with_pk=False), [{**case, **created} for case in cases])
    writer.write(
        Table.of(LegalCaseTransition, with_pk=False),
        [{"case_id": case_id, "to_status": CaseStatus.OPEN, **who} for case_id in ids],
    )
    ticket_events_record_bulk(
        [
            TicketEvent(
                ticket_id=case["ticket_id"],
                kind=TicketEventKind.LEGAL_ROUTE,
                data={"step": "sent_to_legal_desk", "origin": origin, "case": case["id"]},
                **who,
            )
            for case in cases
        ]
    )
    return ids


@transaction.atomic
def legal_case_send(*, hotline_no: str, actor, reason: str) -> tuple[LegalCase, bool]:
    """A dispatcher sends a ticket to the desk."""
    ticket = Ticket.objects.filter(hotline_no=hotline_no).first()
    if ticket is None:
        raise NotFound()
    return legal_case_open(ticket=ticket, origin=CaseOrigin.DISPATCHER, actor=actor, reason=reason)


@transaction.atomic
def legal_case_assign(*, case_id: int, lawyer_id: int, actor, reason: str = "") -> LegalCase:
    """The desk lead gives the case to a lawyer: the grant moves with it, so the old lawyer stops seeing it."""
    # Lock first: the previous lawyer may be logging advice on this case right now.
    case = _locked(case_id)
    lawyer = User.objects.filter(pk=lawyer_id, is_active=True).first()
    if lawyer is None or not lawyer.has_role(Role.LAWYER):
        raise NotALawyer(user=str(lawyer) if lawyer else lawyer_id)
    previous = case.lawyer
    with grant_context(actor=actor, reason=reason or ASSIGNED_TO_LAWYER):  # grant events (docs/audit.md)
        if previous is not None and previous.pk != lawyer.pk:
            for perm in (VIEW_CASE, ADVISE_CASE):
                remove_perm(perm, previous, case)
        for perm in (VIEW_CASE, ADVISE_CASE):
            assign_perm(perm, lawyer, case)
    case.lawyer, case.assigned_at = lawyer, timezone.now()
    why = reason or f"assigned to {lawyer}"
    if case.status == CaseStatus.OPEN:
        _move(case, CaseStatus.ASSIGNED, actor=actor, reason=why, fields=("lawyer", "assigned_at"))
    else:
        save_attributed(case, actor=actor, reason=why, update_fields=["lawyer", "assigned_at"])
    return case


def _ensure_lawyer(case: LegalCase, actor) -> None:
    if not may_advise(actor, case):
        raise NotTheCaseLawyer()


@transaction.atomic
def conflict_declare(*, case_id: int, actor, has_conflict: bool, statement: str) -> ConflictDeclaration:
    case = _locked(case_id)
    _ensure_lawyer(case, actor)
    if ConflictDeclaration.objects.filter(case=case, lawyer=actor).exists():
        raise AlreadyDeclared()
    return save_attributed(
        ConflictDeclaration(case=case, lawyer=actor, has_conflict=has_conflict, statement=statement),
        actor=actor,
        reason="conflict-of-interest declaration",
    )


def _ensure_declared_without_conflict(case: LegalCase, lawyer) -> None:
    declaration = ConflictDeclaration.objects.filter(case=case, lawyer=lawyer).first()
    if declaration is None:
        raise ConflictNotDeclared()
    if declaration.has_conflict:
        raise ConflictOfInterest()


def _clean_authorities(authorities: list[dict]) -> list[dict[str, str]]:
    rows = (
        {"law": str(row.get("law", "")).strip(), "article": str(row.get("article", "")).strip()} for row in authorities
    )
    return [row for row in rows if row["law"]]


@transaction.atomic
def advice_create(
    *, case_id: int, actor, question: str, analysis: str, authorities: list[dict], route: str, reply_text: str
) -> Advice:
    """Log advice. The first advice on a case needs a declaration without conflict; it marks the case advised."""
    case = _locked(case_id)
    _ensure_lawyer(case, actor)
    _ensure_declared_without_conflict(case, actor)
    advice = save_attributed(
        Advice(
            case=case,
            lawyer=actor,
            question=question,
            analysis=analysis,
            authorities=_clean_authorities(authorities),
            route=route,
            reply_text=reply_text,
        ),
        actor=actor,
        reason=ADVICE_LOGGED,
    )
    if case.status == CaseStatus.ASSIGNED:
        _move(case, CaseStatus.ADVISED, actor=actor, reason=ADVICE_LOGGED)
    _record_route(case, advice, actor=actor)
    return advice


@transaction.atomic
def advice_revise(*, advice_id: int, actor, reason: str, **changes) -> Advice:
    """A new version of the advice; the earlier one stays readable in the history."""
    advice = Advice.objects.select_for_update().filter(pk=advice_id).first()
    if advice is None:
        raise NotFound()
    case = _locked(advice.case_id)
    _ensure_lawyer(case, actor)
    _ensure_declared_without_conflict(case, actor)
    if "authorities" in changes:
        changes["authorities"] = _clean_authorities(changes["authorities"])
    fields = [name for name in ("question", "analysis", "authorities", "route", "reply_text") if name in changes]
    for name in fields:
        setattr(advice, name, changes[name])
    advice.version += 1
    advice.updated_at = timezone.now()
    save_attributed(
        advice, actor=actor, reason=reason or "advice revised", update_fields=[*fields, "version", "updated_at"]
    )
    if "route" in fields:
        _record_route(case, advice, actor=actor)
    return advice


def _record_route(case: LegalCase, advice: Advice, *, actor) -> None:
    """The ticket's record carries the route, so the hotline can tell the citizen (docs/domain.md §6)."""
    ticket_event_record(
        ticket=case.ticket,
        kind=TicketEventKind.LEGAL_ROUTE,
        actor=actor,
        reason=advice.get_route_display(),
        data={"step": "advice", "route": advice.route, "case": case.pk, "advice": advice.pk, "version": advice.version},
    )


def case_read_record(*, case: LegalCase, user, channel: str) -> CaseRead:
    """Log that `user` opened the case (called after the access check, by every channel)."""
    return CaseRead.objects.create(case=case, user=user, channel=channel)


@transaction.atomic
def legal_case_close(*, case_id: int, actor, reason: str) -> LegalCase:
    case = _locked(case_id)
    if not (may_advise(actor, case) or actor.has_role(Role.LEGAL_DESK_LEAD, Role.ADMINISTRATOR)):
        raise NotTheCaseLawyer()
    case.closed_at = timezone.now()
    _move(case, CaseStatus.CLOSED, actor=actor, reason=reason, fields=("closed_at",))
    return case
