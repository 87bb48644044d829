"""The legal desk's part of `seed_demo`: cases with advice and a hand-off, and a month that screening mines.

Runs from the `demo_seeded` signal, after arbitration built the city and its tickets (legal-type tickets
already became cases through `ticket_received`). Every random choice comes from the seeded `rng`.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_noop

from arbitration.choices import RequestType, Resolution, Role, Satisfaction
from arbitration.models import Duty, Matter
from arbitration.services.tickets import TicketIntake, ticket_receive
from legal.choices import CaseStatus, LegalRoute, ScreeningTrigger
from legal.models import HandoffBody, LegalCase, PublicInterestDomain
from legal.services import cases, handoffs, leads, screening
from legal.services.screening import DomainMatcher
from legal.tasks import month_bounds

ADVICE = [
    (
        "用人单位拒签书面劳动合同并辞退，如何维权",
        LegalRoute.ARBITRATION,
        "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍工资；"
        "违法解除劳动合同的，应当支付赔偿金。劳动争议应先申请劳动仲裁。",
        [
            {"law": "中华人民共和国劳动合同法", "article": "第八十二条"},
            {"law": "中华人民共和国劳动争议调解仲裁法", "article": "第五条"},
        ],
        "您的情况属于劳动争议，建议携带劳动关系证明材料向劳动人事争议仲裁委员会申请仲裁，可拨打12348咨询。",
    ),
    (
        "网购商品与描述不符，商家拒绝退货",
        LegalRoute.MEDIATION,
        "经营者提供的商品不符合约定的，消费者可以要求退货；网络购物享有七日无理由退货权利。",
        [
            {"law": "中华人民共和国消费者权益保护法", "article": "第二十四条"},
            {"law": "中华人民共和国消费者权益保护法", "article": "第二十五条"},
        ],
        "建议先与商家协商，协商不成可向消费者协会申请调解，或向人民法院起诉。",
    ),
    (
        "出借款项对方拒不归还",
        LegalRoute.LAWSUIT,
        "借款人应当按照约定的期限返还借款；诉讼时效期间为三年。",
        [
            {"law": "中华人民共和国民法典", "article": "第六百七十五条"},
            {"law": "中华人民共和国民法典", "article": "第一百八十八条"},
        ],
        "属于民间借贷纠纷，建议保留借条、转账记录等证据，向有管辖权的人民法院起诉。",
    ),
]
POLLUTION_TEXTS = [
    ("化工厂夜间排放刺鼻废气", "{place}的明州瑞丰化工有限公司每天夜里排放刺鼻废气，附近居民无法开窗。"),
    ("废气扰民持续未解决", "{place}明州瑞丰化工有限公司又在夜间排气，之前反映过没有效果。"),
    ("企业偷排废气", "{place}明州瑞丰化工有限公司晚上十点后偷排废气，气味很重，老人孩子咳嗽。"),
    ("夜间废气污染", "{place}附近的明州瑞丰化工有限公司排放废气，已多次反映仍在继续。"),
]


def legal_demo_seed(*, context, rng, stdout, **kwargs) -> None:
    lead_user = context.users_with_role(Role.LEGAL_DESK_LEAD)[0]
    lawyers = context.users_with_role(Role.LAWYER)
    _legal_tickets(context, rng)
    advised = _cases(lead_user, lawyers, rng)
    proposed, handed = _screening_month(context, rng, lead_user)
    stdout.write(
        f"legal desk: {LegalCase.objects.count()} cases, {advised} with advice, 1 hand-off; "
        f"screening proposed {proposed} leads, {handed} handed to the procuratorate"
    )


LEGAL_TICKETS = [
    ("公司拒签劳动合同后辞退", "入职半年公司一直不签劳动合同，现在无故辞退，不给补偿。"),
    ("网购退货被拒", "网购的电器与描述不符，商家拒绝七天无理由退货。"),
    ("借款不还", "去年借给朋友五万元，有借条，对方一直拖着不还。"),
    ("物业费纠纷被起诉", "物业服务不到位，业主拒交物业费，物业公司说要起诉。"),
    ("押金不退", "租房到期搬走，房东以各种理由不退押金。"),
    ("加班费纠纷", "公司长期安排加班却不支付加班费。"),
]


def _legal_tickets(context, rng) -> None:
    """A small demo has few legal-type tickets by chance: top the desk up so every page has something."""
    missing = 9 - LegalCase.objects.filter(status=CaseStatus.OPEN).count()
    matters = list(Matter.objects.filter(legal_type=True).order_by("code"))
    if missing <= 0 or not matters:
        return
    now = timezone.now()
    for index in range(missing):
        title, content = LEGAL_TICKETS[index % len(LEGAL_TICKETS)]
        community = context.city.communities[rng.randrange(len(context.city.communities))]
        fields = {
            "received_at": now - dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8)),
            "request_type": RequestType.HELP,
            "matter_id": matters[rng.randrange(len(matters))].pk,
            "territory_id": community.pk,
            "address": f"{community.name}{rng.randint(1, 30)}号楼",
            "title": title,
            "content": content,
            "citizen_name": "市民" + "甲乙丙丁戊己庚辛壬"[index % 9],
            "citizen_phone": f"137{rng.randint(10000000, 99999999)}",
        }
        ticket_receive(
            intake=TicketIntake(hotline_no=f"DEMO-FL-{context.seed}-{index + 1}", fields=fields),
            actor=context.admin,
            reason=context.reason,
        )


def _cases(lead_user, lawyers, rng) -> int:
    waiting = list(LegalCase.objects.filter(status=CaseStatus.OPEN).select_related("ticket").order_by("pk")[:12])
    advised = 0
    # The last waiting case stays with the desk lead, to assign in the README's tour.
    for index, case in enumerate(waiting[: min(9, len(waiting) - 1)]):
        lawyer = lawyers[index % len(lawyers)]
        cases.legal_case_assign(case_id=case.pk, lawyer_id=lawyer.pk, actor=lead_user, reason=gettext_noop("demo rota"))
        if index >= 6:
            continue  # a few stay assigned without advice, as on a real desk
        cases.conflict_declare(
            case_id=case.pk, actor=lawyer, has_conflict=False, statement="本人与本案当事人无利害关系。"
        )
        question, route, analysis, authorities, reply = ADVICE[rng.randrange(len(ADVICE))]
        advice = cases.advice_create(
            case_id=case.pk,
            actor=lawyer,
            question=question,
            analysis=analysis,
            authorities=authorities,
            route=route,
            reply_text=reply,
        )
        advised += 1
        if index == 0:
            cases.advice_revise(
                advice_id=advice.pk, actor=lawyer, reason="补充证据提示", reply_text=f"{reply}请注意保留书面证据。"
            )
            body = HandoffBody.objects.filter(kind="arbitration_commission").first() or HandoffBody.objects.first()
            handoffs.handoff_issue(
                case_id=case.pk,
                body_id=body.pk,
                actor=lawyer,
                summary="该诉求属于平等主体之间的民事纠纷，当事人可依法申请仲裁解决。",
            )
    return advised


def _pollution_matter() -> Matter | None:
    ecology = PublicInterestDomain.objects.filter(code="ecology").prefetch_related("matters")
    matcher = DomainMatcher(list(ecology))
    for matter in Matter.objects.filter(level=3).order_by("code"):
        if matcher.domain_for(matter) is not None:
            return matter
    return None


def _screening_month(context, rng, lead_user) -> tuple[int, int]:
    """Last month gets a cluster of repeated pollution complaints at one place; screening proposes the lead."""
    matter = _pollution_matter()
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    start, end = month_bounds(first.year, first.month)
    if matter is not None:
        community = context.city.communities[rng.randrange(len(context.city.communities))]
        duty = Duty.objects.filter(matter=matter).first()
        address = f"工业园路{rng.randint(1, 200)}号"
        for index, (title, text) in enumerate(POLLUTION_TEXTS):
            received = start + dt.timedelta(days=3 + index * 6, hours=21)
            fields = {
                "received_at": received,
                "dispatched_at": received,
                "request_type": RequestType.COMPLAINT,
                "matter_id": matter.pk,
                "territory_id": community.pk,
                "address": address,
                "title": title,
                "content": text.format(place=f"{community.name}{address}"),
                "citizen_name": "居民" + "甲乙丙丁"[index],
                "citizen_phone": f"139{rng.randint(10000000, 99999999)}",
                "resolution": Resolution.UNRESOLVED,
                "satisfaction": Satisfaction.DISSATISFIED,
                "result": "已转交属地街道核查，企业称已整改。",
            }
            ticket_receive(
                intake=TicketIntake(
                    hotline_no=f"DEMO-GY-{first:%Y%m}-{index + 1}",
                    fields=fields,
                    dispatched_to_id=duty.department_id if duty else None,
                ),
                actor=context.admin,
                reason=context.reason,
            )
    run = screening.screening_run(period_start=start, period_end=end, trigger=ScreeningTrigger.COMMAND, actor=lead_user)
    handed = 0
    cluster = run.leads.filter(basis="cluster").first()
    if cluster is not None and context.users_with_role(Role.PROCURATORATE_LIAISON):
        leads.lead_accept(lead_id=cluster.pk, actor=lead_user, reason="重复投诉，企业持续排污，相关部门整改未果")
        leads.lead_handoff(lead_id=cluster.pk, actor=lead_user)
        handed = 1
    return run.leads_proposed, handed
