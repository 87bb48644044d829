"""The one parser from a hotline-platform payload (a JSON object or a CSV row) to a `TicketIntake`, and from an
event of the platform to a `PlatformEvent` (`event_payload_parse`, docs/platform-events.md).

The API (`POST /api/v1/tickets/`, `POST /api/v1/tickets/{hotline_no}/events/`) and `manage.py import_tickets`
both come through these parsers, so a row the API refuses is refused by the import for the same reason, with the
same message.

Payload fields (the public contract; keep them stable):
    hotline_no, received_at, dispatched_at, channel, request_type, matter, territory, address, title,
    content, citizen_name, citizen_phone, confidential, time_limit, status, resolution, satisfaction,
    result, dispatched_to

Rules: `matter`, `territory`, `dispatched_to` (a department) and `time_limit` (a tier) are codes; enum fields
take their code ("complaint") or their Chinese label ("投诉"); times are ISO 8601, naive ones are city time
(Asia/Shanghai). Optional fields that are missing or empty leave the stored value alone on an update, except
the free-text and result fields, which an explicit empty value clears. Unknown payload keys are ignored so
that the platform may send more than we read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from arbitration.choices import (
    PLATFORM_EVENT_KINDS,
    Channel,
    RequestType,
    Resolution,
    Satisfaction,
    TicketEventKind,
    TicketStatus,
)
from arbitration.errors import InvalidInput, UnknownCode
from arbitration.models import Department, Matter, Territory, Ticket, TimeLimitTier
from arbitration.services.platform_events import PlatformEvent
from arbitration.services.tickets import TicketIntake
from arbitration.validation import long_text_limit, moment_check, text_check

PAYLOAD_FIELDS = (
    "hotline_no", "received_at", "dispatched_at", "channel", "request_type", "matter", "territory", "address",
    "title", "content", "citizen_name", "citizen_phone", "confidential", "time_limit", "status", "resolution",
    "satisfaction", "result", "dispatched_to",
)  # fmt: skip
REQUIRED_FIELDS = ("hotline_no", "received_at", "request_type", "matter", "territory", "title", "content")

# Chinese words the platform and spreadsheets use for our enum codes, beside the labels of the catalogue.
CHINESE_ALIASES: dict[type[models.TextChoices], dict[str, str]] = {
    RequestType: {"咨询": "enquiry", "求助": "help", "投诉": "complaint", "举报": "report", "建议": "suggestion"},
    Channel: {"电话": "phone", "热线电话": "phone", "网站": "web", "网络": "web", "app": "app", "手机app": "app",
              "小程序": "mini_program", "微信小程序": "mini_program", "信件": "letter", "来信": "letter",
              "省平台": "provincial", "12345省级平台": "provincial", "省级平台": "provincial"},
    TicketStatus: {"已受理": "received", "受理": "received", "待派单": "received", "已派单": "dispatched",
                   "派单": "dispatched", "办理中": "handling", "已答复": "replied", "答复": "replied",
                   "已办结": "closed", "办结": "closed"},
    Resolution: {"解决": "resolved", "已解决": "resolved", "部分解决": "partly", "未解决": "unresolved"},
    Satisfaction: {"满意": "satisfied", "基本满意": "basically", "不满意": "dissatisfied", "未评价": "not_rated"},
    TicketEventKind: {"签收": "signed", "首次响应": "first_response", "首次联系": "first_response",
                      "答复": "replied", "办结": "replied", "回复": "replied", "回访": "visited", "重办": "rehandled",
                      "催单": "reminded", "催办": "reminded", "补单": "supplemented", "补充": "supplemented",
                      "撤单": "withdrawn", "撤销": "withdrawn"},
}  # fmt: skip

TRUE_WORDS = frozenset({"true", "1", "yes", "y", "是", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "否", "f"})

HOTLINE_NO = re.compile(r"^[\w.-]+$")
EVENT_ID = re.compile(r"^[\w.:-]{1,64}$")
PHONE = re.compile(
    r"^(?:(?:\+?86)?1[3-9]\d{9}"  # mobile
    r"|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?"  # landline with area code (and extension)
    r"|\d{7,8})$"  # local landline
)
SHANGHAI = ZoneInfo("Asia/Shanghai")
_ABSENT = object()
_MAX_LENGTH = {f.name: f.max_length for f in Ticket._meta.concrete_fields if getattr(f, "max_length", None)}


@cache
def _enum_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every accepted spelling (code, English label, zh-Hans label, alias), lower-cased → code."""
    lookup = {value.lower(): value for value in choices.values}
    for value, label in choices.choices:
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    lookup.update({word.lower(): code for word, code in CHINESE_ALIASES.get(choices, {}).items()})
    return lookup


@dataclass
class CodeBook:
    """Code → id for matters, territories, active departments and tiers, cached for one run or request.

    `CodeBook.load()` reads everything in four queries (imports); `CodeBook()` looks codes up one at a
    time as they appear and remembers them (one API request).
    """

    complete: bool = False
    codes: dict[str, dict[str, int]] = field(
        default_factory=lambda: {"matter": {}, "territory": {}, "dispatched_to": {}, "time_limit": {}}
    )

    SOURCES = {
        "matter": lambda: Matter.objects.all(),
        "territory": lambda: Territory.objects.all(),
        "dispatched_to": lambda: Department.objects.filter(is_active=True),  # dispatch needs an active unit
        "time_limit": lambda: TimeLimitTier.objects.all(),
    }

    @classmethod
    def load(cls) -> CodeBook:
        book = cls(complete=True)
        for kind, source in cls.SOURCES.items():
            book.codes[kind] = dict(source().values_list("code", "id"))
        return book

    def resolve(self, kind: str, code: str) -> int:
        known = self.codes[kind]
        if code not in known and not self.complete:
            found = self.SOURCES[kind]().filter(code=code).values_list("id", flat=True).first()
            if found is not None:
                known[code] = found
        if code not in known:
            raise UnknownCode(field=kind, value=code)
        return known[code]

    def enum(self, name: str, choices: type[models.TextChoices], value: str) -> str:
        code = _enum_lookup(choices).get(value.lower())
        if code is None:
            raise InvalidInput(
                field=name, reason=format_lazy(_("not one of {choices}"), choices=", ".join(choices.values))
            )
        return code


def _text(payload: Mapping[str, Any], name: str) -> str | None:
    """The stripped text of `name`, '' when present but empty, None when absent."""
    value = payload.get(name, _ABSENT)
    if value.__class__ is not str:  # checked first: plain text is nearly every value of a bulk import
        if value is _ABSENT:
            return None
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise InvalidInput(field=name, reason=_("must be text"))
        value = str(value)
    text = text_check(name, value.strip())
    limit = _MAX_LENGTH.get(name) or long_text_limit()  # content, result, an event's text: the long-text limit
    if len(text) > limit:
        raise InvalidInput(field=name, reason=format_lazy(_("longer than {limit} characters"), limit=limit))
    return text


def _required(payload: Mapping[str, Any], name: str) -> str:
    text = _text(payload, name)
    if not text:
        raise InvalidInput(field=name, reason=_("this field is required"))
    return text


def _datetime(name: str, text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise InvalidInput(field=name, reason=_("not a date and time in ISO 8601 form")) from None
    moment_check(name, moment)  # before the time zone: year 1 in city time is no time at all in UTC
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)  # the platform's local clock is the city's
    return moment


def _boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InvalidInput(field=name, reason=_("must be true or false"))


def ticket_payload_parse(payload: Mapping[str, Any], codes: CodeBook) -> TicketIntake:
    """Validate one payload and resolve its codes; raises `InvalidInput` / `UnknownCode` naming the field."""
    if payload.__class__ is not dict and not isinstance(payload, Mapping):
        raise InvalidInput(field="payload", reason=_("must be an object of ticket fields"))
    hotline_no = _required(payload, "hotline_no")
    if not HOTLINE_NO.match(hotline_no):
        raise InvalidInput(field="hotline_no", reason=_("may hold only letters, digits, '.', '_' and '-'"))
    fields: dict[str, Any] = {
        "received_at": _datetime("received_at", _required(payload, "received_at")),
        "request_type": codes.enum("request_type", RequestType, _required(payload, "request_type")),
        "matter_id": codes.resolve("matter", _required(payload, "matter")),
        "territory_id": codes.resolve("territory", _required(payload, "territory")),
        "title": _required(payload, "title"),
        "content": _required(payload, "content"),
    }
    for name in ("address", "citizen_name", "result"):
        text = _text(payload, name)
        if text is not None:
            fields[name] = text
    phone = _text(payload, "citizen_phone")
    if phone is not None:
        phone = phone.replace(" ", "")
        if phone and not PHONE.match(phone):
            raise InvalidInput(field="citizen_phone", reason=_("not a phone number"))
        fields["citizen_phone"] = phone
    _optional_fields(payload, codes, fields)
    dispatched_to = _text(payload, "dispatched_to")
    return TicketIntake(
        hotline_no=hotline_no,
        fields=fields,
        dispatched_to_id=codes.resolve("dispatched_to", dispatched_to) if dispatched_to else None,
    )


def _optional_fields(payload: Mapping[str, Any], codes: CodeBook, fields: dict[str, Any]) -> None:
    """Fields whose empty value means "not given" (channel, status, …) or "clear it" (resolution, …)."""
    dispatched_at = _text(payload, "dispatched_at")
    if dispatched_at:
        fields["dispatched_at"] = _datetime("dispatched_at", dispatched_at)
        if fields["dispatched_at"] < fields["received_at"]:
            raise InvalidInput(field="dispatched_at", reason=_("earlier than the time the ticket was received"))
    for name, choices in (("channel", Channel), ("status", TicketStatus)):
        text = _text(payload, name)
        if text:
            fields[name] = codes.enum(name, choices, text)
    if fields.get("status") == TicketStatus.WITHDRAWN:
        # Withdrawal has a time and closes the ticket for good: it comes as an event (docs/platform-events.md).
        raise InvalidInput(field="status", reason=_("a withdrawal is reported as a “withdrawn” event"))
    for name, choices in (("resolution", Resolution), ("satisfaction", Satisfaction)):
        text = _text(payload, name)
        if text is not None:
            fields[name] = codes.enum(name, choices, text) if text else ""
    tier = _text(payload, "time_limit")
    if tier:
        fields["time_limit_tier_id"] = codes.resolve("time_limit", tier)
    confidential = payload.get("confidential")
    if confidential is not None and confidential != "":
        fields["confidential"] = _boolean("confidential", confidential)


# --- events after intake (docs/platform-events.md) -------------------------------------------------------
EVENT_FIELDS = ("event_id", "kind", "at", "text", "handled_at", "satisfaction", "resolution", "time_limit")
_TEXT_REQUIRED = frozenset({TicketEventKind.REPLIED, TicketEventKind.SUPPLEMENTED})


def is_event_record(record: Mapping[str, Any]) -> bool:
    """An import record with an `event_id` is an event of the ticket it names; any other is a ticket."""
    return bool(record.get("event_id"))


def event_payload_parse(payload: Mapping[str, Any], codes: CodeBook, *, hotline_no: str | None = None) -> PlatformEvent:
    """Validate one platform event; `hotline_no` comes from the URL (API) or from the record (import)."""
    if not isinstance(payload, Mapping):
        raise InvalidInput(field="payload", reason=_("must be an object of event fields"))
    number = hotline_no if hotline_no is not None else _required(payload, "hotline_no")
    event_id = _required(payload, "event_id")
    if not EVENT_ID.match(event_id):
        raise InvalidInput(field="event_id", reason=_("up to 64 letters, digits, '.', ':', '_' and '-'"))
    kind = _event_kind(_required(payload, "kind"))
    text = _text(payload, "text") or ""
    if kind in _TEXT_REQUIRED and not text:
        raise InvalidInput(field="text", reason=_("this field is required"))
    facts: dict[str, Any] = {}
    if kind == TicketEventKind.REPLIED:
        handled_at = _text(payload, "handled_at")
        facts["handled_at"] = _datetime("handled_at", handled_at) if handled_at else None
    elif kind == TicketEventKind.VISITED:
        facts["satisfaction"] = codes.enum("satisfaction", Satisfaction, _required(payload, "satisfaction"))
        resolution = _text(payload, "resolution")
        facts["resolution"] = codes.enum("resolution", Resolution, resolution) if resolution else ""
    elif kind == TicketEventKind.REHANDLED:
        tier = _text(payload, "time_limit")
        if tier:
            facts.update(time_limit=tier, time_limit_id=codes.resolve("time_limit", tier))
    return PlatformEvent(
        hotline_no=number,
        event_id=event_id,
        kind=kind,
        at=_datetime("at", _required(payload, "at")),
        text=text,
        **facts,
    )


def _event_kind(value: str) -> str:
    code = _enum_lookup(TicketEventKind).get(value.lower())
    if code not in PLATFORM_EVENT_KINDS:
        reason = format_lazy(_("not one of {choices}"), choices=", ".join(PLATFORM_EVENT_KINDS))
        raise InvalidInput(field="kind", reason=reason)
    return code


def error_field(error: InvalidInput) -> str:
    """The payload field an intake error is about (for reports and the API's `details.field`)."""
    return str(error.details.get("field", ""))


__all__ = [
    "EVENT_FIELDS", "PAYLOAD_FIELDS", "REQUIRED_FIELDS", "CodeBook", "error_field", "event_payload_parse",
    "is_event_record", "ticket_payload_parse",
]  # fmt: skip
