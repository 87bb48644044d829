"""The legal desk's figures on the leader's cockpit, registered through arbitration.figures (legal/apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from arbitration.figures import cockpit_figure_register
from legal.choices import CaseStatus, LeadStatus
from legal.models import LegalCase, PublicInterestLead

# Every status a lead passes through once it has left the desk for the procuratorate.
SENT_STATUSES = (
    LeadStatus.HANDED_OFF,
    LeadStatus.RECEIVED,
    LeadStatus.FILED,
    LeadStatus.RECOMMENDATION_ISSUED,
    LeadStatus.LAWSUIT,
)


def legal_cases_open():
    return LegalCase.objects.exclude(status=CaseStatus.CLOSED)


def leads_sent():
    return PublicInterestLead.objects.filter(status__in=SENT_STATUSES)


def register() -> None:
    cockpit_figure_register("legal.cases_open", label=_("Legal cases open"), rows=legal_cases_open)
    cockpit_figure_register(
        "legal.leads_sent", label=_("Public-interest leads sent to the procuratorate"), rows=leads_sent
    )
