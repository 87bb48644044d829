"""A planned serializer (arbitration.api.output) writes exactly what DRF's own Serializer.to_representation writes,
for objects and mappings, in any time zone, with the field's own rules for what is missing; fields that would need
the request's context are refused when the plan is made."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from rest_framework import serializers

from arbitration.api.output import PlannedOutput

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Code(PlannedOutput, serializers.Serializer):
    code = serializers.CharField()
    since = serializers.DateTimeField(allow_null=True)


class Sample(PlannedOutput, serializers.Serializer):
    text = serializers.CharField()
    number = serializers.IntegerField()
    flag = serializers.BooleanField()
    at = serializers.DateTimeField()
    year = serializers.DateTimeField(source="at", format="%Y")
    day = serializers.DateField()
    kind = serializers.ChoiceField(choices=[("a", "Ａ"), ("b", "Ｂ")])
    amount = serializers.DecimalField(max_digits=6, decimal_places=2)
    code = Code()
    codes = Code(many=True)
    code_name = serializers.CharField(source="code.code")
    shout = serializers.CharField(help_text="A method of the object, called.")
    absent_with_default = serializers.CharField(source="code.absent", default="—")
    absent_allowed = serializers.CharField(source="absent", required=False)
    nothing = serializers.CharField(allow_null=True)


class Thing:
    def __init__(self, **values):
        self.__dict__.update(values)

    def shout(self) -> str:
        return self.text.upper()


def values(at: dt.datetime) -> dict:
    code = Thing(code="CGJ", since=at)
    return {
        "text": "占道", "number": 7, "flag": True, "at": at, "day": at.date(), "kind": "b", "amount": "12.5",
        "code": code, "codes": [code, Thing(code="ZJJ", since=None)], "nothing": None,
    }  # fmt: skip


def drf(serializer: serializers.Serializer, instance) -> dict:
    return serializers.Serializer.to_representation(serializer, instance)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_an_object_is_written_as_drf_writes_it_in_the_current_time_zone(zone):
    instance = Thing(**values(dt.datetime(2026, 3, 2, 9, 30, 15, 250, tzinfo=SHANGHAI)))
    with timezone.override(zone):
        planned = Sample().to_representation(instance)
        assert planned == drf(Sample(), instance)
        assert list(planned) == list(drf(Sample(), instance))
    assert planned["shout"] == "占道" and planned["absent_with_default"] == "—" and "absent_allowed" not in planned
    assert planned["at"] == ("2026-03-02T09:30:15.000250+08:00" if zone != "UTC" else "2026-03-02T01:30:15.000250Z")


def test_a_mapping_is_read_by_key_as_drf_reads_it():
    mapping = {**values(dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)), "shout": "喊"}
    mapping["code"] = {"code": "CGJ", "since": None}
    assert Sample().to_representation(mapping) == drf(Sample(), mapping)


def test_many_instances_are_written_alike():
    instances = [Thing(**values(dt.datetime(2026, 3, day, tzinfo=SHANGHAI))) for day in (1, 2)]
    planned = Sample(instances, many=True).data
    assert planned == [drf(Sample(), instance) for instance in instances]


def test_a_field_that_reads_the_context_is_refused_when_the_plan_is_made():
    class Reads(PlannedOutput, serializers.Serializer):
        notice = serializers.SerializerMethodField()

    class Nests(PlannedOutput, serializers.Serializer):
        code = serializers.Serializer()  # a nested serializer that is not planned

    class Defaults(PlannedOutput, serializers.Serializer):
        who = serializers.CharField(default=serializers.CurrentUserDefault())  # the request's user

    for refused in (Reads, Nests, Defaults):
        with pytest.raises(ImproperlyConfigured):
            refused.plan()
