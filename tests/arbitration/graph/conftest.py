"""Builders for the graph tests: small hand-built cities in the database, and generated cities as plain rows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import strategies as st

from arbitration.choices import DepartmentKind, DutyRole, DutySource
from arbitration.graph import (
    CatalogueRows,
    DepartmentRow,
    DutyRow,
    MatterRow,
    Suggestion,
    TerritoryRow,
    current_graph,
    suggest,
)
from arbitration.models import Department, Matter, Territory
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
EPOCH = dt.datetime(2020, 1, 1, tzinfo=SHANGHAI)


def suggestion_for(matter: Matter, territory: Territory, at: dt.datetime | None = None) -> Suggestion:
    """The suggestion from this process's current graph (rebuilt if a duty changed)."""
    return suggest(
        current_graph(), matter_id=matter.pk, territory_code=territory.code, at=at or factories.at(2026, 3, 2)
    )


def precedent(
    dept: Department,
    mat: Matter,
    terr: Territory,
    reference: str,
    *,
    role: str = DutyRole.LEAD,
    source: str = DutySource.RULING,
    valid_from: dt.datetime | None = None,
):
    """A precedent as the conference creates it: a duty whose source is a ruling, numbered."""
    return factories.duty(
        dept,
        mat,
        terr,
        role=role,
        source=source,
        source_reference=reference,
        legal_basis=f"联席会议认定 {reference}",
        valid_from=valid_from or factories.at(2025, 6, 1),
    )


@pytest.fixture
def graph_city(city):
    """The small city plus a community government and a second-level category with its own duty."""
    city["community_gov_a1"] = factories.department(
        "LASQ", "柳岸社区居委会", DepartmentKind.COMMUNITY, territory=city["community_a1"], parent=city["street_gov_a1"]
    )
    city["noise"] = factories.matter("010103", "夜间施工噪声", city["urban_env"])
    return city


# --- generated cities, as plain rows (no database) -----------------------------------------------------------
@st.composite
def rows_cities(draw, *, precedents: bool = False) -> CatalogueRows:
    """A random city: a territory tree of depth ≤ 4, a matter tree of depth ≤ 3, bureaus and territorial
    governments, and random duties (catalogue only unless `precedents`) with random validity windows."""
    territories = [TerritoryRow("C", "市", 1, None)]
    for d in range(draw(st.integers(1, 3))):
        territories.append(TerritoryRow(f"C{d}", f"区{d}", 2, "C"))
        for s in range(draw(st.integers(0, 2))):
            territories.append(TerritoryRow(f"C{d}{s}", f"街道{d}{s}", 3, f"C{d}"))
            for c in range(draw(st.integers(0, 2))):
                territories.append(TerritoryRow(f"C{d}{s}{c}", f"社区{d}{s}{c}", 4, f"C{d}{s}"))
    matters, next_id = [], 1
    for _family in range(draw(st.integers(1, 2))):
        family = next_id
        matters.append(MatterRow(family, f"M{family}", f"类{family}", 1, None))
        next_id += 1
        for _sub in range(draw(st.integers(0, 2))):
            sub = next_id
            matters.append(MatterRow(sub, f"M{sub}", f"项{sub}", 2, family))
            next_id += 1
            for _leaf in range(draw(st.integers(0, 2))):
                matters.append(MatterRow(next_id, f"M{next_id}", f"事{next_id}", 3, sub))
                next_id += 1
    codes = [t.code for t in territories]
    departments = [
        DepartmentRow(
            i,
            f"B{i}",
            f"局{i}",
            DepartmentKind.BUREAU.value,
            regulated_matter_ids=tuple(draw(st.sets(st.sampled_from([m.id for m in matters]), max_size=1))),
        )
        for i in range(1, draw(st.integers(1, 4)) + 1)
    ]
    kinds = {2: DepartmentKind.DISTRICT, 3: DepartmentKind.STREET, 4: DepartmentKind.COMMUNITY}
    for t in territories:
        if t.level > 1 and draw(st.booleans()):
            departments.append(
                DepartmentRow(
                    len(departments) + 1, f"G{t.code}", f"{t.name}政府", kinds[t.level].value, territory_code=t.code
                )
            )
    sources = [DutySource.CATALOGUE.value] + ([DutySource.RULING.value] if precedents else [])
    duties = []
    for duty_id in range(1, draw(st.integers(0, 12)) + 1):
        start = EPOCH + dt.timedelta(days=draw(st.integers(0, 100)))
        length = draw(st.one_of(st.none(), st.integers(1, 200)))
        duties.append(
            DutyRow(
                duty_id,
                draw(st.sampled_from([d.id for d in departments])),
                draw(st.sampled_from([m.id for m in matters])),
                draw(st.sampled_from(codes)),
                draw(st.sampled_from([r.value for r in DutyRole])),
                draw(st.sampled_from(sources)),
                f"依据{duty_id}",
                "",
                start,
                None if length is None else start + dt.timedelta(days=length),
            )
        )
    return CatalogueRows(territories=territories, matters=matters, departments=departments, duties=duties)


moments = st.integers(0, 320).map(lambda days: EPOCH + dt.timedelta(days=days, hours=12))
