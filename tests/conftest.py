"""Personas and a small city shared by every test module."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from arbitration.choices import Role
from tests import factories

# Timings live in bench/, never in tests: Hypothesis's own clocks (a deadline per example, "input generation is
# slow") would fail a correct test on a busy machine.
hypothesis_settings.register_profile("mingze", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("mingze")


@pytest.fixture(autouse=True)
def _fresh_jurisdiction_graph():
    """Each test starts without this process's cached graph: tests build cities with plain creates, which do not
    bump the graph version, and the database is rolled back between tests behind the cache's back."""
    from arbitration.graph import graph_cache_clear

    graph_cache_clear()
    yield
    graph_cache_clear()


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A test that activates a language (a request through LocaleMiddleware, `translation.activate`) leaves it
    active in the thread; the next test, or a module's fixture seeding the demo, would then write and render in it.
    Each test leaves the thread as it found it: no language active, so the default (zh-Hans) applies."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def city(db):
    return factories.small_city()


@pytest.fixture
def dispatcher(db):
    return factories.user("dispatcher", Role.DISPATCHER, full_name="派单员")


@pytest.fixture
def supervisor(db):
    return factories.user("supervisor", Role.SUPERVISOR, full_name="督办员")


@pytest.fixture
def administrator(db):
    return factories.user("admin", Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    return factories.user("outsider")


@pytest.fixture
def liaison_urban(city):
    """Liaison of the city urban-management bureau."""
    return factories.user("liaison_urban", Role.LIAISON, departments=(city["urban"],), is_staff=True)


@pytest.fixture
def liaison_market(city):
    """Liaison of the market-supervision bureau."""
    return factories.user("liaison_market", Role.LIAISON, departments=(city["market"],), is_staff=True)


@pytest.fixture
def back_to_the_latest_migrations(transactional_db):
    """Later migrations add columns the test's teardown (a flush, then reference data) reads: end at the leaves."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(scope="session")
def signing_certificate(tmp_path_factory):
    """A self-signed certificate and key made once, by the code behind `manage.py signing_demo_certificate`."""
    from arbitration.documents.signing import demo_certificate_create

    return demo_certificate_create(tmp_path_factory.mktemp("signing"))


@pytest.fixture
def signing(settings, signing_certificate):
    """Issued PDFs are signed with the session's certificate; returns the certificate's path."""
    cert, key = signing_certificate
    settings.MINGZE_SIGNING_CERT, settings.MINGZE_SIGNING_KEY = str(cert), str(key)
    return cert
