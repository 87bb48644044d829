"""The demo city's city-level departments: bureaus, utilities and the other bodies the hotline works with.

Codes are short mnemonic data codes (what the hotline platform sends as `dispatched_to`), not identifiers.
`sectors` lists the matter codes (families or sub-families) a bureau regulates: it is copied on their tickets
(双向联办) and holds a regulator duty for them in the catalogue.
"""

from __future__ import annotations

# (code, name, regulated matter codes)
BUREAUS: list[tuple[str, str, list[str]]] = [
    ("FGW", "市发展和改革委员会", ["1101"]),
    ("JYJ", "市教育局", ["0401", "0402"]),
    ("KJJ", "市科学技术局", []),
    ("GXJ", "市工业和信息化局", ["1105"]),
    ("GAJ", "市公安局", ["1301"]),
    ("JJZ", "市公安局交通警察支队", ["0303"]),
    ("MZJ", "市民政局", ["0503"]),
    ("SFJ", "市司法局", ["1401"]),
    ("CZJ", "市财政局", []),
    ("RSJ", "市人力资源和社会保障局", ["0501", "0502"]),
    ("ZRJ", "市自然资源和规划局", ["0104"]),
    ("STJ", "市生态环境局", ["02"]),
    ("ZJJ", "市住房和城乡建设局", ["01", "1103", "1104"]),
    ("CGJ", "市城市管理局", ["08"]),
    ("JTJ", "市交通运输局", ["0301", "0302"]),
    ("SLJ", "市水利局", ["1102"]),
    ("NYJ", "市农业农村局", ["1201"]),
    ("SWJ", "市商务局", ["0601"]),
    ("WLJ", "市文化和旅游局", ["0602", "0403"]),
    ("WJW", "市卫生健康委员会", ["07"]),
    ("TJW", "市退役军人事务局", []),
    ("YJJ", "市应急管理局", ["1302"]),
    ("SJJ", "市市场监督管理局", ["09"]),
    ("TYJ", "市体育局", ["0404"]),
    ("YBJ", "市医疗保障局", ["0702"]),
    ("DSJ", "市大数据局", []),
    ("RFB", "市人民防空办公室", []),
    ("FGJ", "市住房保障和房产管理局", ["10"]),
    ("GZW", "市人民政府国有资产监督管理委员会", []),
    ("YLJ", "市园林和林业局", ["0803"]),
    ("SPJ", "市行政审批服务局", []),
    ("TJJ", "市统计局", []),
    ("YCJ", "市烟草专卖局", []),
    ("TAX", "国家税务总局明州市税务局", []),
    ("YZJ", "市邮政管理局", []),
    ("TXB", "市通信发展管理办公室", ["1105"]),
    ("QXJ", "市气象局", []),
    ("GJJ", "市住房公积金管理中心", []),
    ("XFZ", "市消防救援支队", []),
    ("CLH", "市残疾人联合会", []),
    ("ZGH", "市总工会", []),
    ("FLH", "市妇女联合会", []),
    ("MZW", "市民族宗教事务委员会", []),
    ("WSB", "市人民政府外事办公室", []),
    ("JGJ", "市机关事务管理局", []),
    ("LYJ", "市粮食和物资储备局", []),
    ("HBJ", "市海洋发展局", []),
    ("DZJ", "市地震局", []),
]

UTILITIES: list[tuple[str, str, list[str]]] = [
    ("SWJT", "明州水务集团有限公司", []),
    ("PSGS", "明州排水有限公司", []),
    ("GDGS", "国网明州供电公司", []),
    ("RQJT", "明州市燃气集团有限公司", []),
    ("RLJT", "明州热力集团有限公司", []),
    ("GJJT", "明州公交集团有限公司", []),
    ("DTJT", "明州地铁集团有限公司", []),
    ("HWJT", "明州环卫集团有限公司", []),
    ("YDGS", "中国移动明州分公司", []),
    ("LTGS", "中国联通明州分公司", []),
    ("DXGS", "中国电信明州分公司", []),
    ("GDWL", "明州广电网络有限公司", []),
]

# Bodies the hotline works with that do not own tickets by catalogue (kind "other").
OTHER_BODIES: list[tuple[str, str]] = [
    ("RXZX", "市12345政务服务便民热线服务中心"),
    ("JWJW", "市纪委监委"),
    ("JCY", "市人民检察院"),
    ("BB", "中共明州市委机构编制委员会办公室"),
    ("DCS", "市人民政府督查室"),
    ("FLYZ", "市法律援助中心"),
]

# Clause numbers in each department's 三定方案 are drawn from this range (printed as 第三条第（n）项).
MANDATE_ITEMS = 24
