"""Who may see and do what in supervision — the one place pages, API and admin ask.

Supervisors see everything. A liaison sees the cases and letters addressed to their departments, and — for
dual-handled tickets (双向联办) — the cases of tickets their department is copied on, which they may press.
A liaison sees their departments' scorecards (draft and published) and the tickets behind them, and appeals
them; supervisors compute, decide appeals and publish.
A liaison sees their departments' surge alerts and answers them; supervisors see all, close them and mute series.
The discipline liaison sees only the referrals granted to them (guardian, per referral). Anything a user may
not see answers exactly like something that does not exist.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from arbitration.access import tickets_visible_to
from arbitration.choices import AssignmentRole, Role
from arbitration.errors import NotFound, PermissionDenied
from arbitration.models import Assignment, Ticket
from supervision.models import (
    DisciplineReferral,
    LetterDraft,
    Problem,
    ScoreAppeal,
    Scorecard,
    ScorePeriod,
    SeriesMute,
    SupervisionCase,
    SupervisionLetter,
    SurgeAlert,
    Topic,
)

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
OVERSEEING_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR, Role.CITY_LEADER)


def is_supervisor(user) -> bool:
    return user.is_authenticated and user.has_perm("supervision.supervise_case")


def may_issue_letters(user) -> bool:
    return user.is_authenticated and user.has_perm("supervision.issue_letter")


def may_refer(user) -> bool:
    return user.is_authenticated and user.has_perm("supervision.refer_case")


def _copied_on_ticket(department_ids) -> Exists:
    return Exists(
        Assignment.objects.filter(
            ticket=OuterRef("ticket"), department_id__in=list(department_ids), role=AssignmentRole.COPIED, ended_at=None
        )
    )


def cases_visible_to(user) -> QuerySet[SupervisionCase]:
    queryset = SupervisionCase.objects.all()
    if not user.is_authenticated:
        return queryset.none()
    if user.has_role(*OVERSEEING_ROLES) or is_supervisor(user):
        return queryset
    if user.has_role(Role.LIAISON) and user.department_ids:
        return queryset.filter(Q(department_id__in=user.department_ids) | _copied_on_ticket(user.department_ids))
    return queryset.none()


def case_get_for(*, user, case_id: int) -> SupervisionCase:
    case = cases_visible_to(user).select_related("ticket", "department").filter(pk=case_id).first()
    if case is None:
        raise NotFound()
    return case


def case_tickets_for(*, user, case: SupervisionCase) -> QuerySet[Ticket]:
    """The tickets the case covers — every ticket of its problem — that `user` may see, oldest first. A liaison
    pressed on a problem sees its tickets dispatched to their departments, not the others'."""
    if case.problem_id:
        return problem_tickets_for(user=user, problem=case.problem)
    covered = Ticket.objects.filter(pk=case.ticket_id) if case.ticket_id else Ticket.objects.none()
    return tickets_visible_to(user, covered).select_related("matter", "territory").order_by("received_at", "pk")


def problems_visible_to(user) -> QuerySet[Problem]:
    """A problem is seen by whoever sees one of its cases."""
    return Problem.objects.filter(Exists(cases_visible_to(user).filter(problem=OuterRef("pk"))))


def problem_get_for(*, user, problem_id: int) -> Problem:
    problem = problems_visible_to(user).filter(pk=problem_id).first()
    if problem is None:
        raise NotFound()
    return problem


def problem_tickets_for(*, user, problem: Problem) -> QuerySet[Ticket]:
    """The problem's tickets that `user` may see, oldest first."""
    covered = Ticket.objects.filter(problem_membership__problem=problem)
    return (
        tickets_visible_to(user, covered)
        .select_related("matter", "territory", "problem_membership")
        .order_by("received_at", "pk")
    )


def may_answer(user, case: SupervisionCase) -> bool:
    """The pressed department's liaison answers for it."""
    return user.is_authenticated and user.has_role(Role.LIAISON) and case.department_id in user.department_ids


def may_press(user, case: SupervisionCase) -> bool:
    """A supervisor, or the liaison of a regulator copied on the ticket (双向联办: it supervises the territory)."""
    if is_supervisor(user):
        return True
    if not (user.is_authenticated and user.has_role(Role.LIAISON) and case.ticket_id):
        return False
    return Assignment.objects.filter(
        ticket_id=case.ticket_id, department_id__in=user.department_ids, role=AssignmentRole.COPIED, ended_at=None
    ).exists()


def answering_department_id(user, case: SupervisionCase) -> int:
    if not may_answer(user, case):
        raise PermissionDenied()
    return case.department_id


def ensure_supervisor(user) -> None:
    if not is_supervisor(user):
        raise PermissionDenied()


def _overseen_or_own_departments(queryset: QuerySet, user) -> QuerySet:
    """Overseers (and supervisors) see every row; a liaison the rows of their departments; anyone else none."""
    if not user.is_authenticated:
        return queryset.none()
    if user.has_role(*OVERSEEING_ROLES) or is_supervisor(user):
        return queryset
    if user.has_role(Role.LIAISON) and user.department_ids:
        return queryset.filter(department_id__in=user.department_ids)
    return queryset.none()


def letters_visible_to(user) -> QuerySet[SupervisionLetter]:
    return _overseen_or_own_departments(SupervisionLetter.objects.all(), user)


def letter_get_for(*, user, letter_id: int) -> SupervisionLetter:
    letter = letters_visible_to(user).select_related("department", "case", "ticket").filter(pk=letter_id).first()
    if letter is None:
        raise NotFound()
    return letter


def may_answer_letter(user, letter: SupervisionLetter) -> bool:
    return user.is_authenticated and user.has_role(Role.LIAISON) and letter.department_id in user.department_ids


def drafts_visible_to(user) -> QuerySet[LetterDraft]:
    return LetterDraft.objects.all() if may_issue_letters(user) else LetterDraft.objects.none()


def draft_get_for(*, user, draft_id: int) -> LetterDraft:
    draft = drafts_visible_to(user).select_related("department", "case", "ticket").filter(pk=draft_id).first()
    if draft is None:
        raise NotFound()
    return draft


def referrals_visible_to(user) -> QuerySet[DisciplineReferral]:
    """Supervisors see every referral; anyone else only those granted to them on the referral itself."""
    if not user.is_authenticated:
        return DisciplineReferral.objects.none()
    if may_refer(user):
        return DisciplineReferral.objects.all()
    return get_objects_for_user(
        user, "supervision.view_disciplinereferral", klass=DisciplineReferral, accept_global_perms=False
    )


def referral_get_for(*, user, referral_id: int) -> DisciplineReferral:
    referral = referrals_visible_to(user).select_related("ticket", "liaison").filter(pk=referral_id).first()
    if referral is None:
        raise NotFound()
    return referral


def may_record_referral(user, referral: DisciplineReferral) -> bool:
    return user.is_authenticated and user.has_perm("supervision.record_referral", referral)


# --- scorecards -------------------------------------------------------------------------------------------------
def may_publish_scorecards(user) -> bool:
    """Decide appeals and publish a period (supervisors and administrators)."""
    return user.is_authenticated and user.has_perm("supervision.publish_scorecards")


def _sees_all_scorecards(user) -> bool:
    return user.has_role(*OVERSEEING_ROLES) or is_supervisor(user)


def may_see_scorecards(user) -> bool:
    return user.is_authenticated and (
        _sees_all_scorecards(user) or bool(user.has_role(Role.LIAISON) and user.department_ids)
    )


def scorecards_visible_to(user) -> QuerySet[Scorecard]:
    """Every card for overseers; a liaison's departments' cards (both the draft and the published ones)."""
    queryset = Scorecard.objects.all()
    if not user.is_authenticated:
        return queryset.none()
    if _sees_all_scorecards(user):
        return queryset
    if user.has_role(Role.LIAISON) and user.department_ids:
        return queryset.filter(department_id__in=user.department_ids)
    return queryset.none()


def scorecard_get_for(*, user, scorecard_id: int) -> Scorecard:
    card = scorecards_visible_to(user).select_related("department", "period").filter(pk=scorecard_id).first()
    if card is None:
        raise NotFound()
    return card


def score_period_get_for(*, user, period_id: int) -> ScorePeriod:
    """A period, for anyone who may see scorecards (its cards are filtered separately)."""
    period = ScorePeriod.objects.filter(pk=period_id).first() if may_see_scorecards(user) else None
    if period is None:
        raise NotFound()
    return period


def appeals_visible_to(user) -> QuerySet[ScoreAppeal]:
    """Overseers see every appeal; a liaison those of their departments and those that charged a ticket to them."""
    queryset = ScoreAppeal.objects.all()
    if not user.is_authenticated:
        return queryset.none()
    if _sees_all_scorecards(user):
        return queryset
    if user.has_role(Role.LIAISON) and user.department_ids:
        ids = user.department_ids
        return queryset.filter(Q(department_id__in=ids) | Q(target_department_id__in=ids))
    return queryset.none()


def appeal_get_for(*, user, appeal_id: int) -> ScoreAppeal:
    appeal = (
        appeals_visible_to(user)
        .select_related("period", "department", "ticket", "target_department")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise NotFound()
    return appeal


def may_appeal(user, card: Scorecard) -> bool:
    """A liaison of the card's department (the service refuses a published period or a closed window)."""
    return user.is_authenticated and user.has_role(Role.LIAISON) and card.department_id in user.department_ids


# --- Monthly topics (docs/topics.md) -------------------------------------------------------------------------
# The centre (dispatchers, supervisors) proposes and closes; a city leader decides; the lead department's and the
# co-handlers' liaisons see their topics through guardian grants on each topic, and the lead's report on it.
CENTRE_ROLES = (Role.DISPATCHER, Role.SUPERVISOR, Role.ADMINISTRATOR)
TOPIC_OVERSEERS = (*CENTRE_ROLES, Role.CITY_LEADER)


def may_propose_topic(user) -> bool:
    return user.is_authenticated and user.has_role(*CENTRE_ROLES)


def may_decide_topic(user) -> bool:
    return user.is_authenticated and user.has_role(Role.CITY_LEADER, Role.ADMINISTRATOR)


def may_close_topic(user) -> bool:
    return may_propose_topic(user)


def may_list_topics(user) -> bool:
    return user.is_authenticated and (user.has_role(*TOPIC_OVERSEERS) or user.has_role(Role.LIAISON))


def topics_visible_to(user) -> QuerySet[Topic]:
    if not user.is_authenticated:
        return Topic.objects.none()
    if user.has_role(*TOPIC_OVERSEERS):
        return Topic.objects.all()
    return get_objects_for_user(user, "supervision.view_topic", klass=Topic, accept_global_perms=False)


def topic_get_for(*, user, topic_id: int) -> Topic:
    topic = topics_visible_to(user).select_related("matter", "territory", "lead").filter(pk=topic_id).first()
    if topic is None:
        raise NotFound()
    return topic


def may_report_topic(user, topic: Topic) -> bool:
    """The lead department's liaisons, through their grant on the topic."""
    return user.is_authenticated and user.has_role(Role.LIAISON) and user.has_perm("supervision.report_topic", topic)


def topic_tickets_for(*, user, topic: Topic) -> QuerySet[Ticket]:
    """The topic's tickets `user` may see, newest first: all of them for the overseers, a liaison's own otherwise."""
    return (
        tickets_visible_to(user, Ticket.objects.filter(topic_memberships__topic=topic))
        .select_related("matter", "territory")
        .order_by("-received_at", "-pk")
    )


# --- surge alerts -----------------------------------------------------------------------------------------------
def alerts_visible_to(user) -> QuerySet[SurgeAlert]:
    """Overseers (supervisors, administrators, city leaders) see every alert; a liaison their departments' alerts."""
    return _overseen_or_own_departments(SurgeAlert.objects.all(), user)


def alert_get_for(*, user, alert_id: int) -> SurgeAlert:
    alert = alerts_visible_to(user).select_related("matter", "territory", "department").filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    return alert


def may_answer_alert(user, alert: SurgeAlert) -> bool:
    """The owning department's liaison acknowledges and reports action; an alert without an owner is the centre's."""
    if not alert.department_id:
        return is_supervisor(user)
    return user.is_authenticated and user.has_role(Role.LIAISON) and alert.department_id in user.department_ids


def mutes_visible_to(user) -> QuerySet[SeriesMute]:
    return SeriesMute.objects.all() if is_supervisor(user) else SeriesMute.objects.none()
