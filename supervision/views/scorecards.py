"""Scorecard pages: the dashboard (supervisors: every card; liaisons: their departments'), the tickets behind each
number with the liaison's appeal, the appeals of a period with the supervisor's decision, publication and the
bulletin. Authorization through `supervision.access`, writes through the services (docs/scorecards.md)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration import keyset
from arbitration.choices import DepartmentKind
from arbitration.documents.views import document_pdf_response
from arbitration.errors import NotFound, PermissionDenied
from arbitration.form_rules import bound
from arbitration.forms import OptionalReasonForm
from arbitration.models import Department
from arbitration.validation import date_param
from supervision import access, forms, selectors
from supervision.choices import AppealDecision, AppealStatus, PeriodKind, ScoreOutcome, ScoreRate
from supervision.models import ScorePeriod
from supervision.services import score_appeals, scorecards
from supervision.views.files import appeal_attachment_response
from supervision.views.pages import domain_errors_as_messages

PAGE_SIZE = 100


def _visible_or_404(request) -> None:
    if not access.may_see_scorecards(request.user):
        raise Http404()


def _chosen_period(request, periods: list[ScorePeriod]) -> ScorePeriod | None:
    start = date_param("period_start", request.GET.get("period_start"))
    if start is None:
        return periods[0] if periods else None
    return next((period for period in periods if period.period_start == start), None)


def _ranking_chart(groups: dict[str, list]) -> dict:
    """Departments are ranked within their group (streets against streets), so the chart shows group by group,
    best first, one colour and one legend entry per group; unranked cards have no bar."""
    ranked = [(name, card) for name, members in groups.items() for card in members if card.rank]
    return {
        "labels": [card.department.name for _name, card in ranked],
        "groups": [
            {"name": name, "values": [float(card.service_index) if g == name else None for g, card in ranked]}
            for name in groups
        ],
    }


@login_required
@domain_errors_as_messages
def scorecard_dashboard(request):
    _visible_or_404(request)
    is_supervisor = access.is_supervisor(request.user)
    if request.method == "POST":
        access.ensure_supervisor(request.user)
        data = bound(request, forms.ScorecardsComputeForm)
        start = data["period_start"] or timezone.localdate().replace(day=1)
        kind = data["period_kind"] or PeriodKind.MONTH
        scorecards.scorecards_compute(period_kind=kind, period_start=start, actor=request.user)
        messages.success(request, _("Scorecards computed as a draft; decide the period's appeals, then publish them."))
        first, _end = scorecards.period_bounds(kind, start)
        return redirect(f"{reverse('supervision:scorecards')}?period_kind={kind}&period_start={first:%Y-%m-%d}")
    kind = request.GET.get("period_kind", PeriodKind.MONTH)
    periods = selectors.score_periods(kind)
    period = _chosen_period(request, periods)
    cards = list(selectors.scorecards_for(access.scorecards_visible_to(request.user), period)) if period else []
    groups: dict[str, list] = {}
    for card in cards:
        card.figures = selectors.rate_figures(card)
        groups.setdefault(str(DepartmentKind(card.group).label), []).append(card)
    return render(
        request,
        "supervision/scorecards.html",
        {
            "period_kind": kind,
            "periods": periods,
            "period": period,
            "groups": groups,
            "rows": cards,
            "is_supervisor": is_supervisor,
            "may_publish": access.may_publish_scorecards(request.user),
            "pending_appeals": period.appeals.filter(status=AppealStatus.PENDING).count() if period else 0,
            "waiting_for_recompute": selectors.appeals_waiting_for_recompute(period) if period else 0,
            "charts": {"ranking": _ranking_chart(groups), "trend": selectors.scorecard_trend(kind)}
            if is_supervisor
            else None,
            "kinds": PeriodKind.choices,
            "default_start": (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1),
        },
    )


@login_required
@domain_errors_as_messages
def scorecard_tickets(request, scorecard_id: int):
    card = access.scorecard_get_for(user=request.user, scorecard_id=scorecard_id)
    rate = request.GET.get("rate", "")
    outcome = request.GET.get("outcome", "")
    if rate not in ("", *ScoreRate.values) or outcome not in ("", "judged", *ScoreOutcome.values):
        raise Http404()
    entries = selectors.scorecard_entries(card, rate=rate, outcome=outcome)
    page = keyset.page_for(request, entries, PAGE_SIZE)
    for entry in page.rows:
        entry.outcomes = [(getattr(entry, name), getattr(entry, f"get_{name}_display")()) for name in ScoreRate.values]
    period = card.period
    window_open = not period.is_published and (
        period.appeal_closes_at is None or timezone.now() <= period.appeal_closes_at
    )
    appealed = set(
        access.appeals_visible_to(request.user)
        .filter(period=period, department=card.department)
        .values_list("ticket_id", flat=True)
    )
    return render(
        request,
        "supervision/scorecard_tickets.html",
        {
            "card": card,
            "period": period,
            "page": page,
            "rate": rate,
            "rate_label": ScoreRate(rate).label if rate else "",
            "outcome": outcome,
            "outcome_label": _outcome_label(outcome),
            "figures": selectors.rate_figures(card),
            "may_appeal": access.may_appeal(request.user, card) and window_open,
            "appealed": appealed,
        },
    )


def _outcome_label(outcome: str) -> str:
    if outcome == "judged":
        return _("Judged (met or missed)")
    return str(ScoreOutcome(outcome).label) if outcome else ""


@login_required
@require_POST
@domain_errors_as_messages
def scorecard_appeal(request, scorecard_id: int):
    card = access.scorecard_get_for(user=request.user, scorecard_id=scorecard_id)
    if not access.may_appeal(request.user, card):
        raise PermissionDenied()
    score_appeals.score_appeal_lodge(
        period_id=card.period_id,
        department_id=card.department_id,
        actor=request.user,
        **bound(request, forms.AppealLodgeForm),
    )
    messages.success(request, _("Appeal lodged; a supervisor will decide it."))
    return redirect(request.META.get("HTTP_REFERER") or reverse("supervision:scorecard_tickets", args=[card.pk]))


@login_required
@domain_errors_as_messages
def period_appeals(request, period_id: int):
    period = access.score_period_get_for(user=request.user, period_id=period_id)
    status = request.GET.get("status", "")
    appeals = selectors.appeals_of_period(access.appeals_visible_to(request.user), period, status=status)
    may_decide = access.may_publish_scorecards(request.user) and not period.is_published
    return render(
        request,
        "supervision/score_appeals.html",
        {
            "period": period,
            "page": keyset.page_for(request, appeals, PAGE_SIZE),
            "status": status,
            "statuses": AppealStatus.choices,
            "may_decide": may_decide,
            "decisions": AppealDecision.choices,
            "departments": Department.objects.filter(is_active=True).order_by("kind", "code") if may_decide else [],
        },
    )


@login_required
@require_POST
@domain_errors_as_messages
def appeal_decide(request, appeal_id: int):
    appeal = access.appeal_get_for(user=request.user, appeal_id=appeal_id)
    if not access.may_publish_scorecards(request.user):
        raise PermissionDenied()
    score_appeals.score_appeal_decide(appeal_id=appeal.pk, actor=request.user, **bound(request, forms.AppealDecideForm))
    messages.success(request, _("Appeal decided. Recompute the draft to apply it."))
    return redirect("supervision:period_appeals", period_id=appeal.period_id)


@login_required
@domain_errors_as_messages
def appeal_attachment(request, appeal_id: int):
    return appeal_attachment_response(access.appeal_get_for(user=request.user, appeal_id=appeal_id))


@login_required
@require_POST
@domain_errors_as_messages
def period_publish(request, period_id: int):
    period = access.score_period_get_for(user=request.user, period_id=period_id)
    if not access.may_publish_scorecards(request.user):
        raise PermissionDenied()
    reason = bound(request, OptionalReasonForm)["reason"]
    period = scorecards.scorecards_publish(period_id=period.pk, actor=request.user, reason=reason)
    messages.success(
        request,
        _("Published: bulletin %(number)s issued; the period's scorecards are final.")
        % {"number": period.bulletin.document_number},
    )
    return redirect(
        f"{reverse('supervision:scorecards')}?period_kind={period.period_kind}&period_start={period.period_start:%Y-%m-%d}"
    )


@login_required
@domain_errors_as_messages
def period_bulletin(request, period_id: int):
    period = access.score_period_get_for(user=request.user, period_id=period_id)
    bulletin = getattr(period, "bulletin", None) if period.is_published else None
    if bulletin is None:
        raise NotFound()
    return document_pdf_response(bulletin)
