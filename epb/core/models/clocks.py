from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已暂停")
    MET = "met", _("按期办结")
    OVERDUE = "overdue", _("已超期")
    COMPLETED_LATE = "completed_late", _("超期办结")
    CANCELLED = "cancelled", _("已取消")


class Clock(AuditedModel):
    """A legal or service deadline attached to a case (complaint, measure, rectification, alarm, approval).

    The arithmetic is pure (``epb.lib.workdays``); this row keeps the spec and the event history,
    and caches the due time and state so that lists and the periodic scan are plain queries.
    """

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(_("时限"), max_length=64)
    label = models.CharField(_("名称"), max_length=100)
    spec = models.JSONField(_("时限规则"))
    events = models.JSONField(_("计时事件"), default=list)
    started_at = models.DateTimeField(_("起算时间"))
    due_at = models.DateTimeField(_("期限"), db_index=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=ClockState.choices, default=ClockState.RUNNING, db_index=True
    )
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Reminder keys already sent, so the periodic scan never repeats one.
    reminders_sent = models.JSONField(default=list, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级督办时间"), null=True, blank=True)
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        "core.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clocks",
        verbose_name=_("责任人"),
    )

    jurisdiction = Scope(org_unit="org_unit", owner="owner")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["state", "due_at"]),
        ]
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")

    def __str__(self) -> str:
        return f"{self.label} {self.due_at:%Y-%m-%d}"
