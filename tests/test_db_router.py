"""Reads to the replica, writes to the primary (config.db_router; docs/spread.md, "Read replica").

The test settings give the database a second alias, `replica`, mirroring the default one (TEST MIRROR), as a streaming
replica would; these tests turn reading from it on and watch which connection each query goes through. Transaction
tests: under a test transaction the replica's connection could not see the rows the test wrote."""

import pytest
from django.db import connections, router, transaction
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from arbitration.models import Ticket
from config.db_router import STICKY_COOKIE, ReplicaMiddleware
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def replica_on(settings):
    settings.MINGZE_READ_REPLICA = "replica"


def queries(client, method: str, path: str, **data):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(path, data)
    return response, len(primary), len(replica)


def test_outside_a_request_every_query_goes_to_the_primary():
    assert router.db_for_read(Ticket) == "default"
    assert Ticket.objects.all().db == "default"


def test_a_page_reads_from_the_replica_and_a_write_sticks_the_browser_to_the_primary(client):
    factories.small_city()
    factories.user("ops", "supervisor")

    response, primary, replica = queries(client, "get", "/login/")
    assert response.status_code == 200 and replica == 0  # nothing to read yet

    response, primary, replica = queries(client, "post", "/login/", username="ops", password="pw-ops")
    assert response.status_code == 302
    assert primary > 0  # the login wrote the session and the last login, and then read the primary only
    assert response.cookies[STICKY_COOKIE]["max-age"] == 10 and response.cookies[STICKY_COOKIE]["httponly"]

    response, primary, replica = queries(client, "get", "/")
    assert response.status_code in (200, 302) and replica == 0  # right after its write the browser reads the primary

    del client.cookies[STICKY_COOKIE]  # the cookie expired: the replica has caught up
    response, primary, replica = queries(client, "get", "/")
    assert response.status_code in (200, 302)
    assert replica > 0 and primary == 0  # the session, the user and the page's data all from the replica
    assert STICKY_COOKIE not in response.cookies


def test_within_a_transaction_a_request_reads_the_primary(rf):
    seen = {}

    def view(request):
        seen["outside"] = Ticket.objects.all().db
        with transaction.atomic():
            seen["inside"] = Ticket.objects.all().db
        seen["locked"] = Ticket.objects.select_for_update().db
        seen["after"] = Ticket.objects.all().db
        return HttpResponse()

    response = ReplicaMiddleware(view)(rf.get("/"))

    assert seen == {"outside": "replica", "inside": "default", "locked": "default", "after": "default"}
    assert response.cookies[STICKY_COOKIE].value == "1"  # a row lock is a write's first step


def test_without_a_replica_every_read_goes_to_the_primary(client, settings):
    settings.MINGZE_READ_REPLICA = None
    factories.user("ops", "supervisor")
    response, primary, replica = queries(client, "post", "/login/", username="ops", password="pw-ops")
    assert response.status_code == 302 and primary > 0 and STICKY_COOKIE not in response.cookies
    response, primary, replica = queries(client, "get", "/")
    assert response.status_code in (200, 302) and replica == 0 and primary > 0
