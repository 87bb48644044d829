"""Abuse is slowed (docs/hardening.md): login lockout, API throttling, scoped and expiring API keys, the schema
behind a sign-in, security headers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from arbitration.choices import Role
from arbitration.models import ApiKey, Ticket, User
from arbitration.services.api_keys import api_key_issue, api_key_revoke, api_key_rotate
from arbitration.services.reference import HOTLINE_PLATFORM_USER
from tests import factories

pytestmark = pytest.mark.django_db

INTAKE = "/api/v1/tickets/"


def payload(number: str = "SD2026030200001") -> dict:
    return {"hotline_no": number, "received_at": "2026-03-02T09:00:00+08:00", "request_type": "complaint",
            "matter": "010101", "territory": "370802001001", "title": "占道经营",
            "content": "摊贩占道经营。"}  # fmt: skip


# --- login lockout -------------------------------------------------------------------------------------------
def _login(client: Client, password: str, address: str = "10.0.0.1"):
    return client.post("/login/", {"username": "clerk", "password": password}, REMOTE_ADDR=address)


def test_repeated_failed_logins_lock_that_user_at_that_address_with_a_clear_message(settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = factories.user("clerk")
    user.set_password("right-password")
    user.save(update_fields=["password"])
    client = Client()

    statuses = [_login(client, "wrong").status_code for _attempt in range(3)]
    locked = _login(client, "right-password")
    elsewhere = _login(Client(), "right-password", address="10.0.0.2")

    assert statuses[:2] == [200, 200]  # the login form again, with its error
    assert locked.status_code == 429
    assert "登录已锁定" in locked.content.decode() or "Sign-in locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert elsewhere.status_code == 302  # another address is not locked out


# --- throttling ----------------------------------------------------------------------------------------------
def _rates(settings, *, user: str, anon: str) -> None:
    cache.clear()  # the budgets live in the cache, which outlives each test's database rollback
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": user, "anon": anon}}


def test_an_account_past_its_rate_gets_429_with_the_error_body(settings, city, dispatcher):
    _rates(settings, user="3/minute", anon="100/minute")
    client = APIClient()
    client.force_login(dispatcher)

    statuses = [client.get(INTAKE).status_code for _n in range(4)]
    other = APIClient()
    other.force_login(factories.user("other-dispatcher", Role.DISPATCHER))

    assert statuses == [200, 200, 200, 429]
    refused = client.get(INTAKE)
    assert refused.json()["code"] == "throttled" and set(refused.json()) == {"code", "message", "details"}
    assert "Retry-After" in refused.headers
    assert other.get(INTAKE).status_code == 200  # budgets are per account


def test_anonymous_clients_are_throttled_per_address(settings, city):
    _rates(settings, user="100/minute", anon="2/minute")
    client = APIClient()
    verify = "/api/v1/verify/NO-SUCH-CODE/"  # open to anyone: the anonymous budget applies

    statuses = [client.get(verify, REMOTE_ADDR="10.1.1.1").status_code for _n in range(3)]

    assert statuses == [404, 404, 429]
    assert client.get(verify, REMOTE_ADDR="10.1.1.2").status_code == 404


# --- API keys ------------------------------------------------------------------------------------------------
def _key_client(text: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {text}")
    return client


@pytest.fixture
def platform(city) -> User:
    return User.objects.get(username=HOTLINE_PLATFORM_USER)


def test_an_intake_key_may_post_tickets_but_not_read_them(platform):
    _key, text = api_key_issue(name="hotline", user=platform, scope="intake", days=30)
    client = _key_client(text)

    posted = client.post(INTAKE, payload(), format="json")
    read = client.get(INTAKE)
    detail = client.get(f"{INTAKE}SD2026030200001/")

    assert posted.status_code == 201, posted.content
    assert read.status_code == 403 and read.json()["code"] == "permission_denied"
    assert detail.status_code == 403
    assert Ticket.objects.get().history.first().history_user == platform


def test_a_read_key_may_read_but_not_post(platform):
    _key, text = api_key_issue(name="reader", user=platform, scope="read", days=30)
    client = _key_client(text)

    assert client.get(INTAKE).status_code == 200
    assert client.post(INTAKE, payload(), format="json").status_code == 403
    assert not Ticket.objects.exists()


def test_an_expired_a_revoked_and_a_forged_key_are_refused(platform):
    expired, expired_text = api_key_issue(name="old", user=platform, scope="full", days=1)
    ApiKey.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    _revoked, revoked_text = api_key_issue(name="gone", user=platform, scope="full", days=30)
    api_key_revoke(name="gone")
    _good, good_text = api_key_issue(name="good", user=platform, scope="full", days=30)
    forged = good_text[:-4] + "AAAA"

    for text in (expired_text, revoked_text, forged, "mz_nothing_here"):
        response = _key_client(text).get(INTAKE)
        assert response.status_code == 401, text
        assert response.json()["code"] == "authentication_failed"
    assert _key_client(good_text).get(INTAKE).status_code == 200


def test_a_key_is_stored_only_as_a_hash(platform):
    key, text = api_key_issue(name="hotline", user=platform, scope="intake", days=30)

    secret = text.rsplit("_", 1)[1]
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert all(secret not in str(value) for value in stored.values())


def test_a_rotated_key_keeps_working_for_the_grace_period_beside_the_new_one(platform):
    _old, old_text = api_key_issue(name="hotline", user=platform, scope="read", days=30)

    new, new_text = api_key_rotate(name="hotline", days=30, grace_hours=1)

    assert new.name == "hotline" and new.scope == "read"
    assert _key_client(old_text).get(INTAKE).status_code == 200
    assert _key_client(new_text).get(INTAKE).status_code == 200
    old = ApiKey.objects.exclude(pk=new.pk).get()
    assert old.expires_at <= timezone.now() + dt.timedelta(hours=1)


def test_the_command_issues_lists_and_revokes_keys(platform):
    out = io.StringIO()
    call_command("api_key", "issue", "hotline", "--user", HOTLINE_PLATFORM_USER, "--scope", "intake", stdout=out)
    text = out.getvalue().strip()
    assert _key_client(text).post(INTAKE, payload(), format="json").status_code == 201

    listing = io.StringIO()
    call_command("api_key", "list", stdout=listing)
    call_command("api_key", "revoke", "hotline")

    assert "hotline" in listing.getvalue() and "usable" in listing.getvalue()
    assert text.rsplit("_", 1)[1] not in listing.getvalue()
    assert _key_client(text).post(INTAKE, payload("SD2"), format="json").status_code == 401


# --- schema and headers --------------------------------------------------------------------------------------
def test_the_schema_and_docs_need_a_sign_in_unless_published(city, dispatcher):
    anonymous = APIClient()
    signed_in = APIClient()
    signed_in.force_login(dispatcher)

    assert anonymous.get("/api/schema/").status_code in (401, 403)
    assert anonymous.get("/api/docs/").status_code in (401, 403)
    assert signed_in.get("/api/schema/").status_code == 200
    assert signed_in.get("/api/docs/").status_code == 200


def test_pages_carry_a_strict_content_security_policy_and_the_other_headers(city, dispatcher):
    client = Client()
    client.force_login(dispatcher)

    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_no_template_holds_an_inline_script_handler_or_style():
    """What the policy refuses would silently break a page: keep scripts and styles in static files."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    inline = re.compile(r"<script>|<script [^>]*>(?!</script>)[^<]|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    offenders = [
        str(path.relative_to(root))
        for app in ("arbitration", "supervision", "legal")
        for path in (root / app / "templates").rglob("*.html")
        if inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
