"""Reference data of the 12369 centre, as data with sources. Seeded by a migration, editable by staff.

Nothing here imports Django models, so the seeding migration and the tests can both use it.
Tags as in the reference notes: [V] seen in the text, [S] secondary source, [U] uncertain local
practice that the bureau should confirm (every [U] item is editable in the app).
"""

from __future__ import annotations

TAXONOMY_SOURCE = "生态环境部12369环保举报月度通报（2018–2020）的污染类型与子类；土壤、生态按近年通报补充 [S]"

# (code, name, [(sub-code, sub-name), …]); codes are stable, names are editable.
TAXONOMY: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "air",
        "大气污染",
        [
            ("air.industrial", "工业废气"),
            ("air.dust", "烟粉尘（含施工扬尘、锅炉）"),
            ("air.odour", "恶臭、异味"),
            ("air.cooking", "餐饮油烟"),
            ("air.burning", "露天焚烧"),
            ("air.vehicle", "机动车尾气"),
        ],
    ),
    (
        "water",
        "水污染",
        [
            ("water.industrial", "工业废水"),
            ("water.domestic", "生活污水"),
            ("water.livestock", "畜禽养殖废水"),
            ("water.black_odorous", "黑臭水体"),
            ("water.drinking", "饮用水水源"),
        ],
    ),
    (
        "noise",
        "噪声污染",
        [
            ("noise.industrial", "工业噪声"),
            ("noise.construction", "建筑施工噪声"),
            ("noise.social", "社会生活噪声"),
            ("noise.traffic", "交通运输噪声"),
        ],
    ),
    (
        "solid",
        "固体废物",
        [
            ("solid.industrial", "一般工业固体废物"),
            ("solid.hazardous", "危险废物"),
            ("solid.dumping", "非法倾倒"),
            ("solid.medical", "医疗废物"),
        ],
    ),
    (
        "radiation",
        "辐射",
        [("radiation.electromagnetic", "电磁辐射（基站、变电站）"), ("radiation.ionising", "核与电离辐射")],
    ),
    ("soil", "土壤污染", [("soil.contaminated", "污染地块")]),
    (
        "ecology",
        "生态破坏",
        [
            ("ecology.reserve", "自然保护区"),
            ("ecology.quarry", "开山采石、采砂"),
            ("ecology.vegetation", "植被破坏"),
            ("ecology.wildlife", "野生动植物"),
        ],
    ),
    ("other", "其他", [("other.project", "建设项目环评与“三同时”"), ("other.non_epb", "非环保部门职责")]),
]

# Other bodies a case may be transferred to (移送), by stable code.
AGENCIES: list[tuple[str, str]] = [
    ("chengguan", "城市管理局（城管）"),
    ("zhujian", "住房和城乡建设局"),
    ("gongan", "公安局"),
    ("jiaotong", "交通运输局"),
    ("nongye", "农业农村局"),
    ("shuili", "水利局"),
    ("ziran", "自然资源和规划局"),
    ("weijian", "卫生健康委员会"),
    ("shichang", "市场监督管理局"),
    ("hotline", "12345政府服务热线"),
]

# (pollution type code, department code, agency code, note): which division of the bureau
# handles a type, or which outside body it usually belongs to (then the case goes to the triage
# queue with that suggestion; a person decides the transfer). A sub-type's row beats its type's.
ROUTING: list[tuple[str, str, str, str]] = [
    ("air", "inspection", "", "现场调查由环境监察支队承办 [U]"),
    ("water", "inspection", "", "[U]"),
    ("noise", "inspection", "", "工业噪声由环保部门监管 [U]"),
    ("solid", "inspection", "", "[U]"),
    ("soil", "pollution", "", "[U]"),
    ("radiation", "pollution", "", "辐射环境管理由污染控制处承办 [U]"),
    ("ecology", "pollution", "", "[U]"),
    ("other.project", "approval", "", "建设项目环评、“三同时”由行政审批处承办 [U]"),
    ("other.non_epb", "", "hotline", "非环保职责：告知或移送有关部门"),
    ("air.cooking", "", "chengguan", "餐饮油烟多数城市由城管执法监管 [U]"),
    ("noise.social", "", "gongan", "社会生活噪声由公安机关处理（《噪声污染防治法》2022）[S]"),
    ("noise.traffic", "", "gongan", "交通噪声由公安交管、交通运输部门处理 [U]"),
    ("noise.construction", "", "zhujian", "建筑施工噪声的监管部门各地不一 [U]"),
]

# 不予受理 reasons: (code, label, what the reporter is told, source).
_ORDER15 = "《环保举报热线工作管理办法》（环境保护部令第15号，2010）受理分类 [S]"
DECLINE_REASONS: list[tuple[str, str, str, str]] = [
    (
        "not_epb",
        "不属于环境保护部门职责范围",
        "您反映的事项不属于环境保护部门职责范围，请向有关机关反映。",
        _ORDER15,
    ),
    (
        "legal_route",
        "已经或者依法应当通过诉讼、仲裁、行政复议等法定途径解决",
        "您反映的事项应当通过诉讼、仲裁、行政复议等法定途径解决。",
        _ORDER15,
    ),
    (
        "in_progress",
        "同一事项已受理、正在办理",
        "您反映的事项已受理并正在办理，可凭查询码或拨打12369查询办理进度和结果。",
        _ORDER15,
    ),
    (
        "appeal_route",
        "对答复不服、以同一事实和理由重复举报",
        "您对答复意见不服的，可以依法申请复查、复核。",
        _ORDER15,
    ),
    (
        "reexamined",
        "同一事项已复核终结",
        "您反映的事项已经复核终结，以同一事实和理由提出的，不再受理。",
        "《信访条例》（2005）：复核终结后不再受理 [S]",
    ),
    (
        "vague",
        "举报线索不清、无法核实",
        "您反映的线索不够具体，欢迎补充地点、时间、单位名称等信息后再次举报。",
        "生态环境部12369月度通报“线索不清”分类 [S]",
    ),
]

# Reply templates: (name, kind, type code or "", text). Placeholders: {number}, {received_date},
# {type}, {address}, {findings}. Editable by staff.
REPLY_TEMPLATES: list[tuple[str, str, str, str]] = [
    (
        "查实并责令整改",
        "complaint",
        "",
        "您于{received_date}反映的{address}{type}问题（编号{number}），我局已组织调查。经查，{findings}"
        "我局已责令相关单位限期整改，并将跟踪督查整改落实情况。感谢您对环境保护工作的关心和支持。",
    ),
    (
        "未发现环境违法行为",
        "complaint",
        "",
        "您于{received_date}反映的{address}{type}问题（编号{number}），我局已组织现场调查。经查，{findings}"
        "现场未发现环境违法行为。我局将加强日常巡查，欢迎您继续监督。",
    ),
    (
        "噪声夜间施工",
        "complaint",
        "noise.construction",
        "您于{received_date}反映的{address}夜间施工噪声问题（编号{number}），我局已会同有关部门调查。"
        "经查，{findings}施工单位已被要求严格遵守夜间施工审批规定。",
    ),
    (
        "咨询答复",
        "consultation",
        "",
        "您于{received_date}咨询的问题（编号{number}）答复如下：{findings}如需进一步了解，请拨打12369。",
    ),
]
