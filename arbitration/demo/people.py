"""Demo users: at least one per role in `choices.Role`, liaisons and members seated in real demo departments.

Every demo user shares one fixed password (`context.DEMO_PASSWORD`): the command is for demos only and prints
the logins when it finishes.
"""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from arbitration.choices import Role
from arbitration.demo import names
from arbitration.demo.context import DEMO_PASSWORD, DEMO_REASON, DemoCity
from arbitration.history import save_attributed
from arbitration.models import DepartmentMembership, User

ADMIN_USERNAME = "admin"
STREET_OF_FIRST_DISTRICT = "first-street"  # placeholder resolved to the first street of 东湖区
FIRST_DISTRICT = "first-district"  # placeholder resolved to the government of 东湖区

# (username, role, department codes or placeholders, what the user does — shown in the printed table; {dept} is
# the first department's name)
PEOPLE: list[tuple[str, str, tuple[str, ...], str]] = [
    ("dispatcher", Role.DISPATCHER, ("RXZX",), "热线派单员"),
    ("dispatcher2", Role.DISPATCHER, ("RXZX",), "热线派单员（复核）"),
    ("liaison_cgj", Role.LIAISON, ("CGJ",), "{dept}联络员"),
    ("liaison_sjj", Role.LIAISON, ("SJJ",), "{dept}联络员"),
    ("liaison_stj", Role.LIAISON, ("STJ",), "{dept}联络员"),
    ("liaison_zjj", Role.LIAISON, ("ZJJ",), "{dept}联络员"),
    ("liaison_water", Role.LIAISON, ("SWJT",), "{dept}联络员"),
    ("liaison_district", Role.LIAISON, (FIRST_DISTRICT,), "{dept}联络员"),
    ("liaison_street", Role.LIAISON, (STREET_OF_FIRST_DISTRICT,), "{dept}联络员"),
    ("member_cgj", Role.CONFERENCE_MEMBER, ("CGJ",), "联席会议成员（{dept}）"),
    ("member_sjj", Role.CONFERENCE_MEMBER, ("SJJ",), "联席会议成员（{dept}）"),
    ("member_zjj", Role.CONFERENCE_MEMBER, ("ZJJ",), "联席会议成员（{dept}）"),
    ("member_stj", Role.CONFERENCE_MEMBER, ("STJ",), "联席会议成员（{dept}）"),
    ("member_gaj", Role.CONFERENCE_MEMBER, ("GAJ",), "联席会议成员（{dept}）"),
    ("member_fgj", Role.CONFERENCE_MEMBER, ("FGJ",), "联席会议成员（{dept}）"),
    ("member_district", Role.CONFERENCE_MEMBER, (FIRST_DISTRICT,), "联席会议成员（{dept}）"),
    ("member_bb", Role.CONFERENCE_MEMBER, ("BB",), "联席会议成员（{dept}）"),
    ("member_sfj", Role.CONFERENCE_MEMBER, ("SFJ",), "联席会议成员（{dept}）"),
    ("supervisor", Role.SUPERVISOR, ("DCS",), "市政府督查室督办员"),
    ("supervisor2", Role.SUPERVISOR, ("RXZX",), "热线中心督办员"),
    ("lawyer1", Role.LAWYER, (), "法律专席律师"),
    ("lawyer2", Role.LAWYER, (), "法律专席律师"),
    ("lawyer3", Role.LAWYER, (), "法律专席律师"),
    ("legal_lead", Role.LEGAL_DESK_LEAD, ("FLYZ",), "法律专席负责人"),
    ("discipline", Role.DISCIPLINE_LIAISON, ("JWJW",), "市纪委监委联络员"),
    ("procurator", Role.PROCURATORATE_LIAISON, ("JCY",), "市人民检察院联络员"),
    ("leader", Role.CITY_LEADER, ("GOV",), "分管副市长"),
]


def admin_create(rng: random.Random, password_hash: str) -> User:
    """The demo administrator (superuser), created first so every later demo write can name it."""
    admin = User(
        username=ADMIN_USERNAME,
        full_name=names.person_name(rng),
        is_staff=True,
        is_superuser=True,
        email="admin@mingze.example",
        password=password_hash,
    )
    save_attributed(admin, actor=None, reason=DEMO_REASON)
    admin.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
    return admin


def people_create(
    demo: DemoCity, rng: random.Random, *, admin: User, password_hash: str
) -> tuple[dict[str, User], dict[str, list[User]], list[tuple[str, str, str, str]]]:
    """Create the demo people; returns users by username, users by role, and rows for the printed table."""
    users: dict[str, User] = {admin.username: admin}
    by_role: dict[str, list[User]] = {Role.ADMINISTRATOR: [admin]}
    table = [(admin.username, admin.full_name, str(Role.ADMINISTRATOR.label), "系统管理员（superuser）")]
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    for username, role, department_codes, duty in PEOPLE:
        user = User(
            username=username,
            full_name=names.person_name(rng),
            password=password_hash,
            is_staff=role == Role.DISPATCHER,
            email=f"{username}@mingze.example",
        )
        save_attributed(user, actor=admin, reason=DEMO_REASON)
        user.groups.add(groups[role])
        for code in department_codes:
            department = _department(demo, code)
            save_attributed(DepartmentMembership(user=user, department=department), actor=admin, reason=DEMO_REASON)
        users[username] = user
        by_role.setdefault(role, []).append(user)
        named = _department(demo, department_codes[0]).name if department_codes else ""
        table.append((username, user.full_name, str(Role(role).label), duty.format(dept=named)))
    return users, by_role, table


def password_hash() -> str:
    """Hash the shared demo password once: hashing it per user would cost a second each."""
    return make_password(DEMO_PASSWORD)


def _department(demo: DemoCity, code: str):
    first_district = demo.districts[0]
    if code == FIRST_DISTRICT:
        return demo.governments[first_district.code]
    if code == STREET_OF_FIRST_DISTRICT:
        street = next(s for s in demo.streets if s.parent_id == first_district.pk)
        return demo.governments[street.code]
    return demo.departments[code]
