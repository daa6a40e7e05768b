from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel


class HolidayOverride(AuditedModel):
    """A staff correction to the official calendar: a day off or a make-up working day (调休).

    Overrides always win over the calendar package, so a late State Council notice or a local
    arrangement is one edit away, with the change in the audit log.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")

    def __str__(self) -> str:
        kind = _("工作日") if self.is_workday else _("休息日")
        return f"{self.date:%Y-%m-%d} {kind} {self.name}"
