"""Small hand-built cities and people for tests. Everything is created through real models and services."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from arbitration.choices import DepartmentKind, DutyRole, RequestType, Role, TerritoryLevel
from arbitration.graph import graph_version_bump
from arbitration.models import Department, DepartmentMembership, Duty, Matter, Territory, User
from arbitration.services.tickets import TicketIntake, ticket_receive

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware datetime in the city's time zone."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def territory(code: str, name: str, level: int, parent: Territory | None = None) -> Territory:
    return Territory.objects.create(code=code, name=name, level=level, parent=parent)


def department(
    code: str,
    name: str,
    kind: str = DepartmentKind.BUREAU,
    *,
    territory: Territory | None = None,
    parent: Department | None = None,
) -> Department:
    return Department.objects.create(code=code, name=name, kind=kind, territory=territory, parent=parent)


def matter(code: str, name: str, parent: Matter | None = None, **extra) -> Matter:
    level = 1 if parent is None else parent.level + 1
    return Matter.objects.create(code=code, name=name, level=level, parent=parent, **extra)


def duty(
    dept: Department,
    mat: Matter,
    terr: Territory,
    role: str = DutyRole.LEAD,
    valid_from: dt.datetime | None = None,
    **extra,
) -> Duty:
    created = Duty.objects.create(
        department=dept,
        matter=mat,
        territory=terr,
        role=role,
        legal_basis=extra.pop("legal_basis", f"{dept.name}三定方案"),
        valid_from=valid_from or at(2020, 1, 1),
        **extra,
    )
    graph_version_bump()  # as services.catalogue does: processes holding a graph rebuild it
    return created


def user(username: str, *roles: str, departments: tuple[Department, ...] = (), **extra) -> User:
    person = User.objects.create_user(
        username=username, password="pw-" + username, full_name=extra.pop("full_name", username), **extra
    )
    for role in roles:
        person.groups.add(Group.objects.get(name=role))
    for dept in departments:
        DepartmentMembership.objects.create(user=person, department=dept)
    return User.objects.get(pk=person.pk)  # fresh: no cached roles


def ticket(city: dict, *, dispatched_to: Department | None = None, hotline_no: str | None = None, **fields):
    """A ticket received through the real intake service."""
    values = {
        "received_at": at(2026, 3, 2, 9),
        "request_type": RequestType.COMPLAINT,
        "matter_id": city["stall"].pk,
        "territory_id": city["community_a1"].pk,
        "title": "占道经营",
        "content": "小区门口每天晚上有摊贩占道经营。",
        "citizen_name": "张三",
        "citizen_phone": "13812341234",
    }
    values.update(fields)
    if dispatched_to is not None:
        values.setdefault("dispatched_at", values["received_at"])
    intake = TicketIntake(
        hotline_no=hotline_no or f"T{next(_numbers):08d}",
        fields=values,
        dispatched_to_id=dispatched_to.pk if dispatched_to else None,
    )
    return ticket_receive(intake=intake).ticket


def small_city() -> dict:
    """A city with two districts, a street and a community in each, three bureaus, two matters."""
    c = {}
    c["city"] = territory("370800", "明州市", TerritoryLevel.CITY)
    c["district_a"] = territory("370802", "东湖区", TerritoryLevel.DISTRICT, c["city"])
    c["district_b"] = territory("370811", "西山区", TerritoryLevel.DISTRICT, c["city"])
    c["street_a1"] = territory("370802001", "湖滨街道", TerritoryLevel.STREET, c["district_a"])
    c["street_b1"] = territory("370811001", "山前街道", TerritoryLevel.STREET, c["district_b"])
    c["community_a1"] = territory("370802001001", "柳岸社区", TerritoryLevel.COMMUNITY, c["street_a1"])
    c["community_b1"] = territory("370811001001", "松林社区", TerritoryLevel.COMMUNITY, c["street_b1"])
    c["urban"] = department("CGJ", "市城市管理局")
    c["market"] = department("SJJ", "市市场监督管理局")
    c["housing"] = department("ZJJ", "市住房和城乡建设局")
    c["gov_a"] = department("DHQ", "东湖区人民政府", DepartmentKind.DISTRICT, territory=c["district_a"])
    c["gov_b"] = department("XSQ", "西山区人民政府", DepartmentKind.DISTRICT, territory=c["district_b"])
    c["street_gov_a1"] = department(
        "HBJD", "湖滨街道办事处", DepartmentKind.STREET, territory=c["street_a1"], parent=c["gov_a"]
    )
    c["urban_family"] = matter("01", "城市管理")
    c["urban_env"] = matter("0101", "市容环境", c["urban_family"])
    c["stall"] = matter("010101", "占道经营", c["urban_env"])
    c["food"] = matter("010102", "食品安全", c["urban_env"])
    c["duty_stall"] = duty(c["urban"], c["stall"], c["city"])
    c["duty_food"] = duty(c["market"], c["food"], c["city"])
    return c


ROLE_PERSONAS = {
    "dispatcher": (Role.DISPATCHER,),
    "supervisor": (Role.SUPERVISOR,),
    "leader": (Role.CITY_LEADER,),
    "member": (Role.CONFERENCE_MEMBER,),
    "lawyer": (Role.LAWYER,),
    "outsider": (),
}


def intake(city, number: str, dispatched_to=None, **fields) -> TicketIntake:
    """A plain help request in the test city (stall matter, community A1), as the platform would send it."""
    values = {
        "received_at": at(2026, 3, 2),
        "request_type": "help",
        "matter_id": city["stall"].pk,
        "territory_id": city["community_a1"].pk,
        "title": "求助",
        "content": "路灯不亮",
    }
    values.update(fields)
    return TicketIntake(hotline_no=number, fields=values, dispatched_to_id=dispatched_to.pk if dispatched_to else None)
