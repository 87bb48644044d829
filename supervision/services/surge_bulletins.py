"""The risk bulletin (风险预警参阅件) of a surge alert: a numbered letter-format document saying what rose, by how
much against what was expected, how likely that is by chance, and which department owns the matter there.

Its words are the document's own (official Chinese), not interface strings; its data is frozen when issued and
the PDF is rendered from it once, after commit (arbitration.documents).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from arbitration.documents.render import LetterData
from supervision.choices import AlertMethod
from supervision.models import SurgeAlert

BULLETIN_KIND = "surge_bulletin"  # the document kind of its 文号 (settings.MINGZE_DOCUMENT_ISSUERS)
METHOD_WORDS = {
    AlertMethod.GLM: "拟泊松广义线性模型基线法（Farrington类方法：以往年同期和近期数据为基线，计入星期规律、节假日"
    "和调休因素，降低历史异常期权重）",
    AlertMethod.EARS_C2: "EARS C2法（历史数据不足一年，以近期同类日为基线）",
    AlertMethod.EARS_C3: "EARS C3法（历史数据不足一年，以近三日累计偏离为依据）",
}


def probability_words(probability: float) -> str:
    return "不足万分之一" if probability < 1e-4 else f"约{probability * 100:.2f}%"


def _period(alert: SurgeAlert) -> str:
    day = alert.day
    if alert.span_days == 1:
        return f"{day.year}年{day.month}月{day.day}日"
    first = day - dt.timedelta(days=alert.span_days - 1)
    return f"{first.month}月{first.day}日至{day.month}月{day.day}日（{alert.span_days}日合计）"


def bulletin_paragraphs(alert: SurgeAlert) -> list[str]:
    owner = alert.department.name if alert.department_id else "（职责清单未明确主责单位，由热线服务中心协调）"
    subject = f"{alert.place}“{alert.matter.name}”类诉求"
    respond = settings.MINGZE_ALERT_ACKNOWLEDGE_WORKING_DAYS
    return [
        f"经12345热线诉求增长异常监测，{_period(alert)}，{subject}共{alert.observed}件，"
        f"按基线模型预计约{alert.expected:.1f}件（预警上限{alert.upper_bound:.0f}件），"
        f"实际比预计高出{alert.increase * 100:.0f}%。"
        f"在正常波动下出现这一数量或更多的概率{probability_words(alert.probability)}，"
        "属于增长异常，存在集中诉求风险。",
        "一、监测方法",
        f"本次预警采用{METHOD_WORDS[AlertMethod(alert.method)]}，超出程度评分为{alert.score:.2f}（大于1即超出预警上限）。",
        "二、主责单位",
        f"根据职责清单和管辖图，{subject}的主责单位为{owner}。",
        "三、工作建议",
        f"请主责单位在{respond}个工作日内确认本预警，分析诉求增长原因，提前介入、主动治理（未诉先办），"
        "并将采取的措施通过明责系统反馈。逾期未确认的，纳入督办。",
    ]


def bulletin_letter_data(alert: SurgeAlert, number: str, today: dt.date) -> LetterData:
    return LetterData(
        issuer_name=settings.MINGZE_SUPERVISION_ISSUER_NAME,
        document_number=number,
        title=f"关于{alert.place}“{alert.matter.name}”类诉求增长异常的风险预警参阅件",
        addressee=alert.department.name if alert.department_id else settings.MINGZE_ALERT_BULLETIN_CC[0],
        paragraphs=tuple(bulletin_paragraphs(alert)),
        issue_date=today,
        cc=tuple(settings.MINGZE_ALERT_BULLETIN_CC),
    )
