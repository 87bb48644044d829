"""Owner suggestion: who should own a ticket of matter M at place T, ranked, each with an explanation.

The rules (each has a test in tests/arbitration/graph/):

1. **Only duties valid at the moment asked count** (`valid_from <= at < valid_until`, as `Duty.valid_at`). For a
   ticket that moment is when it was received: the catalogue in force when the citizen called decides, so a
   ticket's suggestion does not drift as the catalogue is revised later (a re-dispatch may ask for another
   moment explicitly). Duties of inactive departments never count: they cannot be dispatched to.
2. **A duty applies to its own matter and the matters below it.** A duty on a level-1 or level-2 category
   covers its level-3 children, because the catalogue is written at whatever level a department's mandate is
   written; an entry for the exact matter beats one inherited from its category, whatever their territories
   (the explicit entry is the catalogue's considered answer for this matter).
3. **A duty applies in its territory and everything under it** (community → street → district → city). For
   the same matter, a duty scoped to a more specific territory beats one scoped to a broader one.
4. **A precedent beats the catalogue.** Precedents are duties whose source is a conference ruling or a leader
   decision, for a matter in a territory or city-wide; a ruling scoped to one ticket creates no duty and so
   does not generalise. Among precedents the same specificity rules apply, and a newer one beats an older one
   of equal scope (it supersedes it).
   So leads are ordered by (precedent before catalogue, exact matter before category, specific territory
   before broad, newer before older, department code).
5. **A bureau's duty is not pushed down to a street or community unless the catalogue says so** (docs/domain.md
   §2). A street or community is suggested as lead only when the catalogue (or a precedent) names it. Only
   where there is no lead at all is the territorial government of the ticket's place suggested — the nearest
   one up the chain community → street → district — and marked `fallback`.
6. **Co-handlers** come with the winning lead's entry: same tier, matter and territory (a ruling fixes lead and
   co-handlers together; a district's own entry replaces the city-wide one, co-handlers included);
   **regulators to copy** (双向联办) come from regulator duties and from `Department.regulated_sectors` of the
   matter or its categories.
   At most `MAX_LEADS` leads are listed (the top one and its nearest alternatives): a dispatcher reads them all.
7. **No candidate at all is an answer**, not an error: `Suggestion.no_owner` says the catalogue has no owner,
   whether or not a fallback government was found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from arbitration.choices import DutySource

from .build import (
    CO_HANDLER,
    LEAD,
    REGULATOR,
    SOURCE_CATALOGUE,
    SOURCE_FALLBACK,
    SOURCE_PRECEDENT,
    DutyEdge,
    JurisdictionGraph,
)


@dataclass(slots=True)
class Candidate:
    """One department the graph proposes, in one role, with the reason a dispatcher can read.

    The reason is kept as (kind, values) pairs and put into words only when read (`explanation`), in the language
    active then: ranking stays cheap, and the same suggestion reads right in Chinese or English.
    """

    department_id: int
    department_code: str
    department_name: str
    role: str  # "lead", "co_handler" or "regulator" (copied for 双向联办)
    rank: int  # 1 is the top suggestion
    source: str  # "precedent", "catalogue" or "fallback"
    reasons: tuple[tuple[str, dict], ...]
    territory_chain: tuple[str, ...]  # names from the ticket's place up to the territory the duty is scoped to
    legal_basis: str = ""
    source_reference: str = ""  # the ruling's or leader decision's document number
    duty_id: int | None = None
    matter_id: int | None = None  # the matter the duty is written for: the ticket's, or a category above it
    scope_territory_code: str = ""

    @property
    def explanation(self) -> str:
        return " ".join(_reason_text(kind, values) for kind, values in self.reasons)


@dataclass(frozen=True)
class Suggestion:
    """The ranked candidates for one matter at one place at one moment."""

    matter_id: int
    territory_code: str
    at: dt.datetime
    candidates: tuple[Candidate, ...]
    no_owner: bool  # the catalogue and precedents name no lead here (a fallback may still be offered)
    overlap: bool  # two or more catalogue leads tie for the top place
    graph_version: Hashable = None

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates and self.candidates[0].role == LEAD else None

    @property
    def leads(self) -> list[Candidate]:
        return [c for c in self.candidates if c.role == LEAD]

    @property
    def co_handlers(self) -> list[Candidate]:
        return [c for c in self.candidates if c.role == CO_HANDLER]

    @property
    def regulators(self) -> list[Candidate]:
        return [c for c in self.candidates if c.role == REGULATOR]

    @property
    def message(self) -> str:
        if self.no_owner and self.top is None:
            return _("No owner in the catalogue.")
        if self.no_owner:
            return _("No owner in the catalogue: the government of the ticket's place is suggested as the fallback.")
        if self.overlap:
            return _("The catalogue names more than one lead here (an overlap): choose one and give the reason.")
        return ""


MAX_LEADS = 5

Applicable = tuple[DutyEdge, int, int]  # (duty, steps up the matter tree, steps up the territory chain)


def applicable_duties(
    graph: JurisdictionGraph, matter_id: int, territory_code: str, at: dt.datetime
) -> list[Applicable]:
    """Duties valid at `at`, of active departments, on the matter or a category above it, scoped to the place or
    a territory above it. Pure: dict look-ups only."""
    territory_chain = graph.territory_chain.get(territory_code, ())
    departments = graph.departments
    found = []
    for matter_steps, matter in enumerate(graph.matter_chain.get(matter_id, ())):
        for territory_steps, territory in enumerate(territory_chain):
            for duty in graph.duties_at.get((matter, territory), ()):
                if duty.valid_at(at) and departments[duty.department_id].is_active:
                    found.append((duty, matter_steps, territory_steps))
    return found


def _order(item: Applicable) -> tuple:
    duty, matter_steps, territory_steps = item
    tier_rank, newer_first, code = duty.order
    return (tier_rank, matter_steps, territory_steps, newer_first, code)


def _best_per_department(items: list[Applicable], graph: JurisdictionGraph, exclude: set[int]) -> list[Applicable]:
    items = sorted(items, key=_order)
    best, seen = [], set(exclude)
    for item in items:
        if item[0].department_id not in seen:
            seen.add(item[0].department_id)
            best.append(item)
    return best


def _role_word(role: str) -> str:
    if role == LEAD:
        return _("the lead")
    return _("a co-handler") if role == CO_HANDLER else _("the regulator to copy")


def _reason_text(kind: str, values: dict) -> str:
    """One sentence of an explanation, translated now."""
    if kind in ("precedent", "catalogue"):
        values = {**values, "role": _role_word(values["role"])}
        if kind == "precedent":
            values["source"] = DutySource(values["source"]).label
            return _("Precedent {reference} ({source}) makes {department} {role} for “{matter}” in {scope}.").format(
                **values
            )
        return _("The duty catalogue makes {department} {role} for “{matter}” in {scope}.").format(**values)
    if kind == "category":
        return _("The entry is for the category “{matter}”, which covers “{ticket_matter}”.").format(**values)
    if kind == "territory":
        return _("Territory: {chain}.").format(chain=" → ".join(values["chain"]))
    if kind == "basis":
        return _("Legal basis: {basis}").format(**values)
    if kind == "fallback":
        return _(
            "No lead in the catalogue for “{matter}” here, so the government of the ticket's place, "
            "{department}, is the fallback (兜底)."
        ).format(**values)
    return _("{department} regulates the sector “{matter}” and is copied for dual handling (双向联办).").format(
        **values
    )


def _reasons(graph: JurisdictionGraph, item: Applicable, ticket_matter_id: int, chain: tuple[str, ...]) -> tuple:
    duty, matter_steps, _territory_steps = item
    values = {
        "department": graph.departments[duty.department_id].name,
        "role": duty.role,
        "matter": graph.matters[duty.matter_id].name,
        "scope": graph.territories[duty.territory_code].name,
    }
    if duty.tier == SOURCE_PRECEDENT:
        reasons = [("precedent", {**values, "reference": duty.source_reference or "—", "source": duty.source})]
    else:
        reasons = [("catalogue", values)]
    if matter_steps:
        reasons.append(
            ("category", {"matter": values["matter"], "ticket_matter": graph.matters[ticket_matter_id].name})
        )
    reasons.append(("territory", {"chain": chain}))
    if duty.legal_basis:
        reasons.append(("basis", {"basis": duty.legal_basis}))
    return tuple(reasons)


def _candidate(
    graph: JurisdictionGraph, item: Applicable, rank: int, ticket_matter_id: int, names: tuple[str, ...]
) -> Candidate:
    duty, _matter_steps, territory_steps = item
    department = graph.departments[duty.department_id]
    chain = names[: territory_steps + 1]
    return Candidate(
        department_id=department.id,
        department_code=department.code,
        department_name=department.name,
        role=duty.role,
        rank=rank,
        source=duty.tier,
        reasons=_reasons(graph, item, ticket_matter_id, chain),
        territory_chain=chain,
        legal_basis=duty.legal_basis,
        source_reference=duty.source_reference,
        duty_id=duty.duty_id,
        matter_id=duty.matter_id,
        scope_territory_code=duty.territory_code,
    )


def _fallback(
    graph: JurisdictionGraph, matter_id: int, territory_code: str, names: tuple[str, ...]
) -> Candidate | None:
    """The nearest territorial government up the place's chain (community → street → district), if any."""
    for steps, code in enumerate(graph.territory_chain.get(territory_code, ())):
        government_ids = graph.governments.get(code)
        if not government_ids:
            continue
        department = min((graph.departments[i] for i in government_ids), key=lambda d: d.code)
        chain = names[: steps + 1]
        reasons = (
            ("fallback", {"matter": graph.matters[matter_id].name, "department": department.name}),
            ("territory", {"chain": chain}),
        )
        return Candidate(
            department_id=department.id,
            department_code=department.code,
            department_name=department.name,
            role=LEAD,
            rank=1,
            source=SOURCE_FALLBACK,
            reasons=reasons,
            territory_chain=chain,
            scope_territory_code=code,
        )
    return None


def _sector_regulators(graph: JurisdictionGraph, matter_id: int, exclude: set[int], first_rank: int) -> list[Candidate]:
    found = []
    for sector in graph.matter_chain.get(matter_id, ()):
        for department_id in graph.sector_regulators.get(sector, ()):
            if department_id in exclude:
                continue
            exclude.add(department_id)
            department = graph.departments[department_id]
            found.append(
                Candidate(
                    department_id=department.id,
                    department_code=department.code,
                    department_name=department.name,
                    role=REGULATOR,
                    rank=first_rank + len(found),
                    source=SOURCE_CATALOGUE,
                    reasons=(("sector", {"department": department.name, "matter": graph.matters[sector].name}),),
                    territory_chain=(),
                    matter_id=sector,
                )
            )
    return found


def suggest(graph: JurisdictionGraph, *, matter_id: int, territory_code: str, at: dt.datetime) -> Suggestion:
    """Ranked candidates for a ticket of `matter_id` at `territory_code` at moment `at` (rules in the module doc)."""
    chain_codes = graph.territory_chain.get(territory_code, ())
    names = tuple(graph.territories[code].name for code in chain_codes)
    applicable = applicable_duties(graph, matter_id, territory_code, at)

    leads = _best_per_department([a for a in applicable if a[0].role == LEAD], graph, set())[:MAX_LEADS]
    candidates = [_candidate(graph, item, rank, matter_id, names) for rank, item in enumerate(leads, start=1)]
    overlap = (
        len(leads) > 1 and leads[0][0].tier == leads[1][0].tier == SOURCE_CATALOGUE and leads[0][1:] == leads[1][1:]
    )
    if not leads:
        fallback = _fallback(graph, matter_id, territory_code, names) if matter_id in graph.matters else None
        candidates = [fallback] if fallback else []
    top_id = candidates[0].department_id if candidates else None

    if leads:
        entry = (leads[0][0].tier, leads[0][0].matter_id, leads[0][0].territory_code)
        co_items = [
            a
            for a in applicable
            if a[0].role == CO_HANDLER and (a[0].tier, a[0].matter_id, a[0].territory_code) == entry
        ]
    else:
        co_items = []
    for item in _best_per_department(co_items, graph, {c.department_id for c in candidates}):
        candidates.append(_candidate(graph, item, len(candidates) + 1, matter_id, names))

    copied = {top_id} if top_id is not None else set()
    copied |= {c.department_id for c in candidates if c.role == CO_HANDLER}
    regulator_items = _best_per_department([a for a in applicable if a[0].role == REGULATOR], graph, copied)
    for item in regulator_items:
        candidates.append(_candidate(graph, item, len(candidates) + 1, matter_id, names))
        copied.add(item[0].department_id)
    candidates.extend(_sector_regulators(graph, matter_id, copied, len(candidates) + 1))

    return Suggestion(
        matter_id=matter_id,
        territory_code=territory_code,
        at=at,
        candidates=tuple(candidates),
        no_owner=not leads,
        overlap=overlap,
        graph_version=graph.version,
    )


def ticket_suggest(ticket, *, at: dt.datetime | None = None, graph: JurisdictionGraph | None = None) -> Suggestion:
    """The suggestion for a ticket from this process's current graph, for the moment it was received. A list
    suggesting for many tickets passes the `graph` it read once: each read checks the graph's version (a query)."""
    from .cache import current_graph

    return suggest(
        graph or current_graph(),
        matter_id=ticket.matter_id,
        territory_code=ticket.territory.code,
        at=at or ticket.received_at,
    )
