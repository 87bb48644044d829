"""Publishing a month: only after its appeal window and every decision; the figures and the tickets behind them
are frozen; the bulletin is a numbered PDF with the ranking, the last three and the departments at 100%; warning
and interview letters are drafted from published scores only."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from supervision.choices import AppealDecision, LetterKind, PeriodKind, PeriodStatus
from supervision.errors import AppealsPending, AppealWindowOpen, PeriodPublished
from supervision.models import LetterDraft, ScoreAppeal, ScoreBulletin, Scorecard, ScoreEntry, ScorePeriod
from supervision.services.scorecards import scorecards_compute, scorecards_compute_last_month, scorecards_publish
from tests import factories
from tests.factories import at
from tests.supervision import score_month
from tests.supervision.helpers import client_for
from tests.supervision.score_month import AS_OF, IN_WINDOW, decide, lodge

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
AFTER_WINDOW = at(2026, 3, 30, 10)  # the window of the AS_OF draft closed Fri 03-27 17:30


@pytest.fixture
def draft(city, tmp_path) -> ScorePeriod:
    factories.department(*score_month.ENVIRONMENT)
    score_month.import_month(tmp_path)
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH, now=AS_OF)
    return ScorePeriod.objects.get()


def frozen(period: ScorePeriod) -> tuple[list, list]:
    """Everything a published month shows: the cards' figures and the entries behind them."""
    cards = list(Scorecard.objects.filter(period=period).order_by("pk").values())
    entries = list(ScoreEntry.objects.filter(period=period).order_by("pk").values())
    return cards, entries


def pdf_text(content: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", "", text)


def test_publishing_waits_for_the_appeal_window_and_every_decision(draft, supervisor, liaison_urban):
    with pytest.raises(AppealWindowOpen):
        scorecards_publish(period_id=draft.pk, actor=supervisor, now=IN_WINDOW)
    appeal = lodge(draft, liaison_urban, "CGJ", "U3")
    with pytest.raises(AppealsPending):
        scorecards_publish(period_id=draft.pk, actor=supervisor, now=AFTER_WINDOW)
    draft.refresh_from_db()
    assert (draft.status, ScoreBulletin.objects.count(), LetterDraft.objects.count()) == (PeriodStatus.DRAFT, 0, 0)
    decide(appeal, supervisor, AppealDecision.EXCLUDE, reason="并案属实")
    published = scorecards_publish(period_id=draft.pk, actor=supervisor, now=AFTER_WINDOW)
    assert published.status == PeriodStatus.PUBLISHED
    assert Scorecard.objects.get(department__code="CGJ").tickets == 5  # the accepted appeal is honoured
    assert list(published.transitions.values_list("from_status", "to_status")) == [("draft", "published")]


def test_a_published_month_never_changes(draft, supervisor, liaison_urban, tmp_path):
    scorecards_publish(period_id=draft.pk, actor=supervisor, now=AFTER_WINDOW)
    before = frozen(draft)
    # Late facts arrive: M2 is handled, U3 finally answered.
    late = [
        score_month.replied("M2", at(2026, 4, 2, 10).isoformat()),
        score_month.replied("U3", at(2026, 4, 3, 10).isoformat()),
    ]
    score_month.import_month(tmp_path, late)
    with pytest.raises(PeriodPublished):
        scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH)
    scorecards_compute_last_month(today=dt.date(2026, 4, 10))  # the beat task leaves a published month alone
    assert ScorePeriod.objects.filter(period_kind=PeriodKind.QUARTER).exists()  # (it did compute the quarter)
    with pytest.raises(PeriodPublished):
        lodge(draft, liaison_urban, "CGJ", "U3")
    assert frozen(draft) == before
    assert not ScoreAppeal.objects.exists()


def test_publishing_computes_the_final_figures_as_of_publication(draft, supervisor):
    scorecards_publish(period_id=draft.pk, actor=supervisor, now=AFTER_WINDOW)
    urban = Scorecard.objects.get(department__code="CGJ")
    # U4's deadlines (response 03-20 12:00, completion 03-27 17:30) have passed without the facts: missed now.
    assert (urban.responded_on_time, urban.response_judged, urban.response_unknown) == (2, 5, 0)
    assert urban.service_index == Decimal("48.67")  # 15×.4 + 15×.4 + 10×.6667 + 60×.5


def test_the_bulletin_is_a_numbered_pdf_with_the_ranking_the_last_three_and_the_perfect(
    draft, supervisor, liaison_urban
):
    scorecards_publish(period_id=draft.pk, actor=supervisor, now=AFTER_WINDOW)
    bulletin = ScoreBulletin.objects.get()
    assert bulletin.document_number == "明责通〔2026〕1号"
    response = client_for(liaison_urban).get(f"/api/v1/supervision/score-periods/{draft.pk}/bulletin/")
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "明责通〔2026〕1号" in text and "关于2026年3月12345热线承办单位办理情况的通报" in text
    ranked = [
        ("1", "市生态环境局", "100.00"),
        ("2", "市市场监督管理局", "68.75"),
        ("3", "市城市管理局", "48.67"),
        ("4", "市住房和城乡建设局", "25.00"),
    ]
    ranking = [text.index(f"{rank}.{name}：服务指数{index}分") for rank, name, index in ranked]
    assert ranking == sorted(ranking)
    assert "四项指标均达到100%的单位市生态环境局。" in text
    assert "市直部门：市市场监督管理局、市城市管理局、市住房和城乡建设局。" in text  # the last three of the group


def test_letters_are_drafted_only_from_published_scores(draft, supervisor):
    scorecards_compute(period_kind=PeriodKind.MONTH, period_start=MARCH, now=AS_OF)
    assert not LetterDraft.objects.exists()  # a draft month calls for no letter
    scorecards_publish(period_id=draft.pk, actor=supervisor, now=AFTER_WINDOW)
    drafted = set(LetterDraft.objects.values_list("department__code", "kind"))
    assert drafted == {
        (code, kind) for code in ("SJJ", "CGJ", "ZJJ") for kind in (LetterKind.WARNING, LetterKind.INTERVIEW)
    }
    assert {d.scorecard.period.status for d in LetterDraft.objects.select_related("scorecard__period")} == {
        PeriodStatus.PUBLISHED
    }


def test_a_supervisor_publishes_through_the_api_and_the_page_shows_it(draft, supervisor, liaison_urban):
    assert client_for(liaison_urban).post(f"/api/v1/supervision/score-periods/{draft.pk}/publish/").status_code == 403
    response = client_for(supervisor).post(
        f"/api/v1/supervision/score-periods/{draft.pk}/publish/",
        {"reason": "经审核发布"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["bulletin_number"]) == ("published", "明责通〔2026〕1号")
    again = client_for(supervisor).post(f"/api/v1/supervision/score-periods/{draft.pk}/publish/")
    assert again.status_code == 409 and "已发布并冻结" in again.json()["message"]
    page = client_for(liaison_urban).get("/supervision/scorecards/", {"period_start": "2026-03-01"}).content.decode()
    assert "已发布" in page and f"/supervision/scorecards/periods/{draft.pk}/bulletin/" in page
