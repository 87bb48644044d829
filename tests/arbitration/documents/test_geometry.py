"""Every kind of document Mingze issues, rendered from realistic text full of punctuation and measured from the PDF
with pdfplumber against GB/T 9704-2012 (docs/domain.md §7, docs/layout.md): the text block and its margins, 22 lines of
28 characters, the red issuer mark and rules, 避头尾 at every line, and no glyph outside the block.

The documents are measured as their render functions return them: the verification stamp merged later onto the
last page's bottom margin is not part of this layout.
"""

import datetime
import itertools
from collections import Counter
from decimal import Decimal

import pytest
from django.utils import translation

from arbitration.documents import layout
from arbitration.documents.linebreak import CANNOT_END, CANNOT_START
from arbitration.documents.render import LetterData, MinutesData, render_letter, render_minutes
from arbitration.models import Department
from arbitration.services.decision_minutes import decision_items, tally_lines
from supervision.dossier.render import render_dossier
from supervision.models import Scorecard, ScorePeriod
from supervision.services.bulletins import bulletin_paragraphs

from .geometry import (
    BLOCK_BOTTOM,
    BLOCK_LEFT,
    BLOCK_RIGHT,
    BLOCK_TOP,
    EPSILON,
    MM,
    centre,
    full_pages,
    lower_edge,
    read,
    upper_edge,
)

ISSUER = "明州市12345政务服务便民热线管理办公室"
CONFERENCE = "明州市12345热线职责争议联席会议"
DAY = datetime.date(2026, 3, 5)

# Real sentences of the kind the letters carry, with every mark the rule is about: ，。、；：？！（）《》“”‘’——……
SENTENCES = (
    "你单位承办的12345热线工单（编号：MZ20260301001）反映：海曙区中山西路88号附近夜间占道经营、油烟扰民，"
    "群众先后来电7次，情绪较为激动——“已经投诉了两个月，问题一直没有解决！”",
    "该工单已超过办理时限（2026年3月2日）仍未办结，且两次以“非本单位职责”为由退回……经核查，根据《明州市12345"
    "热线工单办理督办办法》第十二条、第十四条的规定，现予督办。",
    "请你单位高度重视，于5个工作日内核实情况、依法处置；确有困难的，应当说明理由：是否已落实属地责任？"
    "是否已与市场监管、生态环境等部门会商？",
    "群众反映的‘噪声扰民’‘油烟直排’等问题，经现场核查属实；相关经营者已被约谈，但整改措施尚未落实到位（见附件）。",
)
OPENERS = ("", "经查，", "另据了解，", "此外，", "同时，", "据群众反映，", "对此，", "为此，")


def paragraphs(count: int) -> tuple[str, ...]:
    """`count` paragraphs whose openings shift the marks to every position of a line."""
    return tuple(
        OPENERS[n % len(OPENERS)] + "".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3)) for n in range(count)
    )


def letter(title: str, addressee: str, body: tuple[str, ...], **extra) -> bytes:
    return render_letter(
        LetterData(
            issuer_name=ISSUER,
            title=title,
            addressee=addressee,
            paragraphs=body,
            issue_date=DAY,
            **{"document_number": "明责督〔2026〕12号", "contact": "联系人：王明，电话：0574-87654321"} | extra,
        )
    )


def escalation() -> bytes:
    return letter("关于督促办理12345热线工单的督办函", "市城市管理局", paragraphs(12), attachments=("工单详情",))


def reminder() -> bytes:
    body = tuple(f"{n}. 工单MZ2026030100{n}：{text}" for n, text in enumerate(paragraphs(6), start=1))
    return letter("关于催办12345热线工单的通知", "市市场监管局", body, document_number="明责催〔2026〕8号")


def interview() -> bytes:
    body = (
        *paragraphs(6),
        "约谈时间：2026年3月10日（星期二）上午9:30；地点：市政务服务中心三楼第二会议室。",
        "参加人员：你单位主要负责同志、分管负责同志及承办科室负责人（不得委托他人参加）。",
        "请携带：整改方案、问题清单及整改台账（纸质版一式三份）。",
    )
    return letter("关于约谈市城市管理局主要负责同志的通知", "市城市管理局", body, document_number="明责谈〔2026〕1号")


def warning() -> bytes:
    body = ("一、预警事项。", *paragraphs(5), "二、工作要求。", "（一）立即核实。", *paragraphs(6))
    return letter("关于海曙区占道经营问题的预警函", "海曙区人民政府", body, document_number="明责警〔2026〕3号")


def discipline_referral() -> bytes:
    body = (*paragraphs(9), "现将有关材料移送你委，请依规依纪处理，并将处理结果反馈我办。")
    return letter("关于移送12345热线工单办理问题线索的函", "市纪委监委", body, document_number="明责移〔2026〕1号")


def legal_handoff() -> bytes:
    body = (
        "12345热线工单MZ20260301001（2026年3月1日受理）：诉求人反映劳动报酬被拖欠。",
        *(f"经本热线法律专席律师审查：{text}" for text in paragraphs(6)),
        "根据12345热线诉求分类处置的有关规定（国办函〔2025〕66号），该诉求宜通过劳动仲裁途径解决，现移送贵单位依法处理。",
        "请贵单位收到本函后予以回执，并将处理结果书面反馈我办。",
    )
    return letter(
        "关于移送12345热线诉求的函",
        "明州市劳动人事争议仲裁院",
        body,
        document_number="明责法〔2026〕7号",
        attachments=("12345热线工单（MZ20260301001）",),
        contact="法律专席 李律师",
    )


def procuratorate_referral() -> bytes:
    body = (
        "我办在12345热线工单筛查中发现一条可能涉及生态环境和资源保护领域公益诉讼的线索，依据《中华人民共和国"
        "民事诉讼法》第五十八条，现移送贵院。",
        "一、线索来源",
        *paragraphs(4),
        "二、涉及主体及地点",
        "涉及单位及当事人：明州市某化工有限公司；地点：海曙区古林镇工业区。",
        "三、损害事实",
        *paragraphs(4),
        "五、证据材料",
        "1. 12345热线工单记录；2. 现场照片（共12张）；3. 监测报告。",
        "请贵院收到本函后予以回执，并于每月末反馈办理情况（立案、发出检察建议、提起诉讼或不予立案及理由）。",
    )
    return letter(
        "关于移送公益诉讼线索的函",
        "明州市人民检察院",
        body,
        document_number="明责公〔2026〕2号",
        attachments=("12345热线工单（MZ20260301001）", "12345热线工单（MZ20260301002）"),
    )


def bulletin() -> bytes:
    period = ScorePeriod(period_kind="month", period_start=DAY.replace(day=1), period_end=DAY.replace(month=4, day=1))
    names = ("市城市管理局", "市市场监管局", "市生态环境局", "市住房和城乡建设局", "市交通运输局", "市水务集团")
    cards = [
        Scorecard(
            department=Department(name=name, code=f"D{n}"),
            group="bureau",
            rank=n,
            tickets=100 + n,
            service_index=Decimal("95.5") - n,
            response_rate=Decimal("1") if n == 1 else Decimal("0.9") - Decimal(n) / 100,
            on_time_rate=Decimal("1") if n == 1 else Decimal("0.85"),
            feedback_rate=Decimal("1") if n == 1 else Decimal("0.92"),
            satisfaction_rate=Decimal("1") if n == 1 else Decimal("0.8"),
            in_bottom=n > 3,
        )
        for n, name in enumerate(names, start=1)
    ]
    with translation.override("zh-hans"):
        body = tuple(bulletin_paragraphs(period, cards)) + paragraphs(8)
    return letter(
        "关于2026年3月12345热线承办单位办理情况的通报", "各承办单位", body, document_number="明责通〔2026〕3号"
    )


def minutes(**changes) -> bytes:
    result = {
        "base": 5,
        "recused": ["市城市管理局"],
        "cast": 4,
        "abstentions": 1,
        "quorum_required": 3,
        "quorum_met": True,
        "majority_required": 3,
        "counts": [{"department": "海曙区人民政府", "votes": 3}],
        "votes": [
            {"member": "张三", "seat": "市交通运输局", "lead": "海曙区人民政府", "reason": text}
            for text in paragraphs(3)
        ],
    }
    items = decision_items(
        [
            "主办单位：海曙区人民政府",
            "协办单位：市城市管理局、市市场监管局",
            "适用范围：本区同类事项（事项：占道经营）",
        ],
        "".join(paragraphs(2)),
        "《明州市12345热线职责争议处理办法》第八条、第九条；《城市市容和环境卫生管理条例》第十四条。",
        tally_lines(result),
    )
    values = {
        "issuer_name": CONFERENCE,
        "document_number": "明责认〔2026〕3号",
        "title": "关于“占道经营”职责归属的认定书",
        "meeting_line": "2026年3月5日，2026年第3次联席会议召开，市12345热线管理办公室主任主持，现将议定事项纪要如下：",
        "present": ("市城市管理局张三", "海曙区人民政府王五", "市市场监管局赵六", "市生态环境局钱七"),
        "absent": ("市交通运输局孙八（出差）",),
        "attending": ("法律顾问吴十", "海曙区古林镇人民政府周九"),
        "items": tuple(items),
        "issue_date": DAY,
        "cc": ("市政府办公室", "海曙区人民政府", "市城市管理局"),
    }
    return render_minutes(MinutesData(**(values | changes)))


def leader_decision() -> bytes:
    return minutes(
        issuer_name=ISSUER,
        mark=f"{ISSUER}签批单",
        document_number="明责签〔2026〕2号",
        title="关于“占道经营”职责归属的签批决定",
        meeting_line="联席会议两次表决未形成多数意见，按议事规则报请市政府分管副市长签批，现将签批意见印发如下：",
    )


def agreement() -> bytes:
    return minutes(
        issuer_name=ISSUER,
        mark=f"{ISSUER}协商工作纪要",
        document_number="明责协〔2026〕4号",
        title="关于“占道经营”职责归属的协商纪要",
        meeting_line="2026年3月4日，市12345热线管理办公室组织争议各方协商，达成一致意见，现纪要如下：",
    )


def dossier() -> bytes:
    timeline = [
        f"{n}. 2026-03-0{n % 9 + 1} 09:3{n % 10} 【MZ2026030100{n % 3 + 1}】工单：已派单→已答复（市城市管理局，张三）"
        f"理由：{SENTENCES[n % len(SENTENCES)]}"
        for n in range(1, 25)
    ]
    data = {
        "title": "关于工单MZ20260301001等3件同一诉求问题的移送卷宗",
        "reason": "移送事由：久拖不决。" + "".join(paragraphs(2)),
        "rule": "同一诉求问题经三级督办仍未解决的，移送纪检监察机关（《明州市12345热线工单办理督办办法》第二十条）。",
        "tickets": ["MZ20260301001", "MZ20260301002", "MZ20260301003"],
        "facts": list(paragraphs(3)),
        "ladder": [
            "1. 2026年3月2日 催办（市城市管理局）：逾期未答复。",
            "2. 2026年3月4日 督办函（明责督〔2026〕12号）。",
        ],
        "timeline": timeline,
        "letters": [
            {
                "kind": "督办函",
                "number": "明责督〔2026〕12号",
                "issued_on": "2026年3月4日",
                "description": "致市城市管理局",
                "sha256": "9f2c" * 16,
            }
        ],
        "rulings": [],
        "departments": ["市城市管理局（主办，退回2次）", "海曙区人民政府（协办）"],
        "people": ["张三", "李四", "王五"],
        "built_at": "2026-03-05T10:00:00+08:00",
        "document_number": "明责移〔2026〕1号",
    }
    return render_dossier(data)


LETTERS = {
    "reminder": reminder,
    "escalation": escalation,
    "warning": warning,
    "interview": interview,
    "discipline_referral": discipline_referral,
    "legal_handoff": legal_handoff,
    "procuratorate_referral": procuratorate_referral,
    "bulletin": bulletin,
}
OFFICIAL = {"ruling": minutes, "leader_decision": leader_decision, "agreement": agreement, "dossier": dossier}
KINDS = LETTERS | OFFICIAL


@pytest.fixture(scope="module")
def rendered(django_db_blocker):
    cache: dict = {}

    def get(kind: str):
        if kind not in cache:
            cache[kind] = read(KINDS[kind]())
        return cache[kind]

    return get


@pytest.mark.parametrize("kind", KINDS)
def test_a_full_page_fills_the_text_block_with_22_lines(rendered, kind):
    document = rendered(kind)
    pages = full_pages(document)
    assert pages, "the sample must run past two pages"

    for page in pages:
        lines = document.body(page)
        baselines = [document.pages[page].height - line.baseline for line in lines]  # from the top
        assert len(lines) == layout.LINES_PER_PAGE, [line.text for line in lines]
        assert baselines[0] == pytest.approx(BLOCK_TOP + layout.BODY_SIZE, abs=0.1)  # the first line hangs at 37 mm
        assert all(b - a == pytest.approx(layout.LINE, abs=0.05) for a, b in itertools.pairwise(baselines))
        assert BLOCK_BOTTOM - layout.LINE < lines[-1].bottom <= BLOCK_BOTTOM  # the 22nd line ends the block


@pytest.mark.parametrize("kind", KINDS)
def test_margins_are_those_of_the_standard(rendered, kind):
    document = rendered(kind)
    lines = [line for page in full_pages(document) for line in document.body(page)]
    width = document.pages[0].width

    assert (width, document.pages[0].height) == pytest.approx((595.28, 841.89), abs=0.01)
    assert min(line.x0 for line in lines) / MM == pytest.approx(28, abs=0.01)  # binding edge 28 mm
    assert (width - max(line.x1 for line in lines)) / MM == pytest.approx(26, abs=1)  # right 26 ± 1 mm
    assert min(line.top for line in lines) / MM == pytest.approx(37, abs=1)  # top 37 ± 1 mm
    assert (document.pages[0].height - max(line.bottom for line in lines)) / MM == pytest.approx(35, abs=5)


@pytest.mark.parametrize("kind", KINDS)
def test_a_full_line_holds_28_characters_and_never_more(rendered, kind):
    document = rendered(kind)
    counts = Counter(
        len(line.text)
        for line in document.all_body()
        if line.full_width_only and line.size == layout.BODY_SIZE and abs(line.x0 - BLOCK_LEFT) < EPSILON
    )

    assert max(counts) == layout.CHARS_PER_LINE, counts


@pytest.mark.parametrize("kind", KINDS)
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(rendered, kind):
    document = rendered(kind)
    lines = document.all_body()

    assert [line.text for line in lines if line.text[0] in CANNOT_START] == []
    assert [line.text for line in lines if line.text[-1] in CANNOT_END] == []


@pytest.mark.parametrize("kind", KINDS)
def test_no_glyph_lies_outside_the_text_block(rendered, kind):
    document = rendered(kind)
    outside = [
        (line.page, char["text"], round(char["x0"], 2), round(char["x1"], 2), round(char["top"], 2))
        for line in document.all_body()
        for char in line.chars
        if char["x0"] < BLOCK_LEFT - EPSILON
        or char["x1"] > BLOCK_RIGHT + EPSILON
        or char["top"] < BLOCK_TOP - EPSILON
        or char["bottom"] > BLOCK_BOTTOM + EPSILON
    ]

    assert outside == []


@pytest.mark.parametrize("kind", LETTERS)
def test_the_letter_mark_sits_30_mm_from_the_top_over_red_double_rules_of_170_mm(rendered, kind):
    document = rendered(kind)
    [mark] = document.red_lines(0)
    rules = sorted(document.red_rules(0), key=lambda rule: rule["top"])

    assert mark.text == ISSUER
    assert mark.top / MM == pytest.approx(30, abs=0.1)
    assert centre(mark) == pytest.approx((BLOCK_LEFT + BLOCK_RIGHT) / 2, abs=0.5)
    assert all("UMing" in char["fontname"] for char in mark.chars)  # the 小标宋 role
    assert len(rules) == 4
    assert all((rule["x1"] - rule["x0"]) / MM == pytest.approx(170, abs=0.05) for rule in rules)
    assert all(centre(rule) == pytest.approx((BLOCK_LEFT + BLOCK_RIGHT) / 2, abs=0.05) for rule in rules)
    head, foot = rules[:2], rules[2:]
    assert (upper_edge(head[0]) - mark.bottom) / MM == pytest.approx(4, abs=0.05)  # 4 mm under the mark
    assert [rule["linewidth"] for rule in head] == [1.5, 0.5]  # thick over thin
    assert [rule["linewidth"] for rule in foot] == [0.5, 1.5]  # thin over thick
    assert (document.pages[0].height - lower_edge(foot[-1])) / MM == pytest.approx(20, abs=0.05)  # 20 mm up
    assert all(document.red_rules(page) == [] and document.red_lines(page) == [] for page in full_pages(document))


@pytest.mark.parametrize("kind", OFFICIAL)
def test_the_official_mark_sits_35_mm_under_the_text_block_top_with_the_red_separator_under_the_number(rendered, kind):
    document = rendered(kind)
    [mark] = document.red_lines(0)
    number = document.body(0)[0]
    [rule] = document.red_rules(0)

    assert mark.top / MM == pytest.approx(37 + 35, abs=0.1)
    assert centre(mark) == pytest.approx((BLOCK_LEFT + BLOCK_RIGHT) / 2, abs=0.5)
    assert mark.x0 >= BLOCK_LEFT - EPSILON and mark.x1 <= BLOCK_RIGHT + EPSILON
    assert number.text.endswith("号") and "〔2026〕" in number.text
    assert centre(number) == pytest.approx((BLOCK_LEFT + BLOCK_RIGHT) / 2, abs=0.5)
    assert number.top - mark.bottom == pytest.approx(2 * layout.LINE, abs=3)  # two blank lines between
    assert (rule["x0"], rule["x1"]) == pytest.approx((BLOCK_LEFT, BLOCK_RIGHT), abs=0.05)  # as wide as the block
    assert (upper_edge(rule) - number.bottom) / MM == pytest.approx(4, abs=0.05)  # 4 mm under the number
    assert all(document.red_rules(page) == [] and document.red_lines(page) == [] for page in full_pages(document))
