"""Reports: the register of daily work reports, monthly work bulletins and scorecard bulletins (MINGZE_REPORT_ROLES),
and the public rankings page (no login) with the quarterly rankings the centre has published (docs/cockpit.md,
"Reports")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from arbitration.documents.views import document_pdf_response
from supervision.cockpit.access import may_read_reports
from supervision.cockpit.rankings import published_rankings
from supervision.models import DailyReport, MonthlyReport, ScoreBulletin

REGISTER_ROWS = 100
DOCUMENTS = {"daily": DailyReport, "monthly": MonthlyReport, "bulletin": ScoreBulletin}


def _bulletins():
    # Only bulletins of published periods exist (they are issued on publication); the filter says so again.
    return ScoreBulletin.objects.filter(period__published_at__isnull=False).select_related("period")


@login_required
def report_register(request: HttpRequest) -> HttpResponse:
    if not may_read_reports(request.user):
        raise Http404()
    return render(
        request,
        "supervision/reports.html",
        {
            "daily": DailyReport.objects.all()[:REGISTER_ROWS],
            "monthly": MonthlyReport.objects.all()[:REGISTER_ROWS],
            "bulletins": _bulletins()[:REGISTER_ROWS],
        },
    )


@login_required
def report_pdf(request: HttpRequest, kind: str, document_id: int) -> HttpResponse:
    if not may_read_reports(request.user) or kind not in DOCUMENTS:
        raise Http404()
    queryset = _bulletins() if kind == "bulletin" else DOCUMENTS[kind].objects.all()
    document = queryset.filter(pk=document_id).first()
    if document is None:
        raise Http404()
    return document_pdf_response(document)


def public_rankings(request: HttpRequest) -> HttpResponse:
    """Open to anyone: the published quarterly rankings, as the bulletins publish them, and nothing else."""
    return render(request, "supervision/public_rankings.html", {"quarters": published_rankings()})
