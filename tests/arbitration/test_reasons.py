"""Reasons the code writes are stored as English message ids and read in the reader's language (arbitration.reasons);
what a person typed reads as typed."""

from django.utils import translation

from arbitration.choices import BounceOutcome
from arbitration.reasons import (
    BOUNCE_REVIEWED,
    RULING_ISSUED,
    RULING_REFUSED,
    recorded_reason,
)


def test_a_fixed_reason_reads_in_the_readers_language():
    with translation.override("zh-hans"):
        assert recorded_reason("vote cast") == "投票"
    with translation.override("en"):
        assert recorded_reason("vote cast") == "vote cast"


def test_a_template_is_translated_and_its_parts_put_back_a_choice_by_its_label():
    stored = BOUNCE_REVIEWED.format(outcome=BounceOutcome.UPHELD)
    assert stored == "bounce upheld"  # the stored text stays English whoever wrote it
    with translation.override("zh-hans"):
        assert recorded_reason(stored) == f"退单审核：{BounceOutcome.UPHELD.label}"
        assert recorded_reason(RULING_ISSUED.format(number="明责认〔2026〕3号")) == "印发认定书明责认〔2026〕3号"


def test_the_template_with_the_most_fixed_text_wins():
    # "ruling {number}" would also match, reading the department into the number.
    stored = RULING_REFUSED.format(number="明责认〔2026〕3号", department="城管局")
    with translation.override("zh-hans"):
        assert recorded_reason(stored) == "城管局拒不执行认定书明责认〔2026〕3号"


def test_what_a_person_typed_reads_as_typed():
    with translation.override("zh-hans"):
        assert recorded_reason("群众多次来电，退单理由不成立") == "群众多次来电，退单理由不成立"
        assert recorded_reason("") == "" and recorded_reason(None) == ""
