"""config/sessions.py: Django's database sessions read with one plain SELECT behave as Django's own."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_engine_is_in_use():
    assert settings.SESSION_ENGINE == "config.sessions"


def test_a_session_reads_back_what_django_wrote_in_one_query():
    written = DjangoSessionStore()
    written["answer"] = 42
    written.save()
    read = SessionStore(written.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert read["answer"] == 42
    assert len(queries) == 1
    assert read.session_key == written.session_key


def test_an_expired_or_unknown_session_is_empty_and_forgets_its_key():
    written = SessionStore()
    written["answer"] = 42
    written.save()
    Session.objects.filter(pk=written.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    for key in (written.session_key, "x" * 32):
        read = SessionStore(key)
        assert read.load() == {}
        assert read.session_key is None


def test_signing_out_ends_the_session_on_the_next_request(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/").status_code == 200
    client.post("/logout/")
    response = client.get("/")
    assert response.status_code == 302 and "login" in response["Location"]
