"""Forms of supervision pages that post more than a button: the surge alert's answers and the series mute."""

from django import forms
from django.utils.translation import gettext_lazy as _

from arbitration.models import Matter, Territory


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
