from django.http import HttpRequest

from supervision.cockpit.access import may_open_cockpit, may_read_reports


def cockpit_links(request: HttpRequest) -> dict:
    """Whether the navigation shows the cockpit and the report register (each page's own rule)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"sees_cockpit": False, "sees_reports": False}
    return {"sees_cockpit": may_open_cockpit(user), "sees_reports": may_read_reports(user)}
