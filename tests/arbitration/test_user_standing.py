"""A signed-in user's roles, departments and permissions: read in two queries per request at most, and an
administrator's change shows on the very next request (arbitration/models/users.py)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from arbitration.choices import Role
from arbitration.models import User
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE = f'href="{reverse("supervision:queue")}"'  # the navigation's link to the supervision queue


def test_roles_and_departments_are_read_in_one_query(city, liaison_urban):
    user = User.objects.get(pk=liaison_urban.pk)
    with CaptureQueriesContext(connection) as queries:
        assert user.roles == {Role.LIAISON}
        assert user.department_ids == {city["urban"].pk}
    assert len(queries) == 1


def test_model_permissions_are_read_in_one_query_and_match_django(supervisor):
    permission = Permission.objects.get(codename="view_ticket", content_type__app_label="arbitration")
    supervisor.user_permissions.add(permission)
    user = User.objects.get(pk=supervisor.pk)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("supervision.supervise_case")  # through the role group
        assert user.has_perm("arbitration.view_ticket")  # the user's own
        assert not user.has_perm("arbitration.delete_ticket")
    assert len(queries) == 1
    fresh = User.objects.get(pk=supervisor.pk)  # Django's own two queries, for comparison
    assert user.get_all_permissions() == super(User, fresh).get_all_permissions()


def test_a_superuser_holds_every_permission_without_a_query(administrator):
    user = User.objects.get(pk=administrator.pk)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("supervision.supervise_case")
    assert len(queries) == 0


def test_an_inactive_user_holds_no_permission(supervisor):
    supervisor.is_active = False
    supervisor.save()
    assert not User.objects.get(pk=supervisor.pk).has_perm("supervision.supervise_case")


def test_a_permission_granted_or_taken_shows_in_the_navigation_on_the_next_request(client, city):
    someone = factories.user("someone", Role.DISPATCHER)
    client.force_login(someone)
    assert QUEUE not in client.get("/").content.decode()
    permission = Permission.objects.get(codename="supervise_case", content_type__app_label="supervision")
    someone.user_permissions.add(permission)
    assert QUEUE in client.get("/").content.decode()
    someone.user_permissions.remove(permission)
    assert QUEUE not in client.get("/").content.decode()


def test_a_role_granted_or_taken_shows_on_the_next_request(client, city):
    someone = factories.user("someone")
    client.force_login(someone)
    assert reverse("ticket-list") not in client.get("/").content.decode()
    assert client.get(reverse("supervision:queue")).status_code != 200
    group = Group.objects.get(name=Role.SUPERVISOR)
    someone.groups.add(group)
    html = client.get("/").content.decode()
    assert reverse("ticket-list") in html and QUEUE in html  # the role and its group's permission
    assert client.get(reverse("supervision:queue")).status_code == 200
    someone.groups.remove(group)
    assert QUEUE not in client.get("/").content.decode()
    assert client.get(reverse("supervision:queue")).status_code != 200


def test_a_department_given_or_taken_shows_on_the_next_request(client, city, liaison_urban):
    client.force_login(liaison_urban)
    liaison_urban.memberships.create(department=city["market"])
    assert User.objects.get(pk=liaison_urban.pk).department_ids == {city["urban"].pk, city["market"].pk}
    response = client.get("/")
    assert response.wsgi_request.user.department_ids == {city["urban"].pk, city["market"].pk}
    liaison_urban.memberships.filter(department=city["market"]).delete()
    response = client.get("/")
    assert response.wsgi_request.user.department_ids == {city["urban"].pk}
