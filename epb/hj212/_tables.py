"""Code tables of HJ 212 as data: system codes, commands, return codes, data flags, exchanges.

Sources: HJ 212-2017 Tables 5–9 and §6.5 / Appendix C; HJ/T 212-2005 codes as listed by
public 2005 codecs; HJ 212-2025 additions as reported by secondary sources (marked ``[R]``:
not checked against the official text). :func:`render_markdown` draws the tables that
``docs/hj212.md`` shows, so the documentation cannot drift from the code (a test compares
them); ``epb hj212 tables`` prints the same text.
"""

from __future__ import annotations

from dataclasses import dataclass

# ST system codes (HJ 212-2017 Table 5, after GB/T 16706-1996).
SYSTEM_CODES: dict[str, tuple[str, str]] = {
    "21": ("地表水质量监测", "surface-water quality"),
    "22": ("空气质量监测", "air quality"),
    "23": ("声环境质量监测", "noise quality"),
    "24": ("地下水质量监测", "groundwater quality"),
    "25": ("土壤质量监测", "soil quality"),
    "26": ("海水质量监测", "seawater quality"),
    "27": ("挥发性有机物监测", "volatile organic compounds"),
    "31": ("大气环境污染源", "air-emission source (CEMS)"),
    "32": ("地表水体环境污染源", "water-pollution source"),
    "33": ("地下水体环境污染源", "groundwater-pollution source"),
    "34": ("海洋环境污染源", "marine-pollution source"),
    "35": ("土壤环境污染源", "soil-pollution source"),
    "36": ("声环境污染源", "noise source"),
    "37": ("振动环境污染源", "vibration source"),
    "38": ("放射性环境污染源", "radioactive source"),
    "39": ("工地扬尘污染源", "construction dust"),
    "41": ("电磁环境污染源", "electromagnetic source"),
    "44": ("用电监控 [R]", "electricity use (2025) [R]"),
    "45": ("关键生产工况 [R]", "key production conditions (2025) [R]"),
    "51": ("烟气排放过程监控", "flue-gas process"),
    "52": ("污水排放过程监控", "wastewater process"),
    "91": ("系统交互", "system interaction"),
}

ALL = ("2005", "2017", "2025")
SINCE_2017 = ("2017", "2025")


@dataclass(frozen=True)
class Command:
    """One CN command code.

    ``direction`` is ``C→D`` (centre to device), ``D→C`` or ``both``. ``centre_reply`` is the
    CN the centre answers with when a device sends this command with the A bit set (``None``:
    never answered).
    """

    cn: str
    direction: str
    kind: str
    zh: str
    en: str
    cp: str
    versions: tuple[str, ...]
    centre_reply: str | None


def _c(
    cn: str,
    direction: str,
    kind: str,
    zh: str,
    en: str,
    cp: str = "",
    versions: tuple[str, ...] = ALL,
    reply: str | None = "9014",
) -> Command:
    return Command(cn, direction, kind, zh, en, cp, versions, reply)


COMMANDS: dict[str, Command] = {
    c.cn: c
    for c in (
        _c(
            "1000",
            "C→D",
            "request",
            "设置超时时间及重发次数",
            "set time-out and retries",
            "OverTime, ReCount",
        ),
        _c(
            "1001",
            "D→C",
            "upload",
            "上传数采仪硬件序号 [R]",
            "logger hardware serials [R]",
            "i23005–i23008-Info",
            ("2025",),
        ),
        _c("1002", "C→D", "request", "设置数采仪MN [R]", "set the logger's MN [R]", "", ("2025",)),
        _c(
            "1011",
            "both",
            "request/upload",
            "提取/上传现场机时间",
            "get / upload device time",
            "PolId, SystemTime",
        ),
        _c("1012", "C→D", "request", "设置现场机时间", "set device time", "PolId, SystemTime"),
        _c(
            "1013",
            "D→C",
            "notice",
            "现场机时间校准请求",
            "device asks for time calibration",
            "PolId",
            SINCE_2017,
            "9013",
        ),
        _c(
            "1014",
            "both",
            "request/upload",
            "密钥获取/下发 [R]",
            "SM4 key exchange [R]",
            "SKCreateTime, NewSK",
            ("2025",),
        ),
        _c("1061", "C→D", "request", "提取实时数据间隔", "get realtime interval", "", SINCE_2017),
        _c(
            "1062",
            "both",
            "request/upload",
            "上传/设置实时数据间隔",
            "upload / set realtime interval",
            "RtdInterval",
            SINCE_2017,
        ),
        _c("1063", "C→D", "request", "提取分钟数据间隔", "get minute interval", "", SINCE_2017),
        _c(
            "1064",
            "both",
            "request/upload",
            "上传/设置分钟数据间隔",
            "upload / set minute interval",
            "MinInterval",
            SINCE_2017,
        ),
        _c("1072", "C→D", "request", "设置现场机访问密码", "set device password", "NewPW"),
        _c("2011", "both", "upload", "实时数据", "realtime data (C→D: start)", "DataTime, xxx-Rtd, -Flag"),
        _c("2012", "C→D", "notice", "停止察看实时数据", "stop realtime data", "", ALL, None),
        _c("2013", "D→C", "upload", "原始监测数据 [R]", "raw measurements [R]", "", ("2025",)),
        _c("2021", "both", "upload", "设备运行状态", "facility running state (C→D: start)", "SBx-RS"),
        _c("2022", "C→D", "notice", "停止察看设备运行状态", "stop facility running state", "", ALL, None),
        _c(
            "2031",
            "both",
            "request/upload",
            "日历史数据",
            "daily data",
            "BeginTime, EndTime / -Cou,-Min,-Avg,-Max",
        ),
        _c(
            "2041",
            "both",
            "request/upload",
            "设备运行时间日历史数据",
            "facility running time per day",
            "SBx-RT",
        ),
        _c(
            "2051",
            "both",
            "request/upload",
            "分钟数据",
            "minute data",
            "BeginTime, EndTime / -Cou,-Min,-Avg,-Max",
        ),
        _c("2052", "D→C", "upload", "噪声单次测量 [R]", "single noise measurement [R]", "", ("2025",)),
        _c(
            "2061",
            "both",
            "request/upload",
            "小时数据",
            "hour data",
            "BeginTime, EndTime / -Cou,-Min,-Avg,-Max",
        ),
        _c(
            "2062",
            "D→C",
            "upload",
            "自动标样核查数据 [R]",
            "automatic standard-sample check [R]",
            "",
            ("2025",),
        ),
        _c(
            "2071",
            "both",
            "request/upload",
            "报警记录",
            "alarm records (2005)",
            "BeginTime, EndTime / -Ala",
            ("2005",),
        ),
        _c(
            "2072",
            "D→C",
            "upload",
            "上传报警事件",
            "alarm event (2005)",
            "AlarmTime, xxx-Ala, AlarmType",
            ("2005",),
        ),
        _c("2081", "D→C", "upload", "数采仪开机时间", "logger boot time", "RestartTime", SINCE_2017),
        _c(
            "2111",
            "D→C",
            "upload",
            "炉膛温度5分钟均值 [R]",
            "furnace temperature 5-min mean [R]",
            "",
            ("2025",),
        ),
        _c("3011", "C→D", "request", "零点校准/量程校准", "zero/span calibration", "PolId"),
        _c("3012", "C→D", "request", "即时采样", "immediate sampling", "PolId", SINCE_2017),
        _c("3013", "C→D", "request", "启动清洗/反吹", "start cleaning / back-flush", "PolId"),
        _c("3014", "C→D", "request", "比对采样", "comparison sampling", "PolId"),
        _c(
            "3015",
            "both",
            "request/upload",
            "超标留样",
            "over-limit sample retention",
            "DataTime, VaseNo",
            SINCE_2017,
        ),
        _c(
            "3016",
            "C→D",
            "request",
            "设置采样时间周期",
            "set sampling period",
            "PolId, CstartTime, CTime",
            SINCE_2017,
        ),
        _c(
            "3017",
            "both",
            "request/upload",
            "提取采样时间周期",
            "get sampling period",
            "PolId, CstartTime, CTime",
            SINCE_2017,
        ),
        _c(
            "3018",
            "both",
            "request/upload",
            "提取出样时间",
            "get sample output time",
            "PolId, Stime",
            SINCE_2017,
        ),
        _c(
            "3019",
            "both",
            "request/upload",
            "提取设备唯一标识",
            "get instrument id",
            "PolId, xxx-SN",
            SINCE_2017,
        ),
        _c(
            "3020",
            "both",
            "request/upload",
            "提取现场机信息",
            "get device information",
            "PolId, InfoId, BeginTime, EndTime, iNNNNN-Info",
            SINCE_2017,
        ),
        _c(
            "3021",
            "C→D",
            "request",
            "设置现场机参数",
            "set device parameter",
            "PolId, InfoId, iNNNNN-Info",
            SINCE_2017,
        ),
        _c("3022", "C→D", "request", "即时留样任务 [R]", "immediate sample retention [R]", "", ("2025",)),
        _c("3024", "C→D", "request", "启动标样核查 [R]", "start standard-sample check [R]", "", ("2025",)),
        _c("9011", "D→C", "interaction", "请求应答", "request answer", "QnRtn", ALL, None),
        _c("9012", "D→C", "interaction", "执行结果", "execution result", "ExeRtn", ALL, None),
        _c("9013", "both", "interaction", "通知应答", "notice answer", "", ALL, None),
        _c("9014", "both", "interaction", "数据应答", "data answer", "", ALL, None),
        _c("9015", "D→C", "heartbeat", "心跳包 [R]", "heartbeat [R]", "", ("2025",), "9013"),
    )
}

# QnRtn (answer 9011) and ExeRtn (answer 9012): HJ 212-2017 Tables 6 and 7.
QN_RTN: dict[int, str] = {
    1: "准备执行请求 ready to execute",
    2: "请求被拒绝 rejected",
    3: "PW 错误 wrong password",
    4: "MN 错误 wrong MN",
    5: "ST 错误 wrong ST",
    6: "Flag 错误 wrong Flag",
    7: "QN 错误 wrong QN",
    8: "CN 错误 wrong CN",
    9: "CRC 校验错误 CRC error",
    100: "未知错误 unknown error",
}
EXE_RTN: dict[int, str] = {
    1: "执行成功 success",
    2: "执行失败，但不知道原因 failed, reason unknown",
    3: "命令请求条件错误 request condition error",
    4: "通讯超时 communication time-out",
    5: "系统繁忙不能执行 busy",
    6: "系统故障 system fault",
    100: "没有数据 no data",
}

# Instrument data flags (xxx-Flag): 2017 Table 8 and the 2005 set, which had P and lacked B.
DATA_FLAGS: dict[str, tuple[str, str]] = {
    "N": ("在线监控（监测）仪器仪表工作正常 normal", "正常 normal"),
    "F": ("在线监控（监测）仪器仪表停运 instrument stopped", "排放源停运 source stopped"),
    "M": ("在线监控（监测）仪器仪表处于维护期间产生的数据 maintenance", "维护 maintenance"),
    "S": ("手工输入的设定值 manual set value", "设定值 set value"),
    "D": ("在线监控（监测）仪器仪表故障 fault", "故障 fault"),
    "C": ("在线监控（监测）仪器仪表处于校准状态 calibrating", "校验 calibration"),
    "T": ("在线监控（监测）仪器仪表采样数值超过测量上限 over range", "超测上限 over range"),
    "B": ("在线监控（监测）仪器仪表与数采仪通讯异常 communication fault", "—"),
    "P": ("—", "电源故障 power failure"),
}


@dataclass(frozen=True)
class Step:
    """One message of an exchange: who sends it, which CN, and a note."""

    sender: str
    cn: str
    note: str


# The exchange patterns of HJ 212-2017 §6.5 (and the 2025 heartbeat [R]).
EXCHANGES: dict[str, tuple[Step, ...]] = {
    "upload": (
        Step("device", "2011/2051/2061/2031/…", "Flag A=1 asks for an answer"),
        Step("centre", "9014", "only when A=1, echoing QN, PW, MN; ST=91, Flag = version bits"),
    ),
    "request (get)": (
        Step("centre", "1011/1061/2031/2051/2061/3020/…", "Flag=5 (A=1)"),
        Step("device", "9011", "QnRtn; the centre does not answer it"),
        Step("device", "same CN", "the data (history frames carry their own QN; 9014 if A=1)"),
        Step("device", "9012", "ExeRtn; the centre does not answer it"),
    ),
    "request (set)": (
        Step("centre", "1000/1012/1062/1064/1072/3011/…", "Flag=5 (A=1)"),
        Step("device", "9011", "QnRtn"),
        Step("device", "9012", "ExeRtn"),
    ),
    "notice from the device": (
        Step("device", "1013", "asks for time calibration"),
        Step("centre", "9013", "notice answer"),
        Step("centre", "1012", "then sets the time (SystemTime)"),
    ),
    "notice from the centre": (
        Step("centre", "2012/2022", "stop realtime data / running state"),
        Step("device", "9013", "notice answer"),
    ),
    "heartbeat (2025) [R]": (
        Step("device", "9015", "liveness"),
        Step("centre", "9013", "only when A=1"),
    ),
}


def centre_reply_cn(cn: str) -> str | None:
    """The CN the centre answers a device frame with, when that frame has the A bit set.

    Listed commands use their table entry. Unlisted (vendor) codes in the 9000 range are
    interaction frames and get nothing; any other unlisted code is treated as data (9014).
    """
    command = COMMANDS.get(cn)
    if command is not None:
        return command.centre_reply
    return None if cn.startswith("9") else "9014"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def render_markdown() -> str:
    """The code tables as Markdown, exactly as ``docs/hj212.md`` embeds them."""
    out: list[str] = ["### System codes (ST)", ""]
    out += _table(("ST", "名称", "meaning"), [(st, zh, en) for st, (zh, en) in SYSTEM_CODES.items()])
    out += ["", "### Commands (CN)", ""]
    out += _table(
        ("CN", "direction", "kind", "名称", "meaning", "CP fields", "versions", "centre answers A=1 with"),
        [
            (c.cn, c.direction, c.kind, c.zh, c.en, c.cp or "—", ", ".join(c.versions), c.centre_reply or "—")
            for c in COMMANDS.values()
        ],
    )
    out += ["", "### Return codes", ""]
    out += _table(("QnRtn (9011)", "meaning"), [(str(k), v) for k, v in QN_RTN.items()])
    out += [""]
    out += _table(("ExeRtn (9012)", "meaning"), [(str(k), v) for k, v in EXE_RTN.items()])
    out += ["", "### Data flags (xxx-Flag)", ""]
    out += _table(("flag", "2017", "2005"), [(k, a, b) for k, (a, b) in DATA_FLAGS.items()])
    out += ["", "### Exchanges", ""]
    for name, steps in EXCHANGES.items():
        out += [f"**{name}**", ""]
        out += _table(
            ("#", "sender", "CN", "note"), [(str(i), s.sender, s.cn, s.note) for i, s in enumerate(steps, 1)]
        )
        out += [""]
    return "\n".join(out)
