from django.http import HttpRequest

from arbitration.choices import Role


def roles(request: HttpRequest) -> dict:
    """`roles` (the user's role codes) and `Role` for templates that show or hide a role's links."""
    user = getattr(request, "user", None)
    return {"roles": user.roles if user is not None and user.is_authenticated else frozenset(), "Role": Role}
