"""arbitration/auth_backend.py: the signed-in user, their roles, departments and model permissions in one statement,
answering exactly as Django's ModelBackend; sessions naming ModelBackend stay signed in (config/sessions.py)."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from arbitration.auth_backend import UserBackend
from arbitration.choices import Role
from arbitration.models import User
from config.sessions import SessionStore
from tests import factories

pytestmark = pytest.mark.django_db

BACKEND = "arbitration.auth_backend.UserBackend"
OLD_BACKEND = "django.contrib.auth.backends.ModelBackend"
QUEUE = f'href="{reverse("supervision:queue")}"'  # the navigation's link, shown to holders of supervise_case


def permission(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def mixed_user(city):
    """A liaison of two departments, in a role group and a group of no role that both carry permissions, with
    permissions of their own, one of them also a group's."""
    person = factories.user("mixed", Role.LIAISON, departments=(city["urban"], city["market"]))
    extra = Group.objects.create(name="reviewers, and others")  # not a role; a comma in its name
    extra.permissions.add(permission("arbitration.view_ticket"), permission("arbitration.change_dispute"))
    person.groups.add(extra)
    Group.objects.get(name=Role.LIAISON).permissions.add(permission("supervision.supervise_case"))
    person.user_permissions.add(permission("arbitration.view_ticket"), permission("arbitration.add_notice"))
    return User.objects.get(pk=person.pk)


def test_the_backend_is_in_use_in_place_of_model_backend():
    backends = settings.AUTHENTICATION_BACKENDS
    assert BACKEND in backends and OLD_BACKEND not in backends
    assert backends[0] == "axes.backends.AxesStandaloneBackend"


def test_the_user_roles_departments_and_permissions_are_one_statement(city, mixed_user):
    with CaptureQueriesContext(connection) as queries:
        user = UserBackend().get_user(mixed_user.pk)
        assert user.roles == {Role.LIAISON}
        assert user.department_ids == {city["urban"].pk, city["market"].pk}
        assert user.has_perm("supervision.supervise_case")
        assert user.has_perm("arbitration.add_notice")
        assert not user.has_perm("arbitration.delete_ticket")
        assert user.get_all_permissions()
    assert len(queries) == 1


def test_the_permissions_are_model_backends(mixed_user):
    user = UserBackend().get_user(mixed_user.pk)
    django = ModelBackend()
    fresh = User.objects.get(pk=mixed_user.pk)  # Django's own queries
    assert (
        user._user_perm_cache
        == django.get_user_permissions(fresh)
        == {
            "arbitration.view_ticket",
            "arbitration.add_notice",
        }
    )
    assert user._group_perm_cache == django.get_group_permissions(fresh)
    assert {"arbitration.view_ticket", "arbitration.change_dispute", "supervision.supervise_case"} <= (
        user._group_perm_cache
    )
    assert user.get_all_permissions() == django.get_all_permissions(User.objects.get(pk=mixed_user.pk))
    assert user.get_all_permissions() == super(User, User.objects.get(pk=mixed_user.pk)).get_all_permissions()
    assert user.roles == User.objects.get(pk=mixed_user.pk).roles  # the group of no role is none


def test_a_user_of_no_group_department_or_permission(outsider):
    with CaptureQueriesContext(connection) as queries:
        user = UserBackend().get_user(outsider.pk)
        assert user.roles == frozenset() and user.department_ids == frozenset()
        assert not user.has_perm("supervision.supervise_case")
        assert user.get_all_permissions() == set()
    assert len(queries) == 1


def test_a_superuser_is_an_administrator_holding_every_permission(administrator):
    user = UserBackend().get_user(administrator.pk)
    assert Role.ADMINISTRATOR in user.roles
    assert user.has_perm("arbitration.delete_ticket")
    assert not hasattr(user, "_perm_cache")  # left to Django, as ModelBackend leaves it
    assert user.get_all_permissions() == ModelBackend().get_all_permissions(User.objects.get(pk=administrator.pk))


def test_the_user_is_the_one_the_orm_builds(liaison_urban):
    liaison_urban.last_login = liaison_urban.date_joined
    liaison_urban.phone = "010-12345"
    liaison_urban.save()
    user = UserBackend().get_user(liaison_urban.pk)
    orm = User.objects.get(pk=liaison_urban.pk)
    for field in User._meta.concrete_fields:
        mine, theirs = getattr(user, field.attname), getattr(orm, field.attname)
        assert (mine, type(mine)) == (theirs, type(theirs)), field.name
    assert user._state.db == orm._state.db and not user._state.adding
    assert user.get_session_auth_hash() == orm.get_session_auth_hash()


def test_an_unknown_user_is_none(db):
    assert UserBackend().get_user(987654) is None


def test_an_inactive_user_is_refused_as_model_backend_refuses_one(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=supervisor.pk).update(is_active=False)
    assert UserBackend().get_user(supervisor.pk) is None
    assert ModelBackend().get_user(supervisor.pk) is None
    response = client.get("/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get("/api/v1/notices/").status_code in (401, 403)


def test_signing_in_with_a_password_refuses_an_inactive_user(client, supervisor):
    assert client.post("/login/", {"username": "supervisor", "password": "pw-supervisor"}).status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    client.post("/logout/")
    User.objects.filter(pk=supervisor.pk).update(is_active=False)
    response = client.post("/login/", {"username": "supervisor", "password": "pw-supervisor"})
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_a_signed_in_request_reads_the_user_in_one_statement(client, mixed_user):
    client.force_login(mixed_user)
    client.get("/")  # warm: anything read once per process
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    assert QUEUE in html  # the navigation asked for supervise_case
    tables = ('"auth_group"', '"auth_permission"', '"arbitration_departmentmembership"', '"arbitration_user"')
    reading_the_user = [query["sql"] for query in queries if any(table in query["sql"] for table in tables)]
    assert len(reading_the_user) == 1, reading_the_user
    assert all(table in reading_the_user[0] for table in tables)


def test_a_changed_password_signs_the_session_out(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/").status_code == 200
    supervisor.set_password("another-password")
    supervisor.save()
    response = client.get("/")
    assert response.status_code == 302 and "login" in response["Location"]


def session_naming(user: User, backend: str, auth_hash: str | None = None) -> str:
    store = SessionStore()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), backend
    store[HASH_SESSION_KEY] = auth_hash or user.get_session_auth_hash()
    store.create()
    return store.session_key


def test_a_session_naming_model_backend_stays_signed_in(client, supervisor):
    client.cookies[settings.SESSION_COOKIE_NAME] = session_naming(supervisor, OLD_BACKEND)
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == supervisor.pk
    assert response.wsgi_request.user.roles == {Role.SUPERVISOR}
    assert QUEUE in response.content.decode()


def test_a_session_naming_model_backend_still_checks_the_password_hash(client, supervisor):
    client.cookies[settings.SESSION_COOKIE_NAME] = session_naming(supervisor, OLD_BACKEND, auth_hash="x" * 64)
    response = client.get("/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_session_naming_an_unknown_backend_is_signed_out(client, supervisor):
    client.cookies[settings.SESSION_COOKIE_NAME] = session_naming(supervisor, "somewhere.else.Backend")
    response = client.get("/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_model_backend_named_in_the_settings_is_left_as_it_is(settings, client, supervisor):
    settings.AUTHENTICATION_BACKENDS = [OLD_BACKEND]
    key = session_naming(supervisor, OLD_BACKEND)
    assert SessionStore(key)[BACKEND_SESSION_KEY] == OLD_BACKEND
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert client.get("/").wsgi_request.user.pk == supervisor.pk
