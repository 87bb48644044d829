"""The legal desk's list pages as CSV (the registry in arbitration/views/exports.py; docs/homes.md, "Exports").

Neither list carries citizens' personal data: a lead's source tickets stay on its page, masked there by its rule.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from arbitration.errors import NotFound
from arbitration.views.exports import ListExport, display, heading, list_export_register
from legal import access, selectors
from legal.models import LegalCase, PublicInterestLead


def _cases(request: HttpRequest) -> QuerySet[LegalCase]:
    user = request.user
    if not (access.is_desk_lead(user) or access.is_lawyer(user) or access.is_procuratorate_liaison(user)):
        raise NotFound()
    return selectors.legal_case_list(user=user, status=request.GET.get("status") or None).select_related(
        "ticket", "lawyer"
    )


def _leads(request: HttpRequest) -> QuerySet[PublicInterestLead]:
    user = request.user
    if not (access.is_desk_lead(user) or access.is_procuratorate_liaison(user)):
        raise NotFound()
    return selectors.lead_list(user=user, status=request.GET.get("status") or None)


def register() -> None:
    for export in (
        ListExport(
            name="legal-cases",
            rows=_cases,
            columns=(
                (_("Number"), lambda c: c.ticket.hotline_no),
                (_("Title"), lambda c: c.ticket.title),
                (heading(LegalCase, "origin"), display("origin")),
                (heading(LegalCase, "status"), display("status")),
                (heading(LegalCase, "lawyer"), lambda c: c.lawyer or ""),
                (heading(LegalCase, "opened_at"), lambda c: c.opened_at),
                (heading(LegalCase, "closed_at"), lambda c: c.closed_at),
            ),
        ),
        ListExport(
            name="leads",
            rows=_leads,
            columns=(
                (heading(PublicInterestLead, "title"), lambda x: x.title),
                (heading(PublicInterestLead, "domain"), lambda x: x.domain.name),
                (heading(PublicInterestLead, "status"), display("status")),
                (heading(PublicInterestLead, "territory"), lambda x: x.territory.name if x.territory_id else ""),
                (heading(PublicInterestLead, "proposed_at"), lambda x: x.proposed_at),
            ),
        ),
    ):
        list_export_register(export)
