"""Pages of the monthly topic (每月一题): the list, proposing, and one topic with its tickets, reports and figures.
Every form goes through a Django form; every action through one service (docs/topics.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from arbitration import keyset
from arbitration.calendar import WorkingCalendar
from arbitration.documents.views import document_pdf_response
from arbitration.errors import PermissionDenied
from arbitration.form_rules import bound
from supervision import access, selectors
from supervision.forms import ReasonForm, TopicApproveForm, TopicProposeForm, TopicReportForm
from supervision.services import topics
from supervision.views.pages import PAGE_SIZE, domain_errors_as_messages


@login_required
@domain_errors_as_messages
def topic_list(request):
    if not access.may_list_topics(request.user):
        raise Http404()
    calendar, today = WorkingCalendar.load(), timezone.localdate()
    state = request.GET.get("state", "")  # the cockpit's drill-down (running, past their deadline)
    listed = selectors.topic_list(access.topics_visible_to(request.user), state=state, today=today)
    page = keyset.page_for(request, listed, PAGE_SIZE)
    rows = [(topic, selectors.topic_report_overdue(topic, calendar, today)) for topic in page.rows]
    # A link from an alert or the cockpit fills in what it knows (matter, place, where the idea came from).
    initial = {name: request.GET[name] for name in TopicProposeForm.base_fields if name in request.GET}
    form = TopicProposeForm(request.POST or None, initial=initial) if access.may_propose_topic(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied()
        if form.is_valid():
            data = form.cleaned_data
            topic = topics.topic_propose(
                actor=request.user,
                title=data["title"],
                matter_id=data["matter"].pk,
                territory_id=data["territory"].pk if data["territory"] else None,
                keywords=data["keywords"],
                rationale=data["rationale"],
                source_kind=data["source_kind"],
                source_reference=data["source_reference"],
            )
            messages.success(request, _("Topic proposed; a supervisor approves or rejects it."))
            return redirect("supervision:topic", topic.pk)
    status = 400 if form is not None and form.is_bound else 200  # a bound form here did not validate
    return render(request, "supervision/topics.html", {"rows": rows, "page": page, "form": form}, status=status)


@login_required
@domain_errors_as_messages
def topic_detail(request, topic_id: int):
    topic = access.topic_get_for(user=request.user, topic_id=topic_id)
    calendar = WorkingCalendar.load()
    return render(
        request,
        "supervision/topic.html",
        {
            "topic": topic,
            "page": keyset.page_for(request, access.topic_tickets_for(user=request.user, topic=topic), PAGE_SIZE),
            "reports": topic.reports.select_related("department", "author"),
            "transitions": topic.transitions.select_related("actor"),
            "figures": selectors.topic_figures(topic, now=timezone.now()),
            "report_due_on": selectors.topic_report_due_on(topic, calendar),
            "overdue": selectors.topic_report_overdue(topic, calendar, timezone.localdate()),
            "closing_report": getattr(topic, "closing_report", None),
            "approve_form": TopicApproveForm() if access.may_decide_topic(request.user) else None,
            "reason_form": ReasonForm(),
            "report_form": TopicReportForm() if access.may_report_topic(request.user, topic) else None,
            "may_decide": access.may_decide_topic(request.user),
            "may_close": access.may_close_topic(request.user),
        },
    )


TOPIC_ACTION_DONE = {
    "approve": _lazy("Topic approved; the lead department reports its progress here until the deadline."),
    "reject": _lazy("Topic rejected; it stays on record with your reason."),
    "closing": _lazy(
        "Closing started; the lead's final report may still come, then close the topic to issue its closing report."
    ),
    "close": _lazy("Topic closed; its numbered closing report was issued."),
    "report": _lazy("Progress report submitted; the supervisors see it on the topic."),
}


@login_required
@require_POST
@domain_errors_as_messages
def topic_action(request, topic_id: int, action: str):
    topic = access.topic_get_for(user=request.user, topic_id=topic_id)
    allowed = {
        "approve": access.may_decide_topic,
        "reject": access.may_decide_topic,
        "closing": access.may_close_topic,
        "close": access.may_close_topic,
        "report": lambda user: access.may_report_topic(user, topic),
    }
    if action not in allowed:
        raise Http404()
    if not allowed[action](request.user):
        raise PermissionDenied()
    form_class = {"approve": TopicApproveForm, "report": TopicReportForm}.get(action, ReasonForm)
    data = bound(request, form_class)
    if action == "approve":
        topics.topic_approve(
            topic_id=topic.pk,
            actor=request.user,
            lead_id=data["lead"].pk,
            co_handler_ids=[d.pk for d in data["co_handlers"]],
            goal=data["goal"],
            target_weekly_tickets=data["target_weekly_tickets"],
            working_days=data["working_days"],
        )
    elif action == "reject":
        topics.topic_reject(topic_id=topic.pk, actor=request.user, reason=data["reason"])
    elif action == "closing":
        topics.topic_closing_start(topic_id=topic.pk, actor=request.user, reason=data["reason"])
    elif action == "close":
        topics.topic_close(topic_id=topic.pk, actor=request.user, summary=data["reason"])
    else:
        topics.topic_report_submit(
            topic_id=topic.pk,
            actor=request.user,
            text=data["text"],
            figures=data["figures"],
            attachment=data["attachment"],
        )
    messages.success(request, str(TOPIC_ACTION_DONE[action]))
    return redirect("supervision:topic", topic.pk)


@login_required
@domain_errors_as_messages
def topic_closing_report(request, topic_id: int):
    topic = access.topic_get_for(user=request.user, topic_id=topic_id)
    report = getattr(topic, "closing_report", None)
    if report is None:
        raise Http404()
    return document_pdf_response(report)
