"""Forms of the legal desk's pages: they check fields; the services decide what is allowed."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from legal.choices import FeedbackKind, LegalRoute

AUTHORITY_SPLIT = re.compile(r"\s*[|｜]\s*")


def parse_authorities(text: str) -> list[dict[str, str]]:
    """One authority per line, "law | article" (e.g. 中华人民共和国劳动合同法 | 第三十条)."""
    rows = []
    for line in text.splitlines():
        if line.strip():
            law, _sep, article = (part.strip() for part in line.partition("|" if "|" in line else "｜"))
            rows.append({"law": law, "article": article})
    return rows


def format_authorities(authorities: list[dict]) -> str:
    return "\n".join(f"{row['law']} | {row.get('article', '')}" for row in authorities)


class SendForm(forms.Form):
    hotline_no = forms.CharField(label=_("hotline number"), max_length=40)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    lawyer = forms.TypedChoiceField(label=_("lawyer"), coerce=int)
    reason = forms.CharField(label=_("reason"), required=False)

    def __init__(self, *args, lawyers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].choices = [(lawyer.pk, str(lawyer)) for lawyer in lawyers]


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest in this case?"),
        coerce=lambda value: value == "yes",
        choices=[("no", _("No conflict of interest")), ("yes", _("I have a conflict of interest"))],
        widget=forms.RadioSelect,
        initial="no",
    )
    statement = forms.CharField(
        label=_("statement"),
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=_("I have no interest in or relation to the parties of this matter."),
    )


class AdviceForm(forms.Form):
    question = forms.CharField(label=_("question in short"), max_length=255)
    analysis = forms.CharField(label=_("legal analysis"), widget=forms.Textarea(attrs={"rows": 5}))
    authorities = forms.CharField(
        label=_("laws and articles relied on"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: law | article, e.g. 中华人民共和国劳动合同法 | 第三十条"),
    )
    route = forms.ChoiceField(label=_("recommended route"), choices=LegalRoute.choices)
    reply_text = forms.CharField(label=_("reply to the citizen"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_authorities(self) -> list[dict[str, str]]:
        rows = [row for row in parse_authorities(self.cleaned_data["authorities"]) if row["law"]]
        if not rows:
            raise forms.ValidationError(_("Name at least one law."))
        return rows


class AdviceReviseForm(AdviceForm):
    reason = forms.CharField(label=_("why this revision"), max_length=255)


class HandoffForm(forms.Form):
    body = forms.TypedChoiceField(label=_("body"), coerce=int)
    summary = forms.CharField(label=_("summary of the matter"), widget=forms.Textarea(attrs={"rows": 3}))
    contact_consent = forms.BooleanField(
        label=_("citizen consents to passing on their contact details"), required=False
    )
    contact_legal_basis = forms.CharField(
        label=_("legal basis for passing on the contact details"),
        max_length=255,
        required=False,
        help_text=_("Without consent or a legal basis the letter gives the hotline number only."),
    )

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [(body.pk, f"{body.name}（{body.get_kind_display()}）") for body in bodies]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("outcome"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class LeadPackageForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    address = forms.CharField(label=_("address"), max_length=255, required=False)
    parties = forms.CharField(
        label=_("bodies and parties involved"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    harm_facts = forms.CharField(label=_("facts of harm"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    harm_continuing = forms.BooleanField(label=_("harm continues"), required=False)
    department_actions = forms.CharField(
        label=_("what departments did and answered"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("evidence list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One item per line."),
    )
    consent = forms.BooleanField(label=_("citizens consent to disclosure"), required=False)
    confidential = forms.BooleanField(label=_("confidential"), required=False)
    contact = forms.CharField(label=_("contact"), max_length=100, required=False)

    def clean_evidence(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["evidence"].splitlines() if line.strip()]


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=_("feedback"), choices=FeedbackKind.choices)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    declined_reason = forms.CharField(label=_("reason for declining"), required=False)
    recommendation_to = forms.TypedChoiceField(
        label=_("recommendation addressed to"), coerce=int, required=False, empty_value=None
    )
    recommendation_issued_on = forms.DateField(
        label=_("recommendation issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation_to"].choices = [("", "—"), *((d.pk, d.name) for d in departments)]


class ScreenForm(forms.Form):
    month = forms.CharField(label=_("month"), max_length=7, help_text="YYYY-MM")
