"""Supervisors' desk, liaisons' desk and the discipline liaison's referrals (scorecards: views/scorecards.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration import keyset
from arbitration.access import may_see_personal_data, ticket_get_for
from arbitration.choices import Role
from arbitration.documents.views import document_pdf_response
from arbitration.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from arbitration.form_rules import FormRefused, bound, valid_form
from arbitration.forms import OptionalReasonForm
from arbitration.models import User
from supervision import access, forms, selectors
from supervision.choices import TIER_ORDER, AnswerKind, LetterKind, ReferralStatus, Tier
from supervision.dossier import merged_timeline, referral_summary
from supervision.services import cases, letters, referrals, sweep
from supervision.texts.facts import CASE_LETTER_KINDS, Interview
from supervision.views.files import dossier_response

PAGE_SIZE = 50  # rows of each list; `?page_size=` changes it, the next and previous links page (docs/scale.md)


def domain_errors_as_messages(view: Callable) -> Callable:
    """A refused action shows its message and goes back; "not found" stays a 404. Bad input to a page read (a
    cursor the list did not make, a page size out of bounds) is no action to go back from: it answers its own 400
    with the message (config.middleware)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            if isinstance(error, InvalidInput) and request.method == "GET":
                raise
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
    page = keyset.page_for(
        request, selectors.case_queue(visible, tier=tier, trigger=request.GET.get("trigger", "")), PAGE_SIZE
    )
    return render(
        request,
        "supervision/queue.html",
        {
            "cases": page.rows,
            "page": page,
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
    data = bound(request, forms.CaseOpenForm)
    ticket = ticket_get_for(user=request.user, hotline_no=data["hotline_no"].strip())
    case = cases.case_open(
        actor=request.user, reason=data["reason"], ticket_id=ticket.pk, tier=data["tier"] or Tier.ROUTINE
    )
    messages.success(
        request, _("Supervision case opened; the department answers it on its desk, and you follow it here.")
    )
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
            "letter_kinds": [(kind, LetterKind(kind).label) for kind in CASE_LETTER_KINDS],
        },
    )


CASE_ACTION_DONE = {
    "press": _("Reminder sent; the department is expected to answer the case."),
    "raise": _("The case was raised one tier; it is followed at the heavier tier from now on."),
    "close": _("Case closed; it leaves the queue and stays on record."),
}
ANSWER_DONE = {
    AnswerKind.EXTENSION: _("Extension requested; a supervisor grants or refuses it."),
    AnswerKind.PROGRESS: _("Progress report recorded; the supervisors see it on the case."),
    AnswerKind.RESULT: _("Result recorded; the supervisors review it and close the case or press on."),
}


@login_required
@require_POST
@domain_errors_as_messages
def case_action(request, case_id: int, action: str):
    case = access.case_get_for(user=request.user, case_id=case_id)
    if action == "answer":
        department_id = access.answering_department_id(request.user, case)
        data = bound(request, forms.CaseAnswerForm)
        kind = data["kind"] or AnswerKind.PROGRESS
        cases.case_answer(
            case_id=case.pk,
            department_id=department_id,
            actor=request.user,
            kind=kind,
            text=data["text"],
            requested_due_at=data["requested_due_at"],
        )
        messages.success(request, str(ANSWER_DONE[kind]))
    elif action == "letter":
        if not access.may_issue_letters(request.user):
            raise PermissionDenied()
        form = valid_form(request, forms.CaseLetterForm)
        letter = letters.letter_issue_for_case(
            case_id=case.pk,
            kind=form.cleaned_data["kind"] or LetterKind.ESCALATION,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            remarks=form.cleaned_data["remarks"],
            interview=form.interview(),
        )
        messages.success(request, _letter_issued(letter))
        return redirect("supervision:letter", letter_id=letter.pk)
    elif action in CASE_ACTION_DONE:
        if action == "press" and not access.may_press(request.user, case):
            raise PermissionDenied()
        if action != "press":
            _supervisor_only(request)
        reason = bound(request, OptionalReasonForm)["reason"]
        service = {"press": cases.case_press, "raise": cases.case_raise, "close": cases.case_close}[action]
        service(case_id=case.pk, actor=request.user, reason=reason)
        messages.success(request, str(CASE_ACTION_DONE[action]))
    else:
        raise NotFound()
    return redirect("supervision:case", case_id=case.pk)


def _letter_issued(letter) -> str:
    return _("Letter %(number)s issued; the department answers it on its desk, and the register shows when.") % {
        "number": letter.document_number
    }


@login_required
@require_POST
@domain_errors_as_messages
def extension_decide(request, answer_id: int):
    _supervisor_only(request)
    data = bound(request, forms.ExtensionDecideForm)
    answer = cases.extension_decide(answer_id=answer_id, actor=request.user, **data)
    messages.success(
        request,
        _("Extension granted; the case is due at its new time.")
        if data["grant"]
        else _("Extension refused; the case keeps its due time."),
    )
    return redirect("supervision:case", case_id=answer.case_id)


@login_required
def desk(request):
    """The liaison's desk: their departments' open cases (and those they are copied on) and letters to answer, most
    urgent first; each list pages by its own cursor."""
    user = request.user
    if not user.has_role(Role.LIAISON):
        raise Http404()
    open_cases = selectors.case_queue(access.cases_visible_to(user))
    to_answer = selectors.letters_to_answer(access.letters_visible_to(user))
    return render(
        request,
        "supervision/desk.html",
        {
            "case_page": keyset.page_for(request, open_cases, PAGE_SIZE, param="case_cursor"),
            "letter_page": keyset.page_for(request, to_answer, PAGE_SIZE, param="letter_cursor"),
            "today": timezone.localdate(),
        },
    )


# --- letters ------------------------------------------------------------------------------------------------
@login_required
def letter_register(request):
    visible = access.letters_visible_to(request.user)
    if not (access.is_supervisor(request.user) or request.user.has_role(Role.LIAISON, Role.CITY_LEADER)):
        raise Http404()
    state = request.GET.get("state", "")
    letters = selectors.letter_register(visible, state=state, kind=request.GET.get("kind", ""))
    drafts = selectors.drafts_to_review(access.drafts_visible_to(request.user))
    return render(
        request,
        "supervision/letters.html",
        {
            "page": keyset.page_for(request, letters, PAGE_SIZE),
            "counts": selectors.letter_register_counts(visible),
            "state": state,
            "draft_page": keyset.page_for(request, drafts, PAGE_SIZE, param="draft_cursor"),
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
    letters.letter_answer(letter_id=letter.pk, actor=request.user, **bound(request, forms.LetterAnswerForm))
    messages.success(request, _("Answer recorded; the letter counts as answered in the register."))
    return redirect("supervision:letter", letter_id=letter.pk)


@login_required
@domain_errors_as_messages
def draft_detail(request, draft_id: int):
    """Review a draft: its text as it will be issued (from the kind's template), the drafter's remarks, the answer
    date and, for an interview notice, the arrangements; then issue it or withdraw it."""
    draft = access.draft_get_for(user=request.user, draft_id=draft_id)
    form = forms.DraftForm(request.POST) if request.method == "POST" else forms.DraftForm()
    if form.is_bound and not form.is_valid():
        raise FormRefused(form)
    data = form.cleaned_data if form.is_bound else {}
    action = data.get("action", "")
    if action == "withdraw":
        letters.letter_withdraw(draft_id=draft.pk, actor=request.user, reason=data["reason"])
        messages.success(request, _("Draft withdrawn; it will not be issued."))
        return redirect("supervision:letters")
    choices = {
        "title": data["title"] if form.is_bound else draft.title,
        "remarks": data["remarks"] if form.is_bound else draft.remarks,
        "due_on": data.get("response_due_on"),
        "interview": form.interview() if form.is_bound else Interview(),
    }
    if action == "issue":
        letter = letters.letter_issue(draft_id=draft.pk, actor=request.user, **choices)
        messages.success(request, _letter_issued(letter))
        return redirect("supervision:letter", letter_id=letter.pk)
    preview, preview_error = None, ""
    if draft.status == "draft":
        try:
            preview = letters.letter_preview(draft=draft, **choices)
        except DomainError as error:  # a missing or broken template: say so here instead of leaving the page
            preview_error = str(error)
    return render(
        request,
        "supervision/draft.html",
        {"draft": draft, "preview": preview, "preview_error": preview_error, "choices": choices, "post": form.data},
    )


# --- referrals ----------------------------------------------------------------------------------------------
@login_required
def referral_list(request):
    if not (access.may_refer(request.user) or request.user.has_role(Role.DISCIPLINE_LIAISON)):
        raise Http404()
    page = keyset.page_for(request, selectors.referral_list(access.referrals_visible_to(request.user)), PAGE_SIZE)
    return render(
        request,
        "supervision/referrals.html",
        {
            "page": page,
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
        data = bound(request, forms.ReferralRecordForm)
        referrals.referral_record(referral_id=referral.pk, actor=request.user, target=data["status"], note=data["note"])
        messages.success(request, _("Recorded; the supervisors see the referral's new status."))
    elif action in ("send", "dismiss"):
        if not access.may_refer(request.user):
            raise PermissionDenied()
        if action == "send":
            data = bound(request, forms.ReferralSendForm)
            referrals.referral_send(referral_id=referral.pk, actor=request.user, **data)
            messages.success(request, _("Referral sent; the discipline liaison records what becomes of it."))
        else:
            reason = bound(request, OptionalReasonForm)["reason"]
            referrals.referral_dismiss(referral_id=referral.pk, actor=request.user, reason=reason)
            messages.success(request, _("Referral dismissed; it stays on record with your reason."))
    else:
        raise NotFound()
    return redirect("supervision:referral", referral_id=referral.pk)


@login_required
@require_POST
@domain_errors_as_messages
def referral_create(request):
    if not access.may_refer(request.user):
        raise NotFound()
    data = bound(request, forms.ReferralCreateForm)
    ticket = ticket_get_for(user=request.user, hotline_no=data["hotline_no"].strip())
    referral = referrals.referral_create(ticket_id=ticket.pk, actor=request.user, reason=data["reason"])
    messages.success(request, _("Referral proposed; send it to the discipline liaison or dismiss it."))
    return redirect("supervision:referral", referral_id=referral.pk)


@login_required
@domain_errors_as_messages
def referral_dossier(request, referral_id: int):
    return dossier_response(access.referral_get_for(user=request.user, referral_id=referral_id))
