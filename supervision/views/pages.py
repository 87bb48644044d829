"""Supervisors' desk, liaisons' desk and the discipline liaison's referrals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration.access import may_see_personal_data, ticket_get_for
from arbitration.choices import DepartmentKind, Role
from arbitration.documents.views import document_pdf_response
from arbitration.errors import DomainError, NotFound, PermissionDenied
from arbitration.models import User
from supervision import access, selectors
from supervision.choices import TIER_ORDER, AnswerKind, LetterKind, PeriodKind, ReferralStatus, Tier
from supervision.dossier import merged_timeline, referral_summary
from supervision.services import cases, letters, referrals, scorecards, sweep
from supervision.views.files import dossier_response


def domain_errors_as_messages(view: Callable) -> Callable:
    """A refused action shows its message and goes back; "not found" stays a 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(request.META.get("HTTP_REFERER") or "supervision:queue")

    return wrapper


def _supervisor_only(request) -> None:
    if not access.is_supervisor(request.user):
        raise NotFound()


# --- cases --------------------------------------------------------------------------------------------------
@login_required
@domain_errors_as_messages
def queue(request):
    if not access.is_supervisor(request.user):
        return redirect("supervision:desk")
    visible = access.cases_visible_to(request.user)
    tier = request.GET.get("tier", "")
    rows = selectors.case_queue(visible, tier=tier, trigger=request.GET.get("trigger", ""))[:200]
    return render(
        request,
        "supervision/queue.html",
        {
            "cases": rows,
            "tier": tier,
            "counts": selectors.case_counts_by_tier(visible),
            "tiers": [(t, Tier(t).label) for t in TIER_ORDER],
        },
    )


@login_required
@require_POST
@domain_errors_as_messages
def case_open(request):
    _supervisor_only(request)
    ticket = ticket_get_for(user=request.user, hotline_no=request.POST.get("hotline_no", "").strip())
    case = cases.case_open(
        actor=request.user,
        reason=request.POST.get("reason", ""),
        ticket_id=ticket.pk,
        tier=request.POST.get("tier") or Tier.ROUTINE,
    )
    messages.success(request, _("Supervision case opened."))
    return redirect("supervision:case", case_id=case.pk)


@login_required
@require_POST
@domain_errors_as_messages
def sweep_run(request):
    _supervisor_only(request)
    report = sweep.supervision_sweep()
    messages.success(request, _("Sweep finished: %(summary)s") % {"summary": report.summary()})
    return redirect("supervision:queue")


@login_required
@domain_errors_as_messages
def case_detail(request, case_id: int):
    case = access.case_get_for(user=request.user, case_id=case_id)
    tickets = list(access.case_tickets_for(user=request.user, case=case))
    about = selectors.cases_about(ticket_ids=[ticket.pk for ticket in tickets], problem_id=case.problem_id)
    if case.pk not in {other.pk for other in about}:
        about.append(case)  # a case on a department, or on tickets this reader may not see: its own events
    timeline = merged_timeline(
        tickets, about, personal_data_visible=lambda ticket: may_see_personal_data(request.user, ticket)
    )
    return render(
        request,
        "supervision/case.html",
        {
            "case": case,
            **selectors.case_detail(case),
            "tickets": tickets if case.problem_id else [],
            "timeline": timeline,
            "is_supervisor": access.is_supervisor(request.user),
            "may_answer": access.may_answer(request.user, case),
            "may_press": access.may_press(request.user, case),
            "may_issue": access.may_issue_letters(request.user),
            "answer_kinds": AnswerKind.choices,
            "letter_kinds": LetterKind.choices,
        },
    )


@login_required
@require_POST
@domain_errors_as_messages
def case_action(request, case_id: int, action: str):
    case = access.case_get_for(user=request.user, case_id=case_id)
    reason = request.POST.get("reason", "")
    if action == "press":
        if not access.may_press(request.user, case):
            raise PermissionDenied()
        cases.case_press(case_id=case.pk, actor=request.user, reason=reason)
    elif action == "answer":
        department_id = access.answering_department_id(request.user, case)
        requested = parse_datetime(request.POST.get("requested_due_at", "") or "")
        if requested is not None and timezone.is_naive(requested):
            requested = timezone.make_aware(requested)
        cases.case_answer(
            case_id=case.pk,
            department_id=department_id,
            actor=request.user,
            kind=request.POST.get("kind", AnswerKind.PROGRESS),
            text=request.POST.get("text", ""),
            requested_due_at=requested,
        )
    elif action == "letter":
        if not access.may_issue_letters(request.user):
            raise PermissionDenied()
        letter = letters.letter_issue_for_case(
            case_id=case.pk, kind=request.POST.get("kind", LetterKind.ESCALATION), actor=request.user, reason=reason
        )
        messages.success(request, _("Letter %(number)s issued.") % {"number": letter.document_number})
        return redirect("supervision:letter", letter_id=letter.pk)
    else:
        _supervisor_only(request)
        service = {"raise": cases.case_raise, "close": cases.case_close}.get(action)
        if service is None:
            raise NotFound()
        service(case_id=case.pk, actor=request.user, reason=reason)
    messages.success(request, _("Done."))
    return redirect("supervision:case", case_id=case.pk)


@login_required
@require_POST
@domain_errors_as_messages
def extension_decide(request, answer_id: int):
    _supervisor_only(request)
    answer = cases.extension_decide(
        answer_id=answer_id,
        actor=request.user,
        grant=request.POST.get("grant") == "1",
        reason=request.POST.get("reason", ""),
    )
    return redirect("supervision:case", case_id=answer.case_id)


@login_required
def desk(request):
    """The liaison's desk: their departments' open cases (and those they are copied on) and letters to answer."""
    user = request.user
    if not user.has_role(Role.LIAISON):
        raise Http404()
    return render(
        request,
        "supervision/desk.html",
        {
            "cases": selectors.case_queue(access.cases_visible_to(user))[:200],
            "letters": selectors.letter_register(access.letters_visible_to(user), state="issued")[:200],
            "overdue_letters": selectors.letter_register(access.letters_visible_to(user), state="overdue")[:200],
        },
    )


# --- letters ------------------------------------------------------------------------------------------------
@login_required
def letter_register(request):
    visible = access.letters_visible_to(request.user)
    if not (access.is_supervisor(request.user) or request.user.has_role(Role.LIAISON, Role.CITY_LEADER)):
        raise Http404()
    state = request.GET.get("state", "")
    return render(
        request,
        "supervision/letters.html",
        {
            "letters": selectors.letter_register(visible, state=state, kind=request.GET.get("kind", ""))[:300],
            "counts": selectors.letter_register_counts(visible),
            "state": state,
            "drafts": access.drafts_visible_to(request.user).filter(status="draft").select_related("department")[:100],
            "today": timezone.localdate(),
        },
    )


@login_required
@domain_errors_as_messages
def letter_detail(request, letter_id: int):
    letter = access.letter_get_for(user=request.user, letter_id=letter_id)
    return render(
        request,
        "supervision/letter.html",
        {
            "letter": letter,
            "paragraphs": letter.data.get("paragraphs", []),
            "may_answer": access.may_answer_letter(request.user, letter),
            "today": timezone.localdate(),
        },
    )


@login_required
@domain_errors_as_messages
def letter_pdf(request, letter_id: int):
    return document_pdf_response(access.letter_get_for(user=request.user, letter_id=letter_id))


@login_required
@require_POST
@domain_errors_as_messages
def letter_answer(request, letter_id: int):
    letter = access.letter_get_for(user=request.user, letter_id=letter_id)
    if not access.may_answer_letter(request.user, letter):
        raise PermissionDenied()
    letters.letter_answer(letter_id=letter.pk, actor=request.user, text=request.POST.get("text", ""))
    messages.success(request, _("Answer recorded."))
    return redirect("supervision:letter", letter_id=letter.pk)


@login_required
@domain_errors_as_messages
def draft_detail(request, draft_id: int):
    draft = access.draft_get_for(user=request.user, draft_id=draft_id)
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            letters.letter_withdraw(draft_id=draft.pk, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Draft withdrawn."))
            return redirect("supervision:letters")
        paragraphs = [line.strip() for line in request.POST.get("paragraphs", "").splitlines() if line.strip()]
        letter = letters.letter_issue(
            draft_id=draft.pk,
            actor=request.user,
            title=request.POST.get("title", ""),
            paragraphs=paragraphs or None,
            due_on=parse_date(request.POST.get("response_due_on", "") or ""),
        )
        messages.success(request, _("Letter %(number)s issued.") % {"number": letter.document_number})
        return redirect("supervision:letter", letter_id=letter.pk)
    return render(request, "supervision/draft.html", {"draft": draft, "paragraphs": "\n".join(draft.paragraphs)})


# --- scorecards ---------------------------------------------------------------------------------------------
@login_required
@domain_errors_as_messages
def scorecard_dashboard(request):
    _supervisor_only(request)
    if request.method == "POST":
        start = parse_date(request.POST.get("period_start", "") or "") or timezone.localdate().replace(day=1)
        scorecards.scorecards_compute(
            period_kind=request.POST.get("period_kind", PeriodKind.MONTH), period_start=start, actor=request.user
        )
        messages.success(request, _("Scorecards computed."))
        return redirect(request.get_full_path())
    kind = request.GET.get("period_kind", PeriodKind.MONTH)
    periods = selectors.scorecard_periods(kind)
    chosen = parse_date(request.GET.get("period_start", "") or "") or (periods[0] if periods else None)
    rows = list(selectors.scorecards_for(kind, chosen)) if chosen else []
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(str(DepartmentKind(row.group).label), []).append(row)
    # Departments are ranked within their group (streets against streets), so the chart shows group by group,
    # best first, one colour and one legend entry per group.
    ranked = [(name, r) for name, members in groups.items() for r in sorted(members, key=lambda r: -r.service_index)]
    charts = {
        "ranking": {
            "labels": [r.department.name for _name, r in ranked],
            "groups": [
                {"name": name, "values": [float(r.service_index) if g == name else None for g, r in ranked]}
                for name in groups
            ],
        },
        "trend": selectors.scorecard_trend(kind),
    }
    return render(
        request,
        "supervision/scorecards.html",
        {
            "period_kind": kind,
            "periods": periods,
            "chosen": chosen,
            "groups": groups,
            "rows": rows,
            "charts": charts,
            "kinds": PeriodKind.choices,
            "default_start": (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1),
        },
    )


# --- referrals ----------------------------------------------------------------------------------------------
@login_required
def referral_list(request):
    visible = access.referrals_visible_to(request.user).select_related("ticket", "liaison")
    if not (access.may_refer(request.user) or request.user.has_role(Role.DISCIPLINE_LIAISON)):
        raise Http404()
    return render(
        request,
        "supervision/referrals.html",
        {
            "referrals": visible[:300],
            "may_refer": access.may_refer(request.user),
            "progress": selectors.referral_yearly_progress() if access.may_refer(request.user) else None,
        },
    )


@login_required
@domain_errors_as_messages
def referral_detail(request, referral_id: int):
    referral = access.referral_get_for(user=request.user, referral_id=referral_id)
    return render(
        request,
        "supervision/referral.html",
        {
            "referral": referral,
            # What the dossier says of the rule, the ladder and the tickets: frozen once sent, live before.
            "summary": referral.dossier_data or referral_summary(referral),
            "events": referral.events.select_related("actor"),
            "may_refer": access.may_refer(request.user),
            "may_record": access.may_record_referral(request.user, referral),
            "liaisons": User.objects.filter(groups__name=Role.DISCIPLINE_LIAISON).order_by("username"),
            "record_choices": [
                (s, ReferralStatus(s).label)
                for s in (ReferralStatus.RECEIVED, ReferralStatus.UNDER_REVIEW, ReferralStatus.CONCLUDED)
            ],
        },
    )


@login_required
@require_POST
@domain_errors_as_messages
def referral_action(request, referral_id: int, action: str):
    referral = access.referral_get_for(user=request.user, referral_id=referral_id)
    if action == "record":
        if not access.may_record_referral(request.user, referral):
            raise PermissionDenied()
        referrals.referral_record(
            referral_id=referral.pk,
            actor=request.user,
            target=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
    elif action in ("send", "dismiss"):
        if not access.may_refer(request.user):
            raise PermissionDenied()
        if action == "send":
            referrals.referral_send(
                referral_id=referral.pk,
                actor=request.user,
                liaison_id=int(request.POST.get("liaison_id") or 0),
                reason=request.POST.get("reason", ""),
            )
        else:
            referrals.referral_dismiss(
                referral_id=referral.pk, actor=request.user, reason=request.POST.get("reason", "")
            )
    else:
        raise NotFound()
    messages.success(request, _("Done."))
    return redirect("supervision:referral", referral_id=referral.pk)


@login_required
@require_POST
@domain_errors_as_messages
def referral_create(request):
    if not access.may_refer(request.user):
        raise NotFound()
    ticket = ticket_get_for(user=request.user, hotline_no=request.POST.get("hotline_no", "").strip())
    referral = referrals.referral_create(ticket_id=ticket.pk, actor=request.user, reason=request.POST.get("reason", ""))
    return redirect("supervision:referral", referral_id=referral.pk)


@login_required
@domain_errors_as_messages
def referral_dossier(request, referral_id: int):
    return dossier_response(access.referral_get_for(user=request.user, referral_id=referral_id))
