"""QuickSelect writes the markup Django's Select renders through its templates (arbitration/widgets.py)."""

import datetime as dt
import re

import pytest
from django import forms

from arbitration.forms import TicketFilterForm
from arbitration.widgets import (
    PrefixedChoices,
    QuickDateInput,
    QuickHiddenInput,
    QuickSelect,
    QuickTextInput,
    RenderedOptions,
)
from tests import factories

CHOICES = [("", "全部"), ("1", "城管 & <执法>"), ("2", '"引号" 局'), ("3", "市场监管局")]


def tight(html: str) -> str:
    """Django's templates put line breaks between options; they mean nothing in HTML."""
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", "2", 3, "9"])
def test_quick_select_renders_what_django_select_renders(value):
    attrs = {"id": "id_department", "class": "wide", "required": True}
    expected = forms.Select(choices=CHOICES).render("department", value, attrs)
    assert tight(QuickSelect(choices=CHOICES).render("department", value, attrs)) == tight(expected)


def test_quick_select_refuses_option_groups_instead_of_rendering_them_wrong():
    with pytest.raises(ValueError):
        QuickSelect(choices=[("城市", [("1", "一")])]).render("department", None)


@pytest.mark.django_db
def test_the_ticket_filters_render_as_before_with_a_choice_kept():
    """The filter form's model choices (departments, the matter and territory trees) through QuickSelect: the same
    HTML as Django's own Select, with the chosen department selected."""
    department = factories.department(code="CGJ", name="城管局")
    factories.department(code="SCJ", name="市场监管局")
    district = factories.territory("BJ01", "东城区", 2)
    factories.territory("BJ0101", "东华门街道", 3, parent=district)
    factories.matter("M1", "市容环境", parent=factories.matter("M", "城市管理"))
    form = TicketFilterForm({"department": str(department.pk)})
    for name in ("department", "matter", "territory"):
        field = form[name]
        assert isinstance(field.field.widget, QuickSelect)
        django_widget = forms.Select(choices=field.field.choices)
        assert tight(field.as_widget()) == tight(field.as_widget(widget=django_widget))
    assert f'<option value="{department.pk}" selected>' in str(form["department"])


@pytest.mark.parametrize("value", [None, "", "2", 3, "9"])
def test_options_written_once_render_what_django_select_renders(value):
    """A catalogue's options kept across requests (arbitration/catalogue_options.py), behind this request's empty
    choice: the markup of Django's Select, with the chosen option selected and the shared options left unchanged."""
    attrs = {"id": "id_department"}
    shared = RenderedOptions(CHOICES[1:])
    choices = PrefixedChoices([("", "全部")], lambda: shared)
    expected = forms.Select(choices=CHOICES).render("department", value, attrs)
    assert tight(QuickSelect(choices=choices).render("department", value, attrs)) == tight(expected)
    assert tight(QuickSelect(choices=choices).render("department", None, attrs)) == tight(
        forms.Select(choices=CHOICES).render("department", None, attrs)
    )


@pytest.mark.parametrize(
    ("quick", "django_widget", "value"),
    [
        (QuickTextInput(attrs={"maxlength": "100"}), forms.TextInput(attrs={"maxlength": "100"}), 'a "b" & <c>'),
        (QuickTextInput(), forms.TextInput(), None),
        (QuickTextInput(), forms.TextInput(), ""),
        (QuickDateInput(attrs={"type": "date"}), forms.DateInput(attrs={"type": "date"}), dt.date(2026, 3, 2)),
        (QuickDateInput(attrs={"type": "date"}), forms.DateInput(attrs={"type": "date"}), "2026-13-99'"),
        (QuickHiddenInput(), forms.HiddenInput(), 12),
    ],
)
def test_quick_inputs_render_what_django_inputs_render(quick, django_widget, value):
    attrs = {"id": "id_q", "required": True, "disabled": False, "aria-describedby": "q_help"}
    assert str(quick.render("q", value, attrs)) == tight(django_widget.render("q", value, attrs))


@pytest.mark.django_db
def test_the_whole_filter_form_renders_as_django_renders_it(city):
    """Every field of the ticket filters, bound to values (some invalid), against Django's template widgets."""
    data = {"q": "<x>", "status": "dispatched", "received_from": "2026-03-02", "received_to": "bad", "lead": "7"}
    form = TicketFilterForm(data)
    for field in form:
        widget = field.field.widget
        if isinstance(widget, QuickSelect):
            plain = forms.Select(attrs=widget.attrs, choices=field.field.choices)
        else:
            django_input = next(base for base in type(widget).__mro__ if base.__module__ == "django.forms.widgets")
            plain = django_input(attrs={**widget.attrs, "type": widget.input_type})
        assert tight(field.as_widget()) == tight(field.as_widget(widget=plain)), field.name
