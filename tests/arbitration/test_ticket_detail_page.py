"""The ticket page costs the same whatever the ticket's history, and no request builds the jurisdiction graph
(docs/scale.md, "The ticket page")."""

import runpy
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arbitration.graph import current_graph, graph_cache_clear
from arbitration.services.dispatch import ticket_dispatch
from tests import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _dispatch(ticket, department, *, actor) -> None:
    ticket_dispatch(
        ticket_id=ticket.pk, lead_department_id=department.pk, co_handler_ids=[], actor=actor, reason="改派",
        override_reason="测试",
    )  # fmt: skip


def _queries(client, ticket) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/tickets/{ticket.hotline_no}/")
    assert response.status_code == 200
    return len(captured)


def test_the_ticket_page_runs_the_same_queries_for_a_short_and_a_long_history(client, city, dispatcher, supervisor):
    short = factories.ticket(city, hotline_no="SHORT")
    _dispatch(short, city["urban"], actor=dispatcher)
    long = factories.ticket(city, hotline_no="LONG")
    for department in [city["urban"], city["market"], city["housing"]] * 3:  # nine dispatches, each ending the last
        _dispatch(long, department, actor=dispatcher)
    client.force_login(supervisor)
    _queries(client, short)  # warm: the first page builds the graph in this process

    assert long.events.count() >= 6 * short.events.count()  # and as many more history rows
    assert _queries(client, long) == _queries(client, short)


def test_a_gunicorn_worker_builds_the_graph_before_its_first_request(city):
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    graph_cache_clear()

    hooks["post_worker_init"](None)

    with CaptureQueriesContext(connection) as captured:
        current_graph()
    assert len(captured) == 1  # the version check only: the graph is already built


# arbitration/_timeline.html as the template engine wrote it, before {% timeline_entries %} wrote it in Python: the tag
# must write these bytes exactly (the ticket page, a dispute's and a supervision case's timelines).
TIMELINE_BEFORE = """{% load i18n %}{# A list of selectors.TimelineEntry: reusable by disputes, supervision dossiers and the like. #}
{% if entries %}
<ol class="timeline">
  {% for entry in entries %}
  <li class="timeline-{{ entry.source }}">
    <div class="timeline-head">
      <time datetime="{{ entry.at|date:'c' }}">{{ entry.at|date:"Y-m-d H:i" }}</time>
      {% if entry.hotline_no %}<span class="ticket badge">{{ entry.hotline_no }}</span>{% endif %}{# timelines over several tickets name each #}
      <span class="who">{{ entry.actor }}</span>
      <span class="what">{% if entry.source == "history" %}{{ entry.subject }} · {% if entry.action == "created" %}{% translate "created" %}{% elif entry.action == "deleted" %}{% translate "deleted" %}{% else %}{% translate "changed" %}{% endif %}{% else %}{{ entry.action }}{% endif %}</span>
    </div>
    {% if entry.reason %}<div class="why">{% translate "Reason" %}: {{ entry.reason }}</div>{% endif %}
    {% if entry.changes %}
    <table class="diff">
      {% for change in entry.changes %}<tr><th>{{ change.label }}</th><td class="old">{{ change.old }}</td><td class="arrow">→</td><td class="new">{{ change.new }}</td></tr>{% endfor %}
    </table>
    {% endif %}
  </li>
  {% endfor %}
</ol>
{% else %}<p class="muted">{% translate "Nothing recorded yet." %}</p>{% endif %}
"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_timeline_is_written_byte_for_byte_as_the_template_wrote_it(city, dispatcher, supervisor, language):
    import datetime as dt

    from django.template import Context, Template
    from django.template.loader import get_template
    from django.utils import timezone, translation
    from django.utils.safestring import mark_safe

    from arbitration.selectors import FieldChange, TimelineEntry, ticket_timeline
    from supervision.dossier.timeline import TicketEntry

    ticket = factories.ticket(city, dispatched_to=city["urban"], title="<b>占道</b>")
    _dispatch(ticket, city["market"], actor=dispatcher)
    odd = "<b>\"夜市\"</b> & '摊'"
    at = timezone.now().replace(microsecond=123456)
    made = [
        TimelineEntry(at=at, source="event", subject="Ticket", action=odd, actor=odd, reason=odd),
        TimelineEntry(
            at=at - dt.timedelta(days=400),
            source="history",
            subject=odd,
            action="deleted",
            actor=mark_safe("<i>系统</i>"),
            reason="",
            changes=(FieldChange("title", odd, odd, "—"), FieldChange("status", "状态", "a", "b")),
        ),
        TimelineEntry(
            at=at.replace(microsecond=0), source="history", subject="S", action="created", actor="", reason=""
        ),
        TicketEntry(at=at, source="history", subject="S", action="changed", actor="x", reason="r", hotline_no=odd),
    ]
    with translation.override(language), timezone.override("Asia/Shanghai"):
        written = {}
        for name, entries in (
            ("ticket", ticket_timeline(ticket, personal_data_visible=False)),
            ("made", made),
            ("none", []),
        ):
            before = Template(TIMELINE_BEFORE).render(Context({"entries": entries}))
            written[name] = get_template("arbitration/_timeline.html").render({"entries": entries})
            assert written[name] == before
    assert (
        "&lt;b&gt;&quot;夜市&quot;&lt;/b&gt; &amp; &#x27;摊&#x27;" in written["made"]
        and "<i>系统</i>" in written["made"]
    )
    assert written["ticket"].count("<li ") >= 3 and 'class="muted"' in written["none"]
