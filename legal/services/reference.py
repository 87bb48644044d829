"""Reference data the legal desk needs: the statutory public-interest domains and the hand-off bodies."""

import datetime as dt

from django.utils.translation import gettext_noop

from arbitration.history import save_attributed
from legal.choices import BodyKind, DomainTier
from legal.models import HandoffBody, PublicInterestDomain

CIVIL_AND_ADMIN = "《中华人民共和国民事诉讼法》第五十八条；《中华人民共和国行政诉讼法》第二十五条第四款"
ADMIN_ONLY = "《中华人民共和国行政诉讼法》第二十五条第四款"

# docs/domain.md §6, "4+11+N" (2024): code, name, tier, legal basis, in force from, keywords found in matter names.
DOMAINS = [
    (
        "ecology",
        "生态环境和资源保护",
        DomainTier.CORE,
        CIVIL_AND_ADMIN,
        dt.date(2017, 7, 1),
        "污染,排污,噪声,扬尘,油烟,废气,废水,异味,河道,水体,森林,林地,耕地,矿产,野生动物,固废,秸秆",
    ),
    (
        "food_drug",
        "食品药品安全",
        DomainTier.CORE,
        CIVIL_AND_ADMIN,
        dt.date(2017, 7, 1),
        "食品,药品,餐饮,保健品,医疗器械,化妆品",
    ),
    (
        "state_assets",
        "国有财产保护",
        DomainTier.CORE,
        ADMIN_ONLY,
        dt.date(2017, 7, 1),
        "国有资产,国有财产,补贴,社保基金",
    ),
    ("land_transfer", "国有土地使用权出让", DomainTier.CORE, ADMIN_ONLY, dt.date(2017, 7, 1), "土地出让,闲置土地"),
    (
        "heroes",
        "英雄烈士保护",
        DomainTier.ADDED,
        "《中华人民共和国英雄烈士保护法》第二十五条",
        dt.date(2018, 5, 1),
        "烈士,英烈",
    ),
    (
        "minors",
        "未成年人保护",
        DomainTier.ADDED,
        "《中华人民共和国未成年人保护法》第一百零六条",
        dt.date(2021, 6, 1),
        "未成年,校园周边,网吧",
    ),
    (
        "work_safety",
        "安全生产",
        DomainTier.ADDED,
        "《中华人民共和国安全生产法》第七十四条第二款",
        dt.date(2021, 9, 1),
        "安全生产,消防隐患,危化品,燃气安全",
    ),
    (
        "personal_info",
        "个人信息保护",
        DomainTier.ADDED,
        "《中华人民共和国个人信息保护法》第七十条",
        dt.date(2021, 11, 1),
        "个人信息,信息泄露,骚扰电话",
    ),
    (
        "servicemen",
        "军人权益保障",
        DomainTier.ADDED,
        "《中华人民共和国军人地位和权益保障法》第六十二条",
        dt.date(2021, 8, 1),
        "军人,退役军人,军属",
    ),
    (
        "farm_produce",
        "农产品质量安全",
        DomainTier.ADDED,
        "《中华人民共和国农产品质量安全法》第七十九条第二款",
        dt.date(2023, 1, 1),
        "农产品,农药残留,兽药",
    ),
    (
        "anti_monopoly",
        "反垄断",
        DomainTier.ADDED,
        "《中华人民共和国反垄断法》第六十条第二款",
        dt.date(2022, 8, 1),
        "垄断",
    ),
    (
        "telecom_fraud",
        "反电信网络诈骗",
        DomainTier.ADDED,
        "《中华人民共和国反电信网络诈骗法》第四十七条",
        dt.date(2022, 12, 1),
        "电信诈骗,网络诈骗",
    ),
    (
        "women",
        "妇女权益保障",
        DomainTier.ADDED,
        "《中华人民共和国妇女权益保障法》第七十七条",
        dt.date(2023, 1, 1),
        "妇女,就业性别歧视",
    ),
    (
        "accessibility",
        "无障碍环境建设",
        DomainTier.ADDED,
        "《中华人民共和国无障碍环境建设法》第六十三条",
        dt.date(2023, 9, 1),
        "无障碍,盲道",
    ),
    (
        "heritage",
        "文物和文化遗产保护",
        DomainTier.ADDED,
        "《中华人民共和国文物保护法》第九十九条",
        dt.date(2025, 3, 1),
        "文物,古建筑,历史建筑,文化遗产",
    ),
    (
        "national_defence",
        "国防",
        DomainTier.PROPOSED,
        "《中华人民共和国检察公益诉讼法（草案）》（2025年）",
        None,
        "国防,军事设施",
    ),
]

BODIES = [
    ("明州市中级人民法院", BodyKind.COURT),
    ("明州仲裁委员会", BodyKind.ARBITRATION_COMMISSION),
    ("明州市人民调解中心", BodyKind.MEDIATION_CENTRE),
    ("明州市法律援助中心", BodyKind.LEGAL_AID_CENTRE),
    ("明州市公安局", BodyKind.POLICE),
    ("明州市司法局", BodyKind.JUSTICE_BUREAU),
    ("明州市信访局", BodyKind.PETITIONS_BUREAU),
]


def legal_reference_ensure() -> None:
    """Idempotent: creates what is missing and never overwrites an administrator's edits."""
    for ordering, (code, name, tier, basis, effective, keywords) in enumerate(DOMAINS):
        if not PublicInterestDomain.objects.filter(code=code).exists():
            save_attributed(
                PublicInterestDomain(
                    code=code,
                    name=name,
                    tier=tier,
                    legal_basis=basis,
                    effective_from=effective,
                    is_active=effective is not None,
                    matter_keywords=keywords,
                    ordering=ordering,
                ),
                actor=None,
                reason=gettext_noop("seeded from docs/domain.md §6 (4+11+N)"),
            )
    if not HandoffBody.objects.exists():
        for ordering, (name, kind) in enumerate(BODIES):
            save_attributed(
                HandoffBody(name=name, kind=kind, ordering=ordering),
                actor=None,
                reason=gettext_noop("default hand-off bodies"),
            )
