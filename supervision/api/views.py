"""API of supervision: one view per action, each authorizing through `supervision.access` and calling one service.
Anything a user may not see answers 404, as if it did not exist."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration.access import ticket_get_for
from arbitration.documents.views import document_pdf_response
from arbitration.errors import NotFound, PermissionDenied
from supervision import access, selectors
from supervision.api import serializers as s
from supervision.services import cases, letters, referrals, sweep
from supervision.views.files import dossier_response


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _supervisor(request) -> None:
    access.ensure_supervisor(request.user)


class CaseList(ListAPIView):
    serializer_class = s.CaseSerializer

    @extend_schema(
        summary="Supervision cases visible to you",
        parameters=[OpenApiParameter("tier", str), OpenApiParameter("status", str), OpenApiParameter("trigger", str)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.case_queue(
            access.cases_visible_to(self.request.user),
            tier=params.get("tier", ""),
            status=params.get("status", "open"),
            trigger=params.get("trigger", ""),
        )

    @extend_schema(request=s.CaseOpenInput, responses={201: s.CaseSerializer}, summary="Open a case by hand")
    def post(self, request):
        _supervisor(request)
        data = _input(s.CaseOpenInput, request)
        ticket_id = (
            ticket_get_for(user=request.user, hotline_no=data["hotline_no"]).pk if data.get("hotline_no") else None
        )
        case = cases.case_open(
            actor=request.user,
            reason=data["reason"],
            ticket_id=ticket_id,
            department_id=data.get("department_id"),
            tier=data["tier"],
        )
        return Response(s.CaseSerializer(case).data, status=201)


class CaseDetail(APIView):
    @extend_schema(responses=s.CaseDetailSerializer, summary="A supervision case with its events and answers")
    def get(self, request, case_id: int):
        case = access.case_get_for(user=request.user, case_id=case_id)
        return Response(s.CaseDetailSerializer(case, context={"request": request}).data)


class ProblemList(ListAPIView):
    serializer_class = s.ProblemSerializer

    @extend_schema(summary="Problems (repeated requests grouped) visible to you, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return access.problems_visible_to(self.request.user).filter(merged_into=None).prefetch_related("cases")


class ProblemDetail(APIView):
    @extend_schema(responses=s.ProblemSerializer, summary="A problem with its tickets and cases")
    def get(self, request, problem_id: int):
        problem = access.problem_get_for(user=request.user, problem_id=problem_id)
        return Response(s.ProblemSerializer(problem, context={"request": request}).data)


class _CaseAction(APIView):
    def case(self, request, case_id: int):
        return access.case_get_for(user=request.user, case_id=case_id)


class CaseRaise(_CaseAction):
    @extend_schema(request=s.ReasonInput, responses=s.CaseSerializer, summary="Raise a case one tier")
    def post(self, request, case_id: int):
        self.case(request, case_id)
        _supervisor(request)
        case = cases.case_raise(case_id=case_id, actor=request.user, reason=_input(s.ReasonInput, request)["reason"])
        return Response(s.CaseSerializer(case).data)


class CaseClose(_CaseAction):
    @extend_schema(request=s.ReasonInput, responses=s.CaseSerializer, summary="Close a case with a reason")
    def post(self, request, case_id: int):
        self.case(request, case_id)
        _supervisor(request)
        case = cases.case_close(case_id=case_id, actor=request.user, reason=_input(s.ReasonInput, request)["reason"])
        return Response(s.CaseSerializer(case).data)


class CasePress(_CaseAction):
    @extend_schema(
        request=s.ReasonInput,
        responses=s.CaseSerializer,
        summary="Press a case (supervisor, or the copied regulator of a dual-handled ticket)",
    )
    def post(self, request, case_id: int):
        if not access.may_press(request.user, self.case(request, case_id)):
            raise PermissionDenied()
        case = cases.case_press(case_id=case_id, actor=request.user, reason=_input(s.ReasonInput, request)["reason"])
        return Response(s.CaseSerializer(case).data)


class CaseAnswerCreate(_CaseAction):
    @extend_schema(
        request=s.AnswerInput,
        responses={201: s.AnswerSerializer},
        summary="The department answers: progress, result or a request for extension",
    )
    def post(self, request, case_id: int):
        department_id = access.answering_department_id(request.user, self.case(request, case_id))
        data = _input(s.AnswerInput, request)
        answer = cases.case_answer(
            case_id=case_id,
            department_id=department_id,
            actor=request.user,
            kind=data["kind"],
            text=data["text"],
            requested_due_at=data.get("requested_due_at"),
        )
        return Response(s.AnswerSerializer(answer).data, status=201)


class ExtensionDecide(APIView):
    @extend_schema(request=s.DecisionInput, responses=s.AnswerSerializer, summary="Grant or refuse an extension")
    def post(self, request, answer_id: int):
        _supervisor(request)
        data = _input(s.DecisionInput, request)
        answer = cases.extension_decide(
            answer_id=answer_id,
            actor=request.user,
            grant=data["grant"],
            reason=data["reason"],
            new_due_at=data.get("new_due_at"),
        )
        return Response(s.AnswerSerializer(answer).data)


class CaseLetterIssue(_CaseAction):
    @extend_schema(
        request=s.LetterForCaseInput,
        responses={201: s.LetterSerializer},
        summary="Draft and issue a letter about the case",
    )
    def post(self, request, case_id: int):
        self.case(request, case_id)
        if not access.may_issue_letters(request.user):
            raise PermissionDenied()
        data = _input(s.LetterForCaseInput, request)
        letter = letters.letter_issue_for_case(
            case_id=case_id,
            kind=data["kind"],
            actor=request.user,
            reason=data["reason"],
            remarks=data["remarks"],
            interview=s.InterviewInput.interview(data),
        )
        return Response(s.LetterSerializer(letter).data, status=201)


class LetterList(ListAPIView):
    serializer_class = s.LetterSerializer

    @extend_schema(
        summary="The letter register",
        parameters=[
            OpenApiParameter("state", str, description="issued, answered or overdue"),
            OpenApiParameter("kind", str),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.letter_register(
            access.letters_visible_to(self.request.user), state=params.get("state", ""), kind=params.get("kind", "")
        )


class LetterDetail(APIView):
    @extend_schema(responses=s.LetterSerializer, summary="One issued letter")
    def get(self, request, letter_id: int):
        return Response(s.LetterSerializer(access.letter_get_for(user=request.user, letter_id=letter_id)).data)


class LetterPdf(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes}, summary="The stored PDF of a letter")
    def get(self, request, letter_id: int):
        return document_pdf_response(access.letter_get_for(user=request.user, letter_id=letter_id))


class LetterAnswer(APIView):
    @extend_schema(
        request=s.LetterAnswerInput, responses=s.LetterSerializer, summary="The addressed department answers a letter"
    )
    def post(self, request, letter_id: int):
        if not access.may_answer_letter(request.user, access.letter_get_for(user=request.user, letter_id=letter_id)):
            raise PermissionDenied()
        letter = letters.letter_answer(
            letter_id=letter_id, actor=request.user, text=_input(s.LetterAnswerInput, request)["text"]
        )
        return Response(s.LetterSerializer(letter).data)


class DraftList(ListAPIView):
    serializer_class = s.DraftSerializer

    def get_queryset(self):
        return access.drafts_visible_to(self.request.user).filter(status="draft")

    @extend_schema(request=s.DraftInput, responses={201: s.DraftSerializer}, summary="Draft a letter")
    def post(self, request):
        if not access.may_issue_letters(request.user):
            raise PermissionDenied()
        data = _input(s.DraftInput, request)
        draft = letters.letter_draft_create(
            kind=data["kind"],
            actor=request.user,
            reason=data["reason"],
            case_id=data.get("case_id"),
            department_id=data.get("department_id"),
            title=data["title"],
            remarks=data["remarks"],
        )
        return Response(s.DraftSerializer(draft).data, status=201)


class DraftIssue(APIView):
    @extend_schema(
        request=s.IssueInput,
        responses={201: s.LetterSerializer},
        summary="Issue a draft: number, frozen data, PDF after commit",
    )
    def post(self, request, draft_id: int):
        access.draft_get_for(user=request.user, draft_id=draft_id)
        data = _input(s.IssueInput, request)
        letter = letters.letter_issue(
            draft_id=draft_id,
            actor=request.user,
            title=data["title"],
            remarks=data["remarks"],
            due_on=data.get("response_due_on"),
            interview=s.InterviewInput.interview(data),
        )
        return Response(s.LetterSerializer(letter).data, status=201)


class DraftPreview(APIView):
    @extend_schema(
        responses=s.LetterPreviewSerializer,
        summary="A draft as it would read if issued now (an interview notice's arrangements show as to be filled)",
    )
    def get(self, request, draft_id: int):
        draft = access.draft_get_for(user=request.user, draft_id=draft_id)
        return Response(s.LetterPreviewSerializer(letters.letter_preview(draft=draft)).data)


class DraftWithdraw(APIView):
    @extend_schema(request=s.ReasonInput, responses=s.DraftSerializer, summary="Withdraw a draft")
    def post(self, request, draft_id: int):
        access.draft_get_for(user=request.user, draft_id=draft_id)
        draft = letters.letter_withdraw(
            draft_id=draft_id, actor=request.user, reason=_input(s.ReasonInput, request)["reason"]
        )
        return Response(s.DraftSerializer(draft).data)


class SweepRun(APIView):
    @extend_schema(request=None, responses={200: dict}, summary="Run the supervision sweep now")
    def post(self, request):
        _supervisor(request)
        report = sweep.supervision_sweep()
        return Response({"summary": report.summary(), "changes": report.changes, "at": timezone.now()})


class ReferralList(ListAPIView):
    serializer_class = s.ReferralSerializer

    def get_queryset(self):
        return access.referrals_visible_to(self.request.user).select_related("ticket")

    @extend_schema(
        request=s.ReferralCreateInput, responses={201: s.ReferralSerializer}, summary="Refer a ticket by hand"
    )
    def post(self, request):
        if not access.may_refer(request.user):
            raise PermissionDenied()
        data = _input(s.ReferralCreateInput, request)
        ticket = ticket_get_for(user=request.user, hotline_no=data["hotline_no"])
        referral = referrals.referral_create(ticket_id=ticket.pk, actor=request.user, reason=data["reason"])
        return Response(s.ReferralSerializer(referral).data, status=201)


class ReferralDetail(APIView):
    @extend_schema(responses=s.ReferralSerializer, summary="One referral")
    def get(self, request, referral_id: int):
        referral = access.referral_get_for(user=request.user, referral_id=referral_id)
        return Response(s.ReferralSerializer(referral).data)


class ReferralSend(APIView):
    @extend_schema(
        request=s.ReferralSendInput,
        responses=s.ReferralSerializer,
        summary="Send to the discipline commission with the dossier",
    )
    def post(self, request, referral_id: int):
        access.referral_get_for(user=request.user, referral_id=referral_id)
        if not access.may_refer(request.user):
            raise PermissionDenied()
        data = _input(s.ReferralSendInput, request)
        referral = referrals.referral_send(
            referral_id=referral_id, liaison_id=data["liaison_id"], actor=request.user, reason=data["reason"]
        )
        return Response(s.ReferralSerializer(referral).data)


class ReferralDismiss(APIView):
    @extend_schema(request=s.ReasonInput, responses=s.ReferralSerializer, summary="Dismiss a proposed referral")
    def post(self, request, referral_id: int):
        access.referral_get_for(user=request.user, referral_id=referral_id)
        if not access.may_refer(request.user):
            raise PermissionDenied()
        referral = referrals.referral_dismiss(
            referral_id=referral_id, actor=request.user, reason=_input(s.ReasonInput, request)["reason"]
        )
        return Response(s.ReferralSerializer(referral).data)


class ReferralRecord(APIView):
    @extend_schema(
        request=s.ReferralRecordInput,
        responses=s.ReferralSerializer,
        summary="The discipline liaison records receipt, review or outcome",
    )
    def post(self, request, referral_id: int):
        referral = access.referral_get_for(user=request.user, referral_id=referral_id)
        if not access.may_record_referral(request.user, referral):
            raise PermissionDenied()
        data = _input(s.ReferralRecordInput, request)
        referral = referrals.referral_record(
            referral_id=referral_id, actor=request.user, target=data["status"], note=data["note"]
        )
        return Response(s.ReferralSerializer(referral).data)


class ReferralDossier(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes}, summary="The referral's dossier PDF")
    def get(self, request, referral_id: int):
        return dossier_response(access.referral_get_for(user=request.user, referral_id=referral_id))


class ReferralProgress(APIView):
    @extend_schema(responses={200: dict}, summary="Referrals sent this year against the target")
    def get(self, request):
        if not access.may_refer(request.user):
            raise NotFound()
        return Response(selectors.referral_yearly_progress())
