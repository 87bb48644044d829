"""The suggestion rules (arbitration/graph/suggest.py), one small hand-built city each."""

import pytest

from arbitration.choices import DepartmentKind, DutyRole, DutySource
from arbitration.graph import ticket_suggest
from arbitration.services.catalogue import duty_close
from tests import factories
from tests.factories import at

from .conftest import precedent, suggestion_for

pytestmark = pytest.mark.django_db


def test_a_city_wide_bureau_duty_makes_the_bureau_the_lead_and_says_why(graph_city):
    suggestion = suggestion_for(graph_city["stall"], graph_city["community_a1"])

    top = suggestion.top
    assert (top.department_code, top.role, top.rank, top.source) == ("CGJ", "lead", 1, "catalogue")
    assert top.territory_chain == ("柳岸社区", "湖滨街道", "东湖区", "明州市")
    assert top.legal_basis == "市城市管理局三定方案"
    assert "市城市管理局" in top.explanation and "柳岸社区 → 湖滨街道 → 东湖区 → 明州市" in top.explanation
    assert not suggestion.no_owner and not suggestion.overlap


def test_a_duty_scoped_to_a_district_beats_a_city_wide_one(graph_city):
    factories.duty(graph_city["gov_a"], graph_city["stall"], graph_city["district_a"])

    inside = suggestion_for(graph_city["stall"], graph_city["community_a1"])
    outside = suggestion_for(graph_city["stall"], graph_city["community_b1"])

    assert [c.department_code for c in inside.leads] == ["DHQ", "CGJ"]  # the broader one stays as an alternative
    assert inside.top.territory_chain == ("柳岸社区", "湖滨街道", "东湖区")
    assert outside.top.department_code == "CGJ"


def test_a_duty_on_a_category_covers_its_child_matters(graph_city):
    factories.duty(graph_city["housing"], graph_city["urban_env"], graph_city["city"])

    suggestion = suggestion_for(graph_city["noise"], graph_city["community_b1"])

    assert suggestion.top.department_code == "ZJJ"
    assert "夜间施工噪声" in suggestion.top.explanation and suggestion.top.matter_id == graph_city["urban_env"].pk


def test_an_entry_for_the_exact_matter_beats_one_inherited_from_its_category(graph_city):
    factories.duty(graph_city["gov_a"], graph_city["urban_family"], graph_city["district_a"])

    suggestion = suggestion_for(graph_city["stall"], graph_city["community_a1"])

    assert [c.department_code for c in suggestion.leads] == ["CGJ", "DHQ"]


def test_a_precedent_beats_the_catalogue_even_from_a_broader_territory(graph_city):
    factories.duty(graph_city["gov_a"], graph_city["stall"], graph_city["street_a1"])
    precedent(graph_city["market"], graph_city["stall"], graph_city["city"], "明责认〔2026〕3号")

    top = suggestion_for(graph_city["stall"], graph_city["community_a1"]).top

    assert (top.department_code, top.source, top.source_reference) == ("SJJ", "precedent", "明责认〔2026〕3号")
    assert "明责认〔2026〕3号" in top.explanation


def test_a_more_specific_precedent_beats_a_broader_one_and_a_newer_beats_an_older(graph_city):
    precedent(graph_city["market"], graph_city["stall"], graph_city["city"], "明责认〔2026〕1号")
    precedent(graph_city["housing"], graph_city["stall"], graph_city["district_b"], "明责认〔2026〕2号")
    precedent(
        graph_city["urban"],
        graph_city["stall"],
        graph_city["district_b"],
        "明责签〔2026〕1号",
        source=DutySource.LEADER_DECISION,
        valid_from=at(2026, 1, 5),
    )

    assert suggestion_for(graph_city["stall"], graph_city["community_a1"]).top.department_code == "SJJ"
    assert suggestion_for(graph_city["stall"], graph_city["community_b1"]).top.department_code == "CGJ"


def test_a_bureau_lead_is_never_pushed_down_to_the_street_or_community(graph_city):
    suggestion = suggestion_for(graph_city["stall"], graph_city["community_a1"])

    codes = {c.department_code for c in suggestion.candidates}
    assert "HBJD" not in codes and "LASQ" not in codes and "DHQ" not in codes


def test_the_catalogue_may_name_the_street_explicitly(graph_city):
    factories.duty(
        graph_city["street_gov_a1"], graph_city["stall"], graph_city["street_a1"], legal_basis="街道职责清单第12项"
    )

    assert suggestion_for(graph_city["stall"], graph_city["community_a1"]).top.department_code == "HBJD"


def test_without_a_lead_the_nearest_territorial_government_is_the_fallback(graph_city):
    in_community = suggestion_for(graph_city["noise"], graph_city["community_a1"])
    in_district_b = suggestion_for(graph_city["noise"], graph_city["community_b1"])

    assert in_community.no_owner and in_community.top.source == "fallback"
    assert in_community.top.department_code == "LASQ"
    assert in_district_b.top.department_code == "XSQ"  # no street or community government there: the district
    assert in_district_b.top.territory_chain == ("松林社区", "山前街道", "西山区")
    assert "兜底" in in_district_b.top.explanation
    assert in_community.message


def test_no_candidate_at_all_is_a_clear_answer_not_an_error(graph_city):
    suggestion = suggestion_for(graph_city["noise"], graph_city["city"])  # a city-wide place has no government

    assert suggestion.no_owner and suggestion.candidates == () and suggestion.top is None
    assert str(suggestion.message)


def test_only_duties_valid_at_the_moment_asked_count(graph_city):
    duty_close(duty_id=graph_city["duty_stall"].pk, actor=None, reason="职责调整", at=at(2026, 3, 1))
    factories.duty(graph_city["housing"], graph_city["stall"], graph_city["city"], valid_from=at(2026, 3, 1))
    factories.duty(graph_city["market"], graph_city["stall"], graph_city["city"], valid_from=at(2026, 4, 1))

    assert suggestion_for(graph_city["stall"], graph_city["community_a1"], at(2026, 2, 28)).top.department_code == "CGJ"
    assert [
        c.department_code for c in suggestion_for(graph_city["stall"], graph_city["community_a1"], at(2026, 3, 2)).leads
    ] == ["ZJJ"]


def test_a_ticket_is_suggested_for_the_moment_it_was_received(graph_city):
    ticket = factories.ticket(graph_city, received_at=at(2026, 2, 20))
    duty_close(duty_id=graph_city["duty_stall"].pk, actor=None, reason="职责调整", at=at(2026, 3, 1))

    assert ticket_suggest(ticket).top.department_code == "CGJ"
    assert ticket_suggest(ticket, at=at(2026, 3, 2)).top.source == "fallback"


def test_duties_of_an_inactive_department_do_not_count(graph_city):
    graph_city["urban"].is_active = False
    graph_city["urban"].save(update_fields=["is_active"])
    factories.duty(graph_city["market"], graph_city["food"], graph_city["district_a"])  # any duty change bumps

    assert suggestion_for(graph_city["stall"], graph_city["community_a1"]).no_owner


def test_two_catalogue_leads_at_the_same_scope_are_an_overlap(graph_city):
    factories.duty(graph_city["housing"], graph_city["stall"], graph_city["city"])

    suggestion = suggestion_for(graph_city["stall"], graph_city["community_a1"])

    assert suggestion.overlap and [c.department_code for c in suggestion.leads] == ["CGJ", "ZJJ"]


def test_co_handlers_and_regulators_to_copy_are_listed_after_the_lead(graph_city):
    factories.duty(graph_city["housing"], graph_city["stall"], graph_city["city"], role=DutyRole.CO_HANDLER)
    factories.duty(graph_city["market"], graph_city["urban_env"], graph_city["city"], role=DutyRole.REGULATOR)
    regulator = factories.department("ZFJ", "市城管执法监督局")
    regulator.regulated_sectors.add(graph_city["urban_family"])
    factories.duty(graph_city["market"], graph_city["food"], graph_city["district_a"])  # bump after the m2m add

    suggestion = suggestion_for(graph_city["stall"], graph_city["community_a1"])

    assert [(c.department_code, c.role, c.rank) for c in suggestion.candidates] == [
        ("CGJ", "lead", 1),
        ("ZJJ", "co_handler", 2),
        ("SJJ", "regulator", 3),
        ("ZFJ", "regulator", 4),
    ]
    assert "双向联办" in suggestion.regulators[1].explanation


def test_a_government_that_is_not_territorial_is_never_a_fallback(graph_city):
    factories.department("QT", "某协会", DepartmentKind.OTHER, territory=graph_city["street_b1"])
    factories.duty(graph_city["market"], graph_city["food"], graph_city["district_a"])

    assert suggestion_for(graph_city["noise"], graph_city["community_b1"]).top.department_code == "XSQ"
