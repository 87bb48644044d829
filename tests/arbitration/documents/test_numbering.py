"""Gapless document numbers: consecutive per issuer, kind and year, and rolled back with the caller."""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from arbitration.documents.numbering import document_number_allocate, document_number_issue
from arbitration.models import DocumentSequence


@pytest.mark.django_db
def test_numbers_are_consecutive_without_leading_zeros():
    numbers = [document_number_allocate(issuer_code="明责督", kind="escalation", year=2026) for _ in range(3)]

    assert numbers == ["明责督〔2026〕1号", "明责督〔2026〕2号", "明责督〔2026〕3号"]


@pytest.mark.django_db
def test_each_issuer_kind_and_year_counts_on_its_own():
    document_number_allocate(issuer_code="明责督", kind="escalation", year=2026)

    assert document_number_allocate(issuer_code="明责警", kind="escalation", year=2026) == "明责警〔2026〕1号"
    assert document_number_allocate(issuer_code="明责督", kind="reminder", year=2026) == "明责督〔2026〕1号"
    assert document_number_allocate(issuer_code="明责督", kind="escalation", year=2027) == "明责督〔2027〕1号"
    assert document_number_allocate(issuer_code="明责督", kind="escalation", year=2026) == "明责督〔2026〕2号"


@pytest.mark.django_db
def test_a_number_drawn_by_a_rolled_back_issue_is_given_again():
    document_number_allocate(issuer_code="明责认", kind="ruling", year=2026)

    with pytest.raises(RuntimeError), transaction.atomic():
        assert document_number_allocate(issuer_code="明责认", kind="ruling", year=2026) == "明责认〔2026〕2号"
        raise RuntimeError("the ruling could not be saved")

    assert document_number_allocate(issuer_code="明责认", kind="ruling", year=2026) == "明责认〔2026〕2号"


@pytest.mark.django_db
def test_a_kind_takes_its_issuer_code_from_settings(settings):
    settings.MINGZE_DOCUMENT_ISSUERS = {"warning": "明责警"}

    assert document_number_issue(kind="warning", year=2026) == "明责警〔2026〕1号"
    with pytest.raises(ImproperlyConfigured):
        document_number_issue(kind="unheard_of", year=2026)
    assert DocumentSequence.objects.count() == 1  # the refused kind left no sequence behind


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_twenty_issuers_at_once_get_twenty_consecutive_numbers():
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def issue() -> None:
        try:
            start.wait()
            with transaction.atomic():
                numbers.append(document_number_allocate(issuer_code="明责认", kind="ruling", year=2026))
        except BaseException as exc:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=issue) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers, key=lambda n: int(n.split("〕")[1][:-1])) == [f"明责认〔2026〕{n}号" for n in range(1, 21)]
    assert DocumentSequence.objects.get(issuer_code="明责认", kind="ruling", year=2026).last == 20
