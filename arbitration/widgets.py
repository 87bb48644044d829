"""Form widgets for pages people wait on.

Django renders a `<select>` through one template per `<option>`. On the ticket list's filters that is some 2,600
options (every department, matter and street of a city) on every request: about three quarters of the page's time
(docs/scale.md, "Pages"). `QuickSelect` writes the same HTML in Python.
"""

from __future__ import annotations

from html import escape

from django import forms
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A single `<select>` built as one string: the markup of `forms.Select`, without its per-option templates.

    Option groups are not supported (none of our choice lists has them); the first call with one fails loudly
    rather than rendering it wrong.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        # As django/forms/widgets/attrs.html writes them: in order, True as a bare name, False left out.
        markup = "".join(
            f" {key}" if item is True else f' {key}="{escape(str(item))}"'
            for key, item in final_attrs.items()
            if item is not False
        )
        chosen = {str(item) for item in self.format_value(value)}
        options = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                raise ValueError(f"QuickSelect does not render option groups ({name})")
            text = "" if option_value is None else str(option_value)
            selected = " selected" if text in chosen else ""
            options.append(f'<option value="{escape(text)}"{selected}>{escape(str(label))}</option>')
        # Every attribute, value and label is escaped above.
        return mark_safe(f'<select name="{escape(name)}"{markup}>{"".join(options)}</select>')
