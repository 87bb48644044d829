"""Pages of catalogue reform: proposals (draft from a ruling, an overlap or a gap; approve with an effective date)
and reorganisations (plan, read the impact report, approve, carry out). Rules: docs/catalogue-reform.md."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from arbitration import access, keyset
from arbitration.errors import DomainError
from arbitration.form_rules import bound
from arbitration.forms import (
    CatalogueReasonForm,
    EffectiveDateForm,
    OptionalReasonForm,
    ProposalFromGapForm,
    ProposalFromOverlapForm,
    ProposalFromRulingForm,
    ReorganisationForm,
)
from arbitration.models import CatalogueProposal, Reorganisation, Ruling
from arbitration.services import reform, reorganisation
from arbitration.views._actions import act, found

IMPACT_COUNTS = (
    ("duties_moved", gettext_lazy("Duties moved")),
    ("duties_ended", gettext_lazy("Duties ended")),
    ("precedents_moved", gettext_lazy("Precedents moved")),
    ("open_assignments_moved", gettext_lazy("Open tickets moved")),
    ("memberships_moved", gettext_lazy("People moved")),
)
# The evidence a proposal carries (services.reform, supervision's topics), by key, as the page shows it.
EVIDENCE_LABELS = {
    "window_days": gettext_lazy("Days counted"),
    "tickets": gettext_lazy("Tickets"),
    "disputed_tickets": gettext_lazy("Disputed tickets"),
    "rulings": gettext_lazy("Rulings"),
    "overlap_duties": gettext_lazy("Overlapping duties"),
    "topic_tickets": gettext_lazy("Tickets of the topic"),
    "before_per_week": gettext_lazy("Tickets per week before approval"),
    "after_per_week": gettext_lazy("Tickets per week since approval"),
}
PAGE_SIZE = 50
DRAFT_FORMS = {"ruling": ProposalFromRulingForm, "overlap": ProposalFromOverlapForm, "gap": ProposalFromGapForm}


def _analyst(request: HttpRequest) -> None:
    if not access.may_draft_catalogue_proposal(request.user):
        raise Http404()


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    _analyst(request)
    return render(
        request,
        "arbitration/reform/proposals.html",
        {
            "page": keyset.page_for(request, CatalogueProposal.objects.all(), PAGE_SIZE),  # (-proposed_at, -pk)
            "forms": [(origin, form_class()) for origin, form_class in DRAFT_FORMS.items()],
        },
    )


def _draft(request: HttpRequest, origin: str, data: dict) -> CatalogueProposal:
    if origin == "ruling":
        ruling = Ruling.objects.filter(document_number=data["document_number"].strip()).first()
        if ruling is None:
            raise Http404()
        return reform.proposal_draft_from_ruling(ruling_id=ruling.pk, actor=request.user)
    if origin == "overlap":
        return reform.proposal_draft_from_overlap(
            matter_id=data["matter"].pk,
            territory_id=data["territory"].pk,
            keep_department_id=data["keep_department"].pk,
            actor=request.user,
        )
    return reform.proposal_draft_from_gap(
        matter_id=data["matter"].pk,
        territory_id=data["territory"].pk,
        department_id=data["department"].pk,
        legal_basis=data["legal_basis"],
        actor=request.user,
    )


@login_required
@require_POST
def proposal_draft(request: HttpRequest, origin: str) -> HttpResponse:
    _analyst(request)
    if origin not in DRAFT_FORMS:
        raise Http404()
    data = bound(request, DRAFT_FORMS[origin])
    try:
        proposal = _draft(request, origin, data)
    except DomainError as refusal:
        messages.error(request, str(refusal))
        return redirect("catalogue-proposals")
    messages.success(request, _("Proposal drafted; review its changes, then an approver approves or rejects it."))
    return redirect("catalogue-proposal", proposal.pk)


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = found(lambda: access.proposal_get_for(user=request.user, proposal_id=proposal_id))
    return render(
        request,
        "arbitration/reform/proposal.html",
        {
            "proposal": proposal,
            "evidence": [
                (EVIDENCE_LABELS.get(key, key), "、".join(map(str, value)) if isinstance(value, list) else value)
                for key, value in proposal.evidence.items()
            ],
            "changes": proposal.changes.select_related("duty__department", "department", "matter", "territory"),
            "transitions": proposal.transitions.select_related("actor"),
            "may_decide": access.may_decide_catalogue(request.user),
            "approve_form": EffectiveDateForm(),
            "reject_form": CatalogueReasonForm(),
        },
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int, action: str) -> HttpResponse:
    found(lambda: access.proposal_get_for(user=request.user, proposal_id=proposal_id))
    if not access.may_decide_catalogue(request.user):
        raise Http404()
    if action not in ("approve", "reject"):
        raise Http404()
    back = request.path.rsplit("/", 2)[0] + "/"
    data = bound(request, EffectiveDateForm if action == "approve" else CatalogueReasonForm)

    def decide() -> CatalogueProposal:
        if action == "approve":
            return reform.proposal_approve(
                proposal_id=proposal_id, actor=request.user, effective_on=data["effective_on"], reason=data["reason"]
            )
        return reform.proposal_reject(proposal_id=proposal_id, actor=request.user, reason=data["reason"])

    success = {
        "approve": _("Proposal approved; its changes take effect in the catalogue on the effective date."),
        "reject": _("Proposal rejected; the catalogue stays as it is."),
    }[action]
    return act(request, decide, success=success, back=back)


@login_required
def reorganisation_list(request: HttpRequest) -> HttpResponse:
    _analyst(request)
    form = ReorganisationForm(request.POST or None) if access.may_decide_catalogue(request.user) else None
    if request.method == "POST":
        if form is None:
            raise Http404()
        if form.is_valid():
            try:
                planned = reorganisation.reorganisation_plan(actor=request.user, **form.cleaned_data)
            except DomainError as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Reorganisation planned; review its impact, then approve or reject it."))
                return redirect("reorganisation", planned.pk)
    return render(
        request,
        "arbitration/reform/reorganisations.html",
        # (-effective_at, -pk): the latest effective date first
        {"page": keyset.page_for(request, Reorganisation.objects.all(), PAGE_SIZE), "form": form},
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
def reorganisation_detail(request: HttpRequest, reorganisation_id: int) -> HttpResponse:
    found_one = found(lambda: access.reorganisation_get_for(user=request.user, reorganisation_id=reorganisation_id))
    return render(
        request,
        "arbitration/reform/reorganisation.html",
        {
            "reorganisation": found_one,
            "moves": found_one.moves.select_related("from_department", "to_department", "matter"),
            "transitions": found_one.transitions.select_related("actor"),
            "may_decide": access.may_decide_catalogue(request.user),
            "reason_form": CatalogueReasonForm(),
            "figures": [
                (label, found_one.impact.get(key), found_one.result.get(key) if found_one.result else None)
                for key, label in IMPACT_COUNTS
            ],
        },
    )


@login_required
@require_POST
def reorganisation_action(request: HttpRequest, reorganisation_id: int, action: str) -> HttpResponse:
    found(lambda: access.reorganisation_get_for(user=request.user, reorganisation_id=reorganisation_id))
    if not access.may_decide_catalogue(request.user):
        raise Http404()
    back = request.path.rsplit("/", 2)[0] + "/"
    reason = bound(request, CatalogueReasonForm if action == "reject" else OptionalReasonForm)["reason"]
    calls = {
        "approve": lambda: reorganisation.reorganisation_approve(
            reorganisation_id=reorganisation_id, actor=request.user, reason=reason
        ),
        "reject": lambda: reorganisation.reorganisation_reject(
            reorganisation_id=reorganisation_id, actor=request.user, reason=reason
        ),
        "carry-out": lambda: reorganisation.reorganisation_carry_out(
            reorganisation_id=reorganisation_id, actor=request.user
        ),
    }
    if action not in calls:
        raise Http404()
    success = {
        "approve": _("Reorganisation approved; carry it out on its effective date."),
        "reject": _("Reorganisation rejected; nothing moves."),
        "carry-out": _("Reorganisation carried out; its result is shown below."),
    }[action]
    return act(request, calls[action], success=success, back=back)
