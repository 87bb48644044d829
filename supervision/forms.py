"""Django forms of supervision's HTML pages (the API has its own serializers)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from arbitration.form_rules import AwareDateTimeField, IdField
from arbitration.models import Department, Matter, Territory
from supervision.choices import AnswerKind, AppealDecision, PeriodKind, ReferralStatus, Tier, TopicSource
from supervision.texts.facts import CASE_LETTER_KINDS, Interview


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


# --- cases, letters, referrals, scorecards: the actions' forms (docs/hardening.md) -------------------------------
# Named as the pages' inputs are. Whether a reason may be empty is the service's rule (it says so in its words);
# the form refuses what is malformed: an unknown choice, a bad date or id, a value past its column.
HOTLINE_NO_MAX_LENGTH = 40  # Ticket.hotline_no


class HotlineNoField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Hotline number"))
        kwargs.setdefault("max_length", HOTLINE_NO_MAX_LENGTH)
        super().__init__(**kwargs)


class CaseOpenForm(forms.Form):
    hotline_no = HotlineNoField()
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", "—"), *Tier.choices], required=False)
    reason = forms.CharField(label=_("Reason"), required=False)


class CaseAnswerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AnswerKind.choices, required=False)
    text = forms.CharField(label=_("Text"), required=False)
    requested_due_at = AwareDateTimeField(label=_("Extension until"), required=False)


class InterviewForm(forms.Form):
    """约谈安排 typed on a page; whether they are all needed is the letter service's rule."""

    interview_at = AwareDateTimeField(label=_("Interview time"), required=False)
    interview_place = forms.CharField(label=_("Interview place"), max_length=200, required=False)
    attendees = forms.CharField(label=_("Who must attend"), max_length=500, required=False)
    materials = forms.CharField(label=_("What to bring"), max_length=500, required=False)

    def interview(self) -> Interview:
        data = self.cleaned_data
        return Interview(
            at=data["interview_at"],
            place=data["interview_place"],
            attendees=data["attendees"],
            materials=data["materials"],
        )


class CaseLetterForm(InterviewForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(kind, kind.label) for kind in CASE_LETTER_KINDS], required=False
    )
    reason = forms.CharField(label=_("Reason"), required=False)
    remarks = forms.CharField(label=_("Additional paragraphs"), required=False)


class DraftForm(InterviewForm):
    """A draft's page: preview it with these choices, issue it, or withdraw it (with a reason)."""

    action = forms.ChoiceField(
        choices=[("", "—"), ("preview", _("Preview")), ("issue", _("Issue")), ("withdraw", _("Withdraw"))],
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    remarks = forms.CharField(label=_("Additional paragraphs"), required=False)
    response_due_on = forms.DateField(label=_("Response due on"), required=False)


class ExtensionDecideForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Grant")), ("0", _("Refuse"))],
        coerce=lambda value: value == "1",
        error_messages={"required": _("Grant or refuse the extension.")},
    )
    reason = forms.CharField(label=_("Reason"), required=False)


class LetterAnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer"), required=False)


class ReferralCreateForm(forms.Form):
    hotline_no = HotlineNoField()
    reason = forms.CharField(label=_("Reason"), required=False)


class ReferralRecordForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)
    note = forms.CharField(label=_("Note"), required=False)


class ReferralSendForm(forms.Form):
    liaison_id = IdField(
        label=_("Discipline liaison"), error_messages={"required": _("Choose the discipline liaison.")}
    )
    reason = forms.CharField(label=_("Reason"), required=False)


class ScorecardsComputeForm(forms.Form):
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, required=False)
    period_start = forms.DateField(label=_("Period start"), required=False)


class AppealLodgeForm(forms.Form):
    hotline_no = HotlineNoField()
    reason = forms.CharField(label=_("Reason"), required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False)


class AppealDecideForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept")), ("0", _("Refuse"))],
        coerce=lambda value: value == "1",
        error_messages={"required": _("Accept or refuse the appeal.")},
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "—"), *AppealDecision.choices], required=False)
    target_department_id = IdField(label=_("Charge to"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False)
