from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgLevel(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("辖市区")
    TOWN = "town", _("镇（街道）网格")
    SUBGRID = "subgrid", _("子网格")


# The order in which levels nest; a unit's parent is one step up.
ORG_LEVEL_ORDER = [OrgLevel.CITY, OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.SUBGRID]


class Role(models.TextChoices):
    LEADERSHIP = "leadership", _("局领导")
    DEPT_STAFF = "dept_staff", _("处室工作人员")
    DISTRICT_STAFF = "district_staff", _("辖市区环保局工作人员")
    GRID_OFFICER = "grid_officer", _("网格监察员")
    ENTERPRISE = "enterprise", _("企业用户")
    PUBLIC = "public", _("公众")


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    EVENT = "event", _("操作")
