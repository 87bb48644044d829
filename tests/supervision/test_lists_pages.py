"""Supervision and legal list pages page by keyset (cursor): the next link leads to the rows the first page did not
show, in the list's order, and a page runs the same queries at any page size (docs/scale.md)."""

import datetime as dt
import html
import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from arbitration.choices import Role
from legal.choices import CaseOrigin, ReadChannel
from legal.models import CaseRead, LegalCase
from supervision.choices import LetterKind, LetterStatus, ReferralTrigger, TopicStatus, TopicTicketVia, Trigger
from supervision.models import (
    DisciplineReferral,
    LetterDraft,
    ScoreAppeal,
    ScorePeriod,
    SupervisionCase,
    SupervisionLetter,
    Topic,
    TopicReport,
    TopicTicket,
)
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db
ROWS = 5
NEXT = re.compile(r'rel="next" href="(\?[^"]*)"')


@dataclass
class Listing:
    """One list of one page: who reads it, where, under which context name and cursor parameter, and the rows it
    must show in order (each list's order is built into its rows, not read back from the code under test)."""

    user: object
    url: str
    context: str
    param: str
    expected: list
    query: dict | None = None


@pytest.fixture
def tickets(city):
    return [
        factories.ticket(city, dispatched_to=city["urban"], hotline_no=f"L{n}", received_at=at(2026, 3, 1 + n, 8))
        for n in range(ROWS)
    ]


def _cases(city, tickets) -> list:
    due = [at(2026, 4, 1), at(2026, 4, 2), at(2026, 4, 2), at(2026, 4, 3), None]
    made = [
        SupervisionCase.objects.create(
            subject_key=f"ticket:{ticket.pk}",
            ticket=ticket,
            department=city["urban"],
            trigger=Trigger.OVERDUE,
            step_due_at=due_at,
            opened_at=at(2026, 3, 10),
        )
        for ticket, due_at in zip(tickets, due, strict=True)
    ]
    # Due soonest first, a tie (same due time, same opening) newest id first, no due time last.
    return [made[0], made[2], made[1], made[3], made[4]]


def _letters(city, supervisor) -> list:
    due = [dt.date(2026, 4, 5), dt.date(2026, 4, 1), None, dt.date(2026, 4, 1), dt.date(2026, 4, 3)]
    return [
        SupervisionLetter.objects.create(
            document_number=f"明责督〔2026〕{n + 1}号",
            issued_by=supervisor,
            issued_at=at(2026, 3, 1 + n),
            kind=LetterKind.ESCALATION,
            status=LetterStatus.ISSUED,
            department=city["urban"],
            addressee=city["urban"].name,
            response_due_on=due_on,
        )
        for n, due_on in enumerate(due)
    ]


def queue(city, tickets, supervisor, **_):
    return Listing(supervisor, reverse("supervision:queue"), "page", "cursor", _cases(city, tickets))


def desk_cases(city, tickets, liaison_urban, **_):
    return Listing(liaison_urban, reverse("supervision:desk"), "case_page", "case_cursor", _cases(city, tickets))


def desk_letters(city, supervisor, liaison_urban, **_):
    made = _letters(city, supervisor)
    # The answer due soonest first (overdue ones lead), ties oldest first, letters without a date last.
    expected = [made[1], made[3], made[4], made[0], made[2]]
    return Listing(liaison_urban, reverse("supervision:desk"), "letter_page", "letter_cursor", expected)


def letter_register(city, supervisor, **_):
    made = _letters(city, supervisor)
    return Listing(supervisor, reverse("supervision:letters"), "page", "cursor", made[::-1])


def letter_drafts(city, supervisor, **_):
    made = [
        LetterDraft.objects.create(
            kind=LetterKind.REMINDER,
            department=city["urban"],
            addressee=city["urban"].name,
            drafted_at=at(2026, 3, 1 + min(n, 3)),  # the last two drafted at once: the id breaks the tie
        )
        for n in range(ROWS)
    ]
    expected = [made[4], made[3], made[2], made[1], made[0]]
    return Listing(supervisor, reverse("supervision:letters"), "draft_page", "draft_cursor", expected)


def referrals(tickets, supervisor, **_):
    made = [
        DisciplineReferral.objects.create(
            ticket=ticket, trigger=ReferralTrigger.MANUAL, reason="久拖不办", proposed_at=at(2026, 3, 1 + n)
        )
        for n, ticket in enumerate(tickets)
    ]
    return Listing(supervisor, reverse("supervision:referrals"), "page", "cursor", made[::-1])


def _topic(city, supervisor, n: int, **fields) -> Topic:
    return Topic.objects.create(
        title=f"占道经营治理 {n}",
        matter=city["stall"],
        rationale="反复投诉",
        proposed_by=supervisor,
        proposed_at=at(2026, 1, 1 + n),
        **fields,
    )


def topics(city, supervisor, liaison_urban, **_):
    """Running topics with a progress report each: the report-overdue column reads the last report of every row."""
    made = []
    for n in range(ROWS):
        topic = _topic(
            city, supervisor, n, status=TopicStatus.IN_PROGRESS, decided_at=at(2026, 2, 1), lead=city["urban"]
        )
        TopicReport.objects.create(topic=topic, department=city["urban"], author=liaison_urban, text="进展")
        made.append(topic)
    return Listing(supervisor, reverse("supervision:topics"), "page", "cursor", made[::-1])


def topic_tickets(city, tickets, supervisor, **_):
    topic = _topic(city, supervisor, 0, status=TopicStatus.IN_PROGRESS, decided_at=at(2026, 2, 1))
    for ticket in tickets:
        TopicTicket.objects.create(topic=topic, ticket=ticket, via=TopicTicketVia.LOOKBACK)
    return Listing(supervisor, reverse("supervision:topic", args=[topic.pk]), "page", "cursor", tickets[::-1])


def appeals(city, tickets, supervisor, liaison_urban, **_):
    period = ScorePeriod.objects.create(
        period_kind="month", period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 4, 1)
    )
    made = [
        ScoreAppeal.objects.create(
            period=period,
            department=city["urban"],
            ticket=ticket,
            reason="非本单位职责",
            attachment="supervision/appeals/evidence.pdf",
            attachment_name="evidence.pdf",
            lodged_by=liaison_urban,
            lodged_at=at(2026, 4, 2, 9 + n),
        )
        for n, ticket in enumerate(tickets)
    ]
    url = reverse("supervision:period_appeals", args=[period.pk])
    return Listing(supervisor, url, "page", "cursor", made[::-1])


def legal_case_reads(city, tickets, **_):
    desk_lead = factories.user("desk_lead", Role.LEGAL_DESK_LEAD, is_staff=True)
    case = LegalCase.objects.create(ticket=tickets[0], origin=CaseOrigin.DISPATCHER)
    made = [
        CaseRead.objects.create(case=case, user=desk_lead, channel=ReadChannel.API, at=at(2026, 3, 1 + min(n, 3)))
        for n in range(ROWS)
    ]
    expected = [made[4], made[3], made[2], made[1], made[0]]
    return Listing(desk_lead, reverse("legal:case", args=[case.pk]), "read_page", "read_cursor", expected)


LISTINGS = [
    queue,
    desk_cases,
    desk_letters,
    letter_register,
    letter_drafts,
    referrals,
    topics,
    topic_tickets,
    appeals,
    legal_case_reads,
]


@pytest.fixture(params=LISTINGS, ids=[build.__name__ for build in LISTINGS])
def listing(request, client, city, tickets, supervisor, liaison_urban) -> Listing:
    made = request.param(city=city, tickets=tickets, supervisor=supervisor, liaison_urban=liaison_urban)
    client.force_login(made.user)
    return made


def next_link(content: str, param: str) -> str | None:
    """The href of this list's "Next" link (a page with several lists has one per list)."""
    links = [html.unescape(href) for href in NEXT.findall(content)]
    return next((href for href in links if re.search(rf"[?&]{param}=", href)), None)


def test_the_next_link_leads_to_the_rows_the_first_page_did_not_show(client, listing):
    url, seen = listing.url, []
    response = client.get(url, {"page_size": 2})
    while True:
        assert response.status_code == 200
        page = response.context[listing.context]
        seen.append([row.pk for row in page.rows])
        link = next_link(response.content.decode(), listing.param)
        if link is None:
            break
        assert "page_size=2" in link  # the page's other parameters travel with the cursor
        response = client.get(url + link)
    assert seen[0] == [row.pk for row in listing.expected[:2]]
    assert len(seen) == 3 and not set(seen[0]) & set(seen[1])
    assert [pk for page in seen for pk in page] == [row.pk for row in listing.expected]


def test_a_cursor_the_list_did_not_make_is_a_400(client, listing):
    response = client.get(listing.url, {listing.param: "not-a-cursor"})
    assert response.status_code == 400


def queries(client, url: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    return len(captured)


def test_a_page_runs_the_same_queries_at_two_page_sizes(client, listing):
    queries(client, listing.url, 1)  # warm: a first call may fill a process cache
    if listing.context == "read_page":
        queries(client, listing.url, 1)  # the case page records a read: the second visit is the steady state
    assert queries(client, listing.url, 1) == queries(client, listing.url, ROWS)


def test_a_deep_queue_page_starts_at_its_key_with_no_null_test(client, city, tickets, supervisor):
    """The queue sorts on the due time read as a far-off moment when there is none (models.cases.case_queue_due):
    the bound of a deep page is a plain range on the expression its index holds, never "…, or NULL", which no index
    range serves (docs/scale.md)."""
    expected = _cases(city, tickets)
    client.force_login(supervisor)
    first = client.get(reverse("supervision:queue"), {"page_size": 4}).context["page"]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("supervision:queue"), {"page_size": 4, "cursor": first.next_cursor})

    (page_sql,) = [sql for sql in (q["sql"] for q in captured.captured_queries) if "LIMIT 5" in sql and "case" in sql]
    assert [case.pk for case in response.context["page"].rows] == [expected[4].pk]  # the case without a due time
    assert "COALESCE" in page_sql and "IS NULL" not in page_sql
