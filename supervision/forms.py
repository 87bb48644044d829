"""Django forms of supervision's HTML pages (the API has its own serializers)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from arbitration.models import Department, Matter, Territory
from supervision.choices import TopicSource


class TopicProposeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    matter = forms.ModelChoiceField(label=_("Matter"), queryset=Matter.objects.all())
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.all(), required=False)
    keywords = forms.CharField(label=_("Key words"), max_length=255, required=False)
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 3}))
    source_kind = forms.ChoiceField(label=_("Proposed from"), choices=[("", "—"), *TopicSource.choices], required=False)
    source_reference = forms.CharField(label=_("Source reference"), max_length=200, required=False)


class TopicApproveForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("Lead department"), queryset=Department.objects.filter(is_active=True))
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("Co-handlers"), queryset=Department.objects.filter(is_active=True), required=False
    )
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 2}))
    target_weekly_tickets = forms.IntegerField(label=_("Target: tickets per week at most"), min_value=0, required=False)
    working_days = forms.IntegerField(label=_("Deadline in working days"), min_value=1, max_value=250)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class TopicReportForm(forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    figures = forms.CharField(
        label=_("Figures"),
        required=False,
        help_text=_("One per line: name = number"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def clean_figures(self) -> dict[str, float]:
        figures = {}
        for line in self.cleaned_data["figures"].splitlines():
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            try:
                figures[name.strip()] = float(value)
            except ValueError:
                raise forms.ValidationError(_("Write each figure as: name = number")) from None
            if not sep or not name.strip():
                raise forms.ValidationError(_("Write each figure as: name = number"))
        return figures


class AlertActForm(forms.Form):
    text = forms.CharField(label=_("Action taken"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class AlertCloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class SeriesMuteForm(forms.Form):
    matter = forms.ModelChoiceField(label=_("Matter"), queryset=Matter.objects.filter(level=3))
    territory = forms.ModelChoiceField(
        label=_("Territory"), queryset=Territory.objects.all(), required=False, help_text=_("Empty: city-wide.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)
    until = forms.DateField(
        label=_("Muted until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: until lifted."),
    )
