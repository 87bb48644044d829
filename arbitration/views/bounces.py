"""Pages: a liaison's bounce form and the dispatcher's bounce-review queue (beside the graph's suggestion)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration import access, keyset, selectors_conference
from arbitration.calendar import WorkingCalendar
from arbitration.choices import AssignmentMethod, AssignmentRole
from arbitration.form_rules import bound
from arbitration.forms import BounceForm, BounceReviewForm
from arbitration.graph import current_graph, ticket_suggest
from arbitration.models import Assignment, BounceReason, Department
from arbitration.services.bounces import (
    bounce_create,
    bounce_reject,
    bounce_uphold,
    bounce_window_closes,
    catalogue_claim,
)
from arbitration.views._actions import act, local_url

PAGE_SIZE = 50
# Assignments newest first, over the partial index assignment_active_recent (department, assigned_at) of the
# current ones: an Index Scan per department of the liaison's few, then a top-N sort (migration 0023's comment).
ASSIGNMENT_ORDER = ("-assigned_at", "-pk")


@login_required
def bounce_mine(request: HttpRequest) -> HttpResponse:
    """A liaison's current assignments (with the bounce window) and their department's bounces, each list paged by
    its own cursor."""
    user = request.user
    assignments = (
        Assignment.objects.filter(department_id__in=user.department_ids, ended_at=None)
        .exclude(role=AssignmentRole.COPIED)
        .select_related("ticket__territory", "department", "bounce")
    )
    page = keyset.page_for(request, assignments, PAGE_SIZE, ASSIGNMENT_ORDER, param="assignments_cursor")
    calendar, graph = WorkingCalendar.load(), current_graph()  # read once for the page, not once per row
    # The catalogue check is shown before the liaison submits (docs/bounces.md): the form then asks for the
    # document that says otherwise.
    page.rows = [
        {
            "assignment": a,
            "closes": bounce_window_closes(a, calendar),
            "bounced": getattr(a, "bounce", None),
            "claim": catalogue_claim(a.ticket, a.department_id, graph=graph),
            "holds": a.method == AssignmentMethod.FIRST_RECEIVER and a.role == AssignmentRole.LEAD,
        }
        for a in page.rows
    ]
    bounces = access.bounces_visible_to(user).select_related("ticket", "reason", "department")
    return render(
        request,
        "arbitration/bounces/mine.html",
        {
            "page": page,
            "bounces": keyset.page_for(request, bounces, PAGE_SIZE, param="bounces_cursor"),
            "reasons": BounceReason.objects.filter(is_active=True),
            "duty_denying_reasons": [r.name for r in BounceReason.objects.filter(is_active=True, denies_duty=True)],
            "departments": Department.objects.filter(is_active=True).order_by("code"),
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
    """Pending bounces, the longest waiting first (each one's department keeps the ticket's clock running)."""
    if not access.may_review_bounces(request.user):
        raise Http404
    page = keyset.page_for(request, selectors_conference.bounce_review_queue(), PAGE_SIZE)
    graph = current_graph()  # one version check for the page, not one per bounce
    page.rows = [{"bounce": b, "suggestion": ticket_suggest(b.ticket, graph=graph)} for b in page.rows]
    return render(
        request,
        "arbitration/bounces/review.html",
        {
            "page": page,
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
