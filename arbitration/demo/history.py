"""A year and more of daily ticket history for the demo city, with a weekly rhythm, public holidays (and the
backlog after them) and a few surges in the last days — so the surge watch and the cockpit have real series to
read (docs/alerts.md, "Demo").

The history covers `HISTORY_DAYS` days before the demo's `now` for a few common matters owned by departments that
have a demo liaison, in the first `DISTRICTS` districts. Its tickets are ordinary demo tickets
(`TicketGenerator._ticket`): the same payloads and lives, written through the same bulk intake as the rest of the
demo.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from arbitration.calendar import WorkingCalendar
from arbitration.demo.city import MatterPlan
from arbitration.demo.tickets import DemoTicket, TicketGenerator

# Thirteen months and a little more: the detector's baseline needs last year's window around the day it watches.
HISTORY_DAYS = 400
MATTERS = 2  # matters in the history
DISTRICTS = 2  # … each in the first this-many districts: a few thousand tickets in all, so seed_demo stays quick
WEEKDAY_MEAN = 2.5  # tickets a working day per matter and district
WEEKEND_FACTOR, HOLIDAY_FACTOR, BACKLOG_FACTOR = 0.5, 0.25, 1.6
SURGES = 2  # series that surge over the last three days
SURGE_DAYS, SURGE_SD = 3, 6.0
LIAISON_DEPARTMENTS = ("CGJ", "SJJ", "ZJJ", "STJ")  # demo liaisons sit here (arbitration.demo.people)


@dataclass
class HistoryTickets:
    """What `build.tickets_write` feeds on: tickets() and the extra assignments drained after each batch."""

    generator: TicketGenerator
    calendar: WorkingCalendar
    rng: random.Random

    @property
    def extras(self):
        return self.generator.extras

    def _plans(self) -> list[MatterPlan]:
        codes = self.generator.department_codes
        owned = [
            plan
            for plan in self.generator.plans
            if not plan.legal_type
            and not plan.contested
            and any(codes.get(d) in LIAISON_DEPARTMENTS for d in plan.city_leads)
        ]
        return sorted(owned, key=lambda plan: plan.code)[:MATTERS]

    def _mean(self, day: dt.date) -> float:
        calendar = self.calendar
        if day.year not in calendar.known_years:
            return WEEKDAY_MEAN * (WEEKEND_FACTOR if day.weekday() >= 5 else 1.0)
        if day in calendar.holidays:
            return WEEKDAY_MEAN * HOLIDAY_FACTOR
        if not calendar.is_working_day(day):
            return WEEKDAY_MEAN * WEEKEND_FACTOR
        before = day - dt.timedelta(days=1)
        return WEEKDAY_MEAN * (BACKLOG_FACTOR if before in calendar.holidays else 1.0)

    def _count(self, mean: float) -> int:
        """Negative-binomial (size 10) by a gamma-mixed Poisson: over-dispersed as real counts are."""
        rate = self.rng.gammavariate(10, mean / 10)
        # Knuth's Poisson: rates here are a few tickets a day.
        limit, k, p = math.exp(-rate), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def tickets(self) -> Iterator[DemoTicket]:
        generator = self.generator
        now = generator.now
        today = now.astimezone(self.calendar.tz).date()
        districts: dict[str, list] = {}
        for place in generator.places:
            districts.setdefault(place.district_code, []).append(place)
        series = [(plan, code) for plan in self._plans() for code in sorted(districts)[:DISTRICTS]]
        surging = set(self.rng.sample(range(len(series)), min(SURGES, len(series))))
        for offset in range(HISTORY_DAYS, 0, -1):
            day = today - dt.timedelta(days=offset)
            mean = self._mean(day)
            for index, (plan, code) in enumerate(series):
                count = self._count(mean)
                if index in surging and offset <= SURGE_DAYS:
                    count += round(SURGE_SD * math.sqrt(mean + mean**2 / 10))
                for _ in range(count):
                    received = dt.datetime.combine(day, dt.time(8), tzinfo=self.calendar.tz) + dt.timedelta(
                        minutes=self.rng.uniform(0, 600)
                    )
                    yield generator._ticket(plan, self.rng.choice(districts[code]), received=received)
