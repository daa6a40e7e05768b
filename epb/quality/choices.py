from django.db import models
from django.utils.translation import gettext_lazy as _


class WaterBodyKind(models.TextChoices):
    RIVER = "river", _("河流")
    LAKE = "lake", _("湖泊")
    RESERVOIR = "reservoir", _("水库")


class SiteKind(models.TextChoices):
    RIVER_SECTION = "river_section", _("河流断面")
    LAKE_POINT = "lake_point", _("湖库点位")
    DRINKING_SOURCE = "drinking_source", _("饮用水源地")


class WaterClass(models.TextChoices):
    """Target classes of GB 3838-2002 (a target is never 劣Ⅴ)."""

    I = "I", "Ⅰ类"  # noqa: E741 - the class is called I
    II = "II", "Ⅱ类"
    III = "III", "Ⅲ类"
    IV = "IV", "Ⅳ类"
    V = "V", "Ⅴ类"


class NoiseZone(models.TextChoices):
    """GB 3096-2008 functional-zone classes."""

    Z0 = "0", _("0类（康复疗养区）")
    Z1 = "1", _("1类（居住文教区）")
    Z2 = "2", _("2类（混合区）")
    Z3 = "3", _("3类（工业区）")
    Z4A = "4a", _("4a类（交通干线两侧）")
    Z4B = "4b", _("4b类（铁路干线两侧）")


class DataKind(models.TextChoices):
    WATER = "water", _("地表水")
    AIR = "air", _("环境空气")
    NOISE = "noise", _("声环境")


class Period(models.TextChoices):
    """What interval a value stands for (openaq's period): one sampling, an hour, a day, a month."""

    SAMPLE = "sample", _("单次采样")
    HOUR = "hour", _("小时")
    DAY = "day", _("日")
    MONTH = "month", _("月")


class Source(models.TextChoices):
    IMPORT = "import", _("表格导入")
    STATION = "station", _("自动站")
    MANUAL = "manual", _("手工录入")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    COMMITTED = "committed", _("已导入")
    REJECTED = "rejected", _("有错误，未导入")
    CANCELLED = "cancelled", _("已取消")


class TargetKind(models.TextChoices):
    """The "1190" targets of the 2010 plan (一.1), each bound to live data."""

    DRINKING = "drinking", _("集中式饮用水源地水质达标率")
    TAIHU_STABLE = "taihu_stable", _("省级太湖考核断面稳定达标")
    TAIHU_IMPROVE = "taihu_improve", _("考核断面年均值改善")
    INFLOW = "inflow", _("入太湖河道消除劣Ⅴ类")
    LAKE = "lake", _("重点湖泊水质改善")
    NOISE = "noise", _("环境噪声功能区达标率")
    REDUCTION = "reduction", _("主要污染物减排任务完成率")


class StableRule(models.TextChoices):
    ALL_MONTHS = "all_months", _("全年每月均达标")
    ANNUAL_AND_MONTHS = "annual_and_months", _("年均值达标且达标月数不少于设定值")


class ImproveBasis(models.TextChoices):
    EXCEEDING_ITEMS = "exceeding_items", _("基准年超标指标逐项改善")
    COMPOSITE_INDEX = "composite_index", _("综合污染指数改善")


class LakeBasis(models.TextChoices):
    CLASS_THEN_TLI = "class_then_tli", _("类别好转，或类别持平且营养状态指数下降")
    CLASS = "class", _("水质类别好转")
    TLI = "tli", _("综合营养状态指数下降")


class DrinkingRule(models.TextChoices):
    EVERY_MONTH = "every_month", _("每月均达标")
    ANNUAL_MEAN = "annual_mean", _("年均值达标")


class InflowMethod(models.TextChoices):
    RIVER_MEAN = "river_mean", _("河道各断面均值评价")
    EACH_SECTION = "each_section", _("每个断面均不得为劣Ⅴ类")


class Pollutant(models.TextChoices):
    """Pollutants under the total-emission-control quotas (总量减排)."""

    COD = "COD", _("化学需氧量")
    NH3N = "NH3N", _("氨氮")
    SO2 = "SO2", _("二氧化硫")
    NOX = "NOx", _("氮氧化物")
    TN = "TN", _("总氮")
    TP = "TP", _("总磷")


class TargetStatus(models.TextChoices):
    MET = "met", _("已完成")
    ON_TRACK = "on_track", _("进行中，目前达标")
    AT_RISK = "at_risk", _("进行中，存在风险")
    NOT_MET = "not_met", _("未完成")
    NO_DATA = "no_data", _("无数据")


class WarningKind(models.TextChoices):
    THRESHOLD = "threshold", _("超阈值预警")
    ALGAE = "algae", _("蓝藻预警")
    DRINKING = "drinking", _("水源地水质不达标")
    MISSING = "missing", _("水源地未按日报送数据")


class WarningLevel(models.TextChoices):
    BLUE = "blue", _("蓝色")
    YELLOW = "yellow", _("黄色")
    ORANGE = "orange", _("橙色")
    RED = "red", _("红色")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    CLOSED = "closed", _("已关闭")


class ReportKind(models.TextChoices):
    DRINKING_DAILY = "drinking_daily", _("饮用水源地水质日报（日查日报）")
    CLEAN_DAILY = "clean_daily", _("清水工程河道水质日报（一日一报）")
    CLEAN_WEEKLY = "clean_weekly", _("清水工程河道水质周告（一周一告）")
    CLEAN_MONTHLY = "clean_monthly", _("清水工程河道水质月评（一月一评）")
    MONTHLY_BULLETIN = "monthly_bulletin", _("水环境质量月报")
