"""The legal desk's API: parse, authorize (legal.access), call one service, answer. Forbidden looks like missing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration.documents.views import document_pdf_response
from arbitration.errors import InvalidInput, NotFound, PermissionDenied
from arbitration.validation import choice_param
from legal import access, selectors
from legal.api import serializers as s
from legal.choices import CaseStatus, LeadStatus, ReadChannel, ScreeningTrigger
from legal.models import Advice, Handoff, PublicInterestDomain
from legal.services import cases, handoffs, leads, screening


def _case(request: Request, pk: int):
    return access.legal_case_get_for(user=request.user, case_id=pk)


def _valid(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _desk_only(request: Request) -> None:
    if not access.is_desk_lead(request.user):
        raise PermissionDenied()


# --- cases --------------------------------------------------------------------------------------------
class CaseListView(generics.ListAPIView):
    serializer_class = s.LegalCaseSerializer

    def get_queryset(self):
        status = choice_param("status", self.request.query_params.get("status"), CaseStatus)
        return selectors.legal_case_list(user=self.request.user, status=status)

    @extend_schema(request=s.CaseSendSerializer, responses={201: s.LegalCaseSerializer, 200: s.LegalCaseSerializer})
    def post(self, request: Request) -> Response:
        """A dispatcher sends a ticket to the legal desk (idempotent: a ticket already there keeps its case)."""
        if not access.may_send_to_desk(request.user):
            raise PermissionDenied()
        data = _valid(s.CaseSendSerializer, request)
        case, created = cases.legal_case_send(hotline_no=data["hotline_no"], actor=request.user, reason=data["reason"])
        return Response(s.LegalCaseSerializer(case).data, status=201 if created else 200)


class CaseDetailView(APIView):
    @extend_schema(responses=s.LegalCaseDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """One case; the read is logged (who, when), because legal files are sensitive."""
        case = _case(request, pk)
        cases.case_read_record(case=case, user=request.user, channel=ReadChannel.API)
        return Response(s.LegalCaseDetailSerializer(case).data)


class CaseAssignView(APIView):
    @extend_schema(request=s.CaseAssignSerializer, responses=s.LegalCaseSerializer)
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        _desk_only(request)
        data = _valid(s.CaseAssignSerializer, request)
        case = cases.legal_case_assign(
            case_id=case.pk, lawyer_id=data["lawyer"], actor=request.user, reason=data["reason"]
        )
        return Response(s.LegalCaseSerializer(case).data)


class CaseDeclarationView(APIView):
    @extend_schema(request=s.DeclarationSerializer, responses={201: s.DeclarationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        data = _valid(s.DeclarationSerializer, request)
        declaration = cases.conflict_declare(case_id=case.pk, actor=request.user, **data)
        return Response({"has_conflict": declaration.has_conflict, "statement": declaration.statement}, status=201)


class CaseAdviceView(APIView):
    @extend_schema(responses=s.AdviceSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.AdviceSerializer(selectors.case_advice(_case(request, pk)), many=True).data)

    @extend_schema(request=s.AdviceWriteSerializer, responses={201: s.AdviceSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        advice = cases.advice_create(case_id=case.pk, actor=request.user, **_valid(s.AdviceWriteSerializer, request))
        return Response(s.AdviceSerializer(advice).data, status=201)


def _advice(request: Request, pk: int) -> Advice:
    advice = Advice.objects.filter(pk=pk).first()
    if advice is None:
        raise NotFound()
    _case(request, advice.case_id)
    return advice


class AdviceDetailView(APIView):
    @extend_schema(responses=s.AdviceSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.AdviceSerializer(_advice(request, pk)).data)

    @extend_schema(request=s.AdviceReviseSerializer, responses=s.AdviceSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        """A new version of the advice; earlier versions stay readable at …/versions/."""
        advice = _advice(request, pk)
        data = _valid(s.AdviceReviseSerializer, request)
        if "reason" not in data:
            raise InvalidInput(field="reason", reason="required")
        advice = cases.advice_revise(advice_id=advice.pk, actor=request.user, **data)
        return Response(s.AdviceSerializer(advice).data)


class AdviceVersionsView(APIView):
    @extend_schema(responses=s.AdviceVersionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        versions = selectors.advice_versions(_advice(request, pk))
        return Response(s.AdviceVersionSerializer(versions, many=True).data)


class CaseReadsView(APIView):
    @extend_schema(responses=s.CaseReadSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        """Who opened the case, when (desk lead only)."""
        case = _case(request, pk)
        if not access.may_read_log(request.user):
            raise PermissionDenied()
        return Response(s.CaseReadSerializer(selectors.case_reads(case), many=True).data)


class CaseHandoffView(APIView):
    @extend_schema(request=s.HandoffIssueSerializer, responses={201: s.HandoffSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Hand the case to a body with a numbered hand-off letter (PDF at /handoffs/{id}/pdf/)."""
        case = _case(request, pk)
        data = _valid(s.HandoffIssueSerializer, request)
        body_id = data.pop("body")
        handoff = handoffs.handoff_issue(case_id=case.pk, body_id=body_id, actor=request.user, **data)
        return Response(s.HandoffSerializer(handoff).data, status=201)


class CaseCloseView(APIView):
    @extend_schema(request=s.ReasonSerializer, responses=s.LegalCaseSerializer)
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        data = _valid(s.ReasonSerializer, request)
        return Response(
            s.LegalCaseSerializer(
                cases.legal_case_close(case_id=case.pk, actor=request.user, reason=data["reason"])
            ).data
        )


def _handoff(request: Request, pk: int) -> Handoff:
    handoff = Handoff.objects.filter(pk=pk).first()
    if handoff is None:
        raise NotFound()
    _case(request, handoff.case_id)
    return handoff


class HandoffReceiptView(APIView):
    @extend_schema(request=s.NoteSerializer, responses=s.HandoffSerializer)
    def post(self, request: Request, pk: int) -> Response:
        handoff = _handoff(request, pk)
        data = _valid(s.NoteSerializer, request)
        return Response(
            s.HandoffSerializer(
                handoffs.handoff_record_receipt(handoff_id=handoff.pk, actor=request.user, note=data["note"])
            ).data
        )


class HandoffOutcomeView(APIView):
    @extend_schema(request=s.OutcomeSerializer, responses=s.HandoffSerializer)
    def post(self, request: Request, pk: int) -> Response:
        handoff = _handoff(request, pk)
        data = _valid(s.OutcomeSerializer, request)
        return Response(
            s.HandoffSerializer(
                handoffs.handoff_record_outcome(handoff_id=handoff.pk, actor=request.user, outcome=data["outcome"])
            ).data
        )


class HandoffPdfView(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, pk: int):
        return document_pdf_response(_handoff(request, pk))


class BodyListView(generics.ListAPIView):
    serializer_class = s.HandoffBodySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.body_list()


class DomainListView(generics.ListAPIView):
    serializer_class = s.DomainSerializer
    pagination_class = None
    queryset = PublicInterestDomain.objects.all()


# --- leads ---------------------------------------------------------------------------------------------
class ScreeningView(APIView):
    @extend_schema(request=s.ScreeningSerializer, responses={201: s.ScreeningRunSerializer})
    def post(self, request: Request) -> Response:
        """Screen a period's tickets on demand and propose leads."""
        _desk_only(request)
        data = _valid(s.ScreeningSerializer, request)
        run = screening.screening_run(
            period_start=data["period_start"],
            period_end=data["period_end"],
            trigger=ScreeningTrigger.ON_DEMAND,
            actor=request.user,
        )
        return Response(s.ScreeningRunSerializer(run).data, status=201)


class LeadListView(generics.ListAPIView):
    serializer_class = s.LeadSerializer

    def get_queryset(self):
        return (
            selectors.lead_list(
                user=self.request.user,
                status=choice_param("status", self.request.query_params.get("status"), LeadStatus),
            )
            .select_related("referral")
            .prefetch_related("tickets", "feedback__recommendation_to")
        )


def _lead(request: Request, pk: int):
    return access.lead_get_for(user=request.user, lead_id=pk)


class LeadDetailView(APIView):
    @extend_schema(responses=s.LeadSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.LeadSerializer(_lead(request, pk)).data)

    @extend_schema(request=s.LeadUpdateSerializer, responses=s.LeadSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        """Edit the lead package (facts, parties, evidence, consent…) while it is with the desk."""
        lead = _lead(request, pk)
        _desk_only(request)
        lead = leads.lead_update(lead_id=lead.pk, actor=request.user, **_valid(s.LeadUpdateSerializer, request))
        return Response(s.LeadSerializer(lead).data)


class LeadDecisionView(APIView):
    service = None

    @extend_schema(request=s.ReasonSerializer, responses=s.LeadSerializer)
    def post(self, request: Request, pk: int) -> Response:
        lead = _lead(request, pk)
        _desk_only(request)
        data = _valid(s.ReasonSerializer, request)
        return Response(
            s.LeadSerializer(type(self).service(lead_id=lead.pk, actor=request.user, reason=data["reason"])).data
        )


class LeadAcceptView(LeadDecisionView):
    service = staticmethod(leads.lead_accept)


class LeadDismissView(LeadDecisionView):
    service = staticmethod(leads.lead_dismiss)


class LeadHandoffView(APIView):
    @extend_schema(request=s.LeadHandoffSerializer, responses={201: s.LeadSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Hand the lead to the procuratorate at the same level (numbered referral letter, liaison grants)."""
        lead = _lead(request, pk)
        _desk_only(request)
        data = _valid(s.LeadHandoffSerializer, request)
        referral = leads.lead_handoff(lead_id=lead.pk, actor=request.user, liaison_ids=data.get("liaisons"))
        return Response(s.LeadSerializer(referral.lead).data, status=201)


def _lead_for_feedback(request: Request, pk: int):
    lead = _lead(request, pk)
    if not access.may_record_feedback(request.user, lead):
        raise PermissionDenied()
    return lead


class LeadReceiptView(APIView):
    @extend_schema(request=s.NoteSerializer, responses=s.LeadSerializer)
    def post(self, request: Request, pk: int) -> Response:
        lead = _lead_for_feedback(request, pk)
        data = _valid(s.NoteSerializer, request)
        return Response(
            s.LeadSerializer(leads.lead_record_receipt(lead_id=lead.pk, actor=request.user, note=data["note"])).data
        )


class LeadFeedbackView(APIView):
    @extend_schema(request=s.LeadFeedbackWriteSerializer, responses={201: s.FeedbackSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Filed, recommendation issued (the 2-month answer deadline is computed), lawsuit, or declined."""
        lead = _lead_for_feedback(request, pk)
        data = _valid(s.LeadFeedbackWriteSerializer, request)
        feedback = leads.lead_record_feedback(
            lead_id=lead.pk,
            actor=request.user,
            kind=data["kind"],
            note=data["note"],
            declined_reason=data["declined_reason"],
            recommendation_to_id=data["recommendation_to"],
            recommendation_issued_on=data["recommendation_issued_on"],
        )
        return Response(s.FeedbackSerializer(feedback).data, status=201)


class LeadPdfView(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, pk: int):
        lead = _lead(request, pk)
        if not hasattr(lead, "referral"):
            raise NotFound()
        return document_pdf_response(lead.referral)


def parse_month(value: str | None) -> tuple[int, int]:
    if not value:
        today = timezone.localdate()
        return today.year, today.month
    try:
        parsed = dt.datetime.strptime(value, "%Y-%m")
    except ValueError:
        raise InvalidInput(field="month", reason="YYYY-MM") from None
    return parsed.year, parsed.month


class LedgerView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM (default: this month)")],
        responses=s.LedgerRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """The monthly ledger of leads handed to the procuratorate, for the desk and the procuratorate alike."""
        year, month = parse_month(request.query_params.get("month"))
        return Response(
            s.LedgerRowSerializer(selectors.ledger(user=request.user, year=year, month=month), many=True).data
        )
