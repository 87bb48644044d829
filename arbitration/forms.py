"""Forms of the arbitration pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from arbitration.catalogue_options import CatalogueOptions, catalogue_options, tree_label
from arbitration.choices import Channel, ReorganisationKind, RequestType, RulingScope, TerritoryLevel, TicketStatus
from arbitration.form_rules import BIGINT_MAX, IdField, IdsField
from arbitration.models import Department, Matter, Territory
from arbitration.selectors import TicketFilters
from arbitration.widgets import PrefixedChoices, QuickDateInput, QuickHiddenInput, QuickSelect, QuickTextInput


class KeptChoiceField(forms.ModelChoiceField):
    """A model choice that, given `kept` (id → the instance, or None when the field's queryset would not find it),
    validates a submitted id in memory instead of looking it up: the same values accepted and refused, with the same
    errors, as `ModelChoiceField` (whose `queryset.get(pk=value)` makes the value an integer with `int()`)."""

    kept: Callable[[int], Model | None] | None = None

    def to_python(self, value):
        if self.kept is None or value in self.empty_values:
            return super().to_python(value)
        self.validate_no_null_characters(value)
        try:
            found = self.kept(int(value))
        except (ValueError, TypeError):
            found = None
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return found


class TreeChoiceField(KeptChoiceField):
    """A tree shown flat, each level indented, so a district reads as the parent of its streets."""

    widget = QuickSelect  # a city's matters and places: thousands of options

    def label_from_instance(self, obj) -> str:
        return tree_label(obj.level, obj.code, obj.name)


class TicketFilterForm(forms.Form):
    """The ticket list's filters; an invalid value is ignored rather than failing the page.

    The department, matter and territory fields offer the catalogue's options kept across requests
    (arbitration/catalogue_options.py). With `kept` (the list page, which reads those options anyway) a submitted
    department, lead, matter or territory is validated against the kept rows and the matter's and territory's
    subtrees come from them too: no query for either. Without it (the CSV export) the fields' querysets validate
    what is submitted. The two accept and refuse the same values: an unknown or malformed id, an inactive
    department, a community as the territory (its street is offered), and for a liaison (`department_ids` given)
    any department but their own, active or not. Every widget writes its markup in Python (arbitration/widgets.py):
    the same HTML as Django's templates, at a fraction of the cost.
    """

    q = forms.CharField(label=_("Number or title"), required=False, max_length=100, widget=QuickTextInput)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *TicketStatus.choices],
        widget=QuickSelect,
    )
    urgency = forms.ChoiceField(
        label=_("Time limit"),
        required=False,
        choices=[
            ("", _("Any")),
            ("overdue", _("Overdue")),
            ("due_soon", _("Due soon")),
        ],
        widget=QuickSelect,
    )
    department = KeptChoiceField(
        label=_("Department"),
        required=False,
        empty_label=_("All departments"),
        queryset=Department.objects.filter(is_active=True).only("code", "name").order_by("code"),
        widget=QuickSelect,
    )
    matter = TreeChoiceField(
        label=_("Matter"),
        required=False,
        empty_label=_("All matters"),
        queryset=Matter.objects.only("code", "name", "level", "path").order_by("path"),
    )
    # Communities are left out of the choices: choosing their street covers them (the filter takes the subtree).
    territory = TreeChoiceField(
        label=_("Territory"),
        required=False,
        empty_label=_("All territories"),
        queryset=Territory.objects.filter(level__lt=TerritoryLevel.COMMUNITY)
        .only("code", "name", "level", "path")
        .order_by("path"),
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=QuickDateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(label=_("Received to"), required=False, widget=QuickDateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices], widget=QuickSelect
    )
    request_type = forms.ChoiceField(
        label=_("Request type"),
        required=False,
        choices=[("", _("All request types")), *RequestType.choices],
        widget=QuickSelect,
    )
    # Set by the cockpit's links, not picked by hand (the department list is above): hidden, so the page does not
    # query and render every department a second time.
    lead = KeptChoiceField(
        label=_("Lead department now"),
        required=False,
        widget=QuickHiddenInput,
        queryset=Department.objects.only("code", "name").order_by("code"),
    )
    disputed_from = forms.DateField(
        label=_("Disputed from"), required=False, widget=QuickDateInput(attrs={"type": "date"})
    )
    disputed_to = forms.DateField(label=_("Disputed to"), required=False, widget=QuickDateInput(attrs={"type": "date"}))

    def __init__(self, *args, department_ids: frozenset[int] | None = None, kept: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kept = kept
        if kept:
            fields = self.fields
            fields["department"].kept = lambda pk: self._department(pk, department_ids, active=department_ids is None)
            fields["lead"].kept = lambda pk: self._department(pk, department_ids, active=False)
            fields["matter"].kept = lambda pk: self._node(Matter, self.catalogue.matter_tree.nodes.get(pk), pk)
            fields["territory"].kept = lambda pk: self._node(Territory, self.catalogue.territory_tree.nodes.get(pk), pk)
        if department_ids is None:
            departments = lambda: self.catalogue.departments  # noqa: E731
        else:
            mine = Department.objects.filter(pk__in=department_ids).order_by("code")
            self.fields["department"].queryset = mine
            self.fields["lead"].queryset = mine
            departments = lambda: self.catalogue.departments_among(department_ids)  # noqa: E731
        options = {
            "department": departments,
            "matter": lambda: self.catalogue.matters,
            "territory": lambda: self.catalogue.territories,
        }
        for name, read in options.items():
            field = self.fields[name]
            field.choices = PrefixedChoices([("", field.empty_label)], read)

    @cached_property
    def catalogue(self) -> CatalogueOptions:
        """Read when the choices are first rendered: a form that only filters (the CSV export) never reads it."""
        return catalogue_options()

    def _department(self, pk: int, among: frozenset[int] | None, *, active: bool) -> Department | None:
        """What the department (`active`) or lead field's queryset finds: any department, or an active one, or one of
        `among` (a liaison's own, active or not)."""
        row = self.catalogue.department_rows.get(pk)
        if row is None or (among is not None and pk not in among) or (active and not row[2]):
            return None
        return _instance(Department, id=pk, code=row[0], name=row[1])

    @staticmethod
    def _node(model: type[Matter] | type[Territory], node, pk: int) -> Matter | Territory | None:
        """What the matter or territory field's queryset finds (every matter; territories above communities)."""
        if node is None:
            return None
        path, code, name, level = node
        if model is Territory and level >= TerritoryLevel.COMMUNITY:
            return None
        return _instance(model, id=pk, path=path, code=code, name=name, level=level)

    def filters(self) -> TicketFilters:
        data = (
            self.cleaned_data
            if self.is_valid()
            else {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        )
        matter, territory = data.get("matter"), data.get("territory")
        return TicketFilters(
            status=data.get("status") or "",
            department=data.get("department"),
            matter=matter,
            territory=territory,
            matter_subtree=self.catalogue.matter_tree.subtree(matter.path) if self.kept and matter else None,
            territory_subtree=(
                self.catalogue.territory_tree.subtree(territory.path) if self.kept and territory else None
            ),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            text=(data.get("q") or "").strip(),
            urgency=data.get("urgency") or "",
            channel=data.get("channel") or "",
            request_type=data.get("request_type") or "",
            lead=data.get("lead"),
            disputed_from=data.get("disputed_from"),
            disputed_to=data.get("disputed_to"),
        )


def _instance(model: type[Model], **values) -> Model:
    """`model` with only these columns loaded, as a queryset's `.only()` builds it."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(router.db_for_read(model), names, [values[name] for name in names])


# --- Catalogue reform and reorganisation (docs/catalogue-reform.md) ----------------------------------------------
class ProposalFromRulingForm(forms.Form):
    document_number = forms.CharField(label=_("Ruling document number"), max_length=64)


class ProposalFromOverlapForm(forms.Form):
    matter = TreeChoiceField(Matter.objects.all(), label=_("Matter"))
    territory = TreeChoiceField(Territory.objects.all(), label=_("Territory"))
    keep_department = forms.ModelChoiceField(
        Department.objects.filter(is_active=True), label=_("Department to keep"), widget=QuickSelect
    )


class ProposalFromGapForm(forms.Form):
    matter = TreeChoiceField(Matter.objects.all(), label=_("Matter"))
    territory = TreeChoiceField(Territory.objects.all(), label=_("Territory"))
    department = forms.ModelChoiceField(
        Department.objects.filter(is_active=True), label=_("Lead department"), widget=QuickSelect
    )
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}))


class EffectiveDateForm(forms.Form):
    effective_on = forms.DateField(label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), required=False)


class CatalogueReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"))


class OptionalReasonForm(forms.Form):
    """An action whose reason, if any is needed, the service checks (and names in its refusal)."""

    reason = forms.CharField(label=_("Reason"), required=False)


class ReorganisationForm(forms.Form):
    """Moves are written one per line, "FROM > TO" or "FROM > TO MATTER" with department and matter codes."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ReorganisationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    basis = forms.CharField(label=_("Basis"), widget=forms.Textarea(attrs={"rows": 2}))
    effective_on = forms.DateField(label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"}))
    new_name = forms.CharField(label=_("New name"), max_length=100, required=False)
    moves = forms.CharField(
        label=_("Moves"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: FROM-CODE > TO-CODE, optionally followed by a matter code (a split)."),
    )

    def clean_moves(self) -> list[tuple[int, int, int | None]]:
        departments = dict(Department.objects.values_list("code", "pk"))
        matters = dict(Matter.objects.values_list("code", "pk"))
        moves = []
        for line in self.cleaned_data["moves"].splitlines():
            if not line.strip():
                continue
            source, _sep, rest = line.partition(">")
            target, *matter = rest.split() or [""]
            if source.strip() not in departments or target not in departments or (matter and matter[0] not in matters):
                raise forms.ValidationError(_("Unknown department or matter code in: %(line)s") % {"line": line})
            moves.append((departments[source.strip()], departments[target], matters[matter[0]] if matter else None))
        if not moves:
            raise forms.ValidationError(_("Name at least one move."))
        return moves


# --- Conference, bounces, disputes, rulings: the actions' forms (docs/hardening.md) -------------------------------
# Each names its fields as the page's inputs do. Whether a text may be empty, and whether a chosen record exists
# and may be used, is the service's rule (it says so in its own words); the form refuses what is malformed.
ABSTAIN = "abstain"
SCOPE_CHOICES = [("", "—"), *RulingScope.choices]


class VoteForm(forms.Form):
    """A seat's vote: nothing is chosen beforehand, so an abstention is as deliberate as a vote for a department."""

    lead_department_id = forms.CharField(
        label=_("Lead"), max_length=20, error_messages={"required": _("Choose the lead department, or abstain.")}
    )
    co_handler_ids = IdsField(label=_("Co-handlers"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False)

    def clean_lead_department_id(self) -> int | None:
        value = self.cleaned_data["lead_department_id"].strip()
        if value == ABSTAIN:
            return None
        if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= BIGINT_MAX:
            raise forms.ValidationError(_("Choose the lead department, or abstain."))
        return int(value)


class ItemCloseForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"), choices=SCOPE_CHOICES, required=False)
    reasons = forms.CharField(label=_("Reasons"), required=False)
    basis = forms.CharField(label=_("Basis"), required=False)
    casting_vote_department_id = IdField(label=_("Casting vote"), required=False)


class BounceForm(forms.Form):
    reason_id = IdField(label=_("Reason"), error_messages={"required": _("Choose a reason.")})
    explanation = forms.CharField(label=_("Explanation"), required=False)
    basis = forms.CharField(label=_("Basis"), required=False)
    proposed_department_id = IdField(label=_("Proposed department"), required=False)
    basis_document = forms.CharField(label=_("Document cited against the catalogue"), max_length=255, required=False)
    next = forms.CharField(max_length=2000, required=False)


class BounceReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("uphold", _("Uphold")), ("reject", _("Reject"))], required=False
    )
    lead_department_id = IdField(label=_("Lead"), required=False)
    co_handler_ids = IdsField(label=_("Co-handlers"), required=False)
    note = forms.CharField(label=_("Note"), required=False)
    override_reason = forms.CharField(label=_("Why not the suggestion"), required=False)


class StatementForm(forms.Form):
    department_id = IdField(label=_("Department"))
    text = forms.CharField(label=_("Statement"), required=False)
    basis = forms.CharField(label=_("Basis"), required=False)


class RedispatchForm(forms.Form):
    """The fields an agreement and a leader's sign-off share: who handles the ticket from now on, and where."""

    lead_department_id = IdField(label=_("Lead"), error_messages={"required": _("Choose the lead department.")})
    co_handler_ids = IdsField(label=_("Co-handlers"), required=False)
    scope = forms.ChoiceField(label=_("Scope"), choices=SCOPE_CHOICES, required=False)
    basis = forms.CharField(label=_("Basis"), required=False)


class AgreementForm(RedispatchForm):
    minutes = forms.CharField(label=_("What was agreed"), required=False)


class SignOffForm(RedispatchForm):
    reasons = forms.CharField(label=_("Reasons"), required=False)


class AgendaForm(forms.Form):
    session_id = IdField(label=_("Session"), error_messages={"required": _("Choose a session.")})
    scope = forms.ChoiceField(label=_("Scope"), choices=SCOPE_CHOICES, required=False)


class RefusalForm(forms.Form):
    department_id = IdField(label=_("Department"), error_messages={"required": _("Choose your department.")})
    reason = forms.CharField(label=_("Reason"), required=False)
