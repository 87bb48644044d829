"""The home page's cheap rendering (docs/homes.md, docs/scale.md "Home pages"): the queue card written in Python is
byte for byte what its template wrote, and the sections read the same rows as before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from arbitration.choices import TicketStatus
from arbitration.models import Ticket
from arbitration.queues import QueueRow, QueueSection, ShownSection
from supervision.choices import LetterKind, Tier
from supervision.services.cases import case_open
from supervision.services.letters import letter_issue_for_case
from tests.factories import at, ticket

pytestmark = pytest.mark.django_db

# arbitration/home/_queue.html as the template engine wrote it, before {% queue_sections %} wrote it in Python: the
# tag must write these bytes exactly.
QUEUE_BEFORE = """{% load i18n %}{% for shown in data.sections %}
<section class="card queue" id="queue-{{ shown.section.key|slugify }}" data-queue="{{ shown.section.key }}">
  <h2>{{ shown.section.title }} <span class="badge{% if shown.count %} blue{% endif %}">{{ shown.count_label }}</span></h2>
  {% if shown.rows %}
  <table class="queue-rows">
    <tbody>
    {% for item in shown.rows %}
    <tr class="queue-row{% if item.urgency %} {{ item.urgency }}{% endif %}">
      <td class="nowrap"><a href="{{ item.row.url }}">{{ item.row.label }}</a></td>
      <td class="title-cell"><a href="{{ item.row.url }}">{{ item.row.text }}</a>{% if item.row.note %}<br><span class="muted">{{ item.row.note }}</span>{% endif %}</td>
      <td class="nowrap">{% if item.due %}{{ item.due }}{% if item.due_words %}<br><span class="due-words {{ item.urgency }}">{{ item.due_words }}</span>{% endif %}{% else %}<span class="muted">—</span>{% endif %}</td>
    </tr>
    {% endfor %}
    </tbody>
  </table>
  {% if shown.count > shown.rows|length %}<p><a href="{{ shown.list_url }}">{% blocktranslate with number=shown.count_label %}All {{ number }} →{% endblocktranslate %}</a></p>{% endif %}
  {% else %}
  <p class="empty">{% translate "Nothing waits here." %}</p>
  {% endif %}
</section>
{% endfor %}
"""  # noqa: E501

AFTER = "{% load queue_card %}{% queue_sections data.sections %}\n"


def _both(sections) -> tuple[str, str]:
    data = {"sections": sections}
    return Template(QUEUE_BEFORE).render(Context({"data": data})), Template(AFTER).render(Context({"data": data}))


def _queue_sections(response) -> list:
    for template, data in response.context["cards"]:
        if template.endswith("_queue.html"):
            return data["sections"]
    raise AssertionError("no queue card")


def _section(key: str, title) -> QueueSection:
    return QueueSection(
        key=key, roles=(), title=title, short="x", rows=lambda ctx: [], count=lambda ctx: 0, list_url="ticket-list"
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_card_is_written_byte_for_byte_as_the_template_wrote_it(language):
    odd = "<b>\"夜市\"</b> & '摊'"
    rows = [
        {
            "row": QueueRow(label=odd, text=odd, url='/tickets/A&"1/', due=None, note=odd),
            "due": "2026-03-02 09:00",
            "due_words": odd,
            "urgency": "overdue",
        },
        {
            "row": QueueRow(label="B-2", text="", url="/b/", note=""),
            "due": "2026-03-02",
            "due_words": "",
            "urgency": "",
        },
        {"row": QueueRow(label="C-3", text="t", url="/c/", note="n"), "due": "", "due_words": "", "urgency": ""},
        {
            "row": QueueRow(label=mark_safe("<i>safe</i>"), text="t", url="/d/", note=mark_safe("<u>n</u>")),
            "due": "2026-03-04",
            "due_words": "due today",
            "urgency": "due_soon",
        },
    ]
    sections = [
        ShownSection(_section("arbitration.due", gettext_lazy("Bounce windows closing")), rows, 120, "99+", "/t/?a&b"),
        ShownSection(_section("supervision.letters_to_answer", odd), rows[1:3], 2, "2", "/l/"),
        ShownSection(_section("legal.cases", gettext_lazy("Letters overdue")), [], 0, "0", "/x/"),
    ]
    with translation.override(language):
        before, after = _both(sections)
    assert after == before
    assert "&lt;b&gt;&quot;夜市&quot;&lt;/b&gt; &amp; &#x27;摊&#x27;" in after and "<i>safe</i>" in after
    assert 'href="/t/?a&amp;b"' in after and after.count('<span class="muted">—</span>') == 2  # C-3, in two sections


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_homes_queues_render_as_the_template_rendered_them(client, city, supervisor, liaison_urban, language):
    overdue = ticket(city, dispatched_to=city["urban"], hotline_no="U-1", received_at=at(2026, 3, 2, 9))
    Ticket.objects.filter(pk=overdue.pk).update(title="<b>\"占道\"</b> & '摊'")
    ticket(city, dispatched_to=city["urban"], hotline_no="U-2", received_at=timezone.now())
    soon = ticket(city, dispatched_to=city["urban"], hotline_no="U-3", received_at=timezone.now())
    Ticket.objects.filter(pk=soon.pk).update(due_at=timezone.now() + dt.timedelta(hours=2))
    case = case_open(actor=supervisor, reason="人工督办", ticket_id=overdue.pk, tier=Tier.KEY)
    letter_issue_for_case(case_id=case.pk, kind=LetterKind.REMINDER, actor=supervisor, reason="催办")
    Ticket.objects.filter(pk=soon.pk).update(status=TicketStatus.HANDLING)
    for person in (liaison_urban, supervisor):
        client.force_login(person)
        with translation.override(language):
            response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
            sections = _queue_sections(response)
            assert any(shown.rows for shown in sections)
            before, after = _both(sections)
        assert after == before
        assert after in response.content.decode()


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_sections_read_no_column_a_row_shows_later(client, city, supervisor, liaison_urban):
    """The rows read only the columns they show: a column left out would be read per row, and the home's queries
    would grow with the rows (cases, letters, due tickets, bounce windows, notices)."""

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            pressed = ticket(city, dispatched_to=city["urban"], hotline_no=f"G-{i}", received_at=at(2026, 3, 2, 9))
            case = case_open(actor=supervisor, reason="人工督办", ticket_id=pressed.pk, tier=Tier.KEY)
            letter_issue_for_case(case_id=case.pk, kind=LetterKind.REMINDER, actor=supervisor, reason="催办")

    grow(1, 0)
    counts = {}
    for person in (liaison_urban, supervisor):
        client.force_login(person)
        client.get("/")  # the session and the per-process caches, once
        counts[person.pk] = _home_queries(client)
    grow(3, 1)
    for person in (liaison_urban, supervisor):
        client.force_login(person)
        client.get("/")
        assert _home_queries(client) == counts[person.pk]


NOTICES_BEFORE = """{% load i18n %}
{% if data.count %}
<section class="card" id="notices-card">
  <h2>{% blocktranslate count counter=data.count %}{{ counter }} unread notice{% plural %}{{ counter }} unread notices{% endblocktranslate %}</h2>
  <ul>{% for n in data.notices %}<li>{{ n.created_at|date:"Y-m-d H:i" }} · {{ n.message }}</li>{% endfor %}</ul>
  <p><a href="{% url 'notice-list' %}">{% translate "All notices" %} →</a></p>
</section>
{% endif %}
"""  # noqa: E501


def test_the_notices_card_shows_the_newest_five_and_counts_every_unread_one(client, city, liaison_urban):
    """Rows and count in one statement (the count over every unread notice of the departments, before the LIMIT)."""
    from arbitration.models import Notice

    client.force_login(liaison_urban)
    assert 'id="notices-card"' not in client.get("/").content.decode()  # none unread: no card
    now = timezone.now()
    made = [
        Notice.objects.create(
            department=city["urban" if i != 7 else "market"],
            kind="ticket_gained",
            document_number=f"<认定-{i}>",
            data={"hotline_no": f"T-{i}", "other": "市场监管局"},
            created_at=now - dt.timedelta(minutes=i),
            read_at=now if i == 6 else None,
        )
        for i in range(8)
    ]
    response = client.get("/")
    cards = dict(response.context["cards"])
    data = cards["arbitration/home/_notices.html"]
    assert data["count"] == 6  # one read, one another department's
    assert [n.pk for n in data["notices"]] == [n.pk for n in made[:5]]
    with timezone.override("Asia/Shanghai"):
        expected = Template(NOTICES_BEFORE).render(
            Context({"data": {"count": 6, "notices": Notice.objects.filter(pk__in=[n.pk for n in made[:5]])}})
        )
    assert expected in response.content.decode()
