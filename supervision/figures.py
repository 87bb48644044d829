"""Surge alerts' and monthly topics' figures on the leader's cockpit (docs/cockpit.md, "Other figures").

Registered through arbitration.figures like the legal desk's, from SupervisionConfig.ready(), so the cockpit lists
every module's figures one way. Each figure drills down to the list it counts: the alert list filtered by state,
the topic list filtered to running topics or to those past their deadline. Both lists admit every cockpit viewer
(city leaders and supervisors oversee alerts and topics).
"""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from arbitration.figures import cockpit_figure_register
from supervision import selectors
from supervision.choices import AlertStatus
from supervision.models import SurgeAlert, Topic

# An alert is open until it is closed; each open state is a figure of its own, so a leader sees what waits on whom.
OPEN_ALERT_LABELS = {
    AlertStatus.RAISED: _("Surge alerts awaiting acknowledgement"),
    AlertStatus.ACKNOWLEDGED: _("Surge alerts acknowledged, no action yet"),
    AlertStatus.ACTED: _("Surge alerts with action taken, not closed"),
}


def _alerts_in(status: str):
    return lambda: SurgeAlert.objects.filter(status=status)


def topics_running():
    return selectors.topics_running(Topic.objects.all())


def topics_overdue():
    return selectors.topics_past_deadline(Topic.objects.all(), timezone.localdate())


def register() -> None:
    alerts = reverse_lazy("supervision:alerts")
    for status, label in OPEN_ALERT_LABELS.items():
        cockpit_figure_register(
            f"supervision.alerts_{status}",
            label=label,
            rows=_alerts_in(status),
            url=format_lazy("{}?status={}", alerts, status),
        )
    topics = reverse_lazy("supervision:topics")
    cockpit_figure_register(
        "supervision.topics_running",
        label=_("Monthly topics running"),
        rows=topics_running,
        url=format_lazy("{}?state=running", topics),
    )
    cockpit_figure_register(
        "supervision.topics_overdue",
        label=_("Monthly topics past their deadline"),
        rows=topics_overdue,
        url=format_lazy("{}?state=overdue", topics),
    )
