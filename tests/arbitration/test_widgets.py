"""QuickSelect writes the markup Django's Select renders through its templates (arbitration/widgets.py)."""

import re

import pytest
from django import forms

from arbitration.forms import TicketFilterForm
from arbitration.widgets import QuickSelect
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
