"""Read-only serializers that write their JSON from a plan made once per class (docs/scale.md, "The API").

DRF builds a serializer's fields anew for every request (a ModelSerializer reads its model to do it), then for each
row and each field calls the field's get_attribute and to_representation, and each datetime looks up the current
time zone. For a page of 50 tickets with their assignments that was most of the request's Python. A serializer
made with `PlannedOutput` binds its fields once per class and turns each into a column: where its value is read and
how it is written. A column writes what DRF would: it takes a shortcut only where DRF's own code comes to the same
result (attributes read in turn, str() for a CharField, ISO 8601 for a datetime in the time zone looked up once per
object), and hands anything else to the field itself.

Fields bound once per class never see a request's context, so a plan takes only fields that never read it: DRF's
value fields, StringRelatedField, and nested serializers that are planned too. Anything else (a
SerializerMethodField, a hyperlinked field) is refused when the plan is made. A serializer that needs the context
reads it in its own `to_representation` around the plan's, as the ticket serializers do for personal data.

The same columns can be written from rows of `.values()` instead of objects (`PlannedOutput.row_plan`, RowPlan): a
list that reads its page as plain rows builds no model and still writes each item as its serializer does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

# The fields whose output depends on the value alone, never on the serializer's context.
CONTEXT_FREE = (
    fields.BooleanField, fields.CharField, fields.ChoiceField, fields.DateField, fields.DateTimeField,
    fields.DecimalField, fields.FloatField, fields.IntegerField, fields.JSONField, fields.ReadOnlyField,
    relations.StringRelatedField,
)  # fmt: skip
# DRF's own to_representation of these, and what they come to.
PLAIN_WRITERS = {
    fields.CharField.to_representation: str,
    relations.StringRelatedField.to_representation: str,
    fields.IntegerField.to_representation: int,
    fields.ReadOnlyField.to_representation: lambda value: value,
}

Convert = Callable[[Any], Any]  # value -> JSON, for a column that needs no time zone
Write = Callable[[Any, dt.tzinfo | None], Any]  # (value, the current time zone) -> JSON


@dataclass(frozen=True)
class Plan:
    # name, field, attribute getter (None: the field reads), and how a value is written: convert or write, one of them
    columns: tuple[tuple[str, fields.Field, Callable | None, Convert | None, Write | None], ...]
    uses_time_zone: bool  # some column, here or nested, writes a datetime

    def write(self, instance, tz: dt.tzinfo | None) -> dict:
        """What DRF's Serializer.to_representation returns for `instance`.

        A page of 50 tickets runs this loop's body some 2,500 times, so it calls as little as it can: an attribute
        is read and converted inline, and the field is asked only where DRF's own way is needed (below)."""
        row = {}
        by_field = isinstance(instance, Mapping)  # DRF reads keys of a mapping: its fields do that
        for name, field, getter, convert, write in self.columns:
            try:
                if by_field or getter is None:
                    value = field.get_attribute(instance)
                    if isinstance(value, PKOnlyObject) and value.pk is None:
                        value = None  # a related object's key alone, and no related object
                else:
                    # DRF's get_attribute for an object's attribute, or attributes in turn (`source="department.name"`).
                    # A missing attribute, a related object that does not exist, a method to call: the field reads it
                    # again, DRF's way.
                    try:
                        value = getter(instance)
                    except Exception:
                        value = field.get_attribute(instance)
                    else:
                        if callable(value):
                            value = field.get_attribute(instance)
            except SkipField:
                continue
            if value is None:
                row[name] = None
            elif convert is not None:
                row[name] = convert(value)
            else:
                row[name] = write(value, tz)
        return row


@dataclass(frozen=True)
class RowPlan:
    """The same columns written from a row of `.values()` rather than an object (docs/scale.md, "The API").

    A column's value is the row's key named as `.values()` names its source: `matter.code` is `matter__code`. A
    nested object is None where the row's key of the relation itself (`matter`, its id) is None, else written from
    the same row under its prefix; a nested list is the list of rows the caller put under the list's source
    (`active_assignments`); a StringRelatedField's value is the related object's text, put there by the caller."""

    # name, key, and how a value is written: convert, write, or (a nested object) its plan on the same row
    columns: tuple[tuple[str, str, Convert | None, Write | None, RowPlan | None], ...]
    uses_time_zone: bool

    def write(self, row: Mapping, tz: dt.tzinfo | None) -> dict:
        """What `Plan.write` writes for the object the row was read from."""
        data = {}
        for name, key, convert, write, nested in self.columns:
            value = row[key]
            if value is None:
                data[name] = None
            elif convert is not None:
                data[name] = convert(value)
            elif nested is not None:
                data[name] = nested.write(row, tz)
            else:
                data[name] = write(value, tz)
        return data


# Put first in a read-only serializer's bases: it writes its JSON from its class's plan (see above). No docstring:
# drf-spectacular would take it as the description of every serializer without one of its own.
class PlannedOutput:
    @classmethod
    def plan(cls) -> Plan:
        plan = cls.__dict__.get("_plan")  # each class its own, never a parent's
        if plan is None:
            plan = cls._plan = _plan_of(cls())
        return plan

    @classmethod
    def row_plan(cls, prefix: str = "") -> RowPlan:
        """The plan's columns read from rows of `.values()` (RowPlan), their keys under `prefix` ("matter__")."""
        plans = cls.__dict__.get("_row_plans")
        if plans is None:
            plans = cls._row_plans = {}
        plan = plans.get(prefix)
        if plan is None:
            plan = plans[prefix] = _row_plan_of(cls(), cls.plan(), prefix)
        return plan

    def to_representation(self, instance) -> dict:
        plan = self.plan()
        return plan.write(instance, current_timezone() if plan.uses_time_zone else None)


def current_timezone() -> dt.tzinfo | None:
    """The zone DRF's DateTimeField writes in (its `default_timezone`)."""
    return timezone.get_current_timezone() if settings.USE_TZ else None


def _plan_of(serializer: serializers.BaseSerializer) -> Plan:
    columns, uses_time_zone = [], False
    for field in serializer._readable_fields:
        convert, write, field_uses_time_zone = _writer(serializer, field)
        plain_read = type(field).get_attribute in (fields.Field.get_attribute, relations.RelatedField.get_attribute)
        if not field.source_attrs or getattr(field, "use_pk_only_optimization", lambda: False)():
            plain_read = False  # the object itself (source="*"), or a related object's key alone: the field's way
        getter = attrgetter(".".join(field.source_attrs)) if plain_read else None
        columns.append((field.field_name, field, getter, convert, write))
        uses_time_zone |= field_uses_time_zone
    return Plan(tuple(columns), uses_time_zone)


def _row_plan_of(serializer: serializers.BaseSerializer, plan: Plan, prefix: str) -> RowPlan:
    columns = []
    for name, field, _getter, convert, write in plan.columns:
        if not field.source_attrs:
            _refuse(serializer, field, "a row has no object to read as a whole (source='*')")
        key = prefix + "__".join(field.source_attrs)
        nested = None
        if isinstance(field, serializers.ListSerializer):
            child = type(field.child).row_plan()  # its rows are the caller's, each with its own keys
            write = partial(_write_rows, child)
        elif isinstance(field, serializers.BaseSerializer):
            nested, convert, write = type(field).row_plan(key + "__"), None, None
        columns.append((name, key, convert, write, nested))
    return RowPlan(tuple(columns), plan.uses_time_zone)


def _write_rows(child: RowPlan, rows, tz: dt.tzinfo | None) -> list:
    return [child.write(row, tz) for row in rows]


def _writer(serializer, field: fields.Field) -> tuple[Convert | None, Write | None, bool]:
    """How the column writes a value that is not None: (convert, None) when the value alone decides, (None, write)
    when the time zone may; and whether it needs the time zone."""
    if isinstance(field, serializers.ListSerializer):
        if type(field).to_representation is not serializers.ListSerializer.to_representation:
            _refuse(serializer, field, "a list serializer of its own")
        child = _nested_plan(serializer, field.child)
        return None, partial(_write_list, child), child.uses_time_zone
    if isinstance(field, serializers.BaseSerializer):
        nested = _nested_plan(serializer, field)
        return None, nested.write, nested.uses_time_zone
    if not isinstance(field, CONTEXT_FREE) or getattr(field.default, "requires_context", False):
        _refuse(serializer, field, f"{type(field).__name__} may read the serializer's context")
    if _writes_iso_datetime(field):
        return None, partial(_write_datetime, field), True
    return PLAIN_WRITERS.get(type(field).to_representation, field.to_representation), None, False


def _nested_plan(serializer, nested: serializers.BaseSerializer) -> Plan:
    if type(nested).to_representation is not PlannedOutput.to_representation:
        _refuse(serializer, nested, "a nested serializer is planned too, without a to_representation of its own")
    return type(nested).plan()


def _refuse(serializer, field: fields.Field, why: str):
    raise ImproperlyConfigured(f"{type(serializer).__name__}.{field.field_name or field.parent.field_name}: {why}")


def _write_list(child: Plan, value, tz: dt.tzinfo | None) -> list:
    items = value.all() if isinstance(value, BaseManager) else value  # as DRF's ListSerializer
    return [child.write(item, tz) for item in items]


def _writes_iso_datetime(field: fields.Field) -> bool:
    """A DateTimeField that writes ISO 8601 in the current time zone, DRF's default (DATETIME_FORMAT is read when the
    plan is made, not on every request as DRF reads it)."""
    kind = type(field)
    return (
        isinstance(field, fields.DateTimeField)
        and kind.to_representation is fields.DateTimeField.to_representation
        and kind.enforce_timezone is fields.DateTimeField.enforce_timezone
        and kind.default_timezone is fields.DateTimeField.default_timezone
        and not hasattr(field, "format")
        and not hasattr(field, "timezone")
        and str(api_settings.DATETIME_FORMAT).lower() == fields.ISO_8601
    )


def _write_datetime(field: fields.DateTimeField, value, tz: dt.tzinfo | None):
    """DRF's DateTimeField.to_representation for an aware datetime, with the zone looked up once per object."""
    if tz is None or type(value) is not dt.datetime or value.utcoffset() is None:
        return field.to_representation(value)
    try:
        text = value.astimezone(tz).isoformat()
    except OverflowError:
        return field.to_representation(value)  # DRF's error
    return text[:-6] + "Z" if text.endswith("+00:00") else text
