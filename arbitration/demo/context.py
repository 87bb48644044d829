"""What `seed_demo` built, handed to extenders and to `demo_seeded` receivers."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from arbitration.models import Department, Matter, Territory, User

DEMO_PASSWORD = "mingze-demo"  # the command is for demos only: every demo user shares this password
# Stored as written and translated when read (arbitration.reasons.recorded_reason).
DEMO_REASON = gettext_noop("demo city (manage.py seed_demo)")


@dataclass
class DemoCity:
    """The fictional city: its territory tree, departments, matter tree and what is special in its catalogue."""

    city: Territory
    districts: list[Territory] = field(default_factory=list)  # districts and development zones
    streets: list[Territory] = field(default_factory=list)
    communities: list[Territory] = field(default_factory=list)
    territories: dict[str, Territory] = field(default_factory=dict)  # code → territory, every level
    governments: dict[str, Department] = field(default_factory=dict)  # territory code → its government
    departments: dict[str, Department] = field(default_factory=dict)  # code → department, every kind
    matters: dict[str, Matter] = field(default_factory=dict)  # code → matter, every level
    # (matter code, territory code) pairs with no lead; territory is the city code when the gap is city-wide.
    gaps: list[tuple[str, str]] = field(default_factory=list)
    # (matter code, territory code, [department codes]) where two or more departments lead the same matter.
    overlaps: list[tuple[str, str, list[str]]] = field(default_factory=list)
    legal_matters: list[str] = field(default_factory=list)  # codes of matters with legal_type=True
    duty_count: int = 0

    def leaves(self) -> list[Matter]:
        return [matter for matter in self.matters.values() if matter.level == 3]

    def government_of(self, territory: Territory) -> Department:
        return self.governments[territory.code]


@dataclass
class DemoContext:
    """Everything an extender needs: the seeded rng, the output, the city, the people and notable tickets."""

    rng: random.Random
    stdout: Any  # the command's OutputWrapper: stdout.write("…")
    style: Any  # the command's color style (style.SUCCESS(…)); plain strings are fine too
    seed: int
    now: dt.datetime
    city: DemoCity
    users: dict[str, User] = field(default_factory=dict)  # username → user
    by_role: dict[str, list[User]] = field(default_factory=dict)  # choices.Role value → users holding it
    ticket_count: int = 0
    # Hotline numbers of open, dispatched tickets on overlap or gap matters: the ones that will ping-pong.
    ping_pong: list[str] = field(default_factory=list)
    # Repeat-request clusters: each a list of hotline numbers with the same matter and address (≥ 3).
    repeat_clusters: list[list[str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # phase → seconds, for the command's summary
    password: str = DEMO_PASSWORD
    reason: str = DEMO_REASON

    @property
    def admin(self) -> User:
        """The demo administrator: the actor for demo writes that no particular person made."""
        return self.users["admin"]

    def users_with_role(self, role: str) -> list[User]:
        return self.by_role.get(role, [])
