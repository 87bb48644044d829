"""Every HTML form follows the shared input rules, and a refused form answers 400 with its errors (docs/hardening.md).

- `form_fields_harden()` (installed from `ArbitrationConfig.ready()`, like the serializers' rules): every Django
  form text field without its own limit gets MINGZE_LONG_TEXT_MAX_LENGTH and refuses control characters, every
  date and date-time field refuses years outside MINGZE_INPUT_YEARS. Forms written later follow them unasked.
- `bound(request, FormClass)`: a page action's one way to read its POST. A valid form gives its cleaned data; an
  invalid one raises `FormRefused`, which `config.middleware.RequestGuardMiddleware` answers with status 400 and
  the form's errors (`form_refused.html`) before any service has run, so nothing is half-written.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from arbitration.validation import BIGINT_MAX, validate_plain_text, validate_sane_moment


class FormRefused(Exception):
    """A page's form did not validate; the middleware shows its errors with status 400."""

    def __init__(self, form: forms.BaseForm) -> None:
        self.form = form
        super().__init__(form.errors.as_text())


def valid_form(request: HttpRequest, form_class: type[forms.BaseForm], **kwargs) -> forms.BaseForm:
    """`form_class` bound to the request's POST (and files) and valid, or `FormRefused`."""
    form = form_class(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        raise FormRefused(form)
    return form


def bound(request: HttpRequest, form_class: type[forms.BaseForm], **kwargs) -> dict:
    """The cleaned data of `valid_form`."""
    return valid_form(request, form_class, **kwargs).cleaned_data


def form_refused_errors(form: forms.BaseForm) -> list[tuple[str, list[str]]]:
    """(label, messages) of every error, the form's own first; a field's label is what the user saw."""
    rows = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label or name) if field is not None else ""
        rows.append((label, [str(error) for error in errors]))
    return rows


# --- fields shared by the pages' forms -------------------------------------------------------------------------
class IdField(forms.IntegerField):
    """A chosen record's id: a positive whole number within the database's range (a bad one is a form error, the
    service then says whether the record exists)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


class IdsField(forms.Field):
    """Several chosen ids (a multiple select): each a positive whole number; none chosen is an empty list."""

    widget = forms.SelectMultiple
    default_error_messages = {"invalid": _("Choose from the list.")}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        ids = []
        for item in value:
            text = str(item).strip()
            if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= BIGINT_MAX:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(text))
        return ids


class AwareDateTimeField(forms.DateTimeField):
    """A datetime-local input gives a naive time: it is the city's local time (the current time zone)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})


# --- the rules on every form field ---------------------------------------------------------------------------
def form_fields_harden() -> None:
    """Wrap the constructors of Django's form text and date fields; idempotent."""
    if getattr(forms.Field, "_mingze_hardened", False):
        return
    forms.Field._mingze_hardened = True
    char_init = forms.CharField.__init__

    def harden_char(self, *args, **kwargs):
        if kwargs.get("max_length") is None:
            kwargs["max_length"] = settings.MINGZE_LONG_TEXT_MAX_LENGTH
        char_init(self, *args, **kwargs)
        self.validators.append(validate_plain_text)

    forms.CharField.__init__ = harden_char
    for field_class in (forms.DateField, forms.DateTimeField):
        _moment_rule(field_class)


def _moment_rule(field_class: type[forms.Field]) -> None:
    original = field_class.__init__

    def harden_moment(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.validators.append(validate_sane_moment)

    field_class.__init__ = harden_moment
