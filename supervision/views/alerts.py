"""Surge alert pages (docs/alerts.md): the list (a liaison's departments' alerts; all for the centre), one alert
with the liaison's acknowledgement and action report and the centre's closing and bulletin, and the muted series.
Authorization through `supervision.access`, writes through `supervision.services.alerts`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from arbitration import keyset
from arbitration.documents.views import document_pdf_response
from arbitration.errors import PermissionDenied
from arbitration.form_rules import bound
from supervision import access
from supervision.choices import AlertStatus
from supervision.forms import AlertActForm, AlertCloseForm, SeriesMuteForm
from supervision.models import SurgeBulletin
from supervision.services import alerts as services
from supervision.views.pages import domain_errors_as_messages

PAGE_SIZE = 200


@login_required
def alert_list(request):
    status = request.GET.get("status", "")
    alerts = access.alerts_visible_to(request.user).select_related("matter", "territory", "department")
    if status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    page = keyset.page_for(request, alerts, PAGE_SIZE)
    return render(
        request,
        "supervision/alerts.html",
        {
            "alerts": page.rows,
            "page": page,
            "status": status,
            "statuses": AlertStatus.choices,
            "is_supervisor": access.is_supervisor(request.user),
        },
    )


@login_required
@domain_errors_as_messages
def alert_detail(request, alert_id: int):
    alert = access.alert_get_for(user=request.user, alert_id=alert_id)
    return render(
        request,
        "supervision/alert.html",
        {
            "alert": alert,
            "transitions": alert.transitions.select_related("actor"),
            "bulletin": SurgeBulletin.objects.filter(alert=alert).first(),
            "may_answer": access.may_answer_alert(request.user, alert),
            "is_supervisor": access.is_supervisor(request.user),
            "may_propose_topic": access.may_propose_topic(request.user),
            "act_form": AlertActForm(),
            "close_form": AlertCloseForm(),
        },
    )


ALERT_ACTION_DONE = {
    "acknowledge": _lazy("Alert acknowledged; record the action taken once there is one."),
    "act": _lazy("Action recorded; the supervisors see it and close the alert when the surge is dealt with."),
    "close": _lazy("Alert closed; it stays on record with your reason."),
    "bulletin": _lazy("Surge bulletin issued; its PDF is on this page."),
}


@login_required
@require_POST
@domain_errors_as_messages
def alert_action(request, alert_id: int, action: str):
    alert = access.alert_get_for(user=request.user, alert_id=alert_id)
    if action in ("acknowledge", "act") and not access.may_answer_alert(request.user, alert):
        raise PermissionDenied()
    if action == "acknowledge":
        services.surge_alert_acknowledge(alert_id=alert.pk, actor=request.user)
    elif action == "act":
        services.surge_alert_act(alert_id=alert.pk, actor=request.user, **bound(request, AlertActForm))
    elif action == "close":
        services.surge_alert_close(alert_id=alert.pk, actor=request.user, **bound(request, AlertCloseForm))
    elif action == "bulletin":
        services.surge_bulletin_issue(alert_id=alert.pk, actor=request.user)
    else:
        raise Http404()
    messages.success(request, str(ALERT_ACTION_DONE[action]))
    return redirect("supervision:alert", alert_id=alert.pk)


@login_required
@domain_errors_as_messages
def alert_bulletin_pdf(request, alert_id: int):
    alert = access.alert_get_for(user=request.user, alert_id=alert_id)
    bulletin = SurgeBulletin.objects.filter(alert=alert).first()
    if bulletin is None:
        raise Http404()
    return document_pdf_response(bulletin)


@login_required
@domain_errors_as_messages
def mute_list(request):
    if not access.is_supervisor(request.user):
        raise Http404()
    form = SeriesMuteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.series_mute(
            matter_id=data["matter"].pk,
            territory_id=data["territory"].pk if data["territory"] else None,
            reason=data["reason"],
            until=data["until"],
            actor=request.user,
        )
        messages.success(request, _("Series muted; it raises no alert until the mute ends or is lifted."))
        return redirect("supervision:mutes")
    mutes = access.mutes_visible_to(request.user).select_related("matter", "territory")
    page = keyset.page_for(request, mutes, PAGE_SIZE)
    status = 400 if form.is_bound else 200  # a bound form here did not validate: shown with its errors
    return render(request, "supervision/mutes.html", {"form": form, "mutes": page.rows, "page": page}, status=status)


@login_required
@require_POST
@domain_errors_as_messages
def mute_lift(request, mute_id: int):
    services.series_mute_lift(mute_id=mute_id, actor=request.user)
    messages.success(request, _("Mute lifted; the series raises alerts again."))
    return redirect("supervision:mutes")
