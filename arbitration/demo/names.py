"""Word lists for the fictional city 明州市: places, roads, housing estates and people's names.

Every name is composed from these lists with the demo's seeded rng, so the same seed gives the same city.
"""

from __future__ import annotations

import random

PROVINCE_CODE = "37"  # Shandong: the only real GB/T 2260 code in the demo (docs/domain.md §8)
CITY_CODE = "378500"  # fictional: no prefecture of Shandong uses 3785
CITY_NAME = "明州市"
CITY_SHORT = "明州"

# (code suffix, name, kind, number of streets). Districts use 02–09, development zones 71–73 (GB/T 2260 habit).
DISTRICTS = [
    ("02", "东湖区", "district", 13),
    ("03", "西山区", "district", 12),
    ("04", "南城区", "district", 12),
    ("05", "北关区", "district", 11),
    ("06", "临江区", "district", 11),
    ("07", "青石区", "district", 10),
    ("08", "凤鸣区", "district", 10),
    ("71", "明州高新技术产业开发区", "zone", 8),
    ("72", "明州经济技术开发区", "zone", 7),
    ("73", "明州港综合保税区", "zone", 6),
]
ZONE_GOVERNMENT_NAMES = {
    "明州高新技术产业开发区": "明州高新技术产业开发区管理委员会",
    "明州经济技术开发区": "明州经济技术开发区管理委员会",
    "明州港综合保税区": "明州港综合保税区管理委员会",
}

# Street and community names: a first character and a second one, then the suffix.
PLACE_FIRST = list(
    "湖柳松桂梅兰竹荷桃杏枫槐杨榆樟柏云霞星月泉溪涧潭塘湾洲渚岚峰岭坡川原田园"
    "安康宁和平泰丰华兴盛昌隆瑞祥福嘉顺永长新文明德仁义礼智信崇尚聚贤"
)
PLACE_SECOND = list("滨岸前后东西南北苑庄桥门湾口亭台阁坊里港城林山水塘源溪洲园湖")
STREET_SUFFIXES = ["街道"] * 5 + ["镇"]
COMMUNITY_SUFFIXES = ["社区"] * 4 + ["村"]

ROAD_FIRST = [
    "明湖",
    "明州",
    "东湖",
    "西山",
    "南城",
    "北关",
    "临江",
    "青石",
    "凤鸣",
    "人民",
    "解放",
    "建设",
    "和平",
    "友谊",
    "光明",
    "新华",
    "中山",
    "长江",
    "黄河",
    "泰山",
    "滨河",
    "环城",
    "翠微",
    "金桂",
    "银杏",
    "玉兰",
    "文化",
    "体育",
    "科技",
    "创业",
    "高新",
    "港湾",
    "海晏",
    "朝阳",
    "振兴",
    "兴业",
    "富民",
    "太平",
    "永安",
]
ROAD_SUFFIXES = ["路", "路", "路", "街", "大道", "巷"]
ROAD_DIRECTIONS = ["", "", "", "东", "西", "南", "北", "中"]

ESTATE_FIRST = [
    "翠苑",
    "锦绣",
    "阳光",
    "华府",
    "御景",
    "金域",
    "碧水",
    "蓝湾",
    "书香",
    "怡和",
    "紫荆",
    "桂花",
    "丽景",
    "馨园",
    "康乐",
    "幸福",
    "和谐",
    "世纪",
    "时代",
    "滨江",
    "湖畔",
    "山水",
    "花园",
    "新村",
    "嘉园",
    "雅居",
    "春晓",
    "秋实",
    "百合",
    "香榭",
    "龙湖",
    "明珠",
    "星河",
    "银座",
    "东方",
    "凤凰",
    "朝晖",
    "望湖",
    "澜庭",
]
ESTATE_SUFFIXES = ["小区", "小区", "花园", "家园", "苑", "公寓", "新村", "里"]
SHOP_KINDS = [
    "烧烤店",
    "小吃店",
    "超市",
    "五金店",
    "洗车店",
    "修车铺",
    "KTV",
    "火锅店",
    "奶茶店",
    "水果店",
    "理发店",
    "快递驿站",
    "早餐店",
    "棋牌室",
    "装修公司",
    "健身房",
    "培训机构",
    "药店",
]
LANDMARKS = [
    "菜市场",
    "公交站",
    "学校门口",
    "地铁站出口",
    "公园南门",
    "十字路口",
    "桥下",
    "广场",
    "医院门口",
    "商场后门",
    "农贸市场",
    "幼儿园门口",
    "停车场",
    "体育馆",
    "图书馆",
]

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志新文斌辉海波宁晓东雪梅琳颖慧婷欣宇浩然"
    "子涵博文思远佳怡梓萱一鸣俊杰雨桐欣怡子轩浩宇诗琪晨曦嘉豪家乐淑珍国强德胜春燕秋菊冬梅永红振华立新"
)

# Mobile number prefixes of the three carriers (all valid 11-digit CN mobile numbers).
PHONE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def unique_place_names(rng: random.Random, count: int, suffixes: list[str], taken: set[str]) -> list[str]:
    """`count` two-character place names with a suffix, none already in `taken` (which grows)."""
    names: list[str] = []
    while len(names) < count:
        first, second = rng.choice(PLACE_FIRST), rng.choice(PLACE_SECOND)
        if first == second:
            continue
        name = f"{first}{second}{rng.choice(suffixes)}"
        stem = name[:2]
        if stem in taken:
            continue
        taken.add(stem)  # stems stay unique, so 柳岸街道 and 柳岸社区 never both exist
        names.append(name)
    return names


def road_names(rng: random.Random, count: int) -> list[str]:
    roads: set[str] = set()
    while len(roads) < count:
        roads.add(f"{rng.choice(ROAD_FIRST)}{rng.choice(ROAD_DIRECTIONS)}{rng.choice(ROAD_SUFFIXES)}")
    return sorted(roads)


def estate_names(rng: random.Random, count: int) -> list[str]:
    estates: set[str] = set()
    while len(estates) < count:
        estates.add(f"{rng.choice(ESTATE_FIRST)}{rng.choice(ESTATE_SUFFIXES)}")
    return sorted(estates)
