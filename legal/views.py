"""Pages of the legal desk (desk lead, lawyers, procuratorate liaison): parse, authorize, call one service."""

from __future__ import annotations

import csv
import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arbitration import keyset
from arbitration.access import mask_name, mask_phone
from arbitration.documents.views import document_pdf_response
from arbitration.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from arbitration.form_rules import valid_form
from arbitration.models import Department
from legal import access, forms, selectors
from legal.choices import LeadStatus, ReadChannel, ScreeningTrigger
from legal.models import Advice, Handoff
from legal.services import cases, handoffs, leads, screening
from legal.tasks import month_bounds

PAGE_SIZE = 200  # rows per list page (docs/scale.md)
READS_PAGE_SIZE = 50  # the case page's read log, beside the case: a short page, older reads behind "Next"


def desk_page(view):
    """Login required; NotFound → 404; another refusal → its message on the page the user came from. Bad input to a
    page read (a cursor the list did not make) is no action to go back from: it answers its own 400 with the message
    (config.middleware)."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None
        except DomainError as refusal:
            if isinstance(refusal, InvalidInput) and request.method == "GET":
                raise
            messages.error(request, str(refusal))
            return redirect(request.META.get("HTTP_REFERER") or reverse("legal:desk"))

    return wrapped


# --- the desk --------------------------------------------------------------------------------------------
@desk_page
def desk(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (access.is_desk_lead(user) or access.is_lawyer(user) or access.is_procuratorate_liaison(user)):
        raise Http404()
    status = request.GET.get("status") or None
    page = keyset.page_for(request, selectors.legal_case_list(user=user, status=status), PAGE_SIZE)
    context = {
        "cases": page.rows,
        "page": page,
        "status": status,
        "is_desk_lead": access.is_desk_lead(user),
        "lawyers": selectors.lawyer_list() if access.is_desk_lead(user) else (),
        "proposed_leads": selectors.lead_list(user=user, status=LeadStatus.PROPOSED).count(),
    }
    return render(request, "legal/desk.html", context)


@desk_page
def send(request: HttpRequest) -> HttpResponse:
    """A dispatcher sends a ticket to the desk."""
    if not access.may_send_to_desk(request.user):
        raise Http404()
    form = forms.SendForm(request.POST or None, initial={"hotline_no": request.GET.get("hotline_no", "")})
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "legal/send.html", {"form": form}, status=400)
        _case, created = cases.legal_case_send(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Sent to the legal desk.") if created else _("The ticket is already on the desk."))
        return redirect("legal:send")
    return render(request, "legal/send.html", {"form": form})


@desk_page
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = access.legal_case_get_for(user=user, case_id=pk)
    # The read log's page first: a cursor it did not make is a 400 that showed nothing, so it records no read.
    reads = (
        keyset.page_for(request, selectors.case_reads(case), READS_PAGE_SIZE, param="read_cursor")
        if access.may_read_log(user)
        else None
    )
    cases.case_read_record(case=case, user=user, channel=ReadChannel.PAGE)
    may_advise = access.may_advise(user, case)
    declaration = case.conflict_declarations.filter(lawyer=user).first() if may_advise else None
    advice = list(selectors.case_advice(case))
    context = {
        "case": case,
        "ticket": case.ticket,
        "citizen_name": mask_name(case.ticket.citizen_name),
        "citizen_phone": mask_phone(case.ticket.citizen_phone),
        "may_advise": may_advise,
        "is_desk_lead": access.is_desk_lead(user),
        "declaration": declaration,
        "declarations": case.conflict_declarations.select_related("lawyer"),
        "advice": [(item, selectors.advice_versions(item)) for item in advice],
        "handoffs": selectors.case_handoffs(case),
        "route": selectors.ticket_legal_route(case.ticket),
        "read_page": reads,
        "transitions": case.transitions.select_related("actor"),
        "declaration_form": forms.DeclarationForm(),
        "advice_form": forms.AdviceForm(),
        "handoff_form": forms.HandoffForm(bodies=selectors.body_list()),
        "assign_form": forms.AssignForm(lawyers=selectors.lawyer_list()) if access.is_desk_lead(user) else None,
    }
    return render(request, "legal/case_detail.html", context)


@require_POST
@desk_page
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.legal_case_get_for(user=request.user, case_id=pk)
    if not access.may_assign(request.user):
        raise PermissionDenied()
    form = valid_form(request, forms.AssignForm, lawyers=selectors.lawyer_list())
    cases.legal_case_assign(
        case_id=case.pk, lawyer_id=form.cleaned_data["lawyer"], actor=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Lawyer assigned; they declare any conflict of interest before advising."))
    return redirect(request.META.get("HTTP_REFERER") or reverse("legal:case", args=[case.pk]))


@require_POST
@desk_page
def case_declare(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.legal_case_get_for(user=request.user, case_id=pk)
    form = valid_form(request, forms.DeclarationForm)
    cases.conflict_declare(case_id=case.pk, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Declaration recorded; the desk lead sees it on the case."))
    return redirect("legal:case", pk=case.pk)


@require_POST
@desk_page
def advice_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.legal_case_get_for(user=request.user, case_id=pk)
    form = valid_form(request, forms.AdviceForm)
    cases.advice_create(case_id=case.pk, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Advice logged; a revision later keeps this version."))
    return redirect("legal:case", pk=case.pk)


@desk_page
def advice_revise(request: HttpRequest, pk: int) -> HttpResponse:
    advice = Advice.objects.filter(pk=pk).first()
    if advice is None:
        raise Http404()
    case = access.legal_case_get_for(user=request.user, case_id=advice.case_id)
    initial = {
        "question": advice.question,
        "analysis": advice.analysis,
        "route": advice.route,
        "reply_text": advice.reply_text,
        "authorities": forms.format_authorities(advice.authorities),
    }
    form = forms.AdviceReviseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cases.advice_revise(advice_id=advice.pk, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Advice revised; the earlier version is kept."))
        return redirect("legal:case", pk=case.pk)
    status = 400 if form.is_bound else 200  # a bound form here did not validate: it is shown with its errors
    return render(request, "legal/advice_revise.html", {"form": form, "case": case, "advice": advice}, status=status)


@require_POST
@desk_page
def handoff_issue(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.legal_case_get_for(user=request.user, case_id=pk)
    form = valid_form(request, forms.HandoffForm, bodies=selectors.body_list())
    data = dict(form.cleaned_data)
    handoff = handoffs.handoff_issue(case_id=case.pk, body_id=data.pop("body"), actor=request.user, **data)
    messages.success(
        request,
        _("Handed off with letter %(number)s; record the body's receipt and outcome here when they come.")
        % {"number": handoff.document_number},
    )
    return redirect("legal:case", pk=case.pk)


def _handoff_for(request: HttpRequest, pk: int) -> Handoff:
    handoff = Handoff.objects.filter(pk=pk).first()
    if handoff is None:
        raise NotFound()
    access.legal_case_get_for(user=request.user, case_id=handoff.case_id)
    return handoff


@require_POST
@desk_page
def handoff_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = _handoff_for(request, pk)
    form = valid_form(request, forms.NoteForm)
    handoffs.handoff_record_receipt(handoff_id=handoff.pk, actor=request.user, note=form.cleaned_data["note"])
    messages.success(request, _("Receipt recorded; record the outcome when the body reports it."))
    return redirect("legal:case", pk=handoff.case_id)


@require_POST
@desk_page
def handoff_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = _handoff_for(request, pk)
    form = valid_form(request, forms.OutcomeForm)
    handoffs.handoff_record_outcome(handoff_id=handoff.pk, actor=request.user, outcome=form.cleaned_data["outcome"])
    messages.success(request, _("Outcome recorded; close the case when nothing else remains to do."))
    return redirect("legal:case", pk=handoff.case_id)


@desk_page
def handoff_pdf(request: HttpRequest, pk: int):
    return document_pdf_response(_handoff_for(request, pk))


@require_POST
@desk_page
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.legal_case_get_for(user=request.user, case_id=pk)
    form = valid_form(request, forms.ReasonForm)
    cases.legal_case_close(case_id=case.pk, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Case closed; it stays on record with its advice and handoffs."))
    return redirect("legal:case", pk=case.pk)


# --- public-interest leads ----------------------------------------------------------------------------------
@desk_page
def lead_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.may_read_leads(user):
        raise Http404()
    status = request.GET.get("status") or None
    page = keyset.page_for(
        request, selectors.lead_list(user=user, status=status).prefetch_related("tickets"), PAGE_SIZE
    )
    context = {
        "leads": page.rows,
        "page": page,
        "status": status,
        "statuses": LeadStatus.choices,
        "is_desk_lead": access.is_desk_lead(user),
        "screen_form": forms.ScreenForm(initial={"month": _last_month_text()}),
    }
    return render(request, "legal/lead_list.html", context)


def _last_month_text() -> str:
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"


@require_POST
@desk_page
def lead_screen(request: HttpRequest) -> HttpResponse:
    if not access.may_manage_leads(request.user):
        raise Http404()
    form = valid_form(request, forms.ScreenForm)
    year, month = parse_month(form.cleaned_data["month"])
    start, end = month_bounds(year, month)
    run = screening.screening_run(
        period_start=start, period_end=end, trigger=ScreeningTrigger.ON_DEMAND, actor=request.user
    )
    messages.success(
        request,
        _("Screened %(tickets)s tickets; %(leads)s leads proposed.")
        % {"tickets": run.tickets_screened, "leads": run.leads_proposed},
    )
    return redirect("legal:leads")


def parse_month(value: str | None) -> tuple[int, int]:
    if not value:
        today = timezone.localdate()
        return today.year, today.month
    try:
        parsed = dt.datetime.strptime(value, "%Y-%m")
    except ValueError:
        raise Http404() from None
    return parsed.year, parsed.month


@desk_page
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lead = access.lead_get_for(user=user, lead_id=pk)
    desk_lead = access.is_desk_lead(user)
    feedback = list(lead.feedback.select_related("recommendation_to"))
    context = {
        "lead": lead,
        "is_desk_lead": desk_lead,
        "may_record_feedback": access.may_record_feedback(user, lead),
        "tickets": selectors.lead_tickets(lead, user),
        "referral": getattr(lead, "referral", None),
        "feedback": feedback,
        "today": timezone.localdate(),
        "transitions": lead.transitions.select_related("actor"),
        "editable": desk_lead and lead.status in leads.EDITABLE_STATUSES,
        "package_form": forms.LeadPackageForm(initial=_package_initial(lead)),
        "reason_form": forms.ReasonForm(),
        "note_form": forms.NoteForm(),
        "feedback_form": forms.FeedbackForm(departments=Department.objects.filter(is_active=True)),
    }
    return render(request, "legal/lead_detail.html", context)


def _package_initial(lead) -> dict:
    initial = {name: getattr(lead, name) for name in leads.PACKAGE_FIELDS}
    initial["evidence"] = "\n".join(lead.evidence)
    return initial


def _desk_lead_for(request: HttpRequest, pk: int):
    lead = access.lead_get_for(user=request.user, lead_id=pk)
    if not access.may_manage_leads(request.user):
        raise PermissionDenied()
    return lead


@require_POST
@desk_page
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _desk_lead_for(request, pk)
    form = valid_form(request, forms.LeadPackageForm)
    leads.lead_update(lead_id=lead.pk, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Lead package saved; accept or dismiss the lead when it is complete."))
    return redirect("legal:lead", pk=lead.pk)


@require_POST
@desk_page
def lead_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    lead = _desk_lead_for(request, pk)
    form = valid_form(request, forms.ReasonForm)
    service = {"accept": leads.lead_accept, "dismiss": leads.lead_dismiss}[decision]
    service(lead_id=lead.pk, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(
        request,
        _("Lead accepted; hand it to the procuratorate when the package is ready.")
        if decision == "accept"
        else _("Lead dismissed; it stays on record with your reason."),
    )
    return redirect("legal:lead", pk=lead.pk)


@require_POST
@desk_page
def lead_handoff(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _desk_lead_for(request, pk)
    referral = leads.lead_handoff(lead_id=lead.pk, actor=request.user)
    messages.success(
        request,
        _("Handed to the procuratorate with letter %(number)s; its liaison records the receipt and the feedback.")
        % {"number": referral.document_number},
    )
    return redirect("legal:lead", pk=lead.pk)


def _liaison_lead_for(request: HttpRequest, pk: int):
    lead = access.lead_get_for(user=request.user, lead_id=pk)
    if not access.may_record_feedback(request.user, lead):
        raise PermissionDenied()
    return lead


@require_POST
@desk_page
def lead_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _liaison_lead_for(request, pk)
    form = valid_form(request, forms.NoteForm)
    leads.lead_record_receipt(lead_id=lead.pk, actor=request.user, note=form.cleaned_data["note"])
    messages.success(request, _("Receipt recorded; record the procuratorate's feedback when it comes."))
    return redirect("legal:lead", pk=lead.pk)


@require_POST
@desk_page
def lead_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _liaison_lead_for(request, pk)
    form = valid_form(request, forms.FeedbackForm, departments=Department.objects.filter(is_active=True))
    data = form.cleaned_data
    leads.lead_record_feedback(
        lead_id=lead.pk,
        actor=request.user,
        kind=data["kind"],
        note=data["note"],
        declined_reason=data["declined_reason"],
        recommendation_to_id=data["recommendation_to"],
        recommendation_issued_on=data["recommendation_issued_on"],
    )
    messages.success(request, _("Feedback recorded on the lead; the desk lead sees it."))
    return redirect("legal:lead", pk=lead.pk)


@desk_page
def lead_pdf(request: HttpRequest, pk: int):
    lead = access.lead_get_for(user=request.user, lead_id=pk)
    referral = getattr(lead, "referral", None)
    if referral is None:
        raise Http404()
    return document_pdf_response(referral)


# --- the monthly ledger --------------------------------------------------------------------------------------
LEDGER_COLUMNS = (
    "document_number",
    "handed_at",
    "domain",
    "title",
    "tickets",
    "status_label",
    "received_at",
    "feedback",
    "recommendation_to",
    "answer_due_on",
    "answer_overdue",
)


@desk_page
def ledger(request: HttpRequest) -> HttpResponse:
    if not access.may_read_leads(request.user):
        raise Http404()
    year, month = parse_month(request.GET.get("month"))
    rows = selectors.ledger(user=request.user, year=year, month=month)
    return render(request, "legal/ledger.html", {"rows": rows, "month": f"{year}-{month:02d}"})


@desk_page
def ledger_csv(request: HttpRequest) -> HttpResponse:
    if not access.may_read_leads(request.user):
        raise Http404()
    year, month = parse_month(request.GET.get("month"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leads-ledger-{year}-{month:02d}.csv"'
    response.write("\ufeff")  # a BOM, so spreadsheet programs read the Chinese text as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            "文号",
            "移送时间",
            "领域",
            "线索",
            "工单数",
            "状态",
            "接收时间",
            "反馈",
            "检察建议对象",
            "书面回复期限",
            "是否逾期",
        ]
    )
    for row in selectors.ledger(user=request.user, year=year, month=month):
        values = [getattr(row, column) for column in LEDGER_COLUMNS]
        writer.writerow(["" if value is None else _csv_value(value) for value in values])
    return response


def _csv_value(value) -> str:
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
