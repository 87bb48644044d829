"""Builds the demo city: territory tree, departments, matter tree and the duty catalogue.

Territories, departments and matters are written in bulk with their history rows (they are new, nothing to
lock); duties too, with one `duty_changed` signal at the end so the graph's version moves once (see
`CatalogueWriter.flush` for why not `duty_open` per row). Besides the rows, the builder returns a `MatterPlan`
per matter: who leads it where, in plain values, so that ticket generation routes a million tickets without a
query each.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from simple_history.utils import bulk_create_with_history

from arbitration.choices import DepartmentKind, DutyRole, DutySource, TerritoryLevel
from arbitration.demo import catalogue, departments, names
from arbitration.demo.context import DEMO_REASON, DemoCity
from arbitration.models import Department, Duty, Matter, Territory
from arbitration.services.catalogue import duty_changed_signal_send

CN_DIGITS = "零一二三四五六七八九"
TERRITORIAL_LEADS = {"district", "street"}


def chinese_number(number: int) -> str:
    """1–99 in Chinese numerals, as clause numbers are printed (第十二项)."""
    tens, units = divmod(number, 10)
    if tens == 0:
        return CN_DIGITS[units]
    return f"{'' if tens == 1 else CN_DIGITS[tens]}十{CN_DIGITS[units] if units else ''}"


@dataclass
class MatterPlan:
    """Who holds one level-3 matter where, as department ids; read by the ticket generator."""

    matter_id: int
    code: str
    name: str
    situation: str
    family: str
    tier: str
    legal_type: bool
    city_leads: list[int] = field(default_factory=list)
    district_leads: dict[str, list[int]] = field(default_factory=dict)  # district code → ids
    street_leads: dict[str, list[int]] = field(default_factory=dict)  # street code → ids
    co_handlers: list[int] = field(default_factory=list)
    regulators: list[int] = field(default_factory=list)
    contested: bool = False  # a deliberate gap or overlap: where ping-pong starts

    def leads_for(self, street: str, district: str) -> list[int]:
        """The most specific leads for a place: street list, then district list, then the city-wide one."""
        return self.street_leads.get(street) or self.district_leads.get(district) or self.city_leads


@dataclass
class MatterSpec:
    """One parsed catalogue line (see catalogue.py for the options)."""

    code: str
    name: str
    situation: str
    family: str
    subfamily: str
    regulation: str
    options: dict[str, str]


def parse_options(text: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for word in text.split():
        key, _sep, value = word.partition("=")
        options[key] = value or "yes"
    return options


def matter_specs() -> list[MatterSpec]:
    specs = []
    for family_code, family_name, subfamilies in catalogue.FAMILIES:
        for sub_code, sub_name, defaults, regulation, lines in subfamilies:
            assert sub_code.startswith(family_code)
            for index, line in enumerate(lines, start=1):
                name, situation, own = line.split("|")
                options = parse_options(f"{defaults} {own}")
                specs.append(
                    MatterSpec(f"{sub_code}{index:02d}", name, situation, family_name, sub_name, regulation, options)
                )
    return specs


# --- territories -----------------------------------------------------------------------------------------
def build_territories(rng: random.Random) -> DemoCity:
    city_row = Territory(
        code=names.CITY_CODE, name=names.CITY_NAME, level=TerritoryLevel.CITY, path=f"/{names.CITY_CODE}/"
    )
    _bulk(Territory, [city_row])
    demo = DemoCity(city=city_row)
    taken: set[str] = set()
    districts = [
        Territory(code=f"{names.CITY_CODE[:4]}{suffix}", name=name, level=TerritoryLevel.DISTRICT, parent=city_row)
        for suffix, name, _kind, _streets in names.DISTRICTS
    ]
    demo.districts = _bulk_tree(Territory, districts)
    streets = []
    for district, (_suffix, _name, _kind, count) in zip(demo.districts, names.DISTRICTS, strict=True):
        for number, name in enumerate(names.unique_place_names(rng, count, names.STREET_SUFFIXES, taken), 1):
            streets.append(
                Territory(code=f"{district.code}{number:03d}", name=name, level=TerritoryLevel.STREET, parent=district)
            )
    demo.streets = _bulk_tree(Territory, streets)
    communities = []
    for street, count in zip(demo.streets, _community_counts(rng, len(demo.streets)), strict=True):
        for number, name in enumerate(names.unique_place_names(rng, count, names.COMMUNITY_SUFFIXES, taken), 1):
            communities.append(
                Territory(code=f"{street.code}{number:03d}", name=name, level=TerritoryLevel.COMMUNITY, parent=street)
            )
    demo.communities = _bulk_tree(Territory, communities)
    demo.territories = {t.code: t for t in [city_row, *demo.districts, *demo.streets, *demo.communities]}
    return demo


def _community_counts(rng: random.Random, streets: int, total: int = 500) -> list[int]:
    """Communities per street: about five each, some streets larger, exactly `total` in all."""
    counts = [total // streets] * streets
    for _ in range(streets):
        giver, taker = rng.randrange(streets), rng.randrange(streets)
        if counts[giver] > 3 and counts[taker] < 8:
            counts[giver] -= 1
            counts[taker] += 1
    return counts


def _bulk(model, rows: list) -> list:
    return bulk_create_with_history(rows, model, batch_size=1000, default_change_reason=DEMO_REASON)


def _bulk_tree(model, rows: list) -> list:
    """Bulk insert tree nodes whose parents exist: the materialised path is computed here, as save() would."""
    for row in rows:
        row.path = row.compute_path()
    _bulk(model, rows)
    # bulk_create_with_history gives ids back on PostgreSQL and SQLite alike; read them back by code anyway so
    # the objects are the same whichever backend is used.
    by_code = model.objects.in_bulk([row.code for row in rows], field_name="code")
    return [by_code[row.code] for row in rows]


# --- departments -----------------------------------------------------------------------------------------
def build_departments(demo: DemoCity) -> None:
    city_gov = Department(code="GOV", name="明州市人民政府", kind=DepartmentKind.OTHER, territory=demo.city)
    city_level = [city_gov]
    city_level += [
        Department(code=code, name=name, kind=DepartmentKind.BUREAU) for code, name, _s in departments.BUREAUS
    ]
    city_level += [
        Department(code=code, name=name, kind=DepartmentKind.UTILITY) for code, name, _s in departments.UTILITIES
    ]
    city_level += [
        Department(code=code, name=name, kind=DepartmentKind.OTHER) for code, name in departments.OTHER_BODIES
    ]
    _bulk(Department, city_level)
    demo.governments[demo.city.code] = city_gov
    _governments(demo, demo.districts, _district_government, parent_of=lambda t: city_gov)
    _governments(demo, demo.streets, _street_government, parent_of=lambda t: demo.governments[t.parent.code])
    _governments(demo, demo.communities, _community_government, parent_of=lambda t: demo.governments[t.parent.code])
    demo.departments = {d.code: d for d in Department.objects.all()}
    demo.governments = {code: demo.departments[dept.code] for code, dept in demo.governments.items()}


def _governments(demo: DemoCity, territories: list[Territory], make, parent_of) -> None:
    rows = [make(territory, parent_of(territory)) for territory in territories]
    _bulk(Department, rows)
    saved = Department.objects.in_bulk([row.code for row in rows], field_name="code")
    for territory, row in zip(territories, rows, strict=True):
        demo.governments[territory.code] = saved[row.code]


def _district_government(territory: Territory, parent: Department) -> Department:
    zone_name = names.ZONE_GOVERNMENT_NAMES.get(territory.name)
    kind = DepartmentKind.ZONE if zone_name else DepartmentKind.DISTRICT
    return Department(
        code=f"G{territory.code}",
        name=zone_name or f"{territory.name}人民政府",
        kind=kind,
        territory=territory,
        parent=parent,
    )


def _street_government(territory: Territory, parent: Department) -> Department:
    name = f"{territory.name}人民政府" if territory.name.endswith("镇") else f"{territory.name}办事处"
    return Department(
        code=f"G{territory.code}", name=name, kind=DepartmentKind.STREET, territory=territory, parent=parent
    )


def _community_government(territory: Territory, parent: Department) -> Department:
    suffix = "村民委员会" if territory.name.endswith("村") else "居民委员会"
    return Department(
        code=f"G{territory.code}",
        name=f"{territory.name}{suffix}",
        kind=DepartmentKind.COMMUNITY,
        territory=territory,
        parent=parent,
    )


# --- matters ---------------------------------------------------------------------------------------------
def build_matters(demo: DemoCity, specs: list[MatterSpec]) -> None:
    families = [Matter(code=code, name=name, level=1, path=f"/{code}/") for code, name, _subs in catalogue.FAMILIES]
    _bulk(Matter, families)
    family_rows = Matter.objects.in_bulk([m.code for m in families], field_name="code")
    subs = [
        Matter(code=sub[0], name=sub[1], level=2, parent=family_rows[code])
        for code, _name, subfamilies in catalogue.FAMILIES
        for sub in subfamilies
    ]
    subs = _bulk_tree(Matter, subs)
    sub_rows = {m.code: m for m in subs}
    leaves = [
        Matter(
            code=spec.code, name=spec.name, level=3, parent=sub_rows[spec.code[:4]], legal_type="legal" in spec.options
        )
        for spec in specs
    ]
    leaves = _bulk_tree(Matter, leaves)
    demo.matters = {m.code: m for m in [*family_rows.values(), *subs, *leaves]}
    demo.legal_matters = [m.code for m in leaves if m.legal_type]
    for code, _name, sectors in [*departments.BUREAUS, *departments.UTILITIES]:
        if sectors:
            department = demo.departments[code]
            department._change_reason = DEMO_REASON  # read by the m2m history of regulated_sectors
            department.regulated_sectors.set([demo.matters[sector] for sector in sectors])


def sector_regulators() -> dict[str, str]:
    """Matter code prefix (family or sub-family) → code of the bureau that regulates it."""
    return {sector: code for code, _name, sectors in departments.BUREAUS for sector in sectors}


def regulator_for(matter_code: str, regulators: dict[str, str]) -> str | None:
    return regulators.get(matter_code[:4]) or regulators.get(matter_code[:2])


# --- duties ----------------------------------------------------------------------------------------------
class CatalogueWriter:
    """Opens the demo's duties through the catalogue service and records them in the matter plans."""

    def __init__(self, demo: DemoCity, rng: random.Random, *, actor, valid_from: dt.datetime) -> None:
        self.demo, self.rng, self.actor, self.valid_from = demo, rng, actor, valid_from
        self.regulators = sector_regulators()
        self.pending: list[Duty] = []

    def open(self, department: Department, matter: Matter, territory: Territory, role: str, basis: str) -> None:
        self.pending.append(
            Duty(
                department=department,
                matter=matter,
                territory=territory,
                role=role,
                legal_basis=basis,
                source=DutySource.CATALOGUE,
                valid_from=self.valid_from,
            )
        )

    def flush(self) -> None:
        """Write the whole catalogue at once, with history, then move the graph's version once.

        `duty_open` per row costs ~20 ms here (validation queries, one graph-version bump each): 50 s for the
        demo's 2,500 duties. The rows are generated valid, so the bulk path writes exactly the same rows.
        """
        duties = bulk_create_with_history(
            self.pending, Duty, batch_size=1000, default_user=self.actor, default_change_reason=DEMO_REASON
        )
        if duties:
            duty_changed_signal_send(duties[-1])
        self.demo.duty_count += len(duties)
        self.pending = []

    # Legal basis texts, as a catalogue cites them: 三定 clause, duty-list item, regulation by name.
    def basis_bureau(self, department: Department, spec: MatterSpec) -> str:
        clause = chinese_number(self.rng.randint(1, departments.MANDATE_ITEMS))
        return (
            f"《{names.CITY_NAME}{department.name.removeprefix('市')}职能配置、内设机构和人员编制规定》"
            f"第三条第（{clause}）项；{department.name}权责清单第{self.rng.randint(1, 420)}项“{spec.name}”；"
            f"{spec.regulation}"
        )

    def basis_utility(self, department: Department, spec: MatterSpec) -> str:
        return (
            f"《{department.name}城市公用事业特许经营协议》第{chinese_number(self.rng.randint(3, 40))}条；"
            f"{spec.regulation}"
        )

    def basis_street(self, spec: MatterSpec, number: int) -> str:
        return (
            f"《{names.CITY_NAME}街道（乡镇）履行职责事项清单》第{number}项“{spec.name}”（属地管理事项，"
            f"依法赋权街道实施）；{spec.regulation}"
        )

    def basis_district(self, district: Territory, spec: MatterSpec) -> str:
        return f"《{district.name}属地管理事项清单》第{self.rng.randint(1, 160)}项“{spec.name}”；{spec.regulation}"

    def basis_zone(self, zone_government: Department, spec: MatterSpec) -> str:
        return (
            f"《{names.CITY_NAME}人民政府关于向{zone_government.name}委托行使部分市级管理权限的决定》"
            f"附件第{self.rng.randint(1, 90)}项“{spec.name}”"
        )

    def basis_co_handler(self, department: Department, spec: MatterSpec) -> str:
        return f"{department.name}权责清单第{self.rng.randint(1, 420)}项（配合事项）“{spec.name}”"

    def basis_regulator(self, department: Department, spec: MatterSpec) -> str:
        clause = chinese_number(self.rng.randint(1, departments.MANDATE_ITEMS))
        return (
            f"{department.name}三定方案第三条第（{clause}）项：负责{spec.family}（{spec.subfamily}）行业监督管理，"
            f"指导督促属地和企业履行职责；{spec.regulation}"
        )

    def lead_basis(self, department: Department, spec: MatterSpec) -> str:
        if department.kind == DepartmentKind.UTILITY:
            return self.basis_utility(department, spec)
        return self.basis_bureau(department, spec)


def build_catalogue(
    demo: DemoCity, specs: list[MatterSpec], rng: random.Random, *, actor, valid_from: dt.datetime
) -> list[MatterPlan]:
    """Open every duty of the demo catalogue and return the matters' plans, gaps and overlaps recorded."""
    writer = CatalogueWriter(demo, rng, actor=actor, valid_from=valid_from)
    street_item = iter(range(1, 10_000))  # the street-duty list numbers its items in order
    plans = [_matter_duties(writer, spec, street_item) for spec in specs]
    writer.flush()
    return plans


def _matter_duties(writer: CatalogueWriter, spec: MatterSpec, street_item) -> MatterPlan:
    demo, options = writer.demo, spec.options
    matter = demo.matters[spec.code]
    plan = MatterPlan(
        matter_id=matter.pk,
        code=spec.code,
        name=spec.name,
        situation=spec.situation,
        family=spec.family,
        tier=options.get("T", "5wd"),
        legal_type=matter.legal_type,
    )
    lead = options.get("L")
    if "gap" in options:
        demo.gaps.append((spec.code, demo.city.code))
        plan.contested = True
        return plan  # a hole in the catalogue: nobody holds the matter anywhere
    if "gap1" in options:
        lead = "district"
    if lead == "street":
        _street_leads(writer, spec, matter, plan, next(street_item))
    elif lead == "district":
        _district_leads(
            writer,
            spec,
            matter,
            plan,
            skip=names.CITY_CODE[:4] + catalogue.GAP_DISTRICT_SUFFIX if "gap1" in options else None,
        )
    else:
        _city_leads(writer, spec, matter, plan, [lead, options.get("O")])
    if "zone" in options:
        _zone_leads(writer, spec, matter, plan)
    if "Od" in options:
        _district_overlap(writer, spec, matter, plan)
    _helpers(writer, spec, matter, plan, lead)
    return plan


def _city_leads(writer: CatalogueWriter, spec, matter, plan: MatterPlan, codes: list[str | None]) -> None:
    demo = writer.demo
    for code in filter(None, codes):
        department = demo.departments[code]
        writer.open(department, matter, demo.city, DutyRole.LEAD, writer.lead_basis(department, spec))
        plan.city_leads.append(department.pk)
    if len(plan.city_leads) > 1:  # an `O=` option: two departments both cite their own lists
        demo.overlaps.append((spec.code, demo.city.code, [c for c in codes if c]))
        plan.contested = True


def _street_leads(writer: CatalogueWriter, spec, matter, plan: MatterPlan, number: int) -> None:
    for street in writer.demo.streets:
        government = writer.demo.governments[street.code]
        writer.open(government, matter, street, DutyRole.LEAD, writer.basis_street(spec, number))
        plan.street_leads[street.code] = [government.pk]


def _district_leads(writer: CatalogueWriter, spec, matter, plan: MatterPlan, skip: str | None) -> None:
    for district in writer.demo.districts:
        if district.code == skip:
            writer.demo.gaps.append((spec.code, district.code))
            plan.contested = True
            continue
        government = writer.demo.governments[district.code]
        writer.open(government, matter, district, DutyRole.LEAD, writer.basis_district(district, spec))
        plan.district_leads[district.code] = [government.pk]


def _zone_leads(writer: CatalogueWriter, spec, matter, plan: MatterPlan) -> None:
    for district in writer.demo.districts:
        government = writer.demo.governments[district.code]
        if government.kind == DepartmentKind.ZONE:
            writer.open(government, matter, district, DutyRole.LEAD, writer.basis_zone(government, spec))
            plan.district_leads[district.code] = [government.pk]


def _district_overlap(writer: CatalogueWriter, spec, matter, plan: MatterPlan) -> None:
    """The district's own list gives the matter to its government, while the city lead also holds it there."""
    demo = writer.demo
    district = demo.territories[names.CITY_CODE[:4] + catalogue.OVERLAP_DISTRICT_SUFFIX]
    government = demo.governments[district.code]
    writer.open(government, matter, district, DutyRole.LEAD, writer.basis_district(district, spec))
    city_lead = Department.objects.get(pk=plan.city_leads[0])
    item = writer.rng.randint(1, 160)
    basis = f"《{district.name}属地管理事项清单》第{item}项“{spec.name}”（责任单位：{city_lead.name}）"
    writer.open(city_lead, matter, district, DutyRole.LEAD, basis)
    plan.district_leads[district.code] = [government.pk, city_lead.pk]
    demo.overlaps.append((spec.code, district.code, [government.code, city_lead.code]))
    plan.contested = True


def _helpers(writer: CatalogueWriter, spec, matter, plan: MatterPlan, lead: str | None) -> None:
    """Co-handlers and the regulator copied; the sector regulator is copied when a territory or utility leads."""
    demo, options = writer.demo, spec.options
    if "C" in options:
        department = demo.departments[options["C"]]
        writer.open(department, matter, demo.city, DutyRole.CO_HANDLER, writer.basis_co_handler(department, spec))
        plan.co_handlers.append(department.pk)
    regulator = options.get("R")
    utility_lead = lead in demo.departments and demo.departments[lead].kind == DepartmentKind.UTILITY
    if regulator is None and (lead in TERRITORIAL_LEADS or utility_lead):
        regulator = regulator_for(spec.code, writer.regulators)
    if regulator and regulator != lead:
        department = demo.departments[regulator]
        writer.open(department, matter, demo.city, DutyRole.REGULATOR, writer.basis_regulator(department, spec))
        plan.regulators.append(department.pk)
