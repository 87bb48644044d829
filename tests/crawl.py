"""A crawler of the site as one signed-in person sees it, with the Django test client: from home, every same-site
link on every page (GET), each URL pattern a few times (the admin: its index, app pages and each model's list,
once). It reports what a new user would trip over: a link answering anything but 200 (or a file), English words
in a zh-Hans page (the admin's lists included), a page title without its separator."""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

# Words a zh-Hans page may show in Latin letters: names of things that have no other name, and the switch to the
# other language. Anything else in Latin letters is an untranslated message.
ALLOWED_WORDS = frozenset(
    {
        "Mingze",  # the brand beside 明责 in the header
        "English",  # the language switch names the language it switches to
        "API",
        "PDF",
        "CSV",
        "JSON",
        "OpenAPI",
        "OIDC",
        "QR",
        "GB",  # GB/T 9704
        "PAdES",
        "Farrington",  # the surge-alert method is named after its author (docs/alerts.md)
        "EARS",
        "Control",  # the keys named by the admin's multiple-choice hint, as Django's own Chinese names them
        "Command",
        "Mac",
    }
)
# Codes, hotline numbers, ISO dates and similar tokens mix letters and digits or are single letters (A/B/C); a letter
# template's placeholders (${remarks}) are names the code fills in.
WORD = re.compile(r"(?<![A-Za-z0-9_.@/{-])[A-Za-z][a-z]+(?:'[a-z]+)?(?![A-Za-z0-9_@/-])")
SKIPPED_PATHS = ("/logout/", "/i18n/", "/static/", "/media/", "/oidc/")
HIDDEN_TAGS = {"script", "style", "template", "noscript"}
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label")  # not alt: the admin's yes/no icons say "True"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self.title: list[str] = []
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in HIDDEN_TAGS:
            self._hidden += 1
        if tag == "title":
            self._in_title = True
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in VISIBLE_ATTRIBUTES:
            if attributes.get(name):
                self.text.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.text.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        elif not self._hidden:
            self.text.append(data)


URL = re.compile(r"https?://\S+")  # an address (the verification link of a PDF) is not a message


def english_words(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    return [word for word in WORD.findall(URL.sub(" ", text)) if word not in ALLOWED_WORDS and word not in allowed]


@dataclass
class Problem:
    url: str
    found_on: str
    what: str

    def __str__(self) -> str:
        return f"{self.url} (linked from {self.found_on}): {self.what}"


@dataclass
class CrawlReport:
    visited: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _pattern(path: str) -> tuple[str, str] | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}:{match.route}", match.url_name or ""


# Django's admin has some eight URL patterns per model; the crawl visits its index, app pages and each model's list,
# and checks their language like any page's: the columns, filters and rows of every list. The forms of one record
# (each model's add form and the change form of one of its records) are opened by `admin_forms`, not by following
# links: a list links every record, and one form per model is what differs.
ADMIN_PAGES = ("index", "app_list", "_changelist")


def _admin_page_beyond_lists(path: str, url_name: str) -> bool:
    return path.startswith("/admin/") and not url_name.endswith(ADMIN_PAGES)


def _is_file(response) -> bool:
    content_type = response.get("Content-Type", "")
    return "attachment" in response.get("Content-Disposition", "") or not content_type.startswith("text/html")


def crawl(
    client,
    *,
    username: str,
    start: str = "/",
    per_pattern: int = 3,
    skip: tuple[str, ...] = ("/api/",),
    usernames: frozenset[str] = frozenset(),
) -> CrawlReport:
    """Follow every same-site link from `start`; at most `per_pattern` URLs of each URL pattern (any query).

    A redirect is followed within the site (the leader's home is the cockpit); it must not end on the login page.
    The signed-in user's own user name may appear (the admin greets them by it), and the `usernames` given (the
    admin's list of people shows each person's user name)."""
    report = CrawlReport()
    seen: set[str] = {start}
    taken: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    while queue:
        url, found_on = queue.popleft()
        response = client.get(url, follow=True)
        report.visited.append(url)
        if response.status_code != 200 or response.request["PATH_INFO"] == "/login/":
            where = " → ".join(hop for hop, _status in response.redirect_chain)
            report.problems.append(Problem(url, found_on, f"answers {response.status_code} {where}".rstrip()))
            continue
        query = response.request.get("QUERY_STRING")
        url = response.request["PATH_INFO"] + (f"?{query}" if query else "")
        if _is_file(response) or url.startswith(skip):
            continue  # a file, or the API's own documentation (Swagger UI, in English): only its answer counts
        page = _Page()
        page.feed(response.content.decode())
        title = " ".join("".join(page.title).split())
        if " · " not in title:
            report.problems.append(Problem(url, found_on, f"title without separator: {title!r}"))
        words = english_words(" ".join(page.text), usernames | {username})
        if words:
            report.problems.append(Problem(url, found_on, f"English words: {sorted(set(words))}"))
        for href in page.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site, mailto:, or an in-page anchor resolved above
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or parts.path.startswith(SKIPPED_PATHS):
                continue
            seen.add(target)
            pattern, url_name = _pattern(parts.path) or (parts.path, "")
            limit = 1 if parts.path.startswith("/admin/") else per_pattern  # the admin's lists are all alike
            if taken[pattern] >= limit or _admin_page_beyond_lists(parts.path, url_name):
                continue
            taken[pattern] += 1
            queue.append((target, url))
    return report


def _page_problems(response, url: str, allowed: frozenset[str]) -> list[Problem]:
    if response.status_code != 200:
        return [Problem(url, "(admin form)", f"answers {response.status_code}")]
    page = _Page()
    page.feed(response.content.decode())
    words = english_words(" ".join(page.text), allowed)
    return [Problem(url, "(admin form)", f"English words: {sorted(set(words))}")] if words else []


def admin_forms(client, *, request, allowed: frozenset[str] = frozenset()) -> CrawlReport:
    """Every registered model's add form (where the admin may add) and the change form of its first record (where
    one exists), checked for English words like any page. `request` carries the signed-in user for the admin's
    permission checks."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    report = CrawlReport()
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = []
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{name}_add"))
        first = model_admin.get_queryset(request).order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            try:
                urls.append(reverse(f"{name}_change", args=[first]))
            except NoReverseMatch:  # a primary key the admin's URL pattern does not take
                continue
        for url in urls:
            report.visited.append(url)
            report.problems += _page_problems(client.get(url), url, allowed)
    return report
