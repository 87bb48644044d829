"""Every writable text and date field of every serializer gets the shared input rules (docs/hardening.md).

Installed once from `ArbitrationConfig.ready()`, before any serializer class is built, so the fields of every app
(and of code not written yet) follow them without asking: a text input without its own limit gets
MINGZE_LONG_TEXT_MAX_LENGTH (so the schema shows a maxLength on every text input) and refuses control
characters; a date or time must fall in MINGZE_INPUT_YEARS; a whole number must fit the database's 64 bits.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from arbitration.validation import BIGINT_MAX, BIGINT_MIN, validate_plain_text, validate_sane_moment


def serializer_fields_harden() -> None:
    """Wrap the constructors of DRF's text and date fields; idempotent."""
    if getattr(serializers.Field, "_mingze_hardened", False):
        return
    serializers.Field._mingze_hardened = True
    char_init = serializers.CharField.__init__
    for field_class in (serializers.DateTimeField, serializers.DateField):
        _moment_rule(field_class)
    _integer_range(serializers.IntegerField)

    def harden_char(self, **kwargs):
        writable = not kwargs.get("read_only", False)
        if writable and kwargs.get("max_length") is None:
            kwargs["max_length"] = settings.MINGZE_LONG_TEXT_MAX_LENGTH
        char_init(self, **kwargs)
        if writable:
            self.validators.append(validate_plain_text)

    serializers.CharField.__init__ = harden_char


def _integer_range(field_class: type[serializers.Field]) -> None:
    """A whole number past the database's 64-bit integers is refused (400) instead of overflowing the driver
    (a 500 on SQLite); the schema shows the range."""
    original = field_class.__init__

    def harden_integer(self, **kwargs):
        if not kwargs.get("read_only", False):
            kwargs.setdefault("min_value", BIGINT_MIN)
            kwargs.setdefault("max_value", BIGINT_MAX)
            kwargs["min_value"] = BIGINT_MIN if kwargs["min_value"] is None else kwargs["min_value"]
            kwargs["max_value"] = BIGINT_MAX if kwargs["max_value"] is None else kwargs["max_value"]
        original(self, **kwargs)

    field_class.__init__ = harden_integer


def _moment_rule(field_class: type[serializers.Field]) -> None:
    original = field_class.__init__

    def harden_moment(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if not self.read_only:
            self.validators.append(validate_sane_moment)

    field_class.__init__ = harden_moment
