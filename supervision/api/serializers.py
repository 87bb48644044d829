"""API shapes of supervision: what is returned, and the input of each action."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from arbitration.api.fields import RecordedReasonField
from arbitration.models import Ticket
from supervision import access
from supervision.choices import AnswerKind, LetterKind, ProblemRule, ReferralStatus, Tier
from supervision.models import (
    CaseAnswer,
    CaseEvent,
    DisciplineReferral,
    LetterDraft,
    Problem,
    SupervisionCase,
    SupervisionLetter,
)
from supervision.texts.facts import CASE_LETTER_KINDS, Interview


class CaseSerializer(serializers.ModelSerializer):
    # A department's case has no ticket, and a problem's case (repeated calls) may name no department yet.
    hotline_no = serializers.CharField(source="ticket.hotline_no", default=None, allow_null=True)
    department = serializers.CharField(source="department.name", default=None, allow_null=True)

    class Meta:
        model = SupervisionCase
        fields = [
            "id",
            "hotline_no",
            "problem",
            "department",
            "trigger",
            "tier",
            "status",
            "reason",
            "opened_at",
            "step_due_at",
            "closed_at",
            "close_reason",
        ]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__", default=None)
    reason_display = RecordedReasonField(source="reason", help_text="The reason in the caller's language.")

    class Meta:
        model = CaseEvent
        fields = ["kind", "from_tier", "to_tier", "actor", "reason", "reason_display", "at"]


class AnswerSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")

    class Meta:
        model = CaseAnswer
        fields = [
            "id",
            "department",
            "kind",
            "text",
            "requested_due_at",
            "decision",
            "decided_at",
            "decision_reason",
            "submitted_at",
        ]


class ProblemTicketSerializer(serializers.ModelSerializer):
    """A ticket of a problem as supervision shows it: no personal data."""

    matter = serializers.CharField(source="matter.name")
    territory = serializers.CharField(source="territory.name")
    rule = serializers.ChoiceField(
        source="problem_membership.rule", choices=ProblemRule.choices, default=None, allow_null=True
    )

    class Meta:
        model = Ticket
        fields = ["hotline_no", "received_at", "title", "matter", "territory", "status", "satisfaction", "rule"]


class CaseDetailSerializer(CaseSerializer):
    """A case with its events, answers, and the tickets it covers (all those of its problem the reader may see)."""

    events = CaseEventSerializer(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    tickets = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "events", "answers", "tickets"]

    @extend_schema_field(ProblemTicketSerializer(many=True))
    def get_tickets(self, case: SupervisionCase) -> list:
        tickets = access.case_tickets_for(user=self.context["request"].user, case=case)
        return ProblemTicketSerializer(tickets, many=True).data


class ProblemSerializer(serializers.ModelSerializer):
    """同一诉求问题: its tickets (those the reader may see) and its cases."""

    tickets = serializers.SerializerMethodField()
    cases = CaseSerializer(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = ["id", "opened_at", "merged_into", "merged_at", "tickets", "cases"]

    @extend_schema_field(ProblemTicketSerializer(many=True))
    def get_tickets(self, problem: Problem) -> list:
        tickets = access.problem_tickets_for(user=self.context["request"].user, problem=problem)
        return ProblemTicketSerializer(tickets, many=True).data


class LetterSerializer(serializers.ModelSerializer):
    register_state = serializers.SerializerMethodField()
    hotline_no = serializers.CharField(source="ticket.hotline_no", default=None, allow_null=True)
    title = serializers.CharField(source="data.title", read_only=True, help_text="The title as issued.")
    paragraphs = serializers.ListField(
        source="data.paragraphs", child=serializers.CharField(), read_only=True, help_text="The body as issued."
    )
    attachments = serializers.ListField(
        source="data.attachments", child=serializers.CharField(), read_only=True, default=list
    )

    class Meta:
        model = SupervisionLetter
        fields = [
            "id",
            "document_number",
            "kind",
            "status",
            "register_state",
            "addressee",
            "hotline_no",
            "case",
            "title",
            "paragraphs",
            "attachments",
            "issued_at",
            "response_due_on",
            "answered_at",
            "answer_text",
            "render_status",
        ]

    def get_register_state(self, letter: SupervisionLetter) -> str:
        from django.utils import timezone

        if letter.status == "issued" and letter.response_due_on and letter.response_due_on < timezone.localdate():
            return "overdue"
        return letter.status


class DraftSerializer(serializers.ModelSerializer):
    class Meta:
        model = LetterDraft
        fields = [
            "id",
            "kind",
            "status",
            "addressee",
            "title",
            "remarks",
            "case",
            "scorecard",
            "referral",
            "reason",
            "drafted_at",
        ]


class LetterPreviewSerializer(serializers.Serializer):
    """A draft as it would read if issued now: its kind's template filled with today's facts."""

    title = serializers.CharField()
    paragraphs = serializers.ListField(child=serializers.CharField())
    attachments = serializers.ListField(child=serializers.CharField())


class ReferralSerializer(serializers.ModelSerializer):
    hotline_no = serializers.CharField(source="ticket.hotline_no")

    class Meta:
        model = DisciplineReferral
        fields = [
            "id",
            "hotline_no",
            "problem",
            "trigger",
            "status",
            "reason",
            "proposed_at",
            "sent_at",
            "received_at",
            "review_note",
            "outcome",
            "concluded_at",
        ]


# --- inputs ---------------------------------------------------------------------------------------------------
class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class CaseOpenInput(serializers.Serializer):
    hotline_no = serializers.CharField(required=False)
    department_id = serializers.IntegerField(required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.ROUTINE)
    reason = serializers.CharField()


class AnswerInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AnswerKind.choices)
    text = serializers.CharField()
    requested_due_at = serializers.DateTimeField(required=False, allow_null=True)


class DecisionInput(serializers.Serializer):
    grant = serializers.BooleanField()
    reason = serializers.CharField()
    new_due_at = serializers.DateTimeField(required=False, allow_null=True)


class InterviewInput(serializers.Serializer):
    """The arrangements of an interview notice (约谈通知): required when issuing one, ignored otherwise."""

    interview_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    interview_place = serializers.CharField(required=False, allow_blank=True, default="")
    attendees = serializers.CharField(required=False, allow_blank=True, default="", help_text="Who must attend.")
    materials = serializers.CharField(required=False, allow_blank=True, default="", help_text="What to bring.")

    @staticmethod
    def interview(data: dict) -> Interview:
        return Interview(
            at=data.get("interview_at"),
            place=data.get("interview_place", ""),
            attendees=data.get("attendees", ""),
            materials=data.get("materials", ""),
        )


class LetterForCaseInput(InterviewInput):
    kind = serializers.ChoiceField(
        choices=[(k, LetterKind(k).label) for k in CASE_LETTER_KINDS], default=LetterKind.ESCALATION
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    remarks = serializers.CharField(required=False, allow_blank=True, default="", help_text="Additional paragraphs.")


class DraftInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LetterKind.choices)
    case_id = serializers.IntegerField(required=False, allow_null=True)
    department_id = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(  # the column's limit, or SQLite stores more than the schema allows
        required=False, allow_blank=True, default="", max_length=LetterDraft._meta.get_field("title").max_length
    )
    remarks = serializers.CharField(required=False, allow_blank=True, default="", help_text="Additional paragraphs.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class IssueInput(InterviewInput):
    title = serializers.CharField(required=False, allow_blank=True, default="")
    remarks = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="Additional paragraphs; null keeps the draft's."
    )
    response_due_on = serializers.DateField(required=False, allow_null=True)


class LetterAnswerInput(serializers.Serializer):
    text = serializers.CharField()


class ReferralCreateInput(serializers.Serializer):
    hotline_no = serializers.CharField()
    reason = serializers.CharField()


class ReferralSendInput(serializers.Serializer):
    liaison_id = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralRecordInput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[ReferralStatus.RECEIVED, ReferralStatus.UNDER_REVIEW, ReferralStatus.CONCLUDED]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
