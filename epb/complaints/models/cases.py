"""A 12369 case (complaint or consultation) and what hangs on it: the complainant's contact, the
timeline, links between cases, replies, callbacks and 复查/复核 requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.complaints.choices import (
    CLOSED_STATUSES,
    CallbackMethod,
    Channel,
    EventKind,
    ExtensionStatus,
    Kind,
    LinkKind,
    LocationSource,
    ReplyStatus,
    ReviewOutcome,
    ReviewStage,
    Satisfaction,
    Severity,
    Status,
    Urgency,
)
from epb.complaints.models.reference import DeclineReason, ExternalAgency, PollutionType, ReplyTemplate
from epb.core.audit import AuditedModel
from epb.core.visibility import Scope, VisibleQuerySet

User = settings.AUTH_USER_MODEL


class Complaint(AuditedModel):
    """One case received by the centre. The grid of its location owns it (属地管理、分级负责)."""

    number = models.CharField(_("编号"), max_length=16, unique=True)
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices, db_index=True)
    channel_detail = models.CharField(_("渠道说明"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    received_at = models.DateTimeField(_("收件时间"), default=timezone.now, db_index=True)
    summary = models.CharField(_("标题"), max_length=100, blank=True)
    description = models.TextField(_("反映内容"), max_length=4000)
    # What the public may read: written (redacted) by staff and shown only once published.
    public_summary = models.TextField(_("公开内容"), blank=True)
    is_public = models.BooleanField(_("已公开"), default=False, db_index=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    pollution_type = models.ForeignKey(
        PollutionType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("污染类型"),
    )
    sub_type = models.ForeignKey(
        PollutionType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("污染子类"),
    )
    # A case may concern several types (the national bulletins count each of them).
    other_types = models.ManyToManyField(
        PollutionType, blank=True, related_name="+", verbose_name=_("其他污染类型")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("被举报单位（档案）"),
    )
    reported_unit = models.CharField(_("被举报单位"), max_length=200, blank=True)
    address = models.CharField(_("地点"), max_length=300, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    location_source = models.CharField(
        _("定位方式"), max_length=8, choices=LocationSource.choices, blank=True, default=LocationSource.NONE
    )

    # Routing: the grid (or district) that owns the case, and the division that handles it.
    grid = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("属地网格"),
    )
    district = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("辖市区"),
    )
    department = models.ForeignKey(
        "core.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("承办处室"),
    )
    needs_triage = models.BooleanField(_("待人工分派"), default=False, db_index=True)
    triage_reason = models.CharField(_("待分派原因"), max_length=200, blank=True)
    suggested_agency = models.ForeignKey(
        ExternalAgency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建议移送"),
    )
    transferred_to = models.ForeignKey(
        ExternalAgency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("移送部门"),
    )
    handler = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("承办人")
    )
    assigned_at = models.DateTimeField(_("指定时间"), null=True, blank=True)

    severity = models.IntegerField(_("严重程度"), choices=Severity.choices, default=Severity.GENERAL)
    urgency = models.IntegerField(_("紧急程度"), choices=Urgency.choices, default=Urgency.NORMAL)
    is_mass = models.BooleanField(_("群体性"), default=False)
    is_sudden = models.BooleanField(_("突发环境事件"), default=False)
    escalated_at = models.DateTimeField(_("上报领导时间"), null=True, blank=True)
    is_overdue = models.BooleanField(_("曾超期"), default=False, db_index=True)
    is_repeat = models.BooleanField(_("重复举报"), default=False)

    anonymous = models.BooleanField(_("匿名"), default=False)
    # A logged-in citizen who filed it (sees it as its owner); staff intake records the operator.
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("提交人账号")
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("登记人")
    )
    reception_day = models.ForeignKey(
        "complaints.ReceptionDay",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("接访日"),
    )
    visitors = models.PositiveIntegerField(_("来访人数"), default=0)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged", verbose_name=_("并入")
    )

    decline_reason = models.ForeignKey(
        DeclineReason, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("不予受理理由")
    )
    decision_note = models.TextField(_("决定说明"), blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    review_window_ends_at = models.DateTimeField(_("复查申请期限"), null=True, blank=True)
    extension_status = models.CharField(
        _("延期"), max_length=16, choices=ExtensionStatus.choices, blank=True, default=ExtensionStatus.NONE
    )
    extension_days = models.PositiveIntegerField(_("延期天数"), default=0)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    rehandle_count = models.PositiveIntegerField(_("重新办理次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # The text is written once at intake and never changed; it may carry personal data, so the
    # log's snapshots leave it out (the record itself keeps it).
    audit_exclude = ("description",)
    jurisdiction = Scope(org_unit="grid", owner="submitted_by", public=models.Q(is_public=True))
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["longitude", "latitude"]),
        ]
        verbose_name = _("信访件")
        verbose_name_plural = _("信访件")

    def __str__(self) -> str:
        return f"{self.number} {self.summary or self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.pk])

    def get_api_url(self) -> str:
        return reverse("api:complaints_get", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def contact(self) -> Complainant | None:
        try:
            return self.complainant
        except Complainant.DoesNotExist:
            return None

    @property
    def real_name(self) -> bool:
        """Left real contacts (the plan: 留有真实电话、真实地址和实名来信): callbacks are owed."""
        contact = self.contact
        return bool(not self.anonymous and contact and contact.name and (contact.phone or contact.address))

    def type_label(self) -> str:
        if self.sub_type_id is not None:
            return f"{self.pollution_type}·{self.sub_type}" if self.pollution_type else str(self.sub_type)
        return str(self.pollution_type) if self.pollution_type else str(self.get_kind_display())

    def unit_label(self) -> str:
        if self.transferred_to_id is not None:
            return str(self.transferred_to)
        if self.grid is not None:
            return self.grid.full_name()
        return str(_("待分派"))


class Complainant(AuditedModel):
    """The complainant's contact, kept apart from the case so that reading it is a deliberate,
    logged act (``complaints.contact.viewed``) and the case's audit snapshots never carry it."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="complainant")
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    phone_verified = models.BooleanField(_("已短信验证"), default=False)
    address = models.CharField(_("联系地址"), max_length=200, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    # The log records that a contact changed, never the personal values themselves.
    audit_exclude = ("name", "phone", "address", "id_number", "email")
    jurisdiction = Scope(org_unit="complaint__grid", owner="complaint__submitted_by")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("举报人联系方式")
        verbose_name_plural = _("举报人联系方式")

    def __str__(self) -> str:
        return str(_("举报人（%(number)s）") % {"number": self.complaint.number})


class CaseEvent(models.Model):
    """The case's timeline, append-only. ``public`` events are shown on the tracking page with
    their label only; internal notes are never public."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    text = models.TextField(_("内容"), blank=True)
    public_text = models.CharField(_("公开说明"), max_length=300, blank=True)
    public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    jurisdiction = Scope(org_unit="complaint__grid")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class CaseLink(models.Model):
    """A case linked to an earlier one: a repeat complaint, or merged into it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=LinkKind.choices)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    jurisdiction = Scope(org_unit="complaint__grid")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "other", "kind"], name="unique_case_link"),
        ]
        verbose_name = _("关联件")
        verbose_name_plural = _("关联件")

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.other_id} ({self.kind})"


class Reply(AuditedModel):
    """A reply: the findings (调查处理结果, internal) and the text for the complainant (答复举报人意见),
    published only once a leader signs it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="replies")
    findings = models.TextField(_("调查处理结果"), blank=True)
    text = models.TextField(_("答复意见"))
    template = models.ForeignKey(ReplyTemplate, on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ReplyStatus.choices, default=ReplyStatus.DRAFT
    )
    drafted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("签发人")
    )
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    sign_note = models.CharField(_("审签意见"), max_length=300, blank=True)

    jurisdiction = Scope(org_unit="complaint__grid")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-drafted_at", "-pk"]
        verbose_name = _("答复")
        verbose_name_plural = _("答复")

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.get_status_display()}"


class Callback(AuditedModel):
    """A 回访 after closure: reached or not, and the complainant's satisfaction."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="callbacks")
    at = models.DateTimeField(_("回访时间"), default=timezone.now)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    method = models.CharField(_("方式"), max_length=8, choices=CallbackMethod.choices, default="phone")
    reached = models.BooleanField(_("已联系上"), default=True)
    satisfaction = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices, blank=True)
    comment = models.TextField(_("意见和建议"), blank=True)

    jurisdiction = Scope(org_unit="complaint__grid")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("回访")
        verbose_name_plural = _("回访")

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.get_satisfaction_display() or _('未联系上')}"


class ReviewRequest(AuditedModel):
    """A 复查 (review) or 复核 (re-examination) request, with its 30-day decision clock."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(_("环节"), max_length=16, choices=ReviewStage.choices)
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    reason = models.TextField(_("申请理由"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(_("结论"), max_length=16, choices=ReviewOutcome.choices, blank=True)
    decision = models.TextField(_("复查复核意见"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    jurisdiction = Scope(org_unit="complaint__grid", owner="complaint__submitted_by")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("复查复核")
        verbose_name_plural = _("复查复核")

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.get_stage_display()}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.complaint_id])

    @property
    def is_open(self) -> bool:
        return self.decided_at is None
