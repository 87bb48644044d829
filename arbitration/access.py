"""Who may see and do what with tickets — the one place pages, API and admin ask.

A liaison sees tickets through their departments' assignments: an indexed join (`tickets_held_by`), never a
permission row per ticket (TECH.md). Anything a user may not see answers exactly like something that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.lookups import IsNull

from arbitration.choices import Role
from arbitration.errors import NotFound
from arbitration.models import Assignment, Ticket

# Roles that oversee the whole hotline and so see every ticket.
ALL_TICKET_ROLES = (Role.DISPATCHER, Role.SUPERVISOR, Role.CITY_LEADER, Role.ADMINISTRATOR)


def tickets_visible_to(
    user, queryset: QuerySet[Ticket] | None = None, *, department_id: int | None = None
) -> QuerySet[Ticket]:
    """The tickets `user` may see; with `department_id`, only those ever assigned to that department (the lists'
    department filter), read through its assignments.

    A liaison's own department's tickets are a subset of their tickets, so that department's join serves both: joining
    the liaison's departments and then the one department made every row pay two joins and two anti-join probes (a
    capped count of 10,001 rows took 612 ms at 1 M tickets, docs/scale.md)."""
    queryset = Ticket.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.has_role(*ALL_TICKET_ROLES):
        visible = queryset
    elif user.has_role(Role.LIAISON) and user.department_ids:
        if department_id in user.department_ids:
            return tickets_held_by(queryset, [department_id], alias="held_by_filter")
        visible = tickets_held_by(queryset, user.department_ids, alias="held_by_viewer")
    else:
        return queryset.none()
    return visible if department_id is None else tickets_held_by(visible, [department_id], alias="held_by_filter")


def tickets_held_by(queryset: QuerySet[Ticket], department_ids, *, alias: str) -> QuerySet[Ticket]:
    """The tickets of `queryset` ever assigned to one of `department_ids` (any role, ended or not), each once, joined
    to one of those assignments under `alias` and annotated `listed_at`: that assignment's copy of the ticket's
    received_at, the list's sort key read from the assignment indexes (docs/scale.md, "A liaison's list").

    - Ordered by (listed_at, id), a page is a range of the (department, ticket_received_at, ticket) index for one
      department, or of the (ticket_received_at, ticket) index keeping these departments' rows for several; the
      ticket's own received_at would leave the planner only "read every assignment of the departments, then sort".
    - Once each: a ticket may have several assignments among these departments (two of a liaison's departments, or
      a department that had it, lost it and got it back). The one with the smallest id stands for the ticket; an
      anti-join drops the others, one probe of the (ticket, …) index per row read. DISTINCT would compare whole rows
      after sorting them, which no index serves; a semi-join (EXISTS) keeps no order of the assignment index.
    """
    ids = sorted(department_ids)
    held = FilteredRelation("assignments", condition=Q(assignments__department_id__in=ids))
    queryset = (
        queryset.annotate(**{alias: held})
        # An inner join. The relation's condition already names the departments: naming them again here would
        # count their selectivity twice in PostgreSQL's row estimate (docs/scale.md, "At 10 M tickets").
        .filter(**{f"{alias}__isnull": False})
        .annotate(**{f"{alias}_id": F(f"{alias}__id"), "listed_at": F(f"{alias}__ticket_received_at")})
        # The assignment's copies of the ticket's status, due time, matter and territory: a list's filters on them
        # read the assignment indexes (selectors.ticket_list).
        .alias(
            listed_status=F(f"{alias}__ticket_status"),
            listed_due_at=F(f"{alias}__ticket_due_at"),
            listed_matter=F(f"{alias}__ticket_matter_id"),
            listed_territory=F(f"{alias}__ticket_territory_id"),
        )
    )
    earlier = Assignment.objects.filter(ticket=OuterRef("pk"), department_id__in=ids, pk__lt=OuterRef(f"{alias}_id"))
    return queryset.filter(~Exists(earlier))


def ticket_get_for(*, user, hotline_no: str) -> Ticket:
    """The ticket if `user` may see it; otherwise NotFound, exactly as for a number that does not exist."""
    ticket = (
        tickets_visible_to(user)
        .select_related("matter", "territory", "time_limit_tier")
        .filter(hotline_no=hotline_no)
        .first()
    )
    if ticket is None:
        raise NotFound()
    return ticket


# --- Personal data (docs/personal-data.md) ---------------------------------------------------------------
# One rule, written once as a query condition so that a single ticket (pages, API, PDFs) and a whole list
# (API lists, the CSV export) are judged alike and a list never needs a query per ticket.
def personal_data_rule(user) -> Q | bool:
    """Who sees a ticket's citizen name and phone in full: True (every ticket), False (none) or a condition.

    - Roles named in MINGZE_PERSONAL_DATA_ROLES (dispatchers, administrators by default): every ticket,
      confidential ones included.
    - A liaison: tickets that are not confidential and that one of their departments currently holds in a
      role named in MINGZE_PERSONAL_DATA_ASSIGNMENT_ROLES (the lead by default): the handling department
      calls the citizen back; co-handlers and the copied regulator do not need to.
    - Everyone else: nobody's personal data.
    """
    if not user.is_authenticated:
        return False
    if user.has_role(*settings.MINGZE_PERSONAL_DATA_ROLES):
        return True
    if not (user.has_role(Role.LIAISON) and user.department_ids):
        return False
    holding = Assignment.objects.filter(
        ticket=OuterRef("pk"),
        ended_at=None,
        department_id__in=user.department_ids,
        role__in=settings.MINGZE_PERSONAL_DATA_ASSIGNMENT_ROLES,
    )
    # A scalar subquery, not EXISTS: as a list's column PostgreSQL evaluated EXISTS as a hashed set of every active
    # assignment of the departments (9,000 rows, 13 ms at 10 M: the API's list cost twice the page's), a set that
    # grows with their history since assignments outlive their tickets. This stays one (ticket, …) index probe per
    # row shown.
    first_holding = Subquery(holding.order_by().values("pk")[:1])
    return Q(confidential=False) & Q(IsNull(first_holding, False))


def with_personal_data_visible(queryset: QuerySet[Ticket], user) -> QuerySet[Ticket]:
    """Annotate each ticket with `personal_data_visible` (the rule above), for lists and exports."""
    rule = personal_data_rule(user)
    flag = Value(rule) if isinstance(rule, bool) else ExpressionWrapper(rule, output_field=BooleanField())
    return queryset.annotate(personal_data_visible=flag)


def may_see_personal_data(user, ticket: Ticket) -> bool:
    """The rule above for one ticket (one small query unless the user's roles already decide it)."""
    rule = personal_data_rule(user)
    if isinstance(rule, bool):
        return rule
    return Ticket.objects.filter(rule, pk=ticket.pk).exists()


def may_list_tickets(user) -> bool:
    """Those with a ticket list of their own: the overseeing roles and liaisons of a department."""
    if not user.is_authenticated:
        return False
    return user.has_role(*ALL_TICKET_ROLES) or (user.has_role(Role.LIAISON) and bool(user.department_ids))


# The hotline's overseers, and conference members who decide ownership and so need to see the catalogue's holes.
ANALYSIS_ROLES = (*ALL_TICKET_ROLES, Role.CONFERENCE_MEMBER)


def may_analyse_catalogue(user) -> bool:
    """The catalogue analysis (gaps, overlaps, hot spots) and the graph view."""
    return user.is_authenticated and user.has_role(*ANALYSIS_ROLES)


def may_dispatch(user) -> bool:
    return user.is_authenticated and user.has_role(Role.DISPATCHER, Role.ADMINISTRATOR)


def may_receive_tickets(user) -> bool:
    """Dispatchers, administrators and system accounts holding `arbitration.receive_ticket` (the platform)."""
    return may_dispatch(user) or (user.is_authenticated and user.has_perm("arbitration.receive_ticket"))


def mask_phone(phone: str) -> str:
    """138****1234: keep the carrier prefix and the last four digits."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_name(name: str) -> str:
    """张** : the family name stays, the given name is hidden."""
    return f"{name[:1]}{'*' * (len(name) - 1)}" if name else ""


# --- Bounces, disputes, conference, rulings -----------------------------------------------------------
# Seats are granted per session with django-guardian (direct foreign-key permission models, TECH.md);
# disputes and rulings are seen through roles, party departments and session seats — no per-dispute grants.
SESSION_VIEW = "arbitration.view_conferencesession"
SESSION_SIT = "arbitration.sit_conferencesession"
SESSION_CHAIR = "arbitration.chair_conferencesession"


def ensure_acts_for(user, department) -> None:
    """Only a liaison of `department` acts for it (bounces, statements, refusals)."""
    from arbitration.errors import NotOfDepartment

    if not (user.is_authenticated and user.has_role(Role.LIAISON) and department.pk in user.department_ids):
        raise NotOfDepartment(department=department.name)


def ensure_acts_for_department(user, ticket_id: int, department_id: int) -> None:
    """Someone who cannot see the ticket learns nothing (not found); a liaison who can is told why not."""
    from arbitration.models import Department

    if not tickets_visible_to(user).filter(pk=ticket_id).exists():
        raise NotFound()
    ensure_acts_for(user, Department.objects.get(pk=department_id))


def may_review_bounces(user) -> bool:
    return may_dispatch(user)


def may_sign_off(user) -> bool:
    return user.is_authenticated and user.has_role(Role.CITY_LEADER, Role.ADMINISTRATOR)


def may_organise_conference(user) -> bool:
    """Dispatchers (the liaison office sits in the hotline authority) schedule sessions and seat members."""
    return may_dispatch(user)


def sessions_visible_to(user, perm: str = SESSION_VIEW) -> QuerySet:
    from guardian.shortcuts import get_objects_for_user

    from arbitration.models import ConferenceSession

    if not user.is_authenticated:
        return ConferenceSession.objects.none()
    if perm == SESSION_VIEW and may_organise_conference(user):
        return ConferenceSession.objects.all()
    return get_objects_for_user(user, perm, ConferenceSession.objects.all(), accept_global_perms=False)


def session_get_for(*, user, session_id: int, perm: str = SESSION_VIEW):
    """The session if `user` holds `perm` on it (seated, chairing, or organising); otherwise not found."""
    session = sessions_visible_to(user, perm).select_related("chair").filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    return session


def agenda_item_get_for(*, user, item_id: int, perm: str = SESSION_VIEW):
    from arbitration.models import AgendaItem

    item = AgendaItem.objects.select_related("session", "dispute__ticket").filter(pk=item_id).first()
    if item is None or not sessions_visible_to(user, perm).filter(pk=item.session_id).exists():
        raise NotFound()
    return item


def disputes_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Overseeing roles see every dispute; a liaison those of their departments; a member those on the agenda
    of sessions they sit in."""
    from django.db.models import Q

    from arbitration.models import Dispute

    queryset = Dispute.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.has_role(*ALL_TICKET_ROLES):
        return queryset
    sessions = sessions_visible_to(user).values("pk")
    return queryset.filter(Q(parties__in=user.department_ids) | Q(agenda_item__session__in=sessions)).distinct()


def dispute_get_for(*, user, dispute_id: int):
    """The dispute if `user` may see it; otherwise exactly as if it did not exist."""
    dispute = disputes_visible_to(user).select_related("ticket", "provisional_handler").filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound()
    return dispute


def decision_get_for(*, user, model, pk: int):
    """A ruling or leader decision, for whoever may see its dispute (or is bound by it)."""
    from django.db.models import Q

    decision = model.objects.select_related("dispute", "ticket", "lead").filter(pk=pk).first()
    if decision is None:
        raise NotFound()
    bound = (
        model.objects.filter(
            Q(lead_id__in=user.department_ids) | Q(co_handlers__in=user.department_ids), pk=pk
        ).exists()
        if user.is_authenticated
        else False
    )
    if not bound and not disputes_visible_to(user).filter(pk=decision.dispute_id).exists():
        raise NotFound()
    return decision


def notices_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """A department's notices are for its liaisons (the overseeing roles see the tickets themselves)."""
    from arbitration.models import Notice

    queryset = Notice.objects.all() if queryset is None else queryset
    if not (user.is_authenticated and user.has_role(Role.LIAISON)):
        return queryset.none()
    return queryset.filter(department_id__in=user.department_ids)


def bounces_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    from arbitration.models import Bounce

    queryset = Bounce.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.has_role(*ALL_TICKET_ROLES):
        return queryset
    return queryset.filter(department_id__in=user.department_ids)


# --- Catalogue reform and reorganisation (docs/catalogue-reform.md) -----------------------------------------------
def may_draft_catalogue_proposal(user) -> bool:
    """Whoever analyses the catalogue may draft a proposal from what they find."""
    return may_analyse_catalogue(user)


def may_decide_catalogue(user) -> bool:
    """The catalogue administrator: approves proposals and plans, approves and carries out reorganisations."""
    return user.is_authenticated and user.has_perm("arbitration.decide_catalogueproposal")


def proposal_get_for(*, user, proposal_id: int):
    from arbitration.models import CatalogueProposal

    proposal = CatalogueProposal.objects.filter(pk=proposal_id).first()
    if proposal is None or not may_analyse_catalogue(user):
        raise NotFound()
    return proposal


def reorganisation_get_for(*, user, reorganisation_id: int):
    from arbitration.models import Reorganisation

    reorganisation = Reorganisation.objects.filter(pk=reorganisation_id).first()
    if reorganisation is None or not may_analyse_catalogue(user):
        raise NotFound()
    return reorganisation
