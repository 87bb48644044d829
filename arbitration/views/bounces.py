"""Pages: a liaison's bounce form and the dispatcher's bounce-review queue (beside the graph's suggestion)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration import access, selectors_conference
from arbitration.choices import AssignmentMethod, AssignmentRole
from arbitration.form_rules import bound
from arbitration.forms import BounceForm, BounceReviewForm
from arbitration.graph import ticket_suggest
from arbitration.models import Assignment, Bounce, BounceReason, Department
from arbitration.services.bounces import (
    bounce_create,
    bounce_reject,
    bounce_uphold,
    bounce_window_closes,
    catalogue_claim,
)
from arbitration.views._actions import act, local_url


@login_required
def bounce_mine(request: HttpRequest) -> HttpResponse:
    """A liaison's current assignments (with the bounce window) and their department's bounces."""
    user = request.user
    assignments = (
        Assignment.objects.filter(department_id__in=user.department_ids, ended_at=None)
        .exclude(role=AssignmentRole.COPIED)
        .select_related("ticket__territory", "department")
        .order_by("-assigned_at")[:100]
    )
    # The catalogue check is shown before the liaison submits (docs/bounces.md): the form then asks for the
    # document that says otherwise.
    rows = [
        {
            "assignment": a,
            "closes": bounce_window_closes(a),
            "bounced": Bounce.objects.filter(assignment=a).first(),
            "claim": catalogue_claim(a.ticket, a.department_id),
            "holds": a.method == AssignmentMethod.FIRST_RECEIVER and a.role == AssignmentRole.LEAD,
        }
        for a in assignments
    ]
    return render(
        request,
        "arbitration/bounces/mine.html",
        {
            "rows": rows,
            "reasons": BounceReason.objects.filter(is_active=True),
            "duty_denying_reasons": [r.name for r in BounceReason.objects.filter(is_active=True, denies_duty=True)],
            "departments": Department.objects.filter(is_active=True).order_by("code"),
            "bounces": access.bounces_visible_to(user).select_related("ticket", "reason", "department")[:100],
        },
    )


@login_required
@require_POST
def bounce_submit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    data = bound(request, BounceForm)
    back = local_url(request, data.pop("next")) or reverse("bounce-mine")
    return act(
        request,
        lambda: bounce_create(assignment_id=assignment_id, actor=request.user, **data),
        success=_("The bounce was recorded; the dispatcher will review it. Keep handling the ticket meanwhile."),
        back=back,
    )


@login_required
def bounce_review_queue(request: HttpRequest) -> HttpResponse:
    if not access.may_review_bounces(request.user):
        raise Http404
    bounces = list(selectors_conference.bounce_review_queue()[:100])
    rows = [{"bounce": b, "suggestion": ticket_suggest(b.ticket)} for b in bounces]
    return render(
        request,
        "arbitration/bounces/review.html",
        {
            "rows": rows,
            "departments": Department.objects.filter(is_active=True).order_by("code"),
        },
    )


@login_required
@require_POST
def bounce_review(request: HttpRequest, bounce_id: int) -> HttpResponse:
    if not access.may_review_bounces(request.user):
        raise Http404
    data, back = bound(request, BounceReviewForm), reverse("bounce-review")
    if data["decision"] == "reject":
        return act(
            request,
            lambda: bounce_reject(bounce_id=bounce_id, actor=request.user, note=data["note"]),
            success=_(
                "Bounce rejected as unreasonable; the ticket stays with the department, which must keep handling it."
            ),
            back=back,
        )
    return act(
        request,
        lambda: bounce_uphold(
            bounce_id=bounce_id,
            actor=request.user,
            lead_department_id=data["lead_department_id"] or 0,
            co_handler_ids=data["co_handler_ids"],
            note=data["note"],
            override_reason=data["override_reason"],
        ),
        success=_("Bounce upheld; the ticket was re-dispatched and the new lead department notified."),
        back=back,
    )
