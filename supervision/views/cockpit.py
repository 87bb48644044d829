"""The cockpit page (领导驾驶舱): the figures of a period, drawn from supervision.cockpit (docs/cockpit.md)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arbitration.access import may_analyse_catalogue
from arbitration.choices import Role
from supervision import access
from supervision.cockpit.access import may_open_cockpit
from supervision.cockpit.figures import cockpit
from supervision.cockpit.period import GRAINS, MAX_DAYS, Period

GRAIN_LABELS = {"day": gettext_lazy("Day"), "week": gettext_lazy("Week"), "month": gettext_lazy("Month")}


class CockpitPeriodForm(forms.Form):
    first = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    grain = forms.ChoiceField(label=gettext_lazy("By"), required=False, choices=list(GRAIN_LABELS.items()))

    def clean(self):
        data = super().clean()
        default = Period.ending_today(grain=data.get("grain") or "day")
        first, last = data.get("first") or default.first, data.get("last") or default.last
        if first > last:
            raise forms.ValidationError(_("The first day comes after the last."))
        if (last - first).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("A period may cover at most %(days)s days.") % {"days": MAX_DAYS})
        data["period"] = Period(first, last, data.get("grain") if data.get("grain") in GRAINS else "day")
        return data


def _chart_data(figures: dict) -> dict:
    trend = figures["trend"]
    return {
        "labels": [row["start"].isoformat() for row in trend],
        "now": [row["tickets"] for row in trend],
        "before": [row["last_year"] for row in trend],
        "urls": [row["url"] for row in trend],
        "names": {"now": _("This period"), "before": _("Same period last year")},
    }


def _links(user) -> dict[str, bool]:
    """Which of the cockpit's links to other pages this viewer may follow (the pages' own rules)."""
    return {
        "cases": access.is_supervisor(user),
        "letters": access.is_supervisor(user) or user.has_role(Role.LIAISON, Role.CITY_LEADER),
        "referrals": access.may_refer(user),
        "catalogue": may_analyse_catalogue(user),
    }


@login_required
def cockpit_page(request: HttpRequest) -> HttpResponse:
    if not may_open_cockpit(request.user):
        raise PermissionDenied
    form = CockpitPeriodForm(request.GET or None)
    period = form.cleaned_data["period"] if form.is_valid() else Period.ending_today()
    district = request.GET.get("district", "")  # drill-down from a district to its streets
    figures = cockpit(period, district=district)
    return render(
        request,
        "supervision/cockpit.html",
        {
            "form": form,
            "period": period,
            "figures": figures,
            "chart": _chart_data(figures),
            "district": district,
            "links": _links(request.user),
        },
    )
