from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemCode(models.TextChoices):
    """HJ 212 ST: what the device monitors. Sources hang on an outlet; ambient stations do not."""

    AIR_SOURCE = "31", _("大气环境污染源")
    WATER_SOURCE = "32", _("地表水体环境污染源")
    FLUE_GAS_PROCESS = "51", _("烟气排放过程（工况）监控")
    WASTEWATER_PROCESS = "52", _("污水排放过程（工况）监控")
    DUST = "39", _("工地扬尘污染源")
    SURFACE_WATER = "21", _("地表水质量监测")
    AIR_QUALITY = "22", _("空气质量监测")
    NOISE = "23", _("声环境质量监测")
    GROUNDWATER = "24", _("地下水质量监测")
    VOC = "27", _("挥发性有机物监测")


# Which outlet kind each source system belongs to; the ambient systems have no outlet.
OUTLET_SYSTEMS: dict[str, str] = {
    SystemCode.AIR_SOURCE: "gas",
    SystemCode.FLUE_GAS_PROCESS: "gas",
    SystemCode.WATER_SOURCE: "water",
    SystemCode.WASTEWATER_PROCESS: "water",
}
AMBIENT_SYSTEMS = frozenset(
    {
        SystemCode.SURFACE_WATER,
        SystemCode.AIR_QUALITY,
        SystemCode.NOISE,
        SystemCode.GROUNDWATER,
        SystemCode.VOC,
        SystemCode.DUST,
    }
)


class ProtocolVersion(models.TextChoices):
    AUTO = "", _("自动识别")
    V2005 = "2005", "HJ/T 212-2005"
    V2017 = "2017", "HJ 212-2017"
    V2025 = "2025", "HJ 212-2025"


class CrcVariantChoice(models.TextChoices):
    HJ212 = "hj212", _("HJ 212 标准算法")
    MODBUS = "modbus", _("CRC-16/MODBUS（高字节在前）")
    MODBUS_LE = "modbus-le", _("CRC-16/MODBUS（低字节在前）")
    NONE = "none", _("不校验（仅限经确认的设备）")


class TextEncoding(models.TextChoices):
    UTF8 = "utf-8", "UTF-8"
    GB18030 = "gb18030", "GB18030 / GBK"


class DataKind(models.IntegerChoices):
    """The CN of a stored reading: what kind of data it is."""

    REALTIME = 2011, _("实时数据")
    MINUTE = 2051, _("分钟数据")
    HOUR = 2061, _("小时数据")
    DAY = 2031, _("日数据")
    RUNNING_STATE = 2021, _("设备运行状态")
    RUNNING_TIME = 2041, _("设备运行时间日数据")
    INFO = 3020, _("现场机信息")


class FrameOutcome(models.IntegerChoices):
    """What the gateway did with a received frame (``RawFrame.outcome``)."""

    DATA = 1, _("数据入库")
    HEARTBEAT = 2, _("心跳")
    INTERACTION = 3, _("交互应答")
    OTHER = 4, _("其他上报")
    QUARANTINED = 5, _("隔离")
    REJECTED = 6, _("拒收（校验失败）")
    REPLAYED = 7, _("隔离后已回放")


class QuarantineReason(models.TextChoices):
    UNKNOWN_MN = "unknown_mn", _("未登记的设备编码（MN）")
    WRONG_PW = "wrong_pw", _("访问密码（PW）错误")
    INACTIVE = "inactive", _("设备已停用")
    NO_MN = "no_mn", _("数据包没有 MN")


class CommandKind(models.TextChoices):
    """Commands the centre sends to a connected device (HJ 212 CN)."""

    SET_TIME = "1012", _("校时（设置现场机时间）")
    START_REALTIME = "2011", _("开始上传实时数据")
    STOP_REALTIME = "2012", _("停止上传实时数据")
    DAY_HISTORY = "2031", _("补传日数据")
    MINUTE_HISTORY = "2051", _("补传分钟数据")
    HOUR_HISTORY = "2061", _("补传小时数据")


HISTORY_COMMANDS = frozenset({CommandKind.DAY_HISTORY, CommandKind.MINUTE_HISTORY, CommandKind.HOUR_HISTORY})


class CommandState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送，等待应答")
    ACCEPTED = "accepted", _("设备已应答，执行中")
    DONE = "done", _("执行成功")
    REJECTED = "rejected", _("设备拒绝")
    FAILED = "failed", _("执行失败")
    TIMED_OUT = "timed_out", _("超时")
    CANCELLED = "cancelled", _("已撤销")


FINAL_COMMAND_STATES = frozenset(
    {
        CommandState.DONE,
        CommandState.REJECTED,
        CommandState.FAILED,
        CommandState.TIMED_OUT,
        CommandState.CANCELLED,
    }
)


# ---------------------------------------------------------------------------- the centre


class AlarmKind(models.TextChoices):
    """What an alarm episode is about. ``exceedance`` is judged against the outlet's limits; the
    others are data anomalies (``epb.standards.anomalies``) and the centre's own checks."""

    EXCEEDANCE = "exceedance", _("超标")
    OFFLINE = "offline", _("离线")
    ZERO = "zero", _("零值")
    NEGATIVE = "negative", _("负值")
    CONSTANT = "constant", _("恒值")
    SMALL_VARIATION = "small_variation", _("小幅波动（量程2%以内）")
    OVER_RANGE = "over_range", _("超量程")
    JUMP = "jump", _("突变")
    RUNNING_WHILE_STOPPED = "running_while_stopped", _("标记停运但仍在运行")
    DUPLICATE_TIME = "duplicate_time", _("数据时间重复且数值不同")
    DATA_MISMATCH = "data_mismatch", _("数据逻辑异常（设备上传与中心计算不符）")


# The anomaly kinds the detectors raise (offline comes from the status scan instead).
DETECTOR_KINDS = (
    AlarmKind.ZERO,
    AlarmKind.NEGATIVE,
    AlarmKind.CONSTANT,
    AlarmKind.SMALL_VARIATION,
    AlarmKind.OVER_RANGE,
    AlarmKind.JUMP,
    AlarmKind.RUNNING_WHILE_STOPPED,
    AlarmKind.DUPLICATE_TIME,
)


class AlarmState(models.TextChoices):
    """The handling of an alarm: raised → acknowledged → handled (by the enterprise) → closed (by
    the centre); the centre may reopen a handled or closed alarm."""

    RAISED = "raised", _("待确认")
    ACKNOWLEDGED = "acknowledged", _("已确认，待处理")
    HANDLED = "handled", _("已处理，待核销")
    CLOSED = "closed", _("已核销")


class MarkKind(models.TextChoices):
    """Status marks (标记) per the MEE marking rules (2022): periods set apart before validity."""

    STOPPED = "stopped", _("停运")
    STARTUP = "startup", _("启炉/停炉")
    FAULT = "fault", _("故障")
    MAINTENANCE = "maintenance", _("维护")
    CALIBRATION = "calibration", _("校准")
    OTHER = "other", _("其他")


class SourceAge(models.TextChoices):
    NEW = "new", _("新建")
    EXISTING = "existing", _("现有")


class StatStatus(models.TextChoices):
    VALID = "valid", _("有效")
    STOPPED = "stopped", _("停运")
    INVALID = "invalid", _("无效")


class LimitKind(models.TextChoices):
    MAX = "max", _("上限")
    RANGE = "range", _("范围")
