"""Choices of the 12369 centre. Labels are the bureau's own terms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉举报")
    CONSULTATION = "consultation", _("咨询")


class Channel(models.TextChoices):
    PHONE = "phone", _("12369电话")
    WEB = "web", _("网上举报")
    WECHAT = "wechat", _("微信")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    OPEN311 = "open311", _("平台接口")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    RECEIVED = "received", _("待受理")
    ACCEPTED = "accepted", _("办理中")
    REPLY_PENDING = "reply_pending", _("待审签")
    REPLIED = "replied", _("已办结")
    REVIEW = "review", _("复查复核中")
    DECLINED = "declined", _("不予受理")
    TRANSFERRED = "transferred", _("已移送")
    MERGED = "merged", _("已并案")


OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.REPLY_PENDING, Status.REVIEW)
CLOSED_STATUSES = (Status.REPLIED, Status.DECLINED, Status.TRANSFERRED, Status.MERGED)


class Severity(models.IntegerChoices):
    GENERAL = 1, _("一般")
    SERIOUS = 2, _("较重")
    MAJOR = 3, _("严重")


class Urgency(models.IntegerChoices):
    NORMAL = 1, _("一般")
    URGENT = 2, _("紧急")
    CRITICAL = 3, _("特急")


class LocationSource(models.TextChoices):
    NONE = "", _("未定位")
    MAP = "map", _("地图选点")
    GPS = "gps", _("手机定位")
    STAFF = "staff", _("工作人员标注")
    CLIENT = "client", _("接口提供")


class ExtensionStatus(models.TextChoices):
    NONE = "", _("无")
    REQUESTED = "requested", _("待批准")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class ReplyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审签")
    RETURNED = "returned", _("已退回")
    SIGNED = "signed", _("已签发")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class CallbackMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    VISIT = "visit", _("上门")
    LETTER = "letter", _("信函")


class ReviewStage(models.TextChoices):
    REVIEW = "review", _("复查")
    REEXAMINATION = "reexamination", _("复核")


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", _("维持原处理意见")
    REVISED = "revised", _("撤销或变更，重新办理")


class EventKind(models.TextChoices):
    RECEIVED = "received", _("收件")
    ROUTED = "routed", _("分派属地")
    TRIAGE = "triage", _("待人工分派")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("不予受理")
    TRANSFERRED = "transferred", _("移送")
    ASSIGNED = "assigned", _("指定承办人")
    NOTE = "note", _("内部记录")
    FLAGS = "flags", _("性质与紧急程度")
    ESCALATED = "escalated", _("紧急上报")
    EXTENSION = "extension", _("延期")
    REPLY = "reply", _("答复")
    SIGN_OFF = "sign_off", _("领导审签")
    NOTICE = "notice", _("告知举报人")
    CALLBACK = "callback", _("回访")
    REHANDLE = "rehandle", _("重新办理")
    REVIEW = "review", _("复查复核")
    HEARING = "hearing", _("听证")
    JOINT_MEETING = "joint_meeting", _("会办")
    LEADER_CASE = "leader_case", _("领导包案")
    INSTRUCTION = "instruction", _("领导批示")
    MERGED = "merged", _("并案")
    LINKED = "linked", _("关联重复件")
    PUBLISHED = "published", _("公开")
    CLOCK = "clock", _("时限提醒")


class LinkKind(models.TextChoices):
    REPEAT = "repeat", _("重复举报")
    DUPLICATE = "duplicate", _("并案")
    RELATED = "related", _("相关")


class ReceptionStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    HELD = "held", _("已接访")
    CANCELLED = "cancelled", _("取消")


class LeaderCaseStatus(models.TextChoices):
    OPEN = "open", _("包案中")
    CLOSED = "closed", _("已化解")


class SupervisionStatus(models.TextChoices):
    LISTED = "listed", _("督办中")
    CARRIED_OVER = "carried_over", _("转入下一年度")
    DELISTED = "delisted", _("已解除挂牌")
