"""Screening (线索筛查): propose public-interest leads from a period's tickets in the statutory domains.

Two rules, both limited to tickets whose matter falls in a domain in force on the day they came in:
- cluster: repeated complaints about the same place (territory + address) or the same party (a company,
  factory, site… named in the text) — at least MINGZE_LEAD_CLUSTER_MIN tickets within
  MINGZE_LEAD_CLUSTER_WINDOW_DAYS — become one lead;
- matter: a single complaint or report in such a domain that the departments left unresolved (or the
  citizen was dissatisfied with) becomes a lead, since a body failing its duty is what the procuratorate acts on.
A ticket already in a lead is not proposed again, so running a period twice proposes nothing new.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from arbitration.choices import RequestType, Resolution, Satisfaction
from arbitration.history import real_user
from arbitration.models import Matter, Ticket
from legal.choices import LeadBasis, LeadStatus
from legal.errors import EmptyPeriod
from legal.models import PublicInterestDomain, PublicInterestLead, ScreeningRun
from legal.reasons import SCREENING_PROPOSED

COMPLAINT_TYPES = (RequestType.COMPLAINT, RequestType.REPORT)
PARTY_SUFFIXES = (
    "有限责任公司",
    "股份有限公司",
    "有限公司",
    "公司",
    "工厂",
    "厂",
    "养殖场",
    "工地",
    "酒店",
    "饭店",
    "餐馆",
    "超市",
    "药店",
    "诊所",
    "医院",
    "学校",
    "幼儿园",
    "加油站",
    "洗车场",
    "KTV",
)
PARTY_PATTERN = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9（）()]{2,30}?(?:" + "|".join(PARTY_SUFFIXES) + ")")
# Words that split a sentence into phrases: a party name never spans them.
PHRASE_BREAKS = re.compile(r"[\s，。、；：！？,.;:!?“”\"']+|的|在|旁边|对面|附近|门口|反映|投诉|举报")
VAGUE_PREFIXES = ("这", "那", "该", "某", "一", "有", "家")
ADDRESS_NOISE = re.compile(r"(附近|门口|旁边|对面|周边|一带)$")


def _party_names(text: str) -> set[str]:
    names = set()
    for phrase in PHRASE_BREAKS.split(text):
        for name in PARTY_PATTERN.findall(phrase):
            if not name.startswith(VAGUE_PREFIXES) and len(name) >= 4:
                names.add(name)
    return names


def normalised_address(address: str) -> str:
    return ADDRESS_NOISE.sub("", re.sub(r"\s+", "", address))


class DomainMatcher:
    """Matter → the statutory domain it falls in, by mapped matter subtree first, then by keyword in its name."""

    def __init__(self, domains: list[PublicInterestDomain]) -> None:
        self.domains = domains
        self.mapped = [(matter.path, domain) for domain in domains for matter in domain.matters.all()]
        self.mapped.sort(key=lambda pair: -len(pair[0]))  # the most specific mapping wins
        self._cache: dict[int, PublicInterestDomain | None] = {}

    def domain_for(self, matter: Matter) -> PublicInterestDomain | None:
        if matter.pk not in self._cache:
            self._cache[matter.pk] = self._lookup(matter)
        return self._cache[matter.pk]

    def _lookup(self, matter: Matter) -> PublicInterestDomain | None:
        for path, domain in self.mapped:
            if matter.path.startswith(path):
                return domain
        for domain in self.domains:
            if any(word in matter.name for word in domain.keywords):
                return domain
        return None


@dataclass
class Candidate:
    domain: PublicInterestDomain
    basis: str
    cluster_key: str
    tickets: list[Ticket] = field(default_factory=list)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _keys(ticket: Ticket) -> list[str]:
    keys = [f"party:{name}" for name in sorted(_party_names(f"{ticket.title}，{ticket.content}"))]
    if ticket.address.strip():
        keys.insert(0, f"place:{ticket.territory_id}:{normalised_address(ticket.address)}")
    return keys


def _within_window(tickets: list[Ticket], minimum: int, window: dt.timedelta) -> bool:
    times = sorted(t.received_at for t in tickets)
    return any(times[i + minimum - 1] - times[i] <= window for i in range(len(times) - minimum + 1))


def clusters(
    tickets: list[Ticket], domain: PublicInterestDomain, *, minimum: int, window: dt.timedelta
) -> list[Candidate]:
    """Tickets of one domain joined when they share a place or a party; big and close enough → a candidate.

    A party name that too many tickets hold (settings.MINGZE_LEAD_PARTY_MAX_TICKETS) names a kind of thing, not
    one party: it joins nothing, or a month of a big city's complaints about "the construction site" would be one
    cluster of thousands.
    """
    union, first_holder = _UnionFind(), {}
    keys_of = {t.pk: _keys(t) for t in tickets}
    holders = Counter(key for keys in keys_of.values() for key in keys if key.startswith("party:"))
    common = {key for key, n in holders.items() if n > settings.MINGZE_LEAD_PARTY_MAX_TICKETS}
    if common:
        keys_of = {pk: [key for key in keys if key not in common] for pk, keys in keys_of.items()}
    for ticket in tickets:
        for key in keys_of[ticket.pk]:
            union.union(ticket.pk, first_holder.setdefault(key, ticket.pk))
    groups: dict[int, list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        groups[union.find(ticket.pk)].append(ticket)
    found = []
    for members in groups.values():
        if len(members) >= minimum and _within_window(members, minimum, window):
            members.sort(key=lambda t: (t.received_at, t.pk))
            shared = _shared_key(members, keys_of)
            found.append(Candidate(domain=domain, basis=LeadBasis.CLUSTER, cluster_key=shared, tickets=members))
    return found


def _shared_key(members: list[Ticket], keys_of: dict[int, list[str]]) -> str:
    """The key most members share (a place before a party): it names the cluster."""
    counts: dict[str, int] = defaultdict(int)
    for ticket in members:
        for key in keys_of[ticket.pk]:
            counts[key] += 1
    return max(counts, key=lambda key: (counts[key], key.startswith("place:")))


def _unresolved(ticket: Ticket) -> bool:
    return ticket.request_type in COMPLAINT_TYPES and (
        ticket.resolution == Resolution.UNRESOLVED or ticket.satisfaction == Satisfaction.DISSATISFIED
    )


def candidates_find(
    tickets: list[Ticket], matcher: DomainMatcher, *, minimum: int, window: dt.timedelta
) -> list[Candidate]:
    """Pure: the leads the rules propose for these tickets (no queries beyond the matcher's loaded domains)."""
    by_domain: dict[int, list[Ticket]] = defaultdict(list)
    domain_of: dict[int, PublicInterestDomain] = {}
    for ticket in tickets:
        domain = matcher.domain_for(ticket.matter)
        if domain is not None and domain.effective_from <= timezone.localtime(ticket.received_at).date():
            by_domain[domain.pk].append(ticket)
            domain_of[domain.pk] = domain
    found: list[Candidate] = []
    for domain_id, members in by_domain.items():
        clustered = clusters(members, domain_of[domain_id], minimum=minimum, window=window)
        in_cluster = {t.pk for candidate in clustered for t in candidate.tickets}
        found += clustered
        found += [
            Candidate(
                domain=domain_of[domain_id], basis=LeadBasis.MATTER, cluster_key=f"ticket:{t.hotline_no}", tickets=[t]
            )
            for t in members
            if t.pk not in in_cluster and _unresolved(t)
        ]
    return found


def _lead_from(candidate: Candidate, run: ScreeningRun) -> PublicInterestLead:
    tickets = candidate.tickets
    first = tickets[0]
    parties = sorted({name for t in tickets for name in _party_names(f"{t.title}，{t.content}")})
    where = f"{first.territory.name}{first.address}"
    count = f"{len(tickets)}件重复投诉" if candidate.basis == LeadBasis.CLUSTER else "投诉未解决"
    return PublicInterestLead(
        domain=candidate.domain,
        basis=candidate.basis,
        cluster_key=candidate.cluster_key[:255],
        screening_run=run,
        title=f"{candidate.domain.name}：{where}{count}"[:200],
        territory=first.territory,
        address=first.address,
        parties="、".join(parties),
        harm_facts="\n".join(f"{t.hotline_no}：{t.title}。{t.content}" for t in tickets),
        department_actions="\n".join(_actions(t) for t in tickets),
        evidence=[f"12345热线工单{t.hotline_no}（{t.received_at:%Y-%m-%d}）" for t in tickets],
        confidential=True,
        contact="12345热线法律专席",
    )


def _actions(ticket: Ticket) -> str:
    departments = "、".join(a.department.name for a in ticket.assignments.all()) or "未派单"
    result = ticket.result or "无办理结果"
    return f"{ticket.hotline_no}：承办单位 {departments}；办理结果：{result}"


def _already_in_leads(tickets: list[Ticket]) -> set[int]:
    through = PublicInterestLead.tickets.through
    return set(through.objects.filter(ticket_id__in=[t.pk for t in tickets]).values_list("ticket_id", flat=True))


@transaction.atomic
def screening_run(*, period_start: dt.datetime, period_end: dt.datetime, trigger: str, actor=None) -> ScreeningRun:
    """Screen the tickets received in [period_start, period_end) and propose leads for the desk."""
    if period_end <= period_start:
        raise EmptyPeriod()
    # Lock the domain rows: two screenings at once (beat and a click) queue here instead of proposing twice.
    domains = list(
        PublicInterestDomain.objects.select_for_update().filter(is_active=True, effective_from__isnull=False)
    )
    domains = list(PublicInterestDomain.objects.filter(pk__in=[d.pk for d in domains]).prefetch_related("matters"))
    matcher = DomainMatcher(domains)
    # Only matters of a statutory domain can yield a lead: narrowing in the database keeps a month of a
    # million-ticket city from being loaded whole (matters are a few hundred rows, tickets are not).
    domain_matters = [matter.pk for matter in Matter.objects.all() if matcher.domain_for(matter) is not None]
    tickets = list(
        Ticket.objects.filter(received_at__gte=period_start, received_at__lt=period_end, matter_id__in=domain_matters)
        .select_related("matter", "territory")
        .prefetch_related("assignments__department")
        .order_by("received_at", "pk")
    )
    found = candidates_find(
        tickets,
        matcher,
        minimum=settings.MINGZE_LEAD_CLUSTER_MIN,
        window=dt.timedelta(days=settings.MINGZE_LEAD_CLUSTER_WINDOW_DAYS),
    )
    run = ScreeningRun.objects.create(
        period_start=period_start,
        period_end=period_end,
        trigger=trigger,
        started_by=real_user(actor),
        tickets_screened=len(tickets),
    )
    taken = _already_in_leads([t for candidate in found for t in candidate.tickets])
    for candidate in found:
        fresh = [t for t in candidate.tickets if t.pk not in taken]
        if not fresh:
            continue
        if _extend_open_lead(candidate, fresh, actor=actor):
            continue
        lead = _lead_from(candidate, run)
        lead._history_user, lead._change_reason = real_user(actor), SCREENING_PROPOSED.format(run=run.pk)
        lead.save()
        lead.tickets.add(*candidate.tickets)
        run.leads_proposed += 1
    run.save(update_fields=["leads_proposed"])
    return run


def _extend_open_lead(candidate: Candidate, fresh: list[Ticket], *, actor) -> bool:
    """New complaints joining a cluster the desk already holds go into that lead instead of a second one."""
    lead = PublicInterestLead.objects.filter(
        cluster_key=candidate.cluster_key[:255],
        domain=candidate.domain,
        status__in=(LeadStatus.PROPOSED, LeadStatus.ACCEPTED),
    ).first()
    if lead is None:
        return False
    lead._history_user, lead._change_reason = real_user(actor), gettext_noop("screening added tickets")
    lead.tickets.add(*fresh)
    return True
