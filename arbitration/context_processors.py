from django.http import HttpRequest

from arbitration.choices import Role


def roles(request: HttpRequest) -> dict:
    """`roles` (the user's role codes) and `Role` for templates that show or hide a role's links."""
    user = getattr(request, "user", None)
    return {"roles": user.roles if user is not None and user.is_authenticated else frozenset(), "Role": Role}


def queue_counts(request: HttpRequest) -> dict:
    """`queue_counts`: what waits for the user, per section of their queue (docs/homes.md).

    Lazy: the queries run only when a template shows the counts, one capped index-served query per section.
    """
    from django.utils.functional import SimpleLazyObject

    from arbitration.queues import counts_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"queue_counts": []}
    # The home page's queue card leaves its sections on the request (arbitration/views/home.py): reuse their counts.
    return {"queue_counts": SimpleLazyObject(lambda: counts_for(user, shown=getattr(request, "queue_shown", None)))}
