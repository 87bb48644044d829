"""Negotiation, the agenda, votes with recusal, closing, rulings, precedents and leader sign-off."""

import datetime as dt

import pytest
from django.utils import timezone
from pypdf import PdfReader

from arbitration.choices import AgendaOutcome, AssignmentMethod, DisputeStatus, DutySource, Role
from arbitration.errors import (
    AlreadyRefused,
    BoundByDecision,
    IllegalMove,
    ItemClosed,
    NotAParty,
    NotFound,
    RecusedMember,
)
from arbitration.graph import ticket_suggest
from arbitration.models import DecisionRefusal, Duty, LeaderDecision, Ruling, Vote
from arbitration.services.conferences import agenda_item_close, vote_cast
from arbitration.services.disputes import (
    dispute_agree,
    dispute_put_on_agenda,
    dispute_statement_post,
    disputes_put_overdue_on_agenda,
)
from arbitration.services.rulings import leader_decision_issue, leader_decision_refuse, ruling_refuse
from arbitration.signals import leader_decision_refused, ruling_refused
from tests import factories
from tests.arbitration.conference.conftest import bounce, lead_assignment, seat_members

pytestmark = pytest.mark.django_db


def vote(item, member, lead, co=(), reason="职责清单明确"):
    return vote_cast(
        item_id=item.pk,
        actor=member,
        lead_department_id=lead.pk if lead else None,
        co_handler_ids=[c.pk for c in co],
        reason=reason,
    )


# --- negotiation ---------------------------------------------------------------------------------------
def test_a_party_statement_starts_negotiation_and_an_outsider_department_cannot_post(dispute, liaison_urban, city):
    dispute_statement_post(
        dispute_id=dispute.pk,
        actor=liaison_urban,
        department_id=city["urban"].pk,
        text="占道经营应由属地街道负责。",
        basis="《街道办事处职责清单》",
    )
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.NEGOTIATING
    with pytest.raises(NotAParty):
        dispute_statement_post(dispute_id=dispute.pk, actor=liaison_urban, department_id=city["housing"].pk, text="x")
    assert dispute.statements.count() == 1


def test_an_agreement_ends_the_dispute_and_redispatches(dispute, dispatcher, city):
    dispute_agree(
        dispute_id=dispute.pk,
        actor=dispatcher,
        lead_department_id=city["urban"].pk,
        co_handler_ids=[city["market"].pk],
        minutes="双方协商一致：城管局主办，市场监管局协办。",
    )
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AGREED and dispute.agreed_lead == city["urban"]
    assert lead_assignment(dispute.ticket).department == city["urban"]
    assert dispute.ticket.assignments.filter(ended_at=None, role="co_handler", department=city["market"]).exists()
    with pytest.raises(IllegalMove):
        dispute_agree(dispute_id=dispute.pk, actor=dispatcher, lead_department_id=city["market"].pk, minutes="x")
    assert dispute.transitions.count() == 2


def test_overdue_disputes_go_on_the_next_session_once(dispute, session):
    later = dispute.deadline + dt.timedelta(minutes=1)
    assert disputes_put_overdue_on_agenda(now=later - dt.timedelta(days=2)) == 0  # not yet overdue
    session.scheduled_for = later + dt.timedelta(days=1)
    session.save(update_fields=["scheduled_for"])
    assert disputes_put_overdue_on_agenda(now=later) == 1
    assert disputes_put_overdue_on_agenda(now=later) == 0  # idempotent
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.ON_AGENDA and dispute.agenda_item.session == session


# --- votes and recusal ---------------------------------------------------------------------------------
def test_party_members_are_recused_and_do_not_count_towards_quorum(item, session, bodies, city, dispatcher):
    members = seat_members(session, bodies)
    party_member = members[-1]  # seated for the market bureau, a party
    with pytest.raises(RecusedMember):
        vote(item, party_member, city["urban"])
    assert not Vote.objects.exists()
    for member in members[:4]:  # 4 of the 5 non-recused seats: quorum is ceil(5 × 2/3) = 4
        vote(item, member, city["urban"])
    closed = agenda_item_close(item_id=item.pk, actor=session.chair, reasons="多数意见", basis="三定方案")
    assert closed.result["base"] == 5 and closed.result["quorum_required"] == 4
    assert {r["department"] for r in closed.result["recused"]} == {city["urban"].name, city["market"].name}
    assert closed.outcome == AgendaOutcome.RULING


def test_a_member_may_change_their_vote_until_the_item_closes(item, session, bodies, city):
    members = seat_members(session, bodies[:3])
    vote(item, members[0], city["market"])
    vote(item, members[0], city["urban"], co=[city["market"]])
    assert Vote.objects.get().lead == city["urban"]
    for member in members[1:]:
        vote(item, member, city["urban"])
    agenda_item_close(item_id=item.pk, actor=session.chair)
    with pytest.raises(ItemClosed):
        vote(item, members[0], city["market"])
    assert Vote.objects.get(seat__member=members[0]).lead == city["urban"]


def test_the_same_vote_sent_again_writes_nothing_and_a_change_of_co_handlers_is_on_the_record(
    item, session, bodies, city
):
    member = seat_members(session, bodies[:1])[0]
    vote(item, member, city["urban"], co=[city["market"]])
    cast = Vote.objects.get()
    written = cast.history.count()
    assert written == 1 and cast.history.get().co_handler_ids == [city["market"].pk]  # one row holds the whole vote
    vote(item, member, city["urban"], co=[city["market"]])  # a double click
    assert Vote.objects.get().changed_at == cast.changed_at
    assert cast.history.count() == written
    vote(item, member, city["urban"])  # the same lead, no co-handler any more
    changed = Vote.objects.get()
    assert changed.co_handler_ids == [] and changed.changed_at > cast.changed_at
    assert cast.history.count() == written + 1
    assert cast.history.earliest().co_handler_ids == [city["market"].pk]
    assert cast.history.latest().co_handler_ids == []
    assert cast.history.filter(history_change_reason="vote changed").exists()


def test_each_vote_and_each_change_is_on_the_record_with_who_and_when(item, session, bodies, city):
    member = seat_members(session, bodies[:1])[0]
    first = vote(item, member, city["urban"], co=[city["market"]])
    assert first == Vote.objects.get() and first.cast_at == first.changed_at
    created = first.history.get()
    assert (created.history_type, created.history_user, created.history_change_reason) == ("+", member, "vote cast")
    assert (created.lead_id, created.reason, created.history_date) == (city["urban"].pk, "职责清单明确", first.cast_at)
    for lead, reason in ((None, "职责清单明确"), (None, "情况不明，弃权"), (city["market"], "情况不明，弃权")):
        changed = vote(item, member, lead, reason=reason)  # abstaining, a new reason, a new lead: each a change
        stored = Vote.objects.get()
        assert changed == stored and (changed.lead, changed.reason, changed.cast_at) == (lead, reason, first.cast_at)
        latest = stored.history.latest()
        assert (latest.history_type, latest.history_user, latest.lead_id) == ("~", member, lead.pk if lead else None)
    assert first.history.count() == 4


def test_someone_without_a_seat_cannot_see_the_item_to_vote(item, outsider, city):
    with pytest.raises(NotFound):
        vote(item, outsider, city["urban"])


def test_a_tie_goes_to_the_city_leader(item, session, bodies, city):
    members = seat_members(session, bodies[:4])
    for member, lead in zip(members, [city["urban"], city["urban"], city["market"], city["market"]], strict=True):
        vote(item, member, lead)
    closed = agenda_item_close(item_id=item.pk, actor=session.chair)
    assert closed.outcome == AgendaOutcome.TIE and not Ruling.objects.exists()
    closed.dispute.refresh_from_db()
    assert closed.dispute.status == DisputeStatus.AWAITING_SIGN_OFF


def test_all_abstaining_is_a_deadlock_with_the_named_abstentions_frozen(item, session, bodies):
    members = seat_members(session, bodies[:3])
    for member in members:
        vote(item, member, None, reason="情况不明，弃权")
    closed = agenda_item_close(item_id=item.pk, actor=session.chair)
    assert closed.outcome == AgendaOutcome.NO_MAJORITY
    assert [v["lead"] for v in closed.result["votes"]] == ["", "", ""]
    assert all(v["reason"] == "情况不明，弃权" for v in closed.result["votes"])


# --- rulings ---------------------------------------------------------------------------------------
@pytest.fixture
def ruling(item, session, bodies, city, django_capture_on_commit_callbacks):
    members = seat_members(session, bodies[:5])
    for member in members[:4]:
        vote(item, member, city["urban"], co=[city["market"]])
    vote(item, members[4], city["market"])
    with django_capture_on_commit_callbacks(execute=True):
        agenda_item_close(
            item_id=item.pk,
            actor=session.chair,
            reasons="占道经营属城市管理职责",
            basis="《城市市容和环境卫生管理条例》",
        )
    return Ruling.objects.get()


def test_a_ruling_redispatches_by_conference_ruling_and_numbers_itself(ruling, city):
    year = timezone.localdate().year
    assert ruling.document_number == f"明责认〔{year}〕1号"
    assert ruling.lead == city["urban"] and list(ruling.co_handlers.all()) == [city["market"]]
    lead = lead_assignment(ruling.ticket)
    assert lead.department == city["urban"] and lead.method == AssignmentMethod.CONFERENCE_RULING
    assert ruling.dispute.status == DisputeStatus.RULED


def test_the_ruling_pdf_shows_number_lead_scope_and_tally(ruling, city):
    ruling.refresh_from_db()
    assert ruling.render_status == "rendered"
    text = "".join(page.extract_text() for page in PdfReader(ruling.pdf.open("rb")).pages).replace("\n", "")
    assert ruling.document_number in text and city["urban"].name in text
    assert "本街道同类事项" in text and "计票：市城市管理局4票；市市场监督管理局1票" in text


def test_a_ruling_becomes_a_precedent_and_binds_the_next_ticket(ruling, city, liaison_urban):
    duties = Duty.objects.current().filter(source=DutySource.RULING, source_reference=ruling.document_number)
    assert {(d.department, d.role) for d in duties} == {(city["urban"], "lead"), (city["market"], "co_handler")}
    new = factories.ticket(city, dispatched_to=city["urban"], received_at=timezone.now())
    top = ticket_suggest(new).leads[0]
    assert top.department_id == city["urban"].pk and top.source_reference == ruling.document_number
    with pytest.raises(BoundByDecision) as refused:
        bounce(new, liaison_urban, code="not_our_duty")
    assert ruling.document_number in str(refused.value)
    assert not new.bounces.exists()
    assert bounce(new, liaison_urban, code="insufficient_information").pk  # another ground stays open


def test_refusing_a_ruling_goes_to_the_leader_whose_decision_is_final(
    ruling, city, liaison_urban, django_capture_on_commit_callbacks
):
    heard = []
    ruling_refused.connect(lambda sender, **kw: heard.append("ruling"), weak=False, dispatch_uid="t1")
    leader_decision_refused.connect(lambda sender, **kw: heard.append("decision"), weak=False, dispatch_uid="t2")
    try:
        ruling_refuse(ruling_id=ruling.pk, actor=liaison_urban, department_id=city["urban"].pk, reason="不服")
        with pytest.raises(AlreadyRefused):
            ruling_refuse(ruling_id=ruling.pk, actor=liaison_urban, department_id=city["urban"].pk, reason="again")
        ruling.dispute.refresh_from_db()
        assert ruling.dispute.status == DisputeStatus.AWAITING_SIGN_OFF
        leader = factories.user("leader", Role.CITY_LEADER, full_name="王副市长")
        with django_capture_on_commit_callbacks(execute=True):
            decision = leader_decision_issue(
                dispute_id=ruling.dispute_id,
                actor=leader,
                lead_department_id=city["urban"].pk,
                reasons="维持认定",
                basis="市政府常务会议纪要",
            )
        ruling.refresh_from_db()
        assert not ruling.in_force and decision.document_number.startswith("明责签〔")
        assert not Duty.objects.current().filter(source_reference=ruling.document_number).exists()
        assert Duty.objects.current().filter(source=DutySource.LEADER_DECISION).count() == 1
        assert lead_assignment(ruling.ticket).method == AssignmentMethod.LEADER_DECISION
        decision.refresh_from_db()
        text = PdfReader(decision.pdf.open("rb")).pages[0].extract_text()
        assert decision.document_number in text.replace("\n", "")
        leader_decision_refuse(
            decision_id=decision.pk, actor=liaison_urban, department_id=city["urban"].pk, reason="仍不服"
        )
    finally:
        ruling_refused.disconnect(dispatch_uid="t1")
        leader_decision_refused.disconnect(dispatch_uid="t2")
    assert heard == ["ruling", "decision"]
    assert DecisionRefusal.objects.count() == 2 and LeaderDecision.objects.count() == 1


def test_a_department_not_bound_by_the_ruling_cannot_refuse_it(ruling, city):
    housing = factories.user("liaison_housing", Role.LIAISON, departments=(city["housing"],))
    with pytest.raises(NotFound):
        ruling_refuse(ruling_id=ruling.pk, actor=housing, department_id=city["housing"].pk, reason="x")


def test_an_item_cannot_be_added_twice(item, session, chair):
    with pytest.raises(IllegalMove):
        dispute_put_on_agenda(dispute_id=item.dispute_id, session_id=session.pk, actor=chair)
