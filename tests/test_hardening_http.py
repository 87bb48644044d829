"""Bad input over HTTP gets a 4xx, never a 500, and nothing is stored (docs/hardening.md).

Every route is enumerated from the URL resolver and every API write operation from the OpenAPI schema, so routes
and endpoints added later are covered without touching this file.
"""

from __future__ import annotations

import inspect
import json
import re

import pytest
from django import forms
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "static/", "i18n/", "logout/", "media/")
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
SAMPLE_FOR = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _routes(patterns=None, prefix: str = "") -> list[str]:
    """Every concrete path the resolver knows, path converters filled with a sample value."""
    routes = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        part = str(pattern.pattern)
        if part.startswith("^"):
            part = part.lstrip("^").rstrip("$").replace("\\Z", "")
            if re.search(r"[()\[\]?*+|\\]", part):  # a regular expression, not a plain route: skip it
                continue
        part = CONVERTER.sub(lambda m: SAMPLE_FOR.get(m.group(1) or "str", "x"), part)
        if (prefix + part).startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            routes += _routes(pattern.url_patterns, prefix + part)
        elif isinstance(pattern, URLPattern):
            routes.append("/" + prefix + part)
    return sorted(set(routes))


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in ("arbitration", "supervision", "legal")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def admin_client(city, administrator) -> APIClient:
    client = APIClient()
    client.force_login(administrator)
    return client


# --- query strings -------------------------------------------------------------------------------------------
MALFORMED_QUERY = {
    "cursor": "abc", "page_size": "abc", "month": "2026-13", "year": "abc", "period_start": "2026-13-45",
    "since": "yesterday-ish",
    "status": "no-such-status", "outcome": "nope", "department": "abc", "matter": "abc", "format": "weird",
    "period_kind": "fortnight", "rate": "x", "tier": "x", "kind": "x", "state": "x", "unread": "maybe",
    "limit": "-1", "received_after": "not-a-date", "due_before": "2026-02-30",
    "id": "abc", "department_id": "1x", "ticket": "abc", "ticket_id": "-5", "lead": "abc", "territory": "abc",
    "received_from": "2026-02-30", "received_to": "0001-01-01", "hotline_no": "x" * 300,
    "period": "2026-13", "from": "2026-13-01", "to": "abc", "date": "2026-02-30", "q": "x" * 5000,
}  # fmt: skip


def test_malformed_query_parameters_never_give_a_server_error_on_any_route(admin_client):
    admin_client.raise_request_exception = False  # collect every route that fails, not just the first
    failures = []
    for route in _routes():
        response = admin_client.get(route, MALFORMED_QUERY)
        if response.status_code >= 500:
            failures.append((route, response.status_code))
    assert failures == []


@pytest.mark.parametrize(
    ("route", "query"),
    [
        ("/api/v1/tickets/", {"cursor": "abc"}),
        ("/api/v1/tickets/", {"page_size": "0"}),
        ("/api/v1/legal/ledger/", {"month": "2026-13"}),
        ("/api/v1/tickets/", {"status": "no-such-status"}),
        ("/api/v1/disputes/", {"status": "no-such-status"}),
        ("/api/v1/bounces/", {"outcome": "no-such-outcome"}),
        ("/api/v1/legal/cases/", {"status": "no-such-status"}),
        ("/api/v1/legal/leads/", {"status": "no-such-status"}),
        ("/api/v1/tickets/", {"received_from": "2026-02-30"}),
        ("/api/v1/tickets/", {"received_from": "0001-01-01"}),
    ],
)
def test_a_malformed_query_parameter_on_the_api_is_a_400_with_the_error_body(admin_client, route, query):
    response = admin_client.get(route, query)

    assert response.status_code == 400, response.content[:300]
    assert set(response.json()) == {"code", "message", "details"}


def test_a_control_character_in_a_query_parameter_is_refused_on_pages_and_api(admin_client):
    page = admin_client.get("/", {"q": "a\x00b"})
    api = admin_client.get("/api/v1/tickets/", {"status": "a\x01"})

    assert page.status_code == 400
    assert api.status_code == 400 and api.json()["code"] == "invalid"


# --- paths and bodies ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/v1/bounces/abc/uphold/", "/api/v1/no-such-thing/", "/api/v1/legal/cases/x1/"])
@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_an_unknown_api_path_is_a_json_404_whatever_the_method(admin_client, path, method):
    admin_client.handler.enforce_csrf_checks = True  # as a browser session would be: no CSRF page instead
    body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}

    response = getattr(admin_client, method)(path, **body)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_oversized_api_body_is_a_413_in_the_error_body(admin_client, settings):
    settings.MINGZE_API_MAX_JSON_BYTES = 1000
    before = _row_counts()

    response = admin_client.post(
        "/api/v1/tickets/", data=json.dumps({"title": "x" * 2000}), content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert _row_counts() == before


@pytest.mark.parametrize("path", ["/api/v1/supervision/cases/", "/api/v1/supervision/drafts/"])
def test_a_case_or_letter_for_a_department_that_does_not_exist_is_a_404_not_a_500(admin_client, path):
    before = _row_counts()
    body = {"department_id": 0, "reason": "催办", "kind": "escalation", "tier": "routine"}

    response = admin_client.post(path, data=json.dumps(body), content_type="application/json")

    assert response.status_code == 404
    assert _row_counts() == before


def test_a_letter_draft_title_past_its_column_is_refused(admin_client):
    before = _row_counts()
    body = {"kind": "reminder", "department_id": 1, "title": "x" * 201}

    response = admin_client.post("/api/v1/supervision/drafts/", data=json.dumps(body), content_type="application/json")

    assert response.status_code == 400 and response.json()["details"]["field"] == "title"
    assert _row_counts() == before


def test_a_broken_multipart_body_is_a_400_in_the_error_body(admin_client):
    response = admin_client.post("/api/v1/disputes/", data=b"--x\r\n", content_type="multipart/form-data")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


# --- every write operation of the API ------------------------------------------------------------------------
def _write_operations() -> list[tuple[str, str, dict]]:
    """(method, path with sample ids, request body schema) of every POST/PUT/PATCH in the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, item in schema["paths"].items():
        for method in ("post", "put", "patch"):
            if method not in item:
                continue
            content = item[method].get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema") or {}
            if "$ref" in body:
                body = components[body["$ref"].rsplit("/", 1)[1]]
            resolved = _resolve(body, components)
            if resolved["properties"]:  # an action without input (a sweep) has nothing to spoil
                operations.append((method, re.sub(r"\{[^}]+\}", "1", path), resolved))
    return operations


def _resolve(schema: dict, components: dict) -> dict:
    properties = {}
    for name, prop in schema.get("properties", {}).items():
        if "$ref" in prop:
            prop = components[prop["$ref"].rsplit("/", 1)[1]]
        elif "allOf" in prop and prop["allOf"] and "$ref" in prop["allOf"][0]:
            prop = components[prop["allOf"][0]["$ref"].rsplit("/", 1)[1]]
        properties[name] = prop
    return {"properties": properties, "readOnly": schema.get("readOnly", False)}


def _bad_body(kind: str, body: dict) -> dict:
    """Every field of `body` spoiled the way `kind` says; fields of other types keep a plausible value."""
    values: dict = {}
    for name, prop in body["properties"].items():
        if prop.get("readOnly"):
            continue
        if kind == "nul":
            values[name] = "a\x00b"
        elif kind == "oversize":
            values[name] = "x" * (prop.get("maxLength", 20000) + 1)  # ASCII: past each limit, under the body limit
        elif kind == "bad_date":
            values[name] = "0001-01-01T00:00:00Z" if prop.get("format") in ("date-time", "date") else "x"
        elif kind == "bad_enum":
            values[name] = "no-such-value" if "enum" in prop else "x"
    return values


WRITE_KINDS = ["nul", "oversize", "bad_date", "bad_enum"]


@pytest.mark.parametrize("kind", WRITE_KINDS)
def test_every_api_write_operation_refuses_bad_input_with_a_4xx_and_stores_nothing(admin_client, kind):
    admin_client.raise_request_exception = False
    operations = _write_operations()
    assert len(operations) > 20, "the schema lists the API's write operations"
    before = _row_counts()
    answers = {}
    for method, path, body in operations:
        response = getattr(admin_client, method)(path, data=json.dumps(_bad_body(kind, body)),
                                                 content_type="application/json")  # fmt: skip
        answers[(method, path)] = response.status_code
        if response.status_code < 500 and response.headers.get("Content-Type", "").startswith("application/json"):
            assert set(response.json()) >= {"code", "message"}, (method, path, response.content[:200])
    assert {key: status for key, status in answers.items() if not 400 <= status < 500} == {}
    assert _row_counts() == before
    assert answers[("post", "/api/v1/tickets/")] == 400  # intake reached its parser and refused


# --- every page that takes a POST ----------------------------------------------------------------------------
FORM_FIELDS = ["reason", "text", "note", "title", "remarks", "hotline_no", "statement", "name", "content",
               "comment", "answer", "decision", "summary", "question", "body", "subject"]  # fmt: skip


@pytest.mark.parametrize("kind", ["nul", "control"])
def test_every_page_refuses_a_control_character_in_a_form_post_and_stores_nothing(admin_client, kind):
    value = "a\x00b" if kind == "nul" else "a\x1bb"
    admin_client.raise_request_exception = False
    before = _row_counts()
    failures = []
    for route in _routes():
        if route.startswith("/api/"):
            continue
        response = admin_client.post(route, {name: value for name in FORM_FIELDS})
        if response.status_code != 400:
            failures.append((route, response.status_code))
    assert failures == []
    assert _row_counts() == before


# --- every form of the pages ---------------------------------------------------------------------------------
# The pages refuse what the API refuses: every page form (enumerated from the form classes the URL conf's views
# import, so a new form is covered unasked) refuses NUL, text past its limit, a date out of range and an unknown
# choice in each field; and every page that takes a form, posted such input, answers 4xx and stores nothing.
APPS = ("arbitration", "supervision", "legal")
POST_BY_HAND = re.compile(r"request\.POST(\.get|\.getlist|\[)")


def _page_forms() -> list[type[forms.Form]]:
    assert get_resolver().url_patterns  # imports every view module, and with them every form they use
    found, stack = [], [forms.Form]
    while stack:
        for subclass in stack.pop().__subclasses__():
            stack.append(subclass)
            if subclass.__module__.split(".")[0] in APPS:
                found.append(subclass)
    return sorted(set(found), key=lambda form: (form.__module__, form.__qualname__))


def _spoiled(kind: str, field: forms.Field) -> object | None:
    """The bad value `kind` puts in `field`, or None when `kind` does not apply to it."""
    if field.disabled or isinstance(field, forms.FileField):
        return None
    multiple = isinstance(field, forms.MultipleChoiceField) or isinstance(field.widget, forms.SelectMultiple)
    if kind == "nul" and isinstance(field, forms.CharField):
        return "a\x00b"
    if kind == "oversize" and isinstance(field, forms.CharField):
        return "x" * (field.max_length + 1)
    if kind == "bad_date" and isinstance(field, forms.DateTimeField):
        return "0001-01-01T00:00"
    if kind == "bad_date" and isinstance(field, forms.DateField):
        return "0001-01-01"
    if kind == "bad_enum" and (isinstance(field, forms.ChoiceField | forms.IntegerField) or multiple):
        return ["no-such-value"] if multiple else "no-such-value"
    return None


def test_every_page_form_text_field_has_a_limit():
    unlimited = [
        (form.__name__, name)
        for form in _page_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField) and not field.max_length
    ]
    assert unlimited == []


@pytest.mark.parametrize("kind", WRITE_KINDS)
def test_every_page_form_refuses_bad_input_in_every_field(city, kind):
    page_forms = _page_forms()
    assert len(page_forms) > 40, "the pages' forms were found"
    accepted, checked = [], 0
    for form_class in page_forms:
        form = form_class()
        values = {name: _spoiled(kind, field) for name, field in form.fields.items()}
        values = {name: value for name, value in values.items() if value is not None}
        if not values:
            continue
        bound = form_class(data=values)
        bound.is_valid()
        checked += len(values)
        accepted += [(form_class.__name__, name) for name in values if name not in bound.errors]
    assert checked >= 10
    assert accepted == []


def _form_routes() -> list[str]:
    """The pages whose view binds a form to a POST: those a POST can write through (a page that only shows a form,
    or filters with one, reads no POST)."""
    routes = []
    for route in _routes():
        if route.startswith("/api/"):
            continue
        view = inspect.unwrap(resolve(route).func)
        source = inspect.getsource(view)
        if re.search(r"request\.POST|\b(bound|valid_form)\(", source):
            routes.append(route)
    return routes


def test_no_page_view_reads_request_post_by_hand():
    by_hand = []
    for route in _routes():
        view = inspect.unwrap(resolve(route).func)
        if POST_BY_HAND.search(inspect.getsource(view)):
            by_hand.append((route, view.__qualname__))
    assert by_hand == []


@pytest.mark.parametrize("kind", WRITE_KINDS)
def test_every_form_page_refuses_bad_input_with_a_4xx_and_stores_nothing(admin_client, kind):
    admin_client.raise_request_exception = False
    fields: dict[str, forms.Field] = {}
    for form_class in _page_forms():
        for name, field in form_class().fields.items():
            fields.setdefault(name, field)
            if isinstance(field, forms.CharField) and field.max_length > (getattr(fields[name], "max_length", 0) or 0):
                fields[name] = field  # past the longest limit the name has anywhere
    body = {name: value for name, field in fields.items() if (value := _spoiled(kind, field)) is not None}
    routes = _form_routes()
    assert len(routes) > 30, "the form pages were found"
    before = _row_counts()
    answers = {route: admin_client.post(route, body).status_code for route in routes}
    assert {route: status for route, status in answers.items() if not 400 <= status < 500} == {}
    assert _row_counts() == before


# --- what schemathesis found (docs/hardening.md) -------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/catalogue-proposals/from-gap/", {"matter_id": 0, "territory_id": 0, "department_id": 0,
                                                   "legal_basis": "0"}),
        ("/api/v1/catalogue-proposals/from-overlap/", {"matter_id": 0, "territory_id": 0, "keep_department_id": 0}),
    ],
)  # fmt: skip
def test_a_proposal_naming_an_unknown_matter_territory_or_department_is_a_404(city, dispatcher, path, body):
    client = APIClient()
    client.force_login(dispatcher)
    before = _row_counts()

    missing = client.post(path, body, format="json")
    huge = client.post(path, {**body, "matter_id": 2**70}, format="json")

    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert huge.status_code == 400 and huge.json()["code"] == "invalid"
    assert _row_counts() == before
