"""The daily work report (工作日报) to leaders, copied to the discipline commission (docs/cockpit.md, "Reports").

Written from the cockpit's daily counts and the supervision tables, never from the ticket table; numbered, frozen
and rendered once after commit like every issued document (arbitration.documents). One report per day: asking
again for a day already reported returns that report. The monthly work bulletin (月度工作通报) is the same report over
the month just ended, issued on schedule and idempotent per month; the scorecards' bulletin
(supervision/services/bulletins.py) stays apart, issued when a month's scorecards are published after appeals.
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
from supervision.models import DailyFriction, DailyReport, FrictionKind, MonthlyReport
from supervision.models.rollups import DailyVolume
from supervision.reasons import REPORT_ISSUED

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


def report_paragraphs(period: Period) -> list[str]:
    """The report's text for a day or a month (official Chinese: the document's own words, not interface strings)."""
    day = period.last
    monthly = period.first != period.last
    when = "本月" if monthly else "当日"
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
        f"现将{_label(period)}12345热线工作情况报告如下。",
        "一、受理情况",
        f"{when}受理群众诉求{now}件，{_change(now, before)}（去年同期{before}件）。"
        + (f"按渠道：{channels}。" if channels else ""),
        f"诉求较多的事项：{matters or '无'}。诉求较多的区县：{districts or '无'}。",
        "二、退单与职责争议",
        f"{when}退单{_friction(period, FrictionKind.BOUNCE)}次，"
        f"新发生职责争议{_friction(period, FrictionKind.DISPUTE)}起。"
        f"目前尚未解决的职责争议{catalogue['disputes_open']}起；累计经联席会议认定{catalogue['disputes_ruled']}起，"
        f"经领导签批{catalogue['disputes_decided_by_leader']}起。",
        "近30日相互推诿的单位环路：" + ("；".join(rings) + "。" if rings else "未发现。"),
        "三、督办情况",
        f"在办督办件：{tiers}。逾期未回复的督办文书{glance['letters_overdue']}件。"
        f"本年度已移送纪检监察机关{glance['referrals_sent']}件，年度目标{glance['referrals_target']}件。",
    ]


def _label(period: Period) -> str:
    if period.first != period.last:
        return f"{period.first.year}年{period.first.month}月"
    return f"{period.first.year}年{period.first.month}月{period.first.day}日"


def _report_issue(model, key: dict, *, title: str, period: Period, actor, now: dt.datetime | None):
    """Number, freeze and store the report of `key`; the PDF is rendered after commit. Idempotent per key."""
    existing = model.objects.filter(**key).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    try:
        with transaction.atomic():  # a concurrent run may store the same key first; its number then stands
            number = document_number_issue(kind=REPORT_KIND, year=today.year)
            data = LetterData(
                issuer_name=settings.MINGZE_SUPERVISION_ISSUER_NAME,
                document_number=number,
                title=title,
                addressee=settings.MINGZE_DAILY_REPORT_ADDRESSEE,
                paragraphs=tuple(report_paragraphs(period)),
                issue_date=today,
                cc=tuple(settings.MINGZE_DAILY_REPORT_CC),
            ).to_dict()
            report = save_attributed(
                model(**key, document_number=number, issued_at=now, issued_by=actor, data=data),
                actor=actor,
                reason=REPORT_ISSUED.format(number=number),
            )
    except IntegrityError:
        return model.objects.get(**key)
    document_render_after_commit(report)
    return report


@transaction.atomic
def daily_report_issue(*, day: dt.date, actor=None, now: dt.datetime | None = None) -> DailyReport:
    """The daily work report of `day`, issued once."""
    period = Period(day, day)
    return _report_issue(
        DailyReport, {"day": day}, title=f"12345热线工作日报（{_label(period)}）", period=period, actor=actor, now=now
    )


@transaction.atomic
def monthly_report_issue(*, month: dt.date, actor=None, now: dt.datetime | None = None) -> MonthlyReport:
    """The monthly work bulletin of the month holding `month`, issued once."""
    first = month.replace(day=1)
    period = Period(first, (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1))
    return _report_issue(
        MonthlyReport,
        {"month": first},
        title=f"12345热线工作月度通报（{_label(period)}）",
        period=period,
        actor=actor,
        now=now,
    )


def monthly_report_issue_last_month() -> MonthlyReport:
    return monthly_report_issue(month=timezone.localdate().replace(day=1) - dt.timedelta(days=1))


def daily_report_issue_yesterday() -> DailyReport:
    return daily_report_issue(day=timezone.localdate() - dt.timedelta(days=1))
