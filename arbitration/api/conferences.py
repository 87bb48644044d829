"""API: conference sessions, seats, votes, the live tally and closing an item.

Only seated members (django-guardian grants on the session), the chair and the organisers see a session.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration import access, selectors_conference
from arbitration.api.bounces import _valid
from arbitration.api.lists import paginated
from arbitration.choices import RulingScope
from arbitration.errors import NotFound
from arbitration.models import AgendaItem, ConferenceSession, Seat
from arbitration.services.conferences import agenda_item_close, seat_grant, session_schedule, vote_cast


class SeatSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.__str__")
    department = serializers.CharField(source="department.name")

    class Meta:
        model = Seat
        fields = ["id", "member", "department"]


class ItemSerializer(serializers.ModelSerializer):
    hotline_no = serializers.CharField(source="dispute.ticket.hotline_no")

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "dispute", "hotline_no", "status", "scope", "outcome", "closed_at", "result"]


class SessionSerializer(serializers.ModelSerializer):
    chair = serializers.CharField(source="chair.__str__")

    class Meta:
        model = ConferenceSession
        fields = ["id", "title", "scheduled_for", "location", "chair", "status"]


class SessionDetailSerializer(SessionSerializer):
    seats = SeatSerializer(many=True, read_only=True)
    items = ItemSerializer(many=True, read_only=True)

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "seats", "items"]


class SessionInput(serializers.Serializer):
    title = serializers.CharField()
    scheduled_for = serializers.DateTimeField()
    chair_id = serializers.IntegerField()
    location = serializers.CharField(required=False, allow_blank=True, default="")


class SeatInput(serializers.Serializer):
    member_id = serializers.IntegerField()
    department_id = serializers.IntegerField()


class VoteInput(serializers.Serializer):
    lead_department_id = serializers.IntegerField(allow_null=True, help_text="null abstains")
    co_handler_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    reason = serializers.CharField()


class CloseInput(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=RulingScope.choices, required=False, help_text="Where the ruling binds; default: the item's scope."
    )
    reasons = serializers.CharField(required=False, allow_blank=True, default="")
    basis = serializers.CharField(required=False, allow_blank=True, default="")
    casting_vote_department_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The chair's casting vote (决定票) on a tie: one of the leads tied at the top. Only where the "
        "local rules give the chair one (MINGZE_CONFERENCE_CASTING_VOTE); then a tie cannot close without it.",
    )


class TallySerializer(serializers.Serializer):
    status = serializers.CharField()
    base = serializers.IntegerField()
    cast = serializers.IntegerField()
    abstentions = serializers.IntegerField()
    quorum_required = serializers.IntegerField()
    quorum_met = serializers.BooleanField()
    majority_required = serializers.IntegerField()
    outcome = serializers.CharField()
    counts = serializers.ListField(child=serializers.DictField())
    votes = serializers.ListField(child=serializers.DictField())


class SessionList(GenericAPIView):
    serializer_class = SessionSerializer

    @extend_schema(responses=SessionSerializer(many=True), summary="Sessions you sit in, chair or organise")
    def get(self, request):
        sessions = access.sessions_visible_to(request.user).select_related("chair")
        return paginated(self, sessions)

    @extend_schema(request=SessionInput, responses={201: SessionSerializer}, summary="Schedule a session")
    def post(self, request):
        if not access.may_organise_conference(request.user):
            raise NotFound()
        session = session_schedule(actor=request.user, **_valid(SessionInput, request))
        return Response(SessionSerializer(session).data, status=201)


class SessionDetail(APIView):
    @extend_schema(responses=SessionDetailSerializer, summary="A session with its seats and agenda")
    def get(self, request, session_id: int):
        return Response(SessionDetailSerializer(access.session_get_for(user=request.user, session_id=session_id)).data)


class SessionSeats(APIView):
    @extend_schema(request=SeatInput, responses={201: SeatSerializer}, summary="Seat a member (guardian grant)")
    def post(self, request, session_id: int):
        if not access.may_organise_conference(request.user):
            raise NotFound()
        seat = seat_grant(session_id=session_id, actor=request.user, **_valid(SeatInput, request))
        return Response(SeatSerializer(seat).data, status=201)


class ItemVote(APIView):
    @extend_schema(request=VoteInput, responses={200: None}, summary="Cast or change your vote (表决)")
    def post(self, request, item_id: int):
        vote = vote_cast(item_id=item_id, actor=request.user, **_valid(VoteInput, request))
        return Response({"id": vote.pk, "lead": vote.lead_id, "changed_at": vote.changed_at})


class ItemTally(APIView):
    @extend_schema(responses=TallySerializer, summary="Live tally (chair and organisers)")
    def get(self, request, item_id: int):
        item = access.agenda_item_get_for(user=request.user, item_id=item_id, perm=access.SESSION_CHAIR)
        return Response(selectors_conference.item_tally_view(item))


class ItemClose(APIView):
    @extend_schema(request=CloseInput, responses=ItemSerializer, summary="Close an item (chair): ruling or deadlock")
    def post(self, request, item_id: int):
        access.agenda_item_get_for(user=request.user, item_id=item_id, perm=access.SESSION_CHAIR)
        item = agenda_item_close(item_id=item_id, actor=request.user, **_valid(CloseInput, request))
        return Response(ItemSerializer(item).data)
