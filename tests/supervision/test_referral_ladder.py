"""Referral proposals respect the ladder: a rule waits until key supervision (重点督办) has failed to move the case,
unless the settings let it skip that rung (by default: refusing a ruling or a leader decision)."""

import hashlib

import pytest
from django.db.models import Q

from arbitration.services.rulings import ruling_refuse
from supervision.choices import CaseEventKind, ReferralTrigger, Tier, Trigger
from supervision.models import CaseEvent, DisciplineReferral, SupervisionCase
from supervision.services import cases, referrals
from supervision.services.sweep import supervision_sweep
from tests.factories import at
from tests.supervision.helpers import platform, post_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def unsatisfied_problem(city, dispatcher):
    """Three requests about one matter at one place, each closed and rated unsatisfied: one problem, one case."""
    api = platform(dispatcher)
    for day in (2, 3, 4):
        post_ticket(api, f"RU{day}", day=day, status="closed", satisfaction="dissatisfied")
    return api


def repeated_unsatisfied():
    return DisciplineReferral.objects.filter(trigger=ReferralTrigger.REPEATED_UNSATISFIED)


@pytest.mark.parametrize(("skipping", "proposed_at_once"), [(["refusal"], 0), (["refusal", "repeated_unsatisfied"], 1)])
def test_a_rule_proposes_at_once_only_where_the_setting_lets_it_skip_the_key_rung(
    unsatisfied_problem, settings, skipping, proposed_at_once
):
    settings.MINGZE_REFERRAL_RULES_SKIPPING_KEY = skipping

    report = supervision_sweep(now=at(2026, 3, 5, 10))

    assert SupervisionCase.objects.get(trigger=Trigger.REPEATED).tier == Tier.ROUTINE
    assert report.referrals == repeated_unsatisfied().count() == proposed_at_once


def test_no_referral_before_key_supervision_has_failed_under_default_rules(
    unsatisfied_problem, supervisor, discipline_liaison
):
    supervision_sweep(now=at(2026, 3, 5, 10))  # the problem's case opens at routine, due 03-12 17:30
    supervision_sweep(now=at(2026, 3, 13, 9))  # routine lapsed: raised to key, due 03-20 17:30
    case = SupervisionCase.objects.get(trigger=Trigger.REPEATED)
    assert case.tier == Tier.KEY and not repeated_unsatisfied().exists()

    report = supervision_sweep(now=at(2026, 3, 23, 9))  # key lapsed without progress: task force, and the rule fires

    [referral] = repeated_unsatisfied()
    assert report.referrals == 1 and referral.problem_id == case.problem_id
    assert set(referral.departments.values_list("code", flat=True)) == {"CGJ"}
    assert supervision_sweep(now=at(2026, 3, 23, 10)).referrals == 0
    referrals.referral_send(referral_id=referral.pk, liaison_id=discipline_liaison.pk, actor=supervisor)
    referral.refresh_from_db()
    dossier = referral.dossier_data
    assert dossier["rule"].startswith("触发规则：反复诉求且回访不满意，2026-03-23 09:00提出移送建议")
    assert "重点督办于2026-03-23 09:00期满仍未推动办理后提出" in dossier["rule"]
    [ladder] = dossier["ladder"]
    assert "2026-03-05 10:00立案（日常督办）" in ladder
    assert "2026-03-13 09:00升为重点督办" in ladder and "2026-03-23 09:00升为专班调度" in ladder


def refusals():
    return DisciplineReferral.objects.filter(trigger=ReferralTrigger.REFUSAL)


def test_refusing_a_ruling_proposes_a_referral_without_the_key_rung(
    ruling, city, liaison_urban, supervisor, discipline_liaison
):
    ruling_refuse(ruling_id=ruling.pk, actor=liaison_urban, department_id=city["urban"].pk, reason="不服认定")

    [referral] = refusals()
    assert referral.ticket_id == ruling.ticket_id and ruling.document_number in referral.reason
    assert not CaseEvent.objects.filter(Q(kind=CaseEventKind.RAISED) | Q(kind=CaseEventKind.LADDER_TOP)).exists()
    referrals.referral_send(referral_id=referral.pk, liaison_id=discipline_liaison.pk, actor=supervisor)
    referral.refresh_from_db()
    assert "不经重点督办即可提出" in referral.dossier_data["rule"]
    [document] = referral.dossier_data["rulings"]
    assert document["number"] == ruling.document_number
    ruling.refresh_from_db()
    assert document["sha256"] == hashlib.sha256(ruling.pdf.open("rb").read()).hexdigest()


def test_where_the_refusal_rule_waits_the_sweep_proposes_it_once_key_supervision_failed(
    ruling, city, liaison_urban, supervisor, settings
):
    settings.MINGZE_REFERRAL_RULES_SKIPPING_KEY = []
    ruling_refuse(ruling_id=ruling.pk, actor=liaison_urban, department_id=city["urban"].pk, reason="不服认定")
    case = SupervisionCase.objects.get(trigger=Trigger.RULING_REFUSED)
    assert not refusals().exists()
    cases.case_raise(case_id=case.pk, actor=supervisor, reason="提级重点督办")
    assert supervision_sweep().referrals == 0 and not refusals().exists()

    cases.case_raise(case_id=case.pk, actor=supervisor, reason="重点督办未见成效，转专班")

    assert supervision_sweep().referrals == 1
    assert refusals().get().ticket_id == ruling.ticket_id
