"""API shapes of supervision: what is returned, and the input of each action."""

from rest_framework import serializers

from supervision.choices import AnswerKind, LetterKind, ReferralStatus, Tier
from supervision.models import (
    CaseAnswer,
    CaseEvent,
    DisciplineReferral,
    LetterDraft,
    SupervisionCase,
    SupervisionLetter,
)


class CaseSerializer(serializers.ModelSerializer):
    hotline_no = serializers.CharField(source="ticket.hotline_no", default=None)
    department = serializers.CharField(source="department.name", default=None)

    class Meta:
        model = SupervisionCase
        fields = [
            "id",
            "hotline_no",
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

    class Meta:
        model = CaseEvent
        fields = ["kind", "from_tier", "to_tier", "actor", "reason", "at"]


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


class CaseDetailSerializer(CaseSerializer):
    events = CaseEventSerializer(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "events", "answers"]


class LetterSerializer(serializers.ModelSerializer):
    register_state = serializers.SerializerMethodField()
    hotline_no = serializers.CharField(source="ticket.hotline_no", default=None)

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
            "paragraphs",
            "case",
            "scorecard",
            "referral",
            "reason",
            "drafted_at",
        ]


class ReferralSerializer(serializers.ModelSerializer):
    hotline_no = serializers.CharField(source="ticket.hotline_no")

    class Meta:
        model = DisciplineReferral
        fields = [
            "id",
            "hotline_no",
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


class LetterForCaseInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LetterKind.choices, default=LetterKind.ESCALATION)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DraftInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LetterKind.choices)
    case_id = serializers.IntegerField(required=False, allow_null=True)
    department_id = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    paragraphs = serializers.ListField(child=serializers.CharField(), required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class IssueInput(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, default="")
    paragraphs = serializers.ListField(child=serializers.CharField(), required=False)
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
