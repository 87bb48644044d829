"""Reasons the code writes into the record, stored in one language and shown in the reader's (docs/audit.md).

A reason is part of the audited row (history rows, events, transitions): the chain's digest covers it, so a row
written in English stays in English. What the code writes is therefore a stable English message id, marked with
`gettext_noop` where it is written so that makemessages collects it, and translated wherever it is shown, by
`recorded_reason` alone: the pages (the `recorded_reason` filter), the admin's history, the referral dossier and
the API's `reason_display` fields. A background task or a command has no reader to translate for, and the same row
is read in Chinese and in English.

A reason with a variable part (a document number, a department's name) is a template registered here:
`RULING_ISSUED = reason_template(gettext_noop("ruling {number}"))`, written as `RULING_ISSUED.format(number=…)`.
The stored text is matched back against the registered templates, the template translated and the parts put back;
a part that is a choice's value (`reason_template(…, outcome=BounceOutcome)`) is shown as the choice's label.
Reasons a person typed match no message id and no template, and are shown as typed.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from django.db import models
from django.utils.translation import gettext, gettext_noop

from arbitration.choices import AgendaOutcome, BounceOutcome, NoticeKind

_TEMPLATES: dict[str, dict[str, type[models.Choices]]] = {}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def reason_template(msgid: str, **choices: type[models.Choices]) -> str:
    """Register a reason with `{name}` parts (each part's choices, if it is a choice's value); returns `msgid`.

    Call it at import time of a module the app's `ready()` imports, so that every process can read the reasons
    back (the app's `reasons` module)."""
    _TEMPLATES[msgid] = choices
    _patterns.cache_clear()
    _template_of.cache_clear()
    return msgid


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """Each template as a pattern, the longest fixed text first (so "bounce {outcome}" never reads "bounced: …")."""
    patterns = []
    for msgid in _TEMPLATES:
        fixed = _PLACEHOLDER.split(msgid)[::2]
        names = _PLACEHOLDER.findall(msgid)
        regex = re.escape(fixed[0]) + "".join(
            f"(?P<{n}>.+?)" + re.escape(f) for n, f in zip(names, fixed[1:], strict=True)
        )
        patterns.append((re.compile(regex, re.DOTALL), msgid, sum(map(len, fixed))))
    return [(pattern, msgid) for pattern, msgid, _length in sorted(patterns, key=lambda p: -p[2])]


def _part(value: str, choices: type[models.Choices] | None) -> str:
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return value


# Lists show the same few reasons on every row (the API's ticket list, a timeline): which template a text was written
# from does not depend on the reader, so it is found once per text, not once per row against every template.
@lru_cache(maxsize=2048)
def _template_of(text: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The registered template `text` was written from and its parts, or None (a fixed reason, or typed)."""
    for pattern, msgid in _patterns():
        if match := pattern.fullmatch(text):
            return msgid, tuple(match.groupdict().items())
    return None


def recorded_reason(text: str | None) -> str:
    """A stored reason in the reader's language: a message id translated, a template's parts put back in its
    translation, anything else (what a person typed) as it is."""
    if not text:
        return ""
    translated = gettext(text)
    if translated != text:
        return translated
    found = _template_of(text)
    if found is None:
        return text
    msgid, parts = found
    choices = _TEMPLATES[msgid]
    return gettext(msgid).format(**{name: _part(value, choices.get(name)) for name, value in parts})


# --- arbitration's reasons with a variable part (the fixed ones are marked where they are written) -----------
CALENDAR_ENTERED = reason_template(gettext_noop("calendar {year} entered"))
BOUNCED = reason_template(gettext_noop("bounced: {reason}"))
BOUNCE_REVIEWED = reason_template(gettext_noop("bounce {outcome}"), outcome=BounceOutcome)
ITEM_CLOSED = reason_template(gettext_noop("item closed: {outcome}"), outcome=AgendaOutcome)
NOTICE_SENT = reason_template(gettext_noop("notice: {kind}"), kind=NoticeKind)
BACKLOG_REDISPATCHED = reason_template(gettext_noop("backlog: {count} re-dispatched"))
PRECEDENT_OPENED = reason_template(gettext_noop("precedent: {number}"))
RULING_ISSUED = reason_template(gettext_noop("ruling {number}"))
LEADER_DECISION_ON_DEADLOCK = reason_template(gettext_noop("leader decision {number} (deadlock)"))
LEADER_DECISION_ON_REFUSAL = reason_template(gettext_noop("leader decision {number} (refused ruling {ruling})"))
# Before the two above, the parenthesis held words translated when written: rows written so keep their template.
LEADER_DECISION_ISSUED = reason_template(gettext_noop("leader decision {number} ({why})"))
AGREEMENT_ISSUED = reason_template(gettext_noop("agreement {number}"))
REFUSAL_DECLARED = reason_template(gettext_noop("refusal of {number}"))
RULING_REFUSED = reason_template(gettext_noop("ruling {number} refused by {department}"))
DEADLOCK_REFERRED = reason_template(gettext_noop("deadlock at the conference: {outcome}"), outcome=AgendaOutcome)
SIGNED_OFF = reason_template(gettext_noop("signed off: {number}"))
IN_SCOPE_OF = reason_template(gettext_noop("in the scope of {number}"))
