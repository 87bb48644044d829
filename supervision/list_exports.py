"""Supervision's list pages as CSV (the registry in arbitration/views/exports.py; docs/homes.md, "Exports").

Each list reads the same access rule, selector and query-string filters as its page.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from arbitration.choices import Role
from arbitration.errors import NotFound
from arbitration.validation import date_param
from arbitration.views.exports import ListExport, display, heading, list_export_register
from supervision import access, selectors
from supervision.choices import AlertStatus, PeriodKind
from supervision.models import (
    DisciplineReferral,
    Scorecard,
    SupervisionCase,
    SupervisionLetter,
    SurgeAlert,
    Topic,
)


def _cases(request: HttpRequest) -> QuerySet[SupervisionCase]:
    if not access.is_supervisor(request.user):
        raise NotFound()
    return selectors.case_queue(
        access.cases_visible_to(request.user),
        tier=request.GET.get("tier", ""),
        trigger=request.GET.get("trigger", ""),
    )


def _letters(request: HttpRequest) -> QuerySet[SupervisionLetter]:
    if not (access.is_supervisor(request.user) or request.user.has_role(Role.LIAISON, Role.CITY_LEADER)):
        raise NotFound()
    return selectors.letter_register(
        access.letters_visible_to(request.user), state=request.GET.get("state", ""), kind=request.GET.get("kind", "")
    )


def _referrals(request: HttpRequest) -> QuerySet[DisciplineReferral]:
    if not (access.may_refer(request.user) or request.user.has_role(Role.DISCIPLINE_LIAISON)):
        raise NotFound()
    return selectors.referral_list(access.referrals_visible_to(request.user))


def _scorecards(request: HttpRequest) -> QuerySet[Scorecard]:
    """The page's period: `period_kind` and `period_start` as the dashboard reads them, the latest by default."""
    if not access.may_see_scorecards(request.user):
        raise NotFound()
    periods = selectors.score_periods(request.GET.get("period_kind", PeriodKind.MONTH))
    start = date_param("period_start", request.GET.get("period_start"))
    period = periods[0] if periods and start is None else next((p for p in periods if p.period_start == start), None)
    if period is None:
        return Scorecard.objects.none()
    return selectors.scorecards_for(access.scorecards_visible_to(request.user), period).select_related("department")


def _alerts(request: HttpRequest) -> QuerySet[SurgeAlert]:
    alerts = access.alerts_visible_to(request.user).select_related("matter", "territory", "department")
    status = request.GET.get("status", "")
    if status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    return alerts.order_by("-day", "-pk")


def _topics(request: HttpRequest) -> QuerySet[Topic]:
    if not access.may_list_topics(request.user):
        raise NotFound()
    return selectors.topic_list(access.topics_visible_to(request.user), state=request.GET.get("state", ""))


def _name(attribute: str):
    return lambda row: getattr(getattr(row, attribute), "name", "") if getattr(row, f"{attribute}_id") else ""


def register() -> None:
    for export in (
        ListExport(
            name="supervision-cases",
            rows=_cases,
            columns=(
                (_("Number"), lambda c: c.ticket.hotline_no if c.ticket_id else ""),
                (heading(SupervisionCase, "department"), _name("department")),
                (heading(SupervisionCase, "tier"), display("tier")),
                (heading(SupervisionCase, "trigger"), display("trigger")),
                (heading(SupervisionCase, "status"), display("status")),
                (heading(SupervisionCase, "opened_at"), lambda c: c.opened_at),
                (heading(SupervisionCase, "step_due_at"), lambda c: c.step_due_at),
            ),
        ),
        ListExport(
            name="letters",
            rows=_letters,
            columns=(
                (heading(SupervisionLetter, "document_number"), lambda x: x.document_number),
                (heading(SupervisionLetter, "kind"), display("kind")),
                (heading(SupervisionLetter, "addressee"), lambda x: x.addressee),
                (heading(SupervisionLetter, "status"), display("status")),
                (heading(SupervisionLetter, "issued_at"), lambda x: x.issued_at),
                (heading(SupervisionLetter, "response_due_on"), lambda x: x.response_due_on),
                (heading(SupervisionLetter, "answered_at"), lambda x: x.answered_at),
            ),
        ),
        ListExport(
            name="referrals",
            rows=_referrals,
            columns=(
                (_("Number"), lambda r: r.ticket.hotline_no if r.ticket_id else ""),
                (heading(DisciplineReferral, "trigger"), display("trigger")),
                (heading(DisciplineReferral, "status"), display("status")),
                (heading(DisciplineReferral, "proposed_at"), lambda r: r.proposed_at),
                (heading(DisciplineReferral, "sent_at"), lambda r: r.sent_at),
            ),
        ),
        ListExport(
            name="scorecards",
            rows=_scorecards,
            columns=(
                (heading(Scorecard, "department"), _name("department")),
                (heading(Scorecard, "period_start"), lambda s: s.period_start),
                (heading(Scorecard, "group"), lambda s: s.group),
                (heading(Scorecard, "rank"), lambda s: s.rank),
                (heading(Scorecard, "service_index"), lambda s: s.service_index),
                (heading(Scorecard, "tickets"), lambda s: s.tickets),
                (heading(Scorecard, "response_rate"), lambda s: s.response_rate),
                (heading(Scorecard, "on_time_rate"), lambda s: s.on_time_rate),
                (heading(Scorecard, "feedback_rate"), lambda s: s.feedback_rate),
                (heading(Scorecard, "satisfaction_rate"), lambda s: s.satisfaction_rate),
                (heading(Scorecard, "bounce_rate"), lambda s: s.bounce_rate),
            ),
        ),
        ListExport(
            name="alerts",
            rows=_alerts,
            columns=(
                (heading(SurgeAlert, "day"), lambda a: a.day),
                (heading(SurgeAlert, "matter"), _name("matter")),
                (heading(SurgeAlert, "territory"), _name("territory")),
                (heading(SurgeAlert, "department"), _name("department")),
                (heading(SurgeAlert, "observed"), lambda a: a.observed),
                (heading(SurgeAlert, "expected"), lambda a: round(a.expected, 1)),
                (heading(SurgeAlert, "status"), display("status")),
                (heading(SurgeAlert, "acknowledge_due"), lambda a: a.acknowledge_due),
            ),
        ),
        ListExport(
            name="topics",
            rows=_topics,
            columns=(
                (heading(Topic, "title"), lambda t: t.title),
                (heading(Topic, "matter"), _name("matter")),
                (heading(Topic, "territory"), _name("territory")),
                (heading(Topic, "lead"), _name("lead")),
                (heading(Topic, "status"), display("status")),
            ),
        ),
    ):
        list_export_register(export)
