"""The legal desk's cards on the home page and panels on the ticket page (registered in apps.ready())."""

from django.http import HttpRequest

from legal import access
from legal.choices import CaseStatus, LeadStatus
from legal.selectors import lead_list, legal_case_list


def desk_card(request: HttpRequest) -> dict:
    user = request.user
    visible = legal_case_list(user=user)
    return {
        "open": visible.filter(status=CaseStatus.OPEN).count(),
        "mine": visible.filter(lawyer=user).exclude(status=CaseStatus.CLOSED).count()
        if access.is_lawyer(user)
        else visible.exclude(status=CaseStatus.CLOSED).count(),
        "proposed": lead_list(user=user, status=LeadStatus.PROPOSED).count() if access.is_desk_lead(user) else 0,
    }


def procuratorate_card(request: HttpRequest) -> dict:
    return {"waiting": lead_list(user=request.user, status=LeadStatus.HANDED_OFF).count()}


def register() -> None:
    from arbitration.choices import Role
    from arbitration.views.home import home_card_register
    from arbitration.views.tickets import TICKET_ACTION_PANELS, TICKET_SIDE_PANELS

    for role in (Role.LEGAL_DESK_LEAD, Role.LAWYER):
        home_card_register(role, "legal/home/_desk.html", context=desk_card, order=50)
    home_card_register(
        Role.PROCURATORATE_LIAISON, "legal/home/_procuratorate.html", context=procuratorate_card, order=50
    )
    for panels, template in (
        (TICKET_SIDE_PANELS, "legal/_ticket_route.html"),
        (TICKET_ACTION_PANELS, "legal/_ticket_send.html"),
    ):
        if template not in panels:
            panels.append(template)
