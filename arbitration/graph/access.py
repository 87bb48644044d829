"""Who may read the catalogue analysis and the graph view (the lead may fold this into arbitration.access)."""

from arbitration.access import ALL_TICKET_ROLES
from arbitration.choices import Role

# The hotline's overseers, and conference members who decide ownership and so need to see the catalogue's holes.
ANALYSIS_ROLES = (*ALL_TICKET_ROLES, Role.CONFERENCE_MEMBER)


def may_analyse_catalogue(user) -> bool:
    return user.is_authenticated and user.has_role(*ANALYSIS_ROLES)
