"""The bulletin (考核通报) of a published period: a numbered letter-format document naming the ranking in each
comparable group, the departments at 100% on all four rates and the last three of each group.

Issued inside the publishing transaction (its number rolls back with it); its data is frozen then and the PDF is
rendered from it once, after commit (arbitration.documents).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from arbitration.choices import DepartmentKind
from arbitration.documents.layout import chinese_numeral
from arbitration.documents.numbering import document_number_issue
from arbitration.documents.render import LetterData
from arbitration.documents.tasks import document_render_after_commit
from arbitration.history import save_attributed
from supervision.choices import PeriodKind
from supervision.models import ScoreBulletin, Scorecard, ScorePeriod
from supervision.reasons import SCORE_BULLETIN_ISSUED

BULLETIN_KIND = "bulletin"  # the document kind of its 文号 (settings.MINGZE_DOCUMENT_ISSUERS)
# Official Chinese: these are the document's own words, not interface strings.
RATE_WORDS = (
    ("response_rate", "按时响应率"),
    ("on_time_rate", "按时办结率"),
    ("feedback_rate", "及时反馈率"),
    ("satisfaction_rate", "满意率"),
)


def period_label(period: ScorePeriod) -> str:
    """2026年3月, or 2026年第1季度."""
    start = period.period_start
    if period.period_kind == PeriodKind.QUARTER:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年{start.month}月"


def percent(rate: Decimal | None) -> str:
    return "暂无数据" if rate is None else f"{rate * 100:.1f}%"


def group_name(group: str) -> str:
    return str(DepartmentKind(group).label) if group in DepartmentKind.values else group


def _groups(cards: list[Scorecard]) -> dict[str, list[Scorecard]]:
    groups: dict[str, list[Scorecard]] = defaultdict(list)
    for card in sorted(cards, key=lambda c: (c.group, c.rank == 0, c.rank, c.department.code)):
        groups[card.group].append(card)
    return groups


def _ranking(groups: dict[str, list[Scorecard]]) -> list[str]:
    paragraphs = ["二、各类单位排名"]
    for position, (group, members) in enumerate(groups.items(), start=1):
        paragraphs.append(f"（{chinese_numeral(position)}）{group_name(group)}")
        for card in members:
            if card.rank == 0:
                continue
            rates = "，".join(f"{words}{percent(getattr(card, field))}" for field, words in RATE_WORDS)
            paragraphs.append(f"{card.rank}. {card.department.name}：服务指数{card.service_index}分（{rates}）。")
        unranked = [card.department.name for card in members if card.rank == 0]
        if unranked:
            paragraphs.append(f"本期尚无可考核数据、未参与排名的单位：{'、'.join(unranked)}。")
    return paragraphs


def bulletin_paragraphs(period: ScorePeriod, cards: list[Scorecard]) -> list[str]:
    groups = _groups(cards)
    tickets = sum(card.tickets for card in cards)
    perfect = [card.department.name for card in cards if card.perfect]
    bottom = [
        f"{group_name(group)}：{'、'.join(card.department.name for card in members if card.in_bottom)}。"
        for group, members in groups.items()
        if any(card.in_bottom for card in members)
    ]
    bar = settings.MINGZE_SCORE_INTERVIEW_BELOW
    return [
        f"根据12345热线办理工作考核有关规定，现将{period_label(period)}各承办单位12345热线办理情况通报如下。"
        "本通报数据已经申诉复核，自发布之日起冻结。",
        "一、总体情况",
        f"本期共有{len(cards)}家承办单位纳入考核，计入考核的工单{tickets}件次（按首次派单时间归属考核期，"
        "双向联办工单同时计入属地和行业主管部门）。群众撤单的工单不计入按时类指标；"
        "尚未产生结果的指标（如尚未回访）暂不计入，不按未达标处理。",
        *_ranking(groups),
        "三、四项指标均达到100%的单位",
        f"{'、'.join(perfect)}。" if perfect else "本期无。",
        "四、排名后三位的单位",
        *(bottom or ["本期各类单位数量均不足，未列出排名后三位的单位。"]),
        "五、工作要求",
        "请排名靠后的单位认真分析原因，制定整改措施，切实提升办理质效；"
        f"服务指数低于{bar}分的单位，将按规定约谈主要负责同志。",
    ]


def bulletin_issue(*, period: ScorePeriod, cards: list[Scorecard], actor, now: dt.datetime) -> ScoreBulletin:
    """Number, freeze and store the bulletin; its PDF is rendered after the publishing transaction commits."""
    today = timezone.localtime(now).date()
    number = document_number_issue(kind=BULLETIN_KIND, year=today.year)
    data = LetterData(
        issuer_name=settings.MINGZE_SUPERVISION_ISSUER_NAME,
        document_number=number,
        title=f"关于{period_label(period)}12345热线承办单位办理情况的通报",
        addressee=settings.MINGZE_SCORE_BULLETIN_ADDRESSEE,
        paragraphs=tuple(bulletin_paragraphs(period, cards)),
        issue_date=today,
    ).to_dict()
    bulletin = save_attributed(
        ScoreBulletin(period=period, document_number=number, issued_at=now, issued_by=actor, data=data),
        actor=actor,
        reason=SCORE_BULLETIN_ISSUED.format(number=number),
    )
    document_render_after_commit(bulletin)
    return bulletin
