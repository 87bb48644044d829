"""The daily work report (工作日报) to leaders, copied to the discipline commission (docs/cockpit.md, "Reports").

Written from the cockpit's daily counts and the supervision tables, never from the ticket table; numbered, frozen
and rendered once after commit like every issued document (arbitration.documents). One report per day: asking
again for a day already reported returns that report. The monthly bulletin is the scorecards' bulletin
(supervision/services/bulletins.py), issued when a month's scorecards are published.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from arbitration.choices import Channel
from arbitration.documents.numbering import document_number_issue
from arbitration.documents.render import LetterData
from arbitration.documents.tasks import document_render_after_commit
from arbitration.history import save_attributed
from supervision.cockpit.figures import catalogue_health, supervision_glance, volume_breakdowns
from supervision.cockpit.network import dispute_network
from supervision.cockpit.period import Period
from supervision.models import DailyFriction, DailyReport, FrictionKind
from supervision.models.rollups import DailyVolume

REPORT_KIND = "daily_report"  # the document kind of its 文号 (settings.MINGZE_DOCUMENT_ISSUERS)
TOP = 5


def _tickets(period: Period) -> int:
    return sum(
        DailyVolume.objects.filter(day__gte=period.first, day__lte=period.last).values_list("tickets", flat=True)
    )


def _friction(period: Period, kind: str) -> int:
    rows = DailyFriction.objects.filter(day__gte=period.first, day__lte=period.last, kind=kind)
    return sum(rows.values_list("events", flat=True))


def _change(now: int, before: int) -> str:
    if not before:
        return "去年同期无数据"
    return f"同比{'增长' if now >= before else '下降'}{abs(now - before) / before * 100:.1f}%"


def daily_report_paragraphs(day: dt.date) -> list[str]:
    """The report's text (official Chinese: the document's own words, not interface strings)."""
    period = Period(day, day)
    now, before = _tickets(period), _tickets(period.year_before())
    breakdowns = volume_breakdowns(period)
    channels = "，".join(f"{Channel(row['key']).label}{row['tickets']}件" for row in breakdowns["channel"][:TOP])
    matters = "、".join(f"{row['label']}（{row['tickets']}件）" for row in breakdowns["matter"][:TOP])
    districts = "、".join(f"{row['label']}（{row['tickets']}件）" for row in breakdowns["district"][:TOP])
    network = dispute_network(Period(day - dt.timedelta(days=29), day))
    names = {node["id"]: node["label"] for node in network["nodes"]}
    rings = [" → ".join(names[d] for d in ring["departments"]) for ring in network["rings"][:3]]
    glance, catalogue = supervision_glance(), catalogue_health(period)
    tiers = "，".join(f"{row['label']}{row['cases']}件" for row in glance["cases_by_tier"])
    return [
        f"现将{day.year}年{day.month}月{day.day}日12345热线工作情况报告如下。",
        "一、受理情况",
        f"当日受理群众诉求{now}件，{_change(now, before)}（去年同期{before}件）。"
        + (f"按渠道：{channels}。" if channels else ""),
        f"诉求较多的事项：{matters or '无'}。诉求较多的区县：{districts or '无'}。",
        "二、退单与职责争议",
        f"当日退单{_friction(period, FrictionKind.BOUNCE)}次，"
        f"新发生职责争议{_friction(period, FrictionKind.DISPUTE)}起。"
        f"目前尚未解决的职责争议{catalogue['disputes_open']}起；累计经联席会议认定{catalogue['disputes_ruled']}起，"
        f"经领导签批{catalogue['disputes_decided_by_leader']}起。",
        "近30日相互推诿的单位环路：" + ("；".join(rings) + "。" if rings else "未发现。"),
        "三、督办情况",
        f"在办督办件：{tiers}。逾期未回复的督办文书{glance['letters_overdue']}件。"
        f"本年度已移送纪检监察机关{glance['referrals_sent']}件，年度目标{glance['referrals_target']}件。",
    ]


@transaction.atomic
def daily_report_issue(*, day: dt.date, actor=None, now: dt.datetime | None = None) -> DailyReport:
    """Number, freeze and store the report of `day`; the PDF is rendered after commit. Idempotent per day."""
    existing = DailyReport.objects.filter(day=day).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    try:
        with transaction.atomic():  # a concurrent run may store the same day first; its number then stands
            number = document_number_issue(kind=REPORT_KIND, year=today.year)
            data = LetterData(
                issuer_name=settings.MINGZE_SUPERVISION_ISSUER_NAME,
                document_number=number,
                title=f"12345热线工作日报（{day.year}年{day.month}月{day.day}日）",
                addressee=settings.MINGZE_DAILY_REPORT_ADDRESSEE,
                paragraphs=tuple(daily_report_paragraphs(day)),
                issue_date=today,
                cc=tuple(settings.MINGZE_DAILY_REPORT_CC),
            ).to_dict()
            report = save_attributed(
                DailyReport(day=day, document_number=number, issued_at=now, issued_by=actor, data=data),
                actor=actor,
                reason=f"daily report {number}",
            )
    except IntegrityError:
        return DailyReport.objects.get(day=day)
    document_render_after_commit(report)
    return report


def daily_report_issue_yesterday() -> DailyReport:
    return daily_report_issue(day=timezone.localdate() - dt.timedelta(days=1))
