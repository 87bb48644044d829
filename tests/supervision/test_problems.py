"""Problems (重复诉求): repeated requests become one problem under one case, whichever rule finds them.

Tickets arrive as the hotline platform sends them — `POST /api/v1/tickets/` or `manage.py import_tickets` — and
the sweep runs as the beat schedule runs it.
"""

import io
import json

import pytest
from django.core.management import call_command

from supervision.choices import CaseEventKind, CaseStatus, LetterKind, ProblemRule, Trigger
from supervision.models import Problem, SupervisionCase
from supervision.services import cases
from supervision.services.letters import letter_issue_for_case
from supervision.services.sweep import supervision_sweep
from tests.factories import at
from tests.supervision.helpers import platform, post_ticket, supervision_rows, ticket_payload
from tests.supervision.letter_helpers import pdf_text

pytestmark = pytest.mark.django_db


def open_cases(trigger=Trigger.REPEATED):
    return list(SupervisionCase.objects.filter(status=CaseStatus.OPEN, trigger=trigger).order_by("pk"))


def numbers(problem: Problem) -> set[str]:
    return set(problem.tickets.values_list("hotline_no", flat=True))


def import_jsonl(tmp_path, payloads: list[dict]) -> None:
    path = tmp_path / "tickets.jsonl"
    path.write_text("\n".join(json.dumps(payload, ensure_ascii=False) for payload in payloads), encoding="utf-8")
    call_command("import_tickets", str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize(("satisfaction", "cases_opened"), [("不满意", 1), ("满意", 0)])
def test_repeated_requests_closed_as_unsatisfied_open_one_case(city, tmp_path, satisfaction, cases_opened):
    # Three requests about one matter at one place, each handled, closed and rated at the return visit. Rated
    # unsatisfied, the problem is still there and opens a case; rated satisfied, it was solved and opens nothing.
    import_jsonl(
        tmp_path,
        [
            ticket_payload(f"CU{day}", day=day, status="已办结", resolution="未解决", satisfaction=satisfaction)
            for day in (2, 3, 4)
        ],
    )

    report = supervision_sweep(now=at(2026, 3, 6, 10))

    assert len(open_cases()) == cases_opened and SupervisionCase.objects.count() == cases_opened
    if cases_opened:
        [case] = open_cases()
        assert numbers(case.problem) == {"CU2", "CU3", "CU4"}
        assert (case.ticket.hotline_no, case.department, report.opened[Trigger.REPEATED]) == ("CU4", city["urban"], 1)
        assert "其中3次回访不满意" in case.reason


def test_place_and_caller_rules_finding_the_same_tickets_open_one_case(city, dispatcher):
    api = platform(dispatcher)
    for day in (2, 3, 4):  # same matter, same place, same caller: both rules find the same three tickets
        post_ticket(api, f"PC{day}", day=day, citizen_phone="13700001111")

    supervision_sweep(now=at(2026, 3, 5, 10))

    [case] = open_cases()
    assert Problem.objects.count() == 1 and numbers(case.problem) == {"PC2", "PC3", "PC4"}
    assert {m.rule for m in case.problem.memberships.all()} == {ProblemRule.BOTH}
    assert case.subject_key == f"problem:{case.problem_id}"


def test_overlapping_place_and_caller_groups_are_one_problem(city, dispatcher):
    api = platform(dispatcher)
    post_ticket(api, "OV1", day=2)  # the place: three callers about 占道经营 at 柳岸社区
    post_ticket(api, "OV2", day=3)
    post_ticket(api, "OV3", day=4, citizen_phone="13700002222")
    elsewhere = {"matter": "010102", "territory": "370811001001"}  # the third caller again, elsewhere, twice
    post_ticket(api, "OV4", day=4, hour=15, citizen_phone="13700002222", **elsewhere)
    post_ticket(api, "OV5", day=5, citizen_phone="13700002222", dispatched_to="SJJ", **elsewhere)

    supervision_sweep(now=at(2026, 3, 5, 16))

    [case] = open_cases()
    assert numbers(case.problem) == {"OV1", "OV2", "OV3", "OV4", "OV5"}
    rules = dict(case.problem.memberships.values_list("ticket__hotline_no", "rule"))
    assert rules == {"OV1": "place", "OV2": "place", "OV3": "both", "OV4": "caller", "OV5": "caller"}
    assert "同一事项、同一地点及同一来电人" in case.reason


def test_a_new_ticket_of_the_problem_joins_its_open_case(city, dispatcher):
    api = platform(dispatcher)
    for day in (2, 3, 4):
        post_ticket(api, f"NJ{day}", day=day)
    supervision_sweep(now=at(2026, 3, 5, 10))
    [case] = open_cases()

    post_ticket(api, "NJ9", day=9)
    report = supervision_sweep(now=at(2026, 3, 9, 10))

    assert open_cases() == [case] and Problem.objects.count() == 1
    assert numbers(case.problem) == {"NJ2", "NJ3", "NJ4", "NJ9"} and report.joined == 1
    joined = case.events.get(kind=CaseEventKind.TICKET_JOINED)
    assert joined.data["hotline_no"] == "NJ9" and "NJ9" in joined.reason
    before = supervision_rows()
    assert supervision_sweep(now=at(2026, 3, 9, 11)).changes == 0 and supervision_rows() == before


def test_a_new_ticket_joins_after_the_first_ones_left_the_window(city, dispatcher, settings):
    settings.MINGZE_SUPERVISION_REPEAT_WINDOW_DAYS = 10
    api = platform(dispatcher)
    for day in (2, 3, 4):
        post_ticket(api, f"WJ{day}", day=day)
    supervision_sweep(now=at(2026, 3, 5, 10))
    post_ticket(api, "WJ12", day=12)  # two of the three are now older than the window; WJ4 still shares it
    post_ticket(api, "WJ13", day=13, territory="370811001001")  # another place: not the same problem

    supervision_sweep(now=at(2026, 3, 13, 10))

    [case] = open_cases()
    assert numbers(case.problem) == {"WJ2", "WJ3", "WJ4", "WJ12"}


def test_a_ticket_tying_two_problems_merges_them_under_one_case(city, dispatcher, supervisor):
    api = platform(dispatcher)
    for day in (2, 3, 4):  # problem A: one place, three callers
        post_ticket(api, f"MA{day}", day=day)
    for day in (2, 3, 4):  # problem B: one caller, about food safety at the other district
        post_ticket(
            api, f"MB{day}", day=day, hour=11, citizen_phone="13700003333", matter="010102", territory="370811001001"
        )
    supervision_sweep(now=at(2026, 3, 5, 10))
    case_a, case_b = open_cases()
    cases.case_raise(case_id=case_b.pk, actor=supervisor, reason="领导批示")  # B climbed higher: its case stays

    post_ticket(api, "MX", day=6, citizen_phone="13700003333")  # B's caller, about A's matter at A's place
    supervision_sweep(now=at(2026, 3, 6, 10))

    [kept] = open_cases()
    assert kept.pk == case_b.pk and kept.tier == "key" and kept.problem_id == case_a.problem_id
    assert numbers(kept.problem) == {"MA2", "MA3", "MA4", "MB2", "MB3", "MB4", "MX"}
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.CLOSED and f"督办件{kept.pk}" in case_a.close_reason
    absorbed = Problem.objects.get(pk=case_b.problem_id)
    assert absorbed.merged_into_id == case_a.problem_id and not absorbed.tickets.exists()
    assert kept.events.filter(kind=CaseEventKind.PROBLEM_MERGED).count() == 1


def test_a_problem_whose_case_was_closed_opens_a_new_case_only_when_a_new_ticket_comes(city, dispatcher, supervisor):
    api = platform(dispatcher)
    for day in (2, 3, 4):
        post_ticket(api, f"CL{day}", day=day)
    supervision_sweep(now=at(2026, 3, 5, 10))
    [first] = open_cases()
    cases.case_close(case_id=first.pk, actor=supervisor, reason="已现场整治")
    assert supervision_sweep(now=at(2026, 3, 5, 11)).changes == 0

    post_ticket(api, "CL6", day=6)
    supervision_sweep(now=at(2026, 3, 6, 10))

    [again] = open_cases()
    assert again.pk != first.pk and again.problem_id == first.problem_id
    assert numbers(again.problem) == {"CL2", "CL3", "CL4", "CL6"}


def test_the_case_page_and_api_list_every_ticket_of_the_problem(city, dispatcher, supervisor, liaison_market):
    api = platform(dispatcher)
    for day in (2, 3, 4):
        post_ticket(api, f"PG{day}", day=day, citizen_phone="13700004444")
    post_ticket(api, "PG1", day=1, citizen_phone="13700004444", matter="010102", dispatched_to="SJJ")
    supervision_sweep(now=at(2026, 3, 6, 10))
    [case] = open_cases()

    page = platform(supervisor).get(f"/supervision/cases/{case.pk}/").content.decode()
    detail = platform(supervisor).get(f"/api/v1/supervision/cases/{case.pk}/").json()
    problem = platform(supervisor).get(f"/api/v1/supervision/problems/{case.problem_id}/").json()

    for number in ("PG1", "PG2", "PG3", "PG4"):
        assert number in page
    assert "同一问题工单" in page and "Tickets of the problem" not in page
    assert [t["hotline_no"] for t in detail["tickets"]] == ["PG1", "PG2", "PG3", "PG4"]
    assert detail["problem"] == case.problem_id
    assert [t["hotline_no"] for t in problem["tickets"]] == ["PG1", "PG2", "PG3", "PG4"]
    assert [c["id"] for c in problem["cases"]] == [case.pk]
    # The market bureau's liaison sees neither the case nor the problem (its ticket PG1 is not the one pressed).
    assert platform(liaison_market).get(f"/api/v1/supervision/problems/{case.problem_id}/").status_code == 404


def test_a_letter_about_the_problem_names_every_ticket_of_it(
    city, dispatcher, supervisor, django_capture_on_commit_callbacks
):
    api = platform(dispatcher)
    for day in (2, 3, 4):
        post_ticket(api, f"PL{day}", day=day, citizen_phone="13700005555")
    supervision_sweep(now=at(2026, 3, 5, 10))
    [case] = open_cases()

    with django_capture_on_commit_callbacks(execute=True):  # the PDF is rendered after commit
        letter = letter_issue_for_case(case_id=case.pk, kind=LetterKind.ESCALATION, actor=supervisor)
    text = pdf_text(letter)

    for number in ("PL2", "PL3", "PL4"):
        assert number in text, number


def test_the_sweep_costs_the_same_queries_however_many_tickets_join(city, dispatcher):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = platform(dispatcher)
    places = [
        (matter, territory)
        for matter in ("010101", "010102")
        for territory in ("370802001001", "370811001001", "370802001")
    ]
    for n, (matter, territory) in enumerate(places):
        for day in (2, 3, 4):
            post_ticket(api, f"Q{n}-{day}", day=day, matter=matter, territory=territory)
    supervision_sweep(now=at(2026, 3, 5, 9))
    assert len(open_cases()) == len(places)

    def sweep_after_newcomers(numbers: range, hour: int) -> int:
        for n in numbers:
            matter, territory = places[n]
            post_ticket(api, f"Q{n}-new", day=5, hour=8, matter=matter, territory=territory)
        with CaptureQueriesContext(connection) as queries:
            assert supervision_sweep(now=at(2026, 3, 5, hour)).joined == len(numbers)
        return len(queries)

    assert sweep_after_newcomers(range(0, 1), 10) == sweep_after_newcomers(range(1, len(places)), 11)
