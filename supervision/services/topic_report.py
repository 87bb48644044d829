"""The closing report (结题报告) of a monthly topic: a numbered letter-format document with the before/after figures.

Issued inside the closing transaction (its number rolls back with it); its data is frozen then and the PDF is
rendered from it once, after commit, through `pdf_finalise` (arbitration.documents.tasks).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from arbitration.documents.numbering import document_number_issue
from arbitration.documents.render import LetterData
from arbitration.documents.tasks import document_render_after_commit
from arbitration.history import save_attributed
from supervision import selectors
from supervision.models import Topic, TopicClosingReport
from supervision.reasons import CLOSING_REPORT_ISSUED

TOPIC_REPORT_KIND = "topic_report"  # the document kind of its 文号 (settings.MINGZE_DOCUMENT_ISSUERS)


def _date(moment: dt.datetime) -> str:
    day = timezone.localtime(moment).date()
    return f"{day.year}年{day.month}月{day.day}日"


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _scope(topic: Topic) -> str:
    place = topic.territory.name if topic.territory_id else "全市"
    words = f"，诉求内容含“{'、'.join(topic.keyword_list)}”" if topic.keyword_list else ""
    return f"{place}“{topic.matter.name}”类诉求{words}"


def _target_line(topic: Topic, after: selectors.PeriodFigures) -> str:
    if topic.target_weekly_tickets is None:
        return "本题目未设定量化目标。"
    met = "已达成" if after.per_week <= topic.target_weekly_tickets else "未达成"
    return f"量化目标为每周工单不超过{topic.target_weekly_tickets}件，实际每周{after.per_week}件，目标{met}。"


def closing_paragraphs(topic: Topic, figures: dict[str, selectors.PeriodFigures], summary: str) -> list[str]:
    before, after = figures["before"], figures["after"]
    co = "、".join(topic.co_handlers.values_list("name", flat=True))
    reports = topic.reports.count()
    return [
        f"经市领导批准，{_date(topic.decided_at)}将“{topic.title}”列为每月一题，由{topic.lead.name}牵头办理"
        + (f"，{co}协同办理" if co else "")
        + f"，办理时限至{topic.deadline.year}年{topic.deadline.month}月{topic.deadline.day}日。现将办理情况报告如下。",
        "一、题目范围与目标",
        f"本题目涵盖{_scope(topic)}。工作目标：{topic.goal or '未填写'}。",
        "二、办理前后对比",
        f"（一）工单量。立项前{topic.lookback_days}天内共{before.tickets}件，每周{before.per_week}件；"
        f"立项后至{_date(topic.closed_at)}共{after.tickets}件，每周{after.per_week}件。",
        f"（二）重复来电。立项前重复来电工单占比{_percent(before.repeat_rate)}，立项后{_percent(after.repeat_rate)}。",
        f"（三）职责争议。立项前涉及职责争议{before.disputes}件，立项后{after.disputes}件。",
        f"（四）目标完成情况。{_target_line(topic, after)}",
        "三、办理进展",
        f"牵头单位共报送进展报告{reports}次。",
        "四、总结",
        summary,
    ]


def figures_snapshot(figures: dict[str, selectors.PeriodFigures]) -> dict:
    return {
        side: {
            "tickets": f.tickets,
            "per_week": f.per_week,
            "repeat_rate": f.repeat_rate,
            "disputes": f.disputes,
        }
        for side, f in figures.items()
    }


def closing_report_issue(*, topic: Topic, actor, summary: str, now: dt.datetime) -> TopicClosingReport:
    """Number, freeze and store the closing report; its PDF is rendered after the closing transaction commits."""
    figures = selectors.topic_figures(topic, now=now)
    today = timezone.localtime(now).date()
    number = document_number_issue(kind=TOPIC_REPORT_KIND, year=today.year)
    data = LetterData(
        issuer_name=settings.MINGZE_SUPERVISION_ISSUER_NAME,
        document_number=number,
        title=f"关于每月一题“{topic.title}”办理情况的报告",
        addressee=settings.MINGZE_TOPIC_REPORT_ADDRESSEE,
        paragraphs=tuple(closing_paragraphs(topic, figures, summary)),
        issue_date=today,
    ).to_dict() | {"figures": figures_snapshot(figures)}
    report = save_attributed(
        TopicClosingReport(topic=topic, document_number=number, issued_at=now, issued_by=actor, data=data),
        actor=actor,
        reason=CLOSING_REPORT_ISSUED.format(number=number),
    )
    document_render_after_commit(report)
    return report
