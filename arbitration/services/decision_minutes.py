"""The frozen minutes (纪要) of rulings, leader decisions and agreements: what their PDFs show, built once.

A 公文 is written in Chinese whatever the reader's interface language, so these texts are not translated. Each
document is dated by the moment it was decided (the item closed, the leader signed, the parties agreed), never by
when its PDF happens to be rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from arbitration.choices import RulingScope
from arbitration.documents.render import MinutesData
from arbitration.models import Department, Dispute, Territory, Ticket

# The scope as the document words it.
SCOPE_WORDS = {
    RulingScope.TICKET: "仅限本工单",
    RulingScope.COMMUNITY: "本社区同类事项",
    RulingScope.STREET: "本街道同类事项",
    RulingScope.DISTRICT: "本区同类事项",
    RulingScope.CITY: "全市同类事项",
}

Items = list[tuple[str, tuple[str, ...]]]


def date_words(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def decided_lines(
    ticket: Ticket, lead: Department, co_handlers: list[Department], scope: str, territory: Territory
) -> list[str]:
    """议定事项: lead, co-handlers, where it binds, and the ticket it was decided on."""
    return [
        f"主办单位：{lead.name}",
        f"协办单位：{'、'.join(c.name for c in co_handlers) or '无'}",
        f"适用范围：{SCOPE_WORDS[scope]}（事项：{ticket.matter.name}；属地：{territory.name}）",
        f"涉及工单：{ticket.hotline_no}（{ticket.title}）",
    ]


def decision_items(decided: list[str], reasons: str, basis: str, tally: Sequence[str] = ()) -> Items:
    """The numbered sections of a ruling or leader decision."""
    items = [("一、议定事项", tuple(decided)), ("二、认定理由", (reasons,)), ("三、依据", (basis,))]
    if tally:
        items.append(("四、表决情况", tuple(tally)))
    return items


def tally_lines(result: dict) -> list[str]:
    """表决情况 from an item's frozen result: the count, the chair's casting vote if any, then every named vote."""
    lines = [
        f"应参加表决{result['base']}席（回避{len(result['recused'])}席），实际表决{result['cast']}票，"
        f"其中弃权{result['abstentions']}票；法定人数{result['quorum_required']}票，"
        f"{'已达到' if result['quorum_met'] else '未达到'}；过半数所需{result['majority_required']}票。",
        "计票：" + "；".join(f"{c['department']}{c['votes']}票" for c in result["counts"]) + "。",
    ]
    casting = result.get("casting_vote")
    if casting:
        lines.append(
            f"{'、'.join(casting['tied'])}得票相等，会议主持人{casting['chair']}依议事规则行使决定票，"
            f"确定{casting['department']}为主办单位。"
        )
    lines += [f"{v['member']}（{v['seat']}）：{v['lead'] or '弃权'}。{v['reason']}" for v in result["votes"]]
    return lines


def minutes_data(
    *,
    dispute: Dispute,
    issuer_name: str,
    number: str,
    title: str,
    meeting_line: str,
    items: Items,
    decided_at: dt.datetime,
    present: Sequence[str],
    absent: Sequence[str] = (),
    attending: Sequence[str] = (),
    mark: str = "",
) -> dict:
    """The minutes as stored JSON, copied to every party (抄送)."""
    data = MinutesData(
        issuer_name=issuer_name,
        document_number=number,
        title=title,
        meeting_line=meeting_line,
        present=tuple(present),
        absent=tuple(absent),
        attending=tuple(attending),
        items=tuple(items),
        issue_date=timezone.localtime(decided_at).date(),
        cc=tuple(d.name for d in dispute.parties.all()),
        mark=mark,
    )
    return data.to_dict()
