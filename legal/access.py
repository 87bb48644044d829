"""Who may see and do what on the legal desk — the one place pages, API and admin ask.

The desk lead sees every case and lead. A lawyer sees the cases granted to them (a guardian row per
case, written when the desk lead assigns). A procuratorate liaison sees the leads handed to them (a
guardian row per lead, written at hand-off). Anything a user may not see answers like a missing object.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from arbitration.choices import Role
from arbitration.errors import NotFound
from legal.models import (
    LegalCase,
    LegalCaseUserObjectPermission,
    PublicInterestLead,
    PublicInterestLeadUserObjectPermission,
)

DESK_ROLES = (Role.LEGAL_DESK_LEAD, Role.ADMINISTRATOR)
VIEW_CASE, ADVISE_CASE = "view_legalcase", "advise_legalcase"
VIEW_LEAD, FEEDBACK_LEAD = "view_publicinterestlead", "record_feedback_publicinterestlead"


def is_desk_lead(user) -> bool:
    return user.is_authenticated and user.has_role(*DESK_ROLES)


def is_lawyer(user) -> bool:
    return user.is_authenticated and user.has_role(Role.LAWYER)


def is_procuratorate_liaison(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PROCURATORATE_LIAISON)


def may_send_to_desk(user) -> bool:
    return user.is_authenticated and user.has_role(Role.DISPATCHER, *DESK_ROLES)


def _granted(permission_model, user, codename: str):
    """An indexed EXISTS over the direct foreign-key permission rows (no generic object ids to cast)."""
    return Exists(
        permission_model.objects.filter(content_object=OuterRef("pk"), user=user, permission__codename=codename)
    )


def legal_cases_visible_to(user, queryset: QuerySet[LegalCase] | None = None) -> QuerySet[LegalCase]:
    queryset = LegalCase.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if is_desk_lead(user):
        return queryset
    if is_lawyer(user):
        return queryset.filter(_granted(LegalCaseUserObjectPermission, user, VIEW_CASE))
    return queryset.none()


def legal_case_get_for(*, user, case_id: int, for_update: bool = False) -> LegalCase:
    """The case if `user` may see it; otherwise NotFound, exactly as for an id that does not exist."""
    queryset = legal_cases_visible_to(user, LegalCase.objects.select_related("ticket", "ticket__matter", "lawyer"))
    case = queryset.filter(pk=case_id).first()
    if case is None:
        raise NotFound()
    return case


def may_advise(user, case: LegalCase) -> bool:
    """Only the lawyer the case is assigned to (and who holds the grant) advises and hands off."""
    return is_lawyer(user) and case.lawyer_id == user.pk and user.has_perm(f"legal.{ADVISE_CASE}", case)


def may_assign(user) -> bool:
    return is_desk_lead(user)


def may_read_log(user) -> bool:
    return is_desk_lead(user)


def leads_visible_to(user, queryset: QuerySet[PublicInterestLead] | None = None) -> QuerySet[PublicInterestLead]:
    queryset = PublicInterestLead.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if is_desk_lead(user):
        return queryset
    if is_procuratorate_liaison(user):
        return queryset.filter(_granted(PublicInterestLeadUserObjectPermission, user, VIEW_LEAD))
    return queryset.none()


def lead_get_for(*, user, lead_id: int) -> PublicInterestLead:
    lead = (
        leads_visible_to(user, PublicInterestLead.objects.select_related("domain", "territory"))
        .filter(pk=lead_id)
        .first()
    )
    if lead is None:
        raise NotFound()
    return lead


def may_read_leads(user) -> bool:
    """The leads list and the monthly ledger: the desk lead hands leads over, the procuratorate receives them.
    The pages check it and every link to them shows only when it holds (legal_tags.may_read_leads)."""
    return is_desk_lead(user) or is_procuratorate_liaison(user)


def may_manage_leads(user) -> bool:
    return is_desk_lead(user)


def may_record_feedback(user, lead: PublicInterestLead) -> bool:
    return is_procuratorate_liaison(user) and user.has_perm(f"legal.{FEEDBACK_LEAD}", lead)


def may_see_lead_personal_data(user, lead: PublicInterestLead) -> bool:
    """The desk always; the procuratorate only where the citizens consented (docs/domain.md §6)."""
    return is_desk_lead(user) or (lead.consent and is_procuratorate_liaison(user))
