"""URLs of pages, reversed once per process.

The navigation and the home page's queue sections name the same twenty pages on every request, and `reverse()`
costs about 16 µs each: 0.3 ms a page. A page's URL depends only on the URLconf (code) and the script prefix
the server mounts the site under, so it is kept per prefix and name; no data a person can change goes in.
"""

from __future__ import annotations

from functools import cache

from django.urls import get_script_prefix, reverse


def page_url(name: str, *args: str) -> str:
    """`reverse(name, args=args)`, kept. For a fixed set of pages only: arguments such as a ticket's number
    would keep one entry per ticket."""
    return _reversed(get_script_prefix(), name, args)


@cache
def _reversed(prefix: str, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, args=args)
