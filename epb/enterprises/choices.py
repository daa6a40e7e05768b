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
