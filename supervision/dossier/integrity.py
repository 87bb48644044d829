"""The dossier's proof that its record was not changed: the audit chains it quotes, verified, and their seals.

The dossier quotes each ticket's history, events and assignments' history, and each case's history and events
(docs/supervision.md "Dossier"). Those chains (and only those: one query per table, limited to their keys) are
chained if anything is pending and recomputed; the seal named is the first that covers every quoted row, and the
seals from the first quoted row's seal on are listed, so the commission can check them against the seals it
already holds (docs/audit.md).
"""

from __future__ import annotations

from arbitration.audit.chain import chain_all
from arbitration.audit.registry import table_of
from arbitration.audit.verify import verify_chains
from arbitration.models import Assignment, AuditSeal, Ticket, TicketEvent
from supervision.models import CaseEvent, SupervisionCase


def quoted_chains(tickets: list[Ticket], cases: list[SupervisionCase]) -> list[tuple[type, list]]:
    ticket_ids = [t.pk for t in tickets]
    case_ids = [c.pk for c in cases]
    assignment_ids = list(Assignment.objects.filter(ticket_id__in=ticket_ids).values_list("pk", flat=True))
    return [
        (Ticket.history.model, ticket_ids),
        (TicketEvent, ticket_ids),
        (Assignment.history.model, assignment_ids),
        (SupervisionCase.history.model, case_ids),
        (CaseEvent, case_ids),
    ]


def audit_integrity(tickets: list[Ticket], cases: list[SupervisionCase]) -> dict:
    chains = [(model, keys) for model, keys in quoted_chains(tickets, cases) if keys]
    chain_all([model for model, _ in chains], wait=True)
    rows, failure, top, bottom = 0, None, {}, {}
    for model, keys in chains:
        result = verify_chains(model, keys)
        rows += result.rows_checked
        failure = failure or result.first_failure
        entry = table_of(model)
        quoted = model.objects.filter(**{f"{entry.key}__in": keys}).exclude(chain_seq=None)
        values = list(quoted.values_list("chain_seq", flat=True))
        if values:
            top[entry.table], bottom[entry.table] = max(values), min(values)
    seals = list(AuditSeal.objects.order_by("day"))
    covering = next((s for s in seals if all(s.high_water.get(t, 0) >= seq for t, seq in top.items())), None)
    first = next((s for s in seals if any(s.high_water.get(t, 0) >= seq for t, seq in bottom.items())), None)
    listed = [s for s in seals if first is not None and s.day >= first.day]
    return {
        "rows": rows,
        "ok": failure is None,
        "failure": str(failure or ""),
        "seal": {"day": covering.day.isoformat(), "hash": covering.seal_hash} if covering else None,
        "seals": [{"day": s.day.isoformat(), "hash": s.seal_hash} for s in listed],
    }


def audit_lines(audit: dict) -> list[str]:
    """The dossier's section, as lines (render.py prints them)."""
    if audit["ok"]:
        lines = [f"本卷宗引用的审计记录共{audit['rows']}条，逐条重算哈希链，未发现改动。"]
    else:
        lines = [f"本卷宗引用的审计记录共{audit['rows']}条，哈希链核验发现异常：{audit['failure']}。"]
    if audit["seal"]:
        lines.append(f"上述记录均已封存于{audit['seal']['day']}日封存值：")
    else:
        lines.append("上述记录尚未全部封存，将纳入下一日封存值。")
    return lines
