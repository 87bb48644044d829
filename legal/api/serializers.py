"""Shapes of the legal desk's API: what goes in (write serializers) and what comes out (read serializers)."""

from rest_framework import serializers

from arbitration.access import mask_name, mask_phone
from legal.choices import FeedbackKind, LegalRoute
from legal.models import (
    Advice,
    CaseRead,
    Handoff,
    HandoffBody,
    LeadFeedback,
    LegalCase,
    PublicInterestDomain,
    PublicInterestLead,
)


class AuthoritySerializer(serializers.Serializer):
    law = serializers.CharField(max_length=200)
    article = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")


class AdviceSerializer(serializers.ModelSerializer):
    authorities = AuthoritySerializer(many=True)
    lawyer = serializers.StringRelatedField(allow_null=True)  # no lawyer until the case is assigned
    route_label = serializers.CharField(source="get_route_display", read_only=True)

    class Meta:
        model = Advice
        fields = [
            "id",
            "case",
            "lawyer",
            "version",
            "question",
            "analysis",
            "authorities",
            "route",
            "route_label",
            "reply_text",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AdviceWriteSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=255)
    analysis = serializers.CharField()
    authorities = AuthoritySerializer(many=True)
    route = serializers.ChoiceField(choices=LegalRoute.choices)
    reply_text = serializers.CharField()


class AdviceReviseSerializer(AdviceWriteSerializer):
    reason = serializers.CharField(max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class AdviceVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    question = serializers.CharField()
    analysis = serializers.CharField()
    authorities = AuthoritySerializer(many=True)
    route_label = serializers.CharField()
    reply_text = serializers.CharField()
    saved_at = serializers.DateTimeField()
    saved_by = serializers.CharField()
    reason = serializers.CharField()


class HandoffSerializer(serializers.ModelSerializer):
    body = serializers.StringRelatedField()

    class Meta:
        model = Handoff
        fields = [
            "id",
            "case",
            "body",
            "document_number",
            "issued_at",
            "summary",
            "contact_consent",
            "contact_legal_basis",
            "contact_disclosed",
            "status",
            "received_at",
            "receipt_note",
            "outcome",
            "outcome_at",
            "render_status",
        ]
        read_only_fields = fields


class LegalCaseSerializer(serializers.ModelSerializer):
    hotline_no = serializers.CharField(source="ticket.hotline_no", read_only=True)
    title = serializers.CharField(source="ticket.title", read_only=True)
    matter = serializers.CharField(source="ticket.matter.name", read_only=True)
    lawyer = serializers.StringRelatedField(allow_null=True)  # no lawyer until the case is assigned

    class Meta:
        model = LegalCase
        fields = [
            "id",
            "hotline_no",
            "title",
            "matter",
            "origin",
            "origin_note",
            "status",
            "lawyer",
            "opened_at",
            "assigned_at",
            "closed_at",
        ]
        read_only_fields = fields


class LegalCaseDetailSerializer(LegalCaseSerializer):
    content = serializers.CharField(source="ticket.content", read_only=True)
    citizen_name = serializers.SerializerMethodField()
    citizen_phone = serializers.SerializerMethodField()
    advice = AdviceSerializer(many=True, read_only=True)
    handoffs = HandoffSerializer(many=True, read_only=True)

    class Meta(LegalCaseSerializer.Meta):
        fields = [*LegalCaseSerializer.Meta.fields, "content", "citizen_name", "citizen_phone", "advice", "handoffs"]
        read_only_fields = fields

    def get_citizen_name(self, case: LegalCase) -> str:
        return mask_name(case.ticket.citizen_name)

    def get_citizen_phone(self, case: LegalCase) -> str:
        return mask_phone(case.ticket.citizen_phone)


class CaseSendSerializer(serializers.Serializer):
    hotline_no = serializers.CharField(max_length=40)
    reason = serializers.CharField(max_length=500)


class CaseAssignSerializer(serializers.Serializer):
    lawyer = serializers.IntegerField(help_text="id of a user with the lawyer role")
    reason = serializers.CharField(max_length=500, required=False, default="")


class DeclarationSerializer(serializers.Serializer):
    has_conflict = serializers.BooleanField()
    statement = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class HandoffIssueSerializer(serializers.Serializer):
    body = serializers.IntegerField(help_text="id of a hand-off body")
    summary = serializers.CharField()
    contact_consent = serializers.BooleanField(
        required=False, default=False, help_text="The citizen consents to this body receiving their name and phone."
    )
    contact_legal_basis = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=255,
        help_text="The provision that allows passing the contact details on without consent. Without consent "
        "or a basis the letter gives the hotline number only (a confidential ticket needs consent).",
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField()


class CaseReadSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()

    class Meta:
        model = CaseRead
        fields = ["user", "channel", "at"]
        read_only_fields = fields


class HandoffBodySerializer(serializers.ModelSerializer):
    class Meta:
        model = HandoffBody
        fields = ["id", "name", "kind", "address", "contact", "is_active"]
        read_only_fields = fields


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicInterestDomain
        fields = ["id", "code", "name", "tier", "legal_basis", "effective_from", "is_active"]
        read_only_fields = fields


class ScreeningSerializer(serializers.Serializer):
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()


class ScreeningRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    tickets_screened = serializers.IntegerField()
    leads_proposed = serializers.IntegerField()


class FeedbackSerializer(serializers.ModelSerializer):
    recommendation_to = serializers.StringRelatedField()

    class Meta:
        model = LeadFeedback
        fields = [
            "id",
            "kind",
            "note",
            "declined_reason",
            "recommendation_to",
            "recommendation_issued_on",
            "answer_due_on",
            "answered_on",
            "recorded_at",
        ]
        read_only_fields = fields


class LeadSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain.name", read_only=True)
    territory = serializers.StringRelatedField()
    tickets = serializers.SlugRelatedField(slug_field="hotline_no", many=True, read_only=True)
    document_number = serializers.CharField(
        source="referral.document_number", read_only=True, default="", allow_null=True
    )
    feedback = FeedbackSerializer(many=True, read_only=True)

    class Meta:
        model = PublicInterestLead
        fields = [
            "id",
            "domain",
            "basis",
            "cluster_key",
            "status",
            "title",
            "territory",
            "address",
            "parties",
            "harm_facts",
            "harm_continuing",
            "department_actions",
            "evidence",
            "consent",
            "confidential",
            "contact",
            "decision_reason",
            "proposed_at",
            "tickets",
            "document_number",
            "feedback",
        ]
        read_only_fields = fields


class LeadUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    parties = serializers.CharField(required=False, allow_blank=True)
    harm_facts = serializers.CharField(required=False, allow_blank=True)
    harm_continuing = serializers.BooleanField(required=False)
    department_actions = serializers.CharField(required=False, allow_blank=True)
    evidence = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    consent = serializers.BooleanField(required=False)
    confidential = serializers.BooleanField(required=False)
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True)


class LeadHandoffSerializer(serializers.Serializer):
    liaisons = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="ids of procuratorate liaisons; default: all of them",
    )


class LeadFeedbackWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FeedbackKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    declined_reason = serializers.CharField(required=False, allow_blank=True, default="")
    recommendation_to = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="department id the recommendation is addressed to"
    )
    recommendation_issued_on = serializers.DateField(required=False, allow_null=True, default=None)


class LedgerRowSerializer(serializers.Serializer):
    lead_id = serializers.IntegerField()
    document_number = serializers.CharField()
    handed_at = serializers.DateTimeField()
    domain = serializers.CharField()
    title = serializers.CharField()
    tickets = serializers.IntegerField()
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    feedback = serializers.CharField()
    recommendation_to = serializers.CharField()
    answer_due_on = serializers.DateField(allow_null=True)
    answer_overdue = serializers.BooleanField()
