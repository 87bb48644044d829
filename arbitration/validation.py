"""The input rules every way in shares: imports, the API and the forms (docs/hardening.md).

Text may not hold NUL or other control characters (PostgreSQL refuses NUL in text outright; the others are
never typed by a person and break CSV exports and PDFs), and a date must fall inside the years the city's
records can span (MINGZE_INPUT_YEARS), so an out-of-range value is refused at the door instead of failing in
the database or in a due-time computation.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from arbitration.errors import InvalidInput

# Tab, line feed and carriage return are text; every other C0 control character and DEL is not.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = _("must not contain control characters (such as NUL)")
# The database's integers (ids included) are 64-bit: a whole number past them is refused, never sent to it.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    if CONTROL_CHARACTERS.search(value):
        return str(CONTROL_MESSAGE)
    return None


def year_bounds() -> tuple[int, int]:
    first, last = settings.MINGZE_INPUT_YEARS
    return first, last


def long_text_limit() -> int:
    """The length limit of free text that has no column limit (a ticket's content, a reason, a statement)."""
    return settings.MINGZE_LONG_TEXT_MAX_LENGTH


def moment_problem(value: dt.date) -> str | None:
    """Why a date or time is outside the years Mingze accepts, or None."""
    first, last = year_bounds()
    if not first <= value.year <= last:
        return str(format_lazy(_("must fall between the years {first} and {last}"), first=first, last=last))
    return None


def text_check(name: str, value: str) -> str:
    """`value` unchanged, or `InvalidInput` naming the field (imports and the API's parser)."""
    problem = text_problem(value)
    if problem:
        raise InvalidInput(field=name, reason=problem)
    return value


def moment_check(name: str, value: dt.date) -> dt.date:
    problem = moment_problem(value)
    if problem:
        raise InvalidInput(field=name, reason=problem)
    return value


def validate_plain_text(value: str) -> None:
    """Django validator for model, form and serializer text fields."""
    problem = text_problem(str(value))
    if problem:
        raise ValidationError(problem, code="control_characters")


def validate_sane_moment(value: dt.date) -> None:
    """Django validator for date and date-time fields."""
    problem = moment_problem(value)
    if problem:
        raise ValidationError(problem, code="date_out_of_range")


# --- values typed into query strings and hand-read form fields ---------------------------------------------
def date_param(name: str, text: str | None) -> dt.date | None:
    """A YYYY-MM-DD value in range, None when empty; `InvalidInput` (400 on pages and API) otherwise."""
    if not text:
        return None
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field=name, reason="YYYY-MM-DD") from None
    return moment_check(name, value)


def datetime_param(name: str, text: str | None) -> dt.datetime | None:
    """An ISO 8601 date and time in range (naive: the caller decides its zone), None when empty."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field=name, reason=_("not a date and time in ISO 8601 form")) from None
    return moment_check(name, value)


def int_param(name: str, text: str | None) -> int | None:
    """A whole number (an id), None when empty."""
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 18:  # beyond a 64-bit id: nothing to find
        raise InvalidInput(field=name, reason=_("must be a whole number"))
    return int(text)


def choice_param(name: str, text: str | None, choices: type) -> str | None:
    """A filter value that must be one of `choices` (a TextChoices), None when empty: an unknown value is a 400,
    not a silently empty list."""
    if not text:
        return None
    if text not in choices.values:
        raise InvalidInput(field=name, reason=", ".join(choices.values))
    return text
