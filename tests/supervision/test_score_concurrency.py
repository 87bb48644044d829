"""On PostgreSQL, where row locks exist: two computations of a new month make one period and one set of entries;
an appeal lodged while the month is being published either gets in first (and blocks publication) or is refused."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from arbitration.choices import Role
from arbitration.errors import DomainError
from arbitration.models import Department
from supervision.choices import AppealStatus, PeriodKind, PeriodStatus
from supervision.errors import AppealsPending, PeriodPublished
from supervision.models import ScoreAppeal, ScoreEntry, ScorePeriod
from supervision.services.scorecards import scorecards_compute, scorecards_publish
from tests import factories
from tests.factories import at
from tests.supervision import score_month
from tests.supervision.score_month import AS_OF, lodge

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MARCH = dt.date(2026, 3, 1)


def at_once(*work: Callable[[], object]) -> list[object]:
    """Run each callable in its own thread and connection, released together; results or raised errors, in order."""
    barrier, results = threading.Barrier(len(work)), [None] * len(work)

    def run(position: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[position] = job()
        except Exception as exc:  # compared by the test
            results[position] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def month(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    factories.small_city()
    factories.department(*score_month.ENVIRONMENT)
    score_month.import_month(tmp_path)


def compute() -> list:
    return scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH, now=AS_OF)


def test_two_first_computations_at_once_make_one_period_and_one_set_of_entries(month):
    results = at_once(compute, compute)
    assert not [r for r in results if isinstance(r, Exception)]
    assert ScorePeriod.objects.count() == 1
    assert ScoreEntry.objects.count() == sum(expected["tickets"] for expected in score_month.EXPECTED.values())


def test_an_appeal_racing_the_publication_is_either_in_before_it_or_refused(month):
    compute()
    period = ScorePeriod.objects.get()
    supervisor = factories.user("supervisor", Role.SUPERVISOR)
    liaison = factories.user("liaison_urban", Role.LIAISON, departments=(Department.objects.get(code="CGJ"),))

    # The window check uses each call's own clock: the liaison is inside it, the supervisor after it — only the
    # period's lock decides who goes first.
    def publish() -> ScorePeriod:
        return scorecards_publish(period_id=period.pk, actor=supervisor, now=at(2026, 3, 30, 10))

    def appeal() -> ScoreAppeal:
        return lodge(period, liaison, "CGJ", "U3")

    published, lodged = at_once(publish, appeal)
    period.refresh_from_db()
    if isinstance(published, DomainError):
        assert isinstance(published, AppealsPending) and isinstance(lodged, ScoreAppeal)
        assert period.status == PeriodStatus.DRAFT
    else:
        assert isinstance(lodged, PeriodPublished) and period.status == PeriodStatus.PUBLISHED
        assert not ScoreAppeal.objects.filter(status=AppealStatus.PENDING).exists()
