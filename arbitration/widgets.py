"""Form widgets for pages people wait on.

Django renders a `<select>` through one template per `<option>`. On the ticket list's filters that is some 2,600
options (every department, matter and street of a city) on every request: about three quarters of the page's time
(docs/scale.md, "Pages"). `QuickSelect` writes the same HTML in Python; `RenderedOptions` keeps a catalogue's
options written once, for every request (arbitration/catalogue_options.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from html import escape

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe


def option_markup(value: str, label: str, selected: bool) -> str:
    """One `<option>`, as django/forms/widgets/select_option.html writes it."""
    return f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(label)}</option>'


class RenderedOptions:
    """A long, shared list of (value, label) choices with each option's markup written once.

    Immutable, so one instance serves every request of a process; rendering it with nothing chosen is one
    prepared string, and with a choice rewrites only the chosen options.
    """

    __slots__ = ("_index", "_joined", "_markup", "choices")

    def __init__(self, choices: Iterable[tuple[object, object]]) -> None:
        self.choices = tuple(("" if value is None else str(value), str(label)) for value, label in choices)
        self._markup = tuple(option_markup(value, label, False) for value, label in self.choices)
        self._joined = "".join(self._markup)
        self._index = {}
        for position, (value, _label) in enumerate(self.choices):
            self._index.setdefault(value, position)  # Django's Select selects the first option of a value only

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def render(self, chosen: set[str]) -> str:
        positions = [self._index[value] for value in chosen if value in self._index]
        if not positions:
            return self._joined
        markup = list(self._markup)
        for position in positions:
            markup[position] = option_markup(*self.choices[position], True)
        return "".join(markup)


class PrefixedChoices(BaseChoiceIterator):
    """A few choices of this request (the empty choice, whose label is translated) before shared `RenderedOptions`,
    fetched by `options` when first rendered or iterated (a form that is only validated never reads them).

    A `BaseChoiceIterator`, so Django's fields and widgets take it as it is instead of copying it into a list."""

    def __init__(self, head: list[tuple[object, object]], options: Callable[[], RenderedOptions]) -> None:
        self.head = head
        self._options = options

    @cached_property
    def options(self) -> RenderedOptions:
        return self._options()

    def __iter__(self):
        yield from self.head
        yield from self.options


def attrs_markup(attrs: dict) -> str:
    """The attributes as django/forms/widgets/attrs.html writes them: in order, True as a bare name, False left out."""
    return "".join(
        f" {key}" if item is True else f' {key}="{escape(str(item))}"'
        for key, item in attrs.items()
        if item is not False
    )


class QuickInputMixin:
    """An `<input>` written as django/forms/widgets/input.html writes it, without rendering a template: a filter
    form's dozen inputs through templates cost more than the rest of the form."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        # The name, value and every attribute are escaped here and in `attrs_markup`.
        return mark_safe(
            f'<input type="{escape(widget["type"])}" name="{escape(name)}"{shown}{attrs_markup(widget["attrs"])}>'
        )


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickDateInput(QuickInputMixin, forms.DateInput):
    pass


class QuickHiddenInput(QuickInputMixin, forms.HiddenInput):
    pass


class QuickSelect(forms.Select):
    """A single `<select>` built as one string: the markup of `forms.Select`, without its per-option templates.

    Option groups are not supported (none of our choice lists has them); the first call with one fails loudly
    rather than rendering it wrong.
    """

    def render(self, name, value, attrs=None, renderer=None):
        markup = attrs_markup(self.build_attrs(self.attrs, attrs))
        chosen = {str(item) for item in self.format_value(value)}
        choices, rendered = self.choices, ""
        if isinstance(choices, PrefixedChoices):
            choices, rendered = choices.head, choices.options.render(chosen)
        options = []
        for option_value, label in choices:
            if isinstance(label, (list, tuple)):
                raise ValueError(f"QuickSelect does not render option groups ({name})")
            text = "" if option_value is None else str(option_value)
            options.append(option_markup(text, str(label), text in chosen))
        # Every attribute, value and label is escaped above and in `option_markup`.
        return mark_safe(f'<select name="{escape(name)}"{markup}>{"".join(options)}{rendered}</select>')
