"""Demo tickets: realistic text per matter, the docs/domain.md §1 type mix, lives plausible for their age.

`TicketGenerator.tickets()` is a generator: tickets are produced one at a time as the bulk writer asks for
them, so memory stays flat at a million. Each is what the hotline platform sends: the intake payload of
POST /api/v1/tickets/ and the events of its life after that (`arbitration.demo.life`), which alone bring it to its
state. Beside each ticket it records, per batch, the extra assignments the platform's dispatch does not carry
(the regulator copied on dual-handled tickets, co-handlers); the command writes those after each batch. Notable
tickets (repeat-request clusters, tickets that will ping-pong) are generated first, so their hotline numbers are
known however many tickets follow.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from arbitration.choices import AssignmentRole, Channel, RequestType, Resolution, Satisfaction, TicketStatus
from arbitration.demo import life, names
from arbitration.demo.city import MatterPlan
from arbitration.demo.context import DemoCity

# docs/domain.md §1: 咨询 47%, 求助 30%, 建议 15%, 投诉举报 5% (the rest spread in proportion).
REQUEST_TYPES = [
    (RequestType.ENQUIRY, 48),
    (RequestType.HELP, 31),
    (RequestType.SUGGESTION, 16),
    (RequestType.COMPLAINT, 4),
    (RequestType.REPORT, 1),
]
CHANNELS = [
    (Channel.PHONE, 62),
    (Channel.APP, 12),
    (Channel.MINI_PROGRAM, 10),
    (Channel.WEB, 8),
    (Channel.PROVINCIAL, 6),
    (Channel.LETTER, 2),
]
CHANNEL_OPENINGS = {
    Channel.PHONE: "市民来电反映：",
    Channel.APP: "市民通过“i明州”APP反映：",
    Channel.MINI_PROGRAM: "市民通过12345微信小程序反映：",
    Channel.WEB: "网民在政府网站留言：",
    Channel.PROVINCIAL: "省12345平台转来诉求：",
    Channel.LETTER: "市民来信反映：",
}
TITLES = {
    RequestType.ENQUIRY: ["咨询{matter}相关问题", "咨询{matter}办理流程", "关于{matter}的咨询"],
    RequestType.HELP: ["{place}{matter}问题求助", "求助：{place}{matter}", "请求解决{place}{matter}问题"],
    RequestType.COMPLAINT: ["投诉{place}{matter}", "反映{place}{matter}问题", "{place}{matter}问题投诉"],
    RequestType.REPORT: ["举报{place}{matter}", "实名举报{place}{matter}"],
    RequestType.SUGGESTION: ["建议加强{matter}管理", "关于{place}{matter}的建议", "对{matter}工作的建议"],
}
ASKS = {
    RequestType.ENQUIRY: ["想咨询此类问题应由哪个部门负责、如何办理。", "希望了解相关政策规定和办理渠道。"],
    RequestType.HELP: [
        "请求相关部门尽快协调解决。",
        "希望有关部门尽快到现场查看处理。",
        "家中有老人孩子，希望尽快解决。",
    ],
    RequestType.COMPLAINT: ["已多次反映未果，要求相关部门依法处理并回复。", "对处理结果不满意，要求相关部门重新核查。"],
    RequestType.REPORT: ["举报该行为，要求相关部门依法查处，并对其个人信息保密。"],
    RequestType.SUGGESTION: ["建议相关部门加强日常巡查，从根本上解决问题。", "建议建立长效管理机制。"],
}
DURATIONS = [
    "",
    "该情况已持续一周左右。",
    "近一个月来反复出现。",
    "从上周开始出现。",
    "已经持续半年多。",
    "今天早上发现。",
]
RESULTS = {
    Resolution.RESOLVED: [
        "经现场核实，情况属实，已督促责任方整改到位",
        "已安排工作人员处理完毕",
        "已约谈相关责任主体，问题已解决",
    ],
    Resolution.PARTLY: ["已初步处理，剩余问题已列入整改计划，预计月底前完成", "已协调相关方，部分问题已解决"],
    Resolution.UNRESOLVED: [
        "经协调，因涉及多个部门职责，暂无法解决，已向市民做好解释",
        "经核实，诉求暂不具备解决条件，已向市民解释",
    ],
}
SATISFACTION_BY_RESOLUTION = {
    Resolution.RESOLVED: [
        (Satisfaction.SATISFIED, 75),
        (Satisfaction.BASICALLY, 20),
        (Satisfaction.DISSATISFIED, 3),
        (Satisfaction.NOT_RATED, 2),
    ],
    Resolution.PARTLY: [
        (Satisfaction.SATISFIED, 30),
        (Satisfaction.BASICALLY, 40),
        (Satisfaction.DISSATISFIED, 25),
        (Satisfaction.NOT_RATED, 5),
    ],
    Resolution.UNRESOLVED: [
        (Satisfaction.SATISFIED, 5),
        (Satisfaction.BASICALLY, 15),
        (Satisfaction.DISSATISFIED, 70),
        (Satisfaction.NOT_RATED, 10),
    ],
}
RESOLUTIONS = [(Resolution.RESOLVED, 70), (Resolution.PARTLY, 18), (Resolution.UNRESOLVED, 12)]
CO_HANDLED_SHARE = 0.25  # of tickets whose matter has a co-handler: only the complex ones bring it in
DIRECT_ANSWER_SHARE = 0.4  # of enquiries: answered by the hotline itself from its knowledge base, never dispatched
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


class Weighted:
    """rng-driven choice from (value, weight) pairs: one bisect per draw, as fast as it gets in Python."""

    def __init__(self, pairs) -> None:
        self.values = [value for value, _weight in pairs]
        self.cumulative, total = [], 0.0
        for _value, weight in pairs:
            total += weight
            self.cumulative.append(total)

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


@dataclass
class Place:
    """A community with the roads and housing estates its addresses are made of."""

    territory_id: int
    territory_code: str
    community: str
    street_code: str
    district_code: str
    prefix: str  # 东湖区湖滨街道: how an address starts (the community is not part of a postal address)
    roads: list[str]
    estates: list[str]
    village: bool


@dataclass
class DemoTicket:
    """One ticket as the hotline platform sends it: the intake payload, then its events in the order they happened."""

    payload: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def hotline_no(self) -> str:
        return self.payload["hotline_no"]


@dataclass
class ExtraAssignment:
    """An assignment the platform's dispatch does not carry: the regulator copied (双向联办) or a co-handler."""

    hotline_no: str
    department_id: int
    role: str
    at: dt.datetime


@dataclass
class TicketGenerator:
    demo: DemoCity
    plans: list[MatterPlan]
    rng: random.Random
    now: dt.datetime
    count: int
    days: int
    tiers: dict[str, int]  # tier code → id
    department_names: dict[int, str]
    department_codes: dict[int, str]
    extras: list[ExtraAssignment] = field(default_factory=list)  # drained by the command after each batch
    ping_pong: list[str] = field(default_factory=list)
    repeat_clusters: list[list[str]] = field(default_factory=list)
    _number: int = 0

    def __post_init__(self) -> None:
        rng = self.rng
        self.places = [self._place(community) for community in self.demo.communities]
        ranks = list(range(1, len(self.plans) + 1))
        rng.shuffle(ranks)  # a few matters are very common, most are rare (as in real hotline data)
        self.matters = Weighted([(plan, 1 / rank**0.9) for plan, rank in zip(self.plans, ranks, strict=True)])
        self.types, self.channels = Weighted(REQUEST_TYPES), Weighted(CHANNELS)
        self.resolutions = Weighted(RESOLUTIONS)
        self.satisfactions = {key: Weighted(pairs) for key, pairs in SATISFACTION_BY_RESOLUTION.items()}
        self.contested = [plan for plan in self.plans if plan.contested and not plan.legal_type]
        self.repeatable = [plan for plan in self.plans if not plan.legal_type]

    def _place(self, community) -> Place:
        street = self.demo.territories[community.path.split("/")[-3]]
        district = self.demo.territories[community.path.split("/")[-4]]
        rng = self.rng
        return Place(
            territory_id=community.pk,
            territory_code=community.code,
            community=community.name,
            street_code=street.code,
            district_code=district.code,
            prefix=f"{district.name}{street.name}",
            roads=names.road_names(rng, 3),
            estates=names.estate_names(rng, 4),
            village=community.name.endswith("村"),
        )

    # --- the stream ---------------------------------------------------------------------------------------
    def tickets(self) -> Iterator[DemoTicket]:
        """Notable tickets first (clusters, ping-pong), then ordinary ones, `count` in all."""
        # A few hundred at most: enough for every supervision rule to find, few enough for extenders to work on.
        clusters = min(max(3, self.count // 200), self.count // 10, 400)
        pingpongs = min(max(10, self.count // 300), self.count // 10, 200)
        emitted = 0
        for _ in range(clusters):
            for ticket in self._cluster():
                emitted += 1
                yield ticket
        for _ in range(pingpongs):
            emitted += 1
            yield self._ping_pong_ticket()
        while emitted < self.count:
            emitted += 1
            yield self._ticket(self.matters.pick(self.rng), self.rng.choice(self.places))

    def _ticket(
        self,
        plan: MatterPlan,
        place: Place,
        *,
        received: dt.datetime | None = None,
        address: str | None = None,
        status: str | None = None,
        satisfaction: str | None = None,
        text_extra: str = "",
    ) -> DemoTicket:
        rng = self.rng
        received = received or self.now - dt.timedelta(seconds=rng.random() * self.days * 86400)
        received = _office_hours(received, rng, self.now)
        request_type = self.types.pick(rng)
        channel = self.channels.pick(rng)
        address = address or self._address(place)  # the local part: road and number, or village and group
        hotline_no = self._hotline_no(received)
        payload = {
            "hotline_no": hotline_no,
            "received_at": received.isoformat(),
            "channel": channel,
            "request_type": request_type,
            "matter": plan.code,
            "territory": place.territory_code,
            "address": f"{place.prefix}{address}",
            "title": rng.choice(TITLES[request_type]).format(matter=plan.name, place=_short(address)),
            "content": (
                f"{CHANNEL_OPENINGS[channel]}{place.prefix}{address}，{plan.situation}。"
                f"{text_extra}{rng.choice(DURATIONS)}{rng.choice(ASKS[request_type])}"
            ),
            "citizen_name": names.person_name(rng),
            "citizen_phone": names.phone(rng),
            "confidential": rng.random() < (0.6 if request_type == RequestType.REPORT else 0.04),
        }
        if plan.tier in self.tiers:
            payload["time_limit"] = plan.tier
        if request_type == RequestType.ENQUIRY and status is None and rng.random() < DIRECT_ANSWER_SHARE:
            return DemoTicket(payload, self._answered_directly(hotline_no, received))
        lead = rng.choice(plan.leads_for(place.street_code, place.district_code) or [self._fallback(place)])
        dispatched = min(received + dt.timedelta(minutes=rng.randint(10, 240)), self.now)
        payload.update(dispatched_at=dispatched.isoformat(), dispatched_to=self.department_codes[lead])
        events = self._progress(hotline_no, dispatched, lead, status, satisfaction)
        for regulator in plan.regulators:
            self.extras.append(ExtraAssignment(hotline_no, regulator, AssignmentRole.COPIED, dispatched))
        if plan.co_handlers and rng.random() < CO_HANDLED_SHARE:
            for co_handler in plan.co_handlers:
                if co_handler != lead:
                    self.extras.append(ExtraAssignment(hotline_no, co_handler, AssignmentRole.CO_HANDLER, dispatched))
        return DemoTicket(payload, events)

    def _fallback(self, place: Place) -> int:
        """No lead in the catalogue: the district government of the place holds it (兜底, docs/domain.md §2)."""
        return self.demo.governments[place.district_code].pk

    def _hotline_no(self, received: dt.datetime) -> str:
        self._number += 1
        return f"{received:%Y%m%d}{self._number:07d}"

    def _address(self, place: Place) -> str:
        rng = self.rng
        if place.village:
            return f"{place.community}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
        road = rng.choice(place.roads)
        shape = rng.random()
        if shape < 0.6:
            return f"{road}{rng.randint(1, 400)}号{rng.choice(place.estates)}{rng.randint(1, 30)}号楼"
        if shape < 0.8:
            return f"{road}{rng.randint(1, 400)}号{rng.choice(names.SHOP_KINDS)}"
        return f"{road}{rng.choice(names.LANDMARKS)}"

    # --- how far a ticket got: its events ---------------------------------------------------------------------
    def _answered_directly(self, hotline_no: str, received: dt.datetime) -> list[dict]:
        """The hotline answers from its knowledge base, never dispatching; the follow-up call comes later."""
        rng = self.rng
        line = life.Timeline(hotline_no, received, self.now)
        life.replied(line, rng, at=received + dt.timedelta(minutes=rng.randint(3, 30)),
                     text="热线话务员根据知识库直接答复，市民表示清楚。")  # fmt: skip
        satisfaction = self.satisfactions[Resolution.RESOLVED].pick(rng)
        life.visited(line, at=line.last + dt.timedelta(hours=rng.uniform(1, 48)), satisfaction=satisfaction,
                     resolution=Resolution.RESOLVED)  # fmt: skip
        return line.events

    def _progress(
        self, hotline_no: str, dispatched: dt.datetime, lead: int, status: str | None, satisfaction: str | None
    ) -> list[dict]:
        """Events that take the ticket as far as is plausible for its age; old open tickets are the overdue ones."""
        rng = self.rng
        age_days = (self.now - dispatched) / DAY
        notable, status = status is not None, status or _status_for_age(age_days, rng)
        line = life.Timeline(hotline_no, dispatched, self.now)
        life.handling(line, rng, dispatched=dispatched, signed=status != TicketStatus.DISPATCHED)
        if status in (TicketStatus.DISPATCHED, TicketStatus.HANDLING):
            if not notable:  # a notable ticket stays open for the extenders that work on it
                life.maybe_withdrawn(line, rng)
            return line.events
        resolution = self.resolutions.pick(rng)
        replied = dispatched + dt.timedelta(hours=rng.uniform(2, min(age_days, 10) * 24 + 2))
        life.replied(line, rng, at=min(replied, self.now), text=self._result(lead, resolution))
        if status != TicketStatus.CLOSED:
            return line.events  # the follow-up call has not happened yet
        satisfaction = satisfaction or self.satisfactions[resolution].pick(rng)
        closed = line.last + dt.timedelta(hours=rng.uniform(4, 72))
        if life.visited(line, at=closed, satisfaction=satisfaction, resolution=resolution) and (
            satisfaction == Satisfaction.DISSATISFIED
        ):
            second = self.resolutions.pick(rng)
            life.unsatisfied_round(
                line, rng, text=self._result(lead, second), satisfaction=self.satisfactions[second].pick(rng),
                resolution=second,
            )  # fmt: skip
        return line.events

    def _result(self, lead: int, resolution: str) -> Callable[[dt.datetime], str]:
        """How the department words its reply, dated the day it is sent."""
        done = self.rng.choice(RESULTS[resolution])
        return lambda replied: (
            f"经{self.department_names[lead]}办理：{done}。"
            f"已于{_chinese_date(replied.astimezone(self.now.tzinfo))}电话回复市民。"
        )

    # --- notable tickets ------------------------------------------------------------------------------------
    def _cluster(self) -> list[DemoTicket]:
        """The same problem from the same address three to five times within weeks (重复诉求)."""
        rng = self.rng
        plan, place = rng.choice(self.repeatable), rng.choice(self.places)
        address = self._address(place)
        first = self.now - dt.timedelta(days=rng.uniform(10, min(self.days, 60)))
        hotline_numbers, tickets = [], []
        size = rng.randint(3, 5)
        for index in range(size):
            received = min(first + dt.timedelta(days=index * rng.uniform(2, 6)), self.now)
            extra = f"这是第{index + 1}次反映此问题，之前的处理没有效果。" if index else ""
            last = index == size - 1
            ticket = self._ticket(
                plan,
                place,
                received=received,
                address=address,
                text_extra=extra,
                status=TicketStatus.HANDLING if last else None,
                satisfaction=None if last else Satisfaction.DISSATISFIED,  # why the citizen called again
            )
            hotline_numbers.append(ticket.hotline_no)
            tickets.append(ticket)
        self.repeat_clusters.append(hotline_numbers)
        return tickets

    def _ping_pong_ticket(self) -> DemoTicket:
        """A recent, open ticket on a gap or overlap matter: the kind that bounces between departments."""
        rng = self.rng
        plan = rng.choice(self.contested or self.plans)
        received = self.now - dt.timedelta(hours=rng.uniform(4, 72))
        ticket = self._ticket(plan, rng.choice(self.places), received=received, status=TicketStatus.DISPATCHED)
        self.ping_pong.append(ticket.hotline_no)
        return ticket


def _status_for_age(age_days: float, rng: random.Random) -> str:
    draw = rng.random()
    if age_days < 1:
        return TicketStatus.DISPATCHED if draw < 0.5 else TicketStatus.HANDLING
    if age_days < 5:
        table = [(0.1, TicketStatus.DISPATCHED), (0.6, TicketStatus.HANDLING), (0.85, TicketStatus.REPLIED)]
    elif age_days < 15:
        table = [(0.15, TicketStatus.HANDLING), (0.35, TicketStatus.REPLIED)]
    else:
        table = [(0.03, TicketStatus.HANDLING), (0.08, TicketStatus.REPLIED)]  # still open: overdue
    return next((status for bound, status in table if draw < bound), TicketStatus.CLOSED)


def _office_hours(moment: dt.datetime, rng: random.Random, now: dt.datetime) -> dt.datetime:
    """Most calls come between 8:00 and 22:00 local time; keep the day, redraw the hour if it is night."""
    local = moment.astimezone(now.tzinfo)
    if 8 <= local.hour < 22 or rng.random() < 0.1:
        return moment
    moved = local.replace(hour=rng.randint(8, 21), minute=rng.randint(0, 59))
    return min(moved, now)


def _chinese_date(moment: dt.datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _short(address: str) -> str:
    """The part of an address a title uses: the estate, shop, village or landmark, without numbers."""
    if address.endswith("号楼"):  # 明湖路128号翠苑小区3号楼 → 翠苑小区
        return address.split("号")[1].rstrip("0123456789")
    if "组" in address:  # 柳岸村3组12号 → 柳岸村
        return address.split("组")[0].rstrip("0123456789")
    return address.split("号")[-1]  # 明湖路128号烧烤店 → 烧烤店; 明湖路公交站 stays whole
