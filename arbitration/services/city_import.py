"""Importing the city's reference data: territories, departments, matters and duties (`manage.py import_city`).

Rows are upserted by code with history; duties go through the catalogue service, so an edit closes the old row
and opens a new one. A bad row is refused alone, named by file kind, line and field; the good rows are written
(docs/hardening.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from arbitration.choices import (
    DepartmentKind,
    DutyRole,
    DutySource,
    TerritoryLevel,
)
from arbitration.errors import DomainError, InvalidInput, UnknownCode
from arbitration.history import attribute, save_attributed
from arbitration.models import Department, Duty, Matter, Territory
from arbitration.services.catalogue import duty_open, duty_revise
from arbitration.validation import long_text_limit, moment_check, text_check

TERRITORY_LEVELS = {"city": 1, "市": 1, "district": 2, "区": 2, "县": 2, "区县": 2, "street": 3, "街道": 3,
                    "乡镇": 3, "镇": 3, "community": 4, "社区": 4, "村": 4, "村社区": 4}  # fmt: skip
DEPARTMENT_KINDS = {"市直部门": "bureau", "区县": "district", "开发区": "zone", "街道": "street", "乡镇街道": "street",
                    "社区": "community", "村社区": "community", "公服企业": "utility", "其他": "other"}  # fmt: skip
DUTY_ROLES = {"主办": "lead", "协办": "co_handler", "监管": "regulator", "抄送": "regulator"}
DUTY_SOURCES = {"权责清单": "catalogue", "认定": "ruling", "裁定": "ruling", "领导签批": "leader_decision"}


@dataclass
class CityImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    refused: list[CityRowError] = field(default_factory=list)

    def add(self, kind: str, outcome: str) -> None:
        counter = getattr(self, outcome)
        counter[kind] = counter.get(kind, 0) + 1


class CityRowError(InvalidInput):
    """A bad row of a city file, named by file kind, line and field; the import goes on without it."""

    code, message = "invalid_city_row", _("{kind}, line {line}: {error}")


@contextmanager
def _row(kind: str, line: int, result: CityImportResult) -> Iterator[None]:
    """One row in its own savepoint: a refusal anywhere inside rolls back that row alone and is recorded as a
    `CityRowError` naming the file kind, the line and the field (docs/hardening.md)."""
    try:
        with transaction.atomic():
            yield
    except KeyError as missing:
        result.refused.append(CityRowError(kind=kind, line=line, field=str(missing).strip("'"),
                                           error=f"missing column {missing}"))  # fmt: skip
    except ValidationError as refused:
        name = next(iter(refused.message_dict), "") if hasattr(refused, "error_dict") else ""
        result.refused.append(CityRowError(kind=kind, line=line, field=name, error="; ".join(refused.messages)))
    except DomainError as refused:
        result.refused.append(CityRowError(kind=kind, line=line, field=refused.details.get("field", ""),
                                           error=str(refused)))  # fmt: skip
    except (ValueError, DatabaseError) as refused:  # a value the parser let through and the database refused
        result.refused.append(CityRowError(kind=kind, line=line, field="", error=type(refused).__name__))


def _cells_check(row: dict, model: type[models.Model]) -> None:
    """Text cells hold no control characters and fit their column (or the long-text limit)."""
    limits = {f.name: f.max_length for f in model._meta.concrete_fields if getattr(f, "max_length", None)}
    for name, value in row.items():
        if isinstance(value, str):
            text_check(str(name), value)
            limit = limits.get(name) or long_text_limit()
            if len(value.strip()) > limit:
                reason = format_lazy(_("longer than {limit} characters"), limit=limit)
                raise InvalidInput(field=name, reason=reason)


def _choice(aliases: dict[str, str], valid: Iterable, field_name: str, value: Any) -> str:
    text = str(value if value is not None else "").strip()
    code = str(aliases.get(text, text.lower()))
    if code not in {str(v) for v in valid}:
        raise InvalidInput(field=field_name, reason=_("not a known value"))
    return code


def _in_parent_order(kind: str, rows: list[tuple[int, dict]], known: set[str],
                     result: CityImportResult) -> list[tuple[int, dict]]:  # fmt: skip
    """Rows sorted so every parent comes before its children (a file may list them in any order); rows whose
    parent is nowhere are refused."""
    ordered, pending, placed = [], list(rows), set(known)
    while pending:
        ready = [(line, row) for line, row in pending if not row.get("parent") or str(row["parent"]) in placed]
        if not ready:
            for line, row in pending:
                unknown = UnknownCode(field="parent", value=row["parent"])
                result.refused.append(CityRowError(kind=kind, line=line, field="parent", error=str(unknown)))
            break
        ordered += ready
        placed.update(str(row.get("code")) for _line, row in ready)
        ready_lines = {line for line, _row in ready}
        pending = [(line, row) for line, row in pending if line not in ready_lines]
    return ordered


def _upsert(instance: models.Model, values: dict[str, Any], *, actor, reason: str,
            related: dict[str, models.Model | None] | None = None) -> str:  # fmt: skip
    """Save `values` on `instance` with history when something differs; returns the outcome's name.

    `related` gives the objects behind changed foreign keys, so that a tree node computes its path
    without fetching its parent again.
    """
    created = instance.pk is None
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not created and not changed:
        return "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    for name, obj in (related or {}).items():
        setattr(instance, name, obj)
    instance.full_clean(exclude=["path"], validate_unique=created)
    save_attributed(instance, actor=actor, reason=reason, update_fields=None if created else changed)
    return "created" if created else "updated"


def _bool(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "y", "是", "t"}


def _tree_import(model: type[Territory] | type[Matter], kind: str, rows: list[tuple[int, dict]], *, actor,
                 reason: str, result: CityImportResult) -> None:  # fmt: skip
    """Territories and matters: trees of codes with a materialised path."""
    by_code = {node.code: node for node in model.objects.all()}
    for line, row in _in_parent_order(kind, rows, set(by_code), result):
        with _row(kind, line, result):
            _cells_check(row, model)
            code = str(row["code"]).strip()
            parent = _parent(by_code, row)
            values = {"name": str(row["name"]).strip(), "parent_id": parent.pk if parent else None}
            if model is Territory:
                values["level"] = int(_choice(TERRITORY_LEVELS, TerritoryLevel.values, "level", row.get("level")))
            else:
                values["level"] = parent.level + 1 if parent else 1
                if values["level"] > 3:
                    raise InvalidInput(field="parent", reason=_("the matter tree has three levels"))
                values["legal_type"] = _bool(row.get("legal_type"), False)
            node = by_code.get(code) or model(code=code)
            old_path = node.path or None
            result.add(kind, _upsert(node, values, actor=actor, reason=reason, related={"parent": parent}))
            by_code[code] = node
            if old_path is not None and node.path != old_path:
                _paths_refresh(model, old_path, actor=actor, reason=reason)


def _paths_refresh(model: type[models.Model], old_path: str, *, actor, reason: str) -> None:
    """A node moved to another parent: its descendants' materialised paths follow, parents first."""
    descendants = model.objects.filter(path__startswith=old_path).exclude(path=old_path)
    for node in sorted(descendants, key=lambda node: node.path.count("/")):
        node.parent = model.objects.get(pk=node.parent_id)
        save_attributed(node, actor=actor, reason=reason, update_fields=["path"])


def departments_import(rows: list[tuple[int, dict]], *, actor, reason: str, result: CityImportResult) -> None:
    by_code = {d.code: d for d in Department.objects.all()}
    territories = dict(Territory.objects.values_list("code", "id"))
    matters = dict(Matter.objects.values_list("code", "id"))
    for line, row in _in_parent_order("departments", rows, set(by_code), result):
        with _row("departments", line, result):
            _cells_check(row, Department)
            territory_code = str(row.get("territory") or "").strip()
            if territory_code and territory_code not in territories:
                raise UnknownCode(field="territory", value=territory_code)
            values = {
                "name": str(row["name"]).strip(),
                "kind": _choice(DEPARTMENT_KINDS, DepartmentKind.values, "kind", row.get("kind")),
                "parent_id": getattr(_parent(by_code, row), "pk", None),
                "territory_id": territories[territory_code] if territory_code else None,
                "is_active": _bool(row.get("is_active"), True),
            }
            code = str(row["code"]).strip()
            department = by_code.get(code) or Department(code=code)
            outcome = _upsert(department, values, actor=actor, reason=reason)
            by_code[code] = department
            if _sectors_set(department, row.get("regulated_sectors") or "", matters, actor=actor, reason=reason):
                outcome = "updated" if outcome == "unchanged" else outcome
            result.add("departments", outcome)


def _sectors_set(department: Department, text: str | list, matters: dict[str, int], *, actor, reason: str) -> bool:
    """双向联办: the matter families a department regulates ("01|02" in CSV, a list in JSON)."""
    codes = text if isinstance(text, list) else [c.strip() for c in text.replace(";", "|").split("|") if c.strip()]
    unknown = [code for code in codes if code not in matters]
    if unknown:
        raise UnknownCode(field="regulated_sectors", value=unknown[0])
    wanted = {matters[code] for code in codes}
    if set(department.regulated_sectors.values_list("id", flat=True)) == wanted:
        return False
    attribute(department, actor=actor, reason=reason)  # read by simple-history's m2m tracking
    department.regulated_sectors.set(wanted)
    return True


def duties_import(rows: list[tuple[int, dict]], *, actor, reason: str, result: CityImportResult) -> None:
    """Catalogue rows are never overwritten: a changed basis or source closes the current duty, opens a new one."""
    departments = dict(Department.objects.values_list("code", "id"))
    matters = dict(Matter.objects.values_list("code", "id"))
    territories = dict(Territory.objects.values_list("code", "id"))
    current = {(d.department_id, d.matter_id, d.territory_id, d.role): d for d in Duty.objects.current()}
    for line, row in rows:
        with _row("duties", line, result):
            _cells_check(row, Duty)
            key = (
                _code(departments, "department", row), _code(matters, "matter", row),
                _code(territories, "territory", row),
                _choice(DUTY_ROLES, DutyRole.values, "role", row.get("role") or "lead"),
            )  # fmt: skip
            values = {
                "legal_basis": str(row.get("legal_basis") or "").strip(),
                "source": _choice(DUTY_SOURCES, DutySource.values, "source", row.get("source") or "catalogue"),
                "source_reference": str(row.get("source_reference") or "").strip(),
            }
            duty = current.get(key)
            if duty is not None and all(getattr(duty, name) == value for name, value in values.items()):
                result.add("duties", "unchanged")
            elif duty is not None:
                current[key] = duty_revise(duty_id=duty.pk, actor=actor, reason=reason, **values)
                result.add("duties", "updated")
            else:
                valid_from = str(row.get("valid_from") or "").strip()
                current[key] = duty_open(
                    actor=actor, reason=reason, department_id=key[0], matter_id=key[1], territory_id=key[2],
                    role=key[3], valid_from=_aware(valid_from) if valid_from else None, **values,
                )  # fmt: skip
                result.add("duties", "created")


def _parent(by_code: dict[str, models.Model], row: dict) -> models.Model | None:
    """The row's parent, already stored (a parent whose own row was refused is unknown to its children)."""
    code = str(row.get("parent") or "")
    if not code:
        return None
    if code not in by_code:
        raise UnknownCode(field="parent", value=code)
    return by_code[code]


def _code(known: dict[str, int], name: str, row: dict) -> int:
    code = str(row.get(name) or "").strip()
    if code not in known:
        raise UnknownCode(field=name, value=code)
    return known[code]


def _aware(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field="valid_from", reason=_("not a date and time in ISO 8601 form")) from None
    moment_check("valid_from", moment)
    return moment if moment.tzinfo else timezone.make_aware(moment)


@transaction.atomic
def city_import(*, territories: list, matters: list, departments: list, duties: list, actor,
                reason: str) -> CityImportResult:  # fmt: skip
    """Import the city in dependency order. Each row commits or fails alone (a savepoint); refused rows are in
    `result.refused` and rows that need them (children, duties of a refused department) are refused in turn."""
    result = CityImportResult()
    _tree_import(Territory, "territories", territories, actor=actor, reason=reason, result=result)
    _tree_import(Matter, "matters", matters, actor=actor, reason=reason, result=result)
    departments_import(departments, actor=actor, reason=reason, result=result)
    duties_import(duties, actor=actor, reason=reason, result=result)
    return result
