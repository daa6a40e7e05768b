from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    APPROVED = "approved", _("已下达")
    CLOSED = "closed", _("已结束")


class TaskKind(models.TextChoices):
    KEY = "key", _("重点源例行检查")
    RANDOM = "random", _("双随机抽查")
    SPECIAL = "special", _("特殊监管对象检查")
    CAMPAIGN = "campaign", _("专项行动巡查")
    COMPLAINT = "complaint", _("信访投诉核查")
    FOLLOW_UP = "follow_up", _("后督察（复查）")
    ADHOC = "adhoc", _("临时检查")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("待检查")
    IN_PROGRESS = "in_progress", _("检查中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已提交")


class CheckResult(models.TextChoices):
    COMPLIANT = "compliant", _("符合")
    NON_COMPLIANT = "non_compliant", _("不符合")
    NOT_APPLICABLE = "not_applicable", _("不适用")
    NOT_CHECKED = "", _("未检查")


class FindingCategory(models.TextChoices):
    CONSTRUCTION = "construction", _("建设项目环保手续")
    SOLID_WASTE = "solid_waste", _("固废处理")
    FACILITY = "facility", _("治污设施运行")
    DISCHARGE = "discharge", _("污染源达标排放")
    SURROUNDINGS = "surroundings", _("周边环境")
    OTHER = "other", _("其他")


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class CaseStatus(models.TextChoices):
    REVIEW = "review", _("待立案审查")
    OPENED = "opened", _("已立案")
    NOT_OPENED = "not_opened", _("不予立案")
    CLOSED = "closed", _("已结案")


class MeasureKind(models.TextChoices):
    WARNING = "warning", _("警告")
    ORDER = "order", _("责令改正")
    FINE = "fine", _("罚款")
    DAILY_FINE = "daily_fine", _("按日连续处罚")
    SEAL = "seal", _("查封、扣押")
    RESTRICT = "restrict", _("限制生产")
    STOP = "stop", _("停产整治")
    CLOSURE = "closure", _("停业、关闭")
    POLICE = "police", _("移送公安机关")
    REVOKE = "revoke", _("暂扣、吊销许可证")
    APOLOGY = "apology", _("公开道歉")
    TREES = "trees", _("义务植树")


class MeasureStatus(models.TextChoices):
    DECIDED = "decided", _("已决定")
    SERVED = "served", _("已送达")
    IN_FORCE = "in_force", _("执行中")
    LIFTED = "lifted", _("已解除")
    DONE = "done", _("已履行")
    REVOKED = "revoked", _("已撤销")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    VIDEO = "video", _("视听资料")
    RECORD = "record", _("现场检查笔录")
    INQUIRY = "inquiry", _("调查询问笔录")
    MONITORING = "monitoring", _("监测报告")
    SAMPLE = "sample", _("采样记录")
    DOCUMENT = "document", _("书证")
    WITNESS = "witness", _("证人证言")
    APPRAISAL = "appraisal", _("鉴定意见")
    OTHER = "other", _("其他")


class RectificationStatus(models.TextChoices):
    ISSUED = "issued", _("整改中")
    SUBMITTED = "submitted", _("待核查")
    RETURNED = "returned", _("退回重改")
    ACCEPTED = "accepted", _("已通过核查")
    CANCELLED = "cancelled", _("已撤销")


class ReviewDecision(models.TextChoices):
    ACCEPTED = "accepted", _("通过")
    RETURNED = "returned", _("退回")


class CampaignKind(models.TextChoices):
    DRINKING_WATER = "drinking_water", _("饮用水源地安全专项行动")
    GAMES = "games", _("省运会环境保障专项行动")
    LEAD = "lead", _("涉铅企业环境整治专项行动")
    TRUSTWORTHY = "trustworthy", _("打造放心行业专项行动")
    STRAW = "straw", _("秸秆禁烧专项行动")
    OTHER = "other", _("其他专项行动")


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("待排查")
    CHECKED = "checked", _("已排查、无问题")
    PROBLEM = "problem", _("发现问题")
    RESOLVED = "resolved", _("问题已整改")


class RepresentativeReason(models.TextChoices):
    HEAVY_POLLUTING = "heavy_polluting", _("污染大")
    COMPLAINTS = "complaints", _("信访多")
    BOTH = "both", _("污染大、信访多")
    OTHER = "other", _("其他")


class FacilityGradeLevel(models.TextChoices):
    A = "A", _("A 优秀")
    B = "B", _("B 良好")
    C = "C", _("C 合格")
    D = "D", _("D 较差")


class BehaviourColour(models.TextChoices):
    GREEN = "green", _("绿色（很好）")
    BLUE = "blue", _("蓝色（好）")
    YELLOW = "yellow", _("黄色（一般）")
    RED = "red", _("红色（差）")
    BLACK = "black", _("黑色（很差）")


class RiskPlanStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    FILED = "filed", _("已备案")
    REVISION_DUE = "revision_due", _("待修订")


class BulletinPeriod(models.TextChoices):
    WEEK = "week", _("周报")
    MONTH = "month", _("月报")
    QUARTER = "quarter", _("季报")
    YEAR = "year", _("年报")


class PreparationItem(models.TextChoices):
    """检查准备 (plan 一.3 二是): what an officer prepares before going on site."""

    FILE = "file", _("查阅企业档案（环评、验收、排污许可）")
    HISTORY = "history", _("查阅上次检查记录及整改落实情况")
    MONITORING = "monitoring", _("查阅在线监控数据与报警")
    COMPLAINTS = "complaints", _("查阅信访投诉情况")
    EQUIPMENT = "equipment", _("准备执法证件、检查表、取证和快速检测设备")
    ROUTE = "route", _("确定检查时间与路线（夜间、节假日、飞行检查）")
