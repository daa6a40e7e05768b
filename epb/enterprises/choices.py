from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceClass(models.TextChoices):
    KEY = "key", _("重点源")
    GENERAL = "general", _("一般源")


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("生产")
    STOPPED = "stopped", _("停产")
    CLOSED = "closed", _("关闭")


class OutletKind(models.TextChoices):
    WATER = "water", _("废水")
    GAS = "gas", _("废气")


class EnterpriseFlag(models.TextChoices):
    """Stable codes kept in ``Enterprise.flags``; the plan's supervision categories (一.2, 一.3)."""

    LEAD = "lead", _("涉铅")
    HEAVY_METAL = "heavy_metal", _("涉重金属")
    CHEMICAL = "chemical", _("化工")
    DYEING = "dyeing", _("印染")
    TEXTILE = "textile", _("纺织")
    ELECTROPLATING = "electroplating", _("电镀")
    WWTP = "wwtp", _("污水处理厂")
    POWER = "power", _("火电")
    HEAVY_POLLUTING = "heavy_polluting", _("重污染行业")
    DRINKING_WATER = "drinking_water", _("饮用水源保护区内")
    HAZARDOUS_WASTE = "hazardous_waste", _("产生危险废物")
    VENUE_AREA = "venue_area", _("省运会场馆周边")


class LicenceKind(models.TextChoices):
    DISCHARGE_PERMIT = "discharge_permit", _("排污许可证")
    EIA_APPROVAL = "eia_approval", _("环评批复")
    ACCEPTANCE = "acceptance", _("竣工环保验收")
    HAZARDOUS_WASTE = "hazardous_waste", _("危险废物经营许可证")
    RADIATION = "radiation", _("辐射安全许可证")
    OTHER = "other", _("其他许可")


class LicenceStatus(models.TextChoices):
    """The recorded status; "expiring" and "expired" are derived from the dates (``rules.licence_state``)."""

    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("吊销")
    CANCELLED = "cancelled", _("注销")


class LicenceState(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已过期")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("吊销")
    CANCELLED = "cancelled", _("注销")


class ContactRole(models.TextChoices):
    LEGAL = "legal", _("法定代表人")
    MANAGER = "manager", _("环保负责人")
    OFFICER = "officer", _("环保专员")
    EMERGENCY = "emergency", _("应急联系人")
    OTHER = "other", _("其他")
