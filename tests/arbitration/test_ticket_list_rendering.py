"""The ticket list page's cheap rendering (docs/scale.md, "Rendering"): the filters' catalogue options are kept across
requests and follow every change of the catalogue; the table's rows are prepared in one pass and read as before."""

import datetime as dt
import re
from dataclasses import replace

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from arbitration.catalogue_options import catalogue_options
from arbitration.choices import Role, TerritoryLevel
from arbitration.forms import TicketFilterForm
from arbitration.models import Matter, Territory, Ticket
from arbitration.selectors import TicketFilters, ticket_handlers, ticket_list, ticket_list_page, ticket_place_names
from arbitration.services.tickets import assignment_create
from tests import factories
from tests.factories import ticket

pytestmark = pytest.mark.django_db

LIST = reverse("ticket-list")


def tight(html) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


def select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)


def options(html: str, name: str) -> dict[str, str]:
    """value → label of the select `name`, the empty choice left out."""
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select(html, name))
    return {value: label for value, label in found if value}


def page(client, **params) -> str:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response.content.decode()


# --- the catalogue options ----------------------------------------------------------------------------------------
def test_the_department_options_follow_an_addition_a_renaming_and_a_deactivation(client, city, dispatcher):
    client.force_login(dispatcher)
    assert options(page(client), "department")[str(city["urban"].pk)] == "市城市管理局"
    added = factories.department("WJW", "市卫生健康委员会")
    assert options(page(client), "department")[str(added.pk)] == "市卫生健康委员会"
    added.name = "市卫生健康委"
    added.save()
    assert options(page(client), "department")[str(added.pk)] == "市卫生健康委"
    added.is_active = False
    added.save()
    offered = options(page(client), "department")
    assert str(added.pk) not in offered and str(city["urban"].pk) in offered


def test_the_matter_and_territory_trees_follow_additions_and_renamings(client, city, dispatcher):
    client.force_login(dispatcher)
    html = page(client)
    assert options(html, "matter")[str(city["stall"].pk)] == "\u3000\u3000010101 占道经营"
    assert options(html, "territory")[str(city["street_a1"].pk)] == "\u3000\u3000370802001 湖滨街道"
    assert str(city["community_a1"].pk) not in options(html, "territory")  # communities come with their street
    noise = factories.matter("010103", "噪声扰民", city["urban_env"])
    street = factories.territory("370802002", "湖心街道", TerritoryLevel.STREET, city["district_a"])
    html = page(client)
    assert options(html, "matter")[str(noise.pk)] == "\u3000\u3000010103 噪声扰民"
    assert (
        list(options(html, "matter")).index(str(noise.pk))
        == list(options(html, "matter")).index(str(city["food"].pk)) + 1
    )  # in tree order
    assert options(html, "territory")[str(street.pk)] == "\u3000\u3000370802002 湖心街道"
    noise.name = "噪声污染"
    noise.save()
    street.name = "湖心路街道"
    street.save()
    html = page(client)
    assert options(html, "matter")[str(noise.pk)] == "\u3000\u3000010103 噪声污染"
    assert options(html, "territory")[str(street.pk)] == "\u3000\u3000370802002 湖心路街道"


def test_a_liaison_is_offered_their_own_departments_even_an_inactive_one(client, city):
    old = factories.department("OLD", "原城管执法局")
    liaison = factories.user("liaison_two", Role.LIAISON, departments=(city["urban"], old))
    old.is_active = False
    old.save()
    client.force_login(liaison)
    html = page(client)
    assert options(html, "department") == {str(city["urban"].pk): "市城市管理局", str(old.pk): "原城管执法局"}
    assert f'<option value="{old.pk}" selected>' in select(page(client, department=old.pk), "department")


def test_a_value_outside_the_options_is_ignored_as_before(client, city, dispatcher, liaison_urban):
    urban, market = ticket(city, dispatched_to=city["urban"]), ticket(city, dispatched_to=city["market"])
    retired = factories.department("OLD", "原城管执法局")
    retired.is_active = False
    retired.save()
    client.force_login(dispatcher)
    for value in (retired.pk, 987654, "x"):  # inactive, unknown, malformed: the filter is left out
        response = client.get(LIST, {"department": value})
        assert "department" in response.context["form"].errors
        assert {t["hotline_no"] for t in response.context["page"].rows} == {urban.hotline_no, market.hotline_no}
    response = client.get(LIST, {"department": city["market"].pk})
    assert {t["hotline_no"] for t in response.context["page"].rows} == {market.hotline_no}
    assert f'<option value="{city["market"].pk}" selected>' in response.content.decode()
    client.force_login(liaison_urban)  # another department than their own is not theirs to filter by
    response = client.get(LIST, {"department": city["market"].pk, "lead": city["market"].pk})
    assert {"department", "lead"} <= set(response.context["form"].errors)


def test_the_page_reads_the_kept_options_with_one_query_whatever_the_catalogue(client, city, dispatcher):
    client.force_login(dispatcher)
    page(client)  # the session, the jurisdiction graph and the options are built on the first call
    with CaptureQueriesContext(connection) as small:
        page(client)
    for n in range(30):
        factories.department(f"D{n:02d}", f"单位{n}")
        factories.matter(f"0102{n:02d}", f"事项{n}", city["urban_family"])
        factories.territory(f"370899{n:03d}", f"街道{n}", TerritoryLevel.STREET, city["district_b"])
    with CaptureQueriesContext(connection) as rebuilt:
        page(client)  # the catalogue changed: its options (and the jurisdiction graph) are built again, once
    with CaptureQueriesContext(connection) as large:
        html = page(client)
    assert len(options(html, "department")) == 6 + 30 and len(options(html, "matter")) == 4 + 30
    assert len(small) > 0 and len(large) == len(small) and len(rebuilt) > len(small)
    read = " ".join(query["sql"] for query in large.captured_queries)
    assert read.count("historicalterritory") == 2  # the stamp, read; the trees themselves are not
    assert '"arbitration_territory"."path" ASC' not in read and '"arbitration_matter"."path" ASC' not in read


def test_the_csv_export_does_not_read_the_options(client, city, dispatcher):
    client.force_login(dispatcher)
    with CaptureQueriesContext(connection) as queries:
        b"".join(client.get(reverse("ticket-export")).streaming_content)
    assert not [q for q in queries.captured_queries if "historicaldepartment" in q["sql"]]


# --- the table ---------------------------------------------------------------------------------------------------
# The table as the template engine wrote it (one include, url, display call and date filter per row), before
# {% ticket_table %} wrote it in Python: the tag must write these bytes exactly.
TABLE_BEFORE = """{% load i18n %}
<table class="tickets">
  <thead><tr>
    <th>{% translate "Number" %}</th><th>{% translate "Title" %}</th><th>{% translate "Type" %}</th>
    <th>{% translate "Matter" %}</th><th>{% translate "Territory" %}</th><th>{% translate "Handled by" %}</th>
    <th>{% translate "Status" %}</th><th>{% translate "Received at" %}</th><th>{% translate "Due" %}</th>
  </tr></thead>
  <tbody>
  {% for ticket in tickets %}
  <tr class="ticket-row{% if ticket.urgency %} {{ ticket.urgency }}{% endif %}" data-hotline-no="{{ ticket.hotline_no }}">
    <td class="nowrap"><a href="{% url 'ticket-detail' ticket.hotline_no %}">{{ ticket.hotline_no }}</a></td>
    <td class="title-cell">{{ ticket.title }}</td>
    <td class="nowrap">{{ ticket.get_request_type_display }}</td>
    <td>{{ ticket.matter.name }}</td>
    <td>{{ ticket.territory.name }}</td>
    <td>{% for assignment in ticket.active_assignments %}<span class="dept{% if assignment.role != 'lead' %} minor{% endif %}" title="{{ assignment.get_role_display }}">{{ assignment.department.name }}</span>{% if not forloop.last %}<br>{% endif %}{% empty %}<span class="muted">—</span>{% endfor %}</td>
    <td class="nowrap"><span class="status status-{{ ticket.status }}">{{ ticket.get_status_display }}</span></td>
    <td class="nowrap">{{ ticket.received_at|date:"Y-m-d H:i" }}</td>
    <td class="nowrap">{% if ticket.due_at %}{{ ticket.due_at|date:"Y-m-d H:i" }}{% elif ticket.due_unknown_reason %}<span class="muted" title="{{ ticket.due_unknown_reason }}">{% translate "unknown" %}</span>{% else %}<span class="muted">—</span>{% endif %}
      {% if ticket.urgency == "overdue" %}<span class="badge red">{% translate "Overdue" %}</span>{% elif ticket.urgency == "due_soon" %}<span class="badge yellow">{% translate "Due soon" %}</span>{% endif %}</td>
  </tr>
  {% endfor %}
  </tbody>
</table>
"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_table_is_written_byte_for_byte_as_the_template_wrote_it(city, dispatcher, language):
    now = timezone.now()
    overdue = ticket(city, dispatched_to=city["urban"], title="<b>夜市</b> & \"占道\" '摊'", hotline_no="A-12 甲&b")
    soon = ticket(city, dispatched_to=city["urban"], request_type="enquiry")
    unknown = ticket(city, dispatched_to=city["market"])
    ticket(city)  # nobody handles it yet
    odd = factories.department("ODD", '<i>"市场" & 监管</i>')
    Ticket.objects.filter(pk=overdue.pk).update(due_at=now - dt.timedelta(hours=3))
    Ticket.objects.filter(pk=soon.pk).update(due_at=now + dt.timedelta(hours=2))
    Ticket.objects.filter(pk=unknown.pk).update(due_at=None, due_unknown_reason='缺少 <2027> 年 "工作日历" & 节假日')
    for department, role in ((city["market"], "co_handler"), (odd, "copied")):
        assignment_create(ticket=overdue, department_id=department.pk, role=role, method="direct", actor=dispatcher)
    full = list(ticket_list(Ticket.objects.all(), TicketFilters()))  # as the API reads them
    rows = list(ticket_list_page(ticket_list(Ticket.objects.all(), TicketFilters())))  # as the page reads them
    catalogue = catalogue_options()
    ticket_place_names(rows, catalogue.matter_tree.name, catalogue.territory_tree.name)
    assert {row["urgency"] for row in rows} >= {"overdue", "due_soon"}
    with translation.override(language), timezone.override("Asia/Shanghai"):
        before = Template(TABLE_BEFORE).render(Context({"tickets": full}))
        after = Template("{% load ticket_table %}{% ticket_table tickets handlers %}").render(
            Context({"tickets": rows, "handlers": ticket_handlers(rows)})
        )
    assert after == before
    assert after.count('class="dept minor"') == 2 and "<br>" in after
    assert "badge red" in after and "badge yellow" in after
    assert "&lt;i&gt;&quot;市场&quot; &amp; 监管&lt;/i&gt;" in after and "&#x27;摊&#x27;" in after
    assert 'title="缺少 &lt;2027&gt; 年 &quot;工作日历&quot; &amp; 节假日"' in after
    assert 'href="/tickets/A-12%20%E7%94%B2&amp;b/">A-12 甲&amp;b</a>' in after


def test_the_page_reads_only_what_its_table_shows(client, city, dispatcher):
    ticket(city, dispatched_to=city["urban"])
    client.force_login(dispatcher)
    page(client)
    with CaptureQueriesContext(connection) as queries:
        html = page(client)
    assert 'class="ticket-row' in html
    read = [query["sql"] for query in queries.captured_queries]
    listed = [sql for sql in read if 'FROM "arbitration_ticket"' in sql and "LIMIT" in sql]
    handlers = [sql for sql in read if 'FROM "arbitration_assignment"' in sql]
    assert listed and '"arbitration_ticket"."content"' not in listed[-1]
    assert len(handlers) == 1 and "arbitration_user" not in handlers[0] and '"reason"' not in handlers[0]
    assert "arbitration_assignment" not in listed[-1]


# --- the filters validated from the kept catalogue ----------------------------------------------------------------
def _outcome(form: TicketFilterForm, name: str):
    """What the form made of the field: its errors, or the chosen row's id and the columns the filters read."""
    form.is_valid()
    if name in form.errors:
        return ("refused", form.errors.as_data()[name][0].code, form.errors[name])
    chosen = form.cleaned_data.get(name)
    return ("accepted", None) if chosen is None else ("accepted", chosen.pk, getattr(chosen, "path", None))


def test_the_kept_catalogue_accepts_and_refuses_what_the_querysets_do(city):
    retired = factories.department("OLD", "原城管执法局")
    retired.is_active = False
    retired.save()
    catalogue_options()  # built: later changes must be seen through the stamp, as on the page
    later = factories.matter("010104", "油烟扰民", city["urban_env"])
    ids = {key: node.pk for key, node in city.items() if hasattr(node, "pk")}
    values = [
        *map(str, ids.values()),
        *(f" {pk}\n" for pk in ids.values()),
        str(retired.pk),
        str(later.pk),
        "",
        "x",
        "1.0",
        f"+{city['urban'].pk}",
        "0",
        "-1",
        "987654",
        "9" * 30,
        f"{city['urban'].pk}\x00",
    ]
    for department_ids in (None, frozenset(), frozenset({city["urban"].pk, retired.pk})):
        for name in ("department", "lead", "matter", "territory"):
            for value in values:
                data = {name: value}
                kept = TicketFilterForm(data, department_ids=department_ids, kept=True)
                looked_up = TicketFilterForm(data, department_ids=department_ids)
                assert _outcome(kept, name) == _outcome(looked_up, name), (department_ids, name, repr(value))
    refused = TicketFilterForm({"territory": city["community_a1"].pk}, kept=True)
    assert not refused.is_valid() and "territory" in refused.errors  # communities are offered through their street
    liaison = TicketFilterForm(
        {"department": city["market"].pk}, department_ids=frozenset({city["urban"].pk}), kept=True
    )
    assert "department" in liaison.errors


@pytest.mark.parametrize("name", ["matter", "territory"])
def test_the_kept_catalogue_gives_the_subtree_the_database_gives(city, name):
    factories.matter("010201", "噪声", factories.matter("0102", "噪声污染", city["urban_family"]))
    for node in (*Matter.objects.all(), *Territory.objects.filter(level__lt=TerritoryLevel.COMMUNITY)):
        if not isinstance(node, Matter if name == "matter" else Territory):
            continue
        filters = TicketFilterForm({name: node.pk}, kept=True).filters()
        model = type(node)
        expected = list(model.objects.filter(path__startswith=node.path).values_list("pk", flat=True))
        assert list(getattr(filters, f"{name}_subtree")) == expected
        assert TicketFilterForm({name: node.pk}).filters() == replace(filters, **{f"{name}_subtree": None})


def test_a_filter_by_matter_or_territory_reads_neither_table(client, city, dispatcher):
    stall, other = ticket(city, dispatched_to=city["urban"]), ticket(city, matter_id=city["food"].pk)
    client.force_login(dispatcher)
    page(client)
    with CaptureQueriesContext(connection) as unfiltered:
        page(client)
    for query, expected in (
        ({"matter": city["urban_env"].pk}, {stall.hotline_no, other.hotline_no}),
        ({"matter": city["stall"].pk}, {stall.hotline_no}),
        ({"territory": city["district_a"].pk}, {stall.hotline_no, other.hotline_no}),
        ({"territory": city["street_b1"].pk}, set()),
    ):
        client.get(LIST, query)  # its count is remembered, as the unfiltered list's is
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, query)
        assert {row["hotline_no"] for row in response.context["page"].rows} == expected
        read = " ".join(q["sql"] for q in queries.captured_queries)
        assert 'FROM "arbitration_matter"' not in read and 'FROM "arbitration_territory"' not in read
        listed = " ".join(q["sql"] for q in queries.captured_queries if "keyset_0" in q["sql"])
        assert listed and 'JOIN "arbitration_matter"' not in listed and 'JOIN "arbitration_territory"' not in listed
        assert len(queries) == len(unfiltered)  # the node and its subtree were two queries more


def test_a_place_added_after_the_stamp_is_named_from_the_database(city):
    catalogue = catalogue_options()
    rows = [{"matter_id": city["stall"].pk, "territory_id": city["community_a1"].pk}]
    added = factories.matter("010105", "新增事项", city["urban_env"])
    rows.append({"matter_id": added.pk, "territory_id": None})
    with CaptureQueriesContext(connection) as queries:
        ticket_place_names(rows, catalogue.matter_tree.name, catalogue.territory_tree.name)
    assert [(row["matter__name"], row["territory__name"]) for row in rows] == [
        ("占道经营", "柳岸社区"),
        ("新增事项", None),
    ]
    assert len(queries) == 1
