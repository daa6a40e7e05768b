"""Forms of the centre. They check shape and required fields; rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.complaints.choices import (
    CallbackMethod,
    Channel,
    EventKind,
    Kind,
    ReceptionStatus,
    ReviewOutcome,
    Satisfaction,
    Severity,
    Urgency,
)
from epb.complaints.models import (
    DeclineReason,
    ExternalAgency,
    PollutionType,
    ReceptionDay,
    ReplyTemplate,
    RoutingRule,
    SensitivePeriod,
)
from epb.core.forms import DateTimeField, MultipleFileField, MultipleFileInput
from epb.core.models import Department, OrgUnit, User
from epb.enterprises.models import Enterprise

MAX_PHOTOS = 6


class Form(forms.Form):
    """Chinese labels take no ASCII colon after them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PhotoField(MultipleFileField):
    """Photos of a complaint: images only, optional, at most ``MAX_PHOTOS``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("照片最多%(n)d张") % {"n": MAX_PHOTOS})
        return list(super().clean(data, initial))


def type_choices() -> list[Any]:
    """Types with their sub-types as option groups; the value is the code of either."""
    choices: list[Any] = [("", _("请选择污染类型"))]
    for top in PollutionType.objects.filter(parent=None, is_active=True).prefetch_related("children"):
        group = [(c.code, c.name) for c in top.children.all() if c.is_active]
        group.append((top.code, _("%(name)s（其他）") % {"name": top.name}))
        choices.append((top.name, group))
    return choices


def resolve_type(code: str) -> tuple[PollutionType | None, PollutionType | None]:
    """(type, sub-type) for a code from :func:`type_choices`."""
    if not code:
        return None, None
    chosen = PollutionType.objects.filter(code=code, is_active=True).select_related("parent").first()
    if chosen is None:
        return None, None
    if chosen.parent is None:
        return chosen, None
    return chosen.parent, chosen


class TypeField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=type_choices, **kwargs)


class LocationMixin(Form):
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    location_source = forms.CharField(required=False, widget=forms.HiddenInput)


class PublicComplaintForm(LocationMixin):
    kind = forms.ChoiceField(
        label=_("类别"), choices=Kind.choices, initial=Kind.COMPLAINT, widget=forms.RadioSelect
    )
    type_code = TypeField(label=_("污染类型"), required=False)
    description = forms.CharField(
        label=_("反映内容"),
        max_length=4000,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": _("请写明污染的时间、地点、现象（如气味、噪声时段）")}
        ),
    )
    address = forms.CharField(label=_("地点"), max_length=300, required=False)
    reported_unit = forms.CharField(label=_("被举报单位（如知道）"), max_length=200, required=False)
    photos = PhotoField(label=_("照片（可选，最多6张）"))
    identity = forms.ChoiceField(
        label=_("举报方式"),
        choices=[("anonymous", _("匿名举报（不回访）")), ("real", _("实名举报（短信验证，办结后回访）"))],
        initial="anonymous",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    sms_code = forms.CharField(label=_("短信验证码"), max_length=8, required=False)
    contact_address = forms.CharField(label=_("联系地址（可选）"), max_length=200, required=False)
    add_to = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Kind.COMPLAINT and not data.get("type_code"):
            self.add_error("type_code", _("请选择污染类型"))
        if data.get("identity") == "real":
            for name, message in (
                ("name", _("实名举报请填写姓名")),
                ("phone", _("实名举报请填写手机号码")),
                ("sms_code", _("请填写短信验证码")),
            ):
                if not (data.get(name) or "").strip():
                    self.add_error(name, message)
        return data


class StaffIntakeForm(LocationMixin):
    kind = forms.ChoiceField(label=_("类别"), choices=Kind.choices, initial=Kind.COMPLAINT)
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[(c, label) for c, label in Channel.choices if c not in (Channel.WEB, Channel.OPEN311)],
        initial=Channel.PHONE,
    )
    received_at = DateTimeField(
        label=_("收件时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("北京时间；不填为现在"),
    )
    type_code = TypeField(label=_("污染类型"), required=False)
    summary = forms.CharField(label=_("标题"), max_length=100, required=False)
    description = forms.CharField(
        label=_("反映内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    address = forms.CharField(label=_("地点"), max_length=300, required=False)
    enterprise = forms.ModelChoiceField(
        label=_("被举报单位（档案）"), queryset=Enterprise.objects.none(), required=False
    )
    reported_unit = forms.CharField(label=_("被举报单位（名称）"), max_length=200, required=False)
    anonymous = forms.BooleanField(label=_("匿名"), required=False)
    name = forms.CharField(label=_("举报人姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    contact_address = forms.CharField(label=_("联系地址"), max_length=200, required=False)
    id_number = forms.CharField(label=_("身份证号（来访登记）"), max_length=18, required=False)
    severity = forms.TypedChoiceField(label=_("严重程度"), choices=Severity.choices, coerce=int, initial=1)
    urgency = forms.TypedChoiceField(label=_("紧急程度"), choices=Urgency.choices, coerce=int, initial=1)
    is_mass = forms.BooleanField(label=_("群体性"), required=False)
    is_sudden = forms.BooleanField(label=_("突发环境事件"), required=False)
    visitors = forms.IntegerField(label=_("来访人数"), required=False, min_value=0, initial=0)
    reception_day = forms.ModelChoiceField(
        label=_("领导接访日"), queryset=ReceptionDay.objects.none(), required=False
    )
    photos = PhotoField(label=_("照片、信件扫描件"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by("name")  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["reception_day"].queryset = (  # type: ignore[attr-defined]
            ReceptionDay.objects.visible_to(user).filter(date__gte=today.replace(day=1)).order_by("-date")
        )
        self.fields["photos"].widget.attrs["accept"] = "image/*,application/pdf"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Kind.COMPLAINT and not data.get("type_code"):
            self.add_error("type_code", _("请选择污染类型"))
        return data


# -- actions on a case --------------------------------------------------------------------------


class RouteForm(Form):
    grid = forms.ModelChoiceField(
        label=_("属地（辖市区或网格）"), queryset=OrgUnit.objects.none(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("承办处室"), queryset=Department.objects.all(), required=False
    )
    reason = forms.CharField(label=_("理由"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = (  # type: ignore[attr-defined]
            OrgUnit.objects.visible_to(user).filter(is_active=True).exclude(level="city").order_by("path")
        )
        self.fields["grid"].label_from_instance = lambda u: u.full_name()  # type: ignore[attr-defined]


class NoteForm(Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(Form):
    note = forms.CharField(label=_("受理意见"), required=False, max_length=500)


class DeclineForm(Form):
    reason = forms.ModelChoiceField(
        label=_("不予受理理由"), queryset=DeclineReason.objects.filter(is_active=True)
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class TransferForm(Form):
    agency = forms.ModelChoiceField(
        label=_("移送部门"), queryset=ExternalAgency.objects.filter(is_active=True)
    )
    reason = forms.CharField(label=_("理由"), max_length=300)


class AssignForm(Form):
    handler = forms.ModelChoiceField(label=_("承办人"), queryset=User.objects.none())

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = candidates  # type: ignore[attr-defined]


class FlagsForm(Form):
    severity = forms.TypedChoiceField(label=_("严重程度"), choices=Severity.choices, coerce=int)
    urgency = forms.TypedChoiceField(label=_("紧急程度"), choices=Urgency.choices, coerce=int)
    is_mass = forms.BooleanField(label=_("群体性"), required=False)
    is_sudden = forms.BooleanField(label=_("突发环境事件"), required=False)


class ExtensionRequestForm(Form):
    days = forms.IntegerField(label=_("延期天数"), min_value=1, max_value=30, initial=30)
    reason = forms.CharField(label=_("延期理由"), max_length=300)


class DecisionForm(Form):
    approve = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("1", _("同意")), ("0", _("不同意 / 退回"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = forms.CharField(label=_("意见"), required=False, max_length=300)


class ReplyForm(Form):
    template = forms.ModelChoiceField(
        label=_("答复模板"), queryset=ReplyTemplate.objects.filter(is_active=True), required=False
    )
    findings = forms.CharField(
        label=_("调查处理结果（内部）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    text = forms.CharField(
        label=_("答复举报人意见（公开给举报人）"), widget=forms.Textarea(attrs={"rows": 5})
    )
    submit = forms.BooleanField(label=_("提交领导审签"), required=False)


class CallbackForm(Form):
    method = forms.ChoiceField(label=_("方式"), choices=CallbackMethod.choices, initial=CallbackMethod.PHONE)
    reached = forms.TypedChoiceField(
        label=_("是否联系上"),
        choices=[("1", _("已联系上")), ("0", _("未联系上"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    satisfaction = forms.ChoiceField(
        label=_("满意度"),
        choices=[("", "—"), *Satisfaction.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("意见和建议"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewRequestForm(Form):
    requested_at = DateTimeField(
        label=_("申请时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewDecisionForm(Form):
    outcome = forms.ChoiceField(label=_("结论"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    decision = forms.CharField(label=_("复查复核意见"), widget=forms.Textarea(attrs={"rows": 3}))


class HearingForm(Form):
    kind = forms.ChoiceField(
        label=_("形式"), choices=[(EventKind.HEARING, _("听证")), (EventKind.JOINT_MEETING, _("会办"))]
    )
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.CharField(label=_("参加单位和人员"), max_length=300, required=False)
    outcome = forms.CharField(label=_("结果"), widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(Form):
    public_summary = forms.CharField(
        label=_("公开内容（个人信息会被自动隐去）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    publish = forms.BooleanField(label=_("在公开栏展示"), required=False, initial=True)
    photos = forms.BooleanField(label=_("同时公开照片"), required=False)


class MergeForm(Form):
    number = forms.CharField(label=_("并入编号"), max_length=16)
    reason = forms.CharField(label=_("理由"), max_length=200)


class LinkForm(Form):
    number = forms.CharField(label=_("关联编号"), max_length=16)
    reason = forms.CharField(label=_("理由"), max_length=200)


class LeaderCaseForm(Form):
    leader = forms.ModelChoiceField(
        label=_("包案领导"), queryset=User.objects.filter(role="leadership", is_active=True)
    )
    instructions = forms.CharField(label=_("批示"), widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(
        label=_("要求化解日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class InstructionForm(Form):
    text = forms.CharField(label=_("批示"), widget=forms.Textarea(attrs={"rows": 2}))


class ResultForm(Form):
    result = forms.CharField(label=_("化解情况"), widget=forms.Textarea(attrs={"rows": 2}))


# -- leaders, supervision, periods, configuration -----------------------------------------------


class ReceptionDayForm(Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    leader = forms.ModelChoiceField(label=_("接访领导"), queryset=User.objects.none())
    org_unit = forms.ModelChoiceField(label=_("接访单位"), queryset=OrgUnit.objects.none())
    location = forms.CharField(label=_("地点"), max_length=100, required=False)
    mode = forms.ChoiceField(
        label=_("形式"),
        choices=[("open", _("开门接访")), ("appointment", _("主动约访")), ("field", _("带案下访"))],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            role__in=["leadership", "district_staff"], is_active=True
        ).order_by("role", "username")
        self.fields["org_unit"].queryset = OrgUnit.objects.visible_to(user).filter(  # type: ignore[attr-defined]
            level__in=["city", "district"]
        )


class ReceptionRecordForm(Form):
    status = forms.ChoiceField(label=_("状态"), choices=ReceptionStatus.choices)
    summary = forms.CharField(label=_("接访情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SupervisionForm(Form):
    year = forms.IntegerField(label=_("督办年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("督办事项"), max_length=200)
    description = forms.CharField(label=_("问题概况"), widget=forms.Textarea(attrs={"rows": 3}))
    grid = forms.ModelChoiceField(label=_("属地"), queryset=OrgUnit.objects.exclude(level="city"))
    enterprise = forms.ModelChoiceField(
        label=_("涉及单位"), queryset=Enterprise.objects.none(), required=False
    )
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=200)
    co_supervisor = forms.CharField(
        label=_("会同督办单位"), max_length=100, required=False, initial=_("市纪委（监察局）")
    )
    listed_at = forms.DateField(label=_("挂牌日期"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=_("办结期限"), widget=forms.DateInput(attrs={"type": "date"}))
    actions = forms.CharField(
        label=_("整改要求（每行一项，可写“要求｜责任单位｜YYYY-MM-DD”）"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    complaint_numbers = forms.CharField(label=_("关联信访件编号（逗号分隔）"), required=False)
    listing_notice = forms.CharField(
        label=_("挂牌公告"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    is_public = forms.BooleanField(label=_("向社会公开"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["grid"].label_from_instance = lambda u: u.full_name()  # type: ignore[attr-defined]

    def clean_actions(self) -> list[tuple[str, str, Any]]:
        import datetime as dt

        parsed = []
        for number, line in enumerate(self.cleaned_data["actions"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
            text, responsible, due = parts[0], parts[1] if len(parts) > 1 else "", None
            if len(parts) > 2 and parts[2]:
                try:
                    due = dt.date.fromisoformat(parts[2])
                except ValueError:
                    raise ValidationError(_("第%(n)d行的日期应为 YYYY-MM-DD") % {"n": number}) from None
            if len(text) > 300:
                raise ValidationError(_("第%(n)d行过长") % {"n": number})
            parsed.append((text, responsible, due))
        if not parsed:
            raise ValidationError(_("请至少列出一项整改要求"))
        return parsed


class ActionDoneForm(Form):
    done_at = forms.DateField(label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("完成情况"), max_length=300)


class DeadlineForm(Form):
    deadline = forms.DateField(label=_("新期限"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("理由"), max_length=300)


class DelistForm(Form):
    on = forms.DateField(label=_("解除日期"), widget=forms.DateInput(attrs={"type": "date"}))
    notice = forms.CharField(label=_("解除挂牌公告"), widget=forms.Textarea(attrs={"rows": 2}))


class CarryOverForm(Form):
    deadline = forms.DateField(label=_("下一年度办结期限"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class SensitivePeriodForm(ModelForm):
    class Meta:
        model = SensitivePeriod
        fields = ["name", "start", "end", "escalate_severity", "escalate_urgency", "note"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }


class ReplyTemplateForm(ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ["name", "kind", "pollution_type", "text", "is_active"]

    def clean_text(self) -> str:
        from epb.complaints.rules import TEMPLATE_FIELDS, template_fields

        text: str = self.cleaned_data["text"]
        try:
            used = template_fields(text)
        except ValueError:
            raise ValidationError(_("花括号不成对，请检查占位符")) from None
        unknown = sorted(set(used) - set(TEMPLATE_FIELDS))
        if unknown:
            raise ValidationError(_("未知的占位符：%(names)s") % {"names": "、".join(unknown)})
        return text


class RoutingRuleForm(ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["pollution_type", "department_code", "agency", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Staff pick the division by name; the rule keeps its code.
        field = self.fields["department_code"]
        field.label = _("承办处室")
        field.widget = forms.Select(
            choices=[("", "---------"), *Department.objects.values_list("code", "name")]
        )

    def clean_department_code(self) -> str:
        code: str = self.cleaned_data["department_code"]
        if code and not Department.objects.filter(code=code).exists():
            raise ValidationError(_("没有代码为 %(code)s 的处室") % {"code": code})
        return code


class DeclineReasonForm(ModelForm):
    class Meta:
        model = DeclineReason
        fields = ["code", "label", "guidance", "source", "sort_order", "is_active"]


class ExternalAgencyForm(ModelForm):
    class Meta:
        model = ExternalAgency
        fields = ["code", "name", "contact", "is_active"]


class PeriodFilterForm(Form):
    start = forms.DateField(label=_("自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    district = forms.ModelChoiceField(label=_("辖市区"), queryset=OrgUnit.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = OrgUnit.objects.visible_to(user).filter(level="district")  # type: ignore[attr-defined]
