"""Forms of the enforcement pages. They check input; the services decide and write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.core.choices import OrgLevel, Role
from epb.core.forms import MultipleFileField
from epb.core.models import OrgUnit, User
from epb.enforcement.choices import (
    BehaviourColour,
    CampaignKind,
    EvidenceKind,
    FacilityGradeLevel,
    FindingCategory,
    MeasureKind,
    RepresentativeReason,
    RiskPlanStatus,
    Severity,
    TaskKind,
)
from epb.enterprises.models import Enterprise, Licence

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type=date> reads
OFFICER_ROLES = (Role.GRID_OFFICER, Role.DISTRICT_STAFF, Role.DEPT_STAFF, Role.LEADERSHIP)


def officers_for(user: Any) -> Any:
    return (
        User.objects.visible_to(user)
        .filter(role__in=OFFICER_ROLES, is_active=True)
        .select_related("org_unit")  # each choice is labelled with the officer's unit
        .order_by("org_unit__path", "pk")
    )


def grids_for(user: Any) -> Any:
    return OrgUnit.objects.visible_to(user).filter(
        level__in=(OrgLevel.TOWN, OrgLevel.SUBGRID), is_active=True
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = f"（{obj.org_unit.name}）" if obj.org_unit_id else ""
        return f"{obj}{unit}"


class PlanForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("网格"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    key_visits_per_year = forms.IntegerField(label=_("重点源每年检查次数"), min_value=0, max_value=12)
    general_share = forms.DecimalField(
        label=_("一般源随机抽查比例"), min_value=Decimal(0), max_value=Decimal(1), decimal_places=2
    )
    special_visits_per_year = forms.IntegerField(
        label=_("特殊监管对象每年检查次数"), min_value=0, max_value=12
    )
    officers_per_task = forms.IntegerField(label=_("每次检查执法人员数"), min_value=1, max_value=6)
    night_share = forms.DecimalField(
        label=_("夜间检查比例"), min_value=Decimal(0), max_value=Decimal(1), decimal_places=2
    )
    holiday_share = forms.DecimalField(
        label=_("节假日检查比例"), min_value=Decimal(0), max_value=Decimal(1), decimal_places=2
    )
    surprise_share = forms.DecimalField(
        label=_("飞行检查比例"), min_value=Decimal(0), max_value=Decimal(1), decimal_places=2
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_for(user)  # type: ignore[attr-defined]


class DrawForm(forms.Form):
    seed = forms.CharField(
        label=_("随机种子（留空由系统生成）"),
        max_length=64,
        required=False,
        help_text=_("可在公开抽取现场当众确定，例如用当日开奖号码或在场人员共同写下的数字。"),
    )


class TaskForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("网格"), queryset=OrgUnit.objects.none())
    enterprise = forms.ModelChoiceField(
        label=_("检查对象"), queryset=Enterprise.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("任务类型"),
        choices=[(k, v) for k, v in TaskKind.choices if k not in ("key", "random", "special", "campaign")],
    )
    title = forms.CharField(label=_("任务"), max_length=200)
    due_date = forms.DateField(label=_("完成期限"), widget=DATE)
    owner = UserChoiceField(label=_("责任人"), queryset=User.objects.none())
    co_officers = forms.ModelMultipleChoiceField(
        label=_("同行执法人员"), queryset=User.objects.none(), required=False
    )
    night = forms.BooleanField(label=_("夜间检查"), required=False)
    holiday = forms.BooleanField(label=_("节假日检查"), required=False)
    surprise = forms.BooleanField(label=_("飞行检查"), required=False)
    instructions = forms.CharField(
        label=_("检查要求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_for(user)  # type: ignore[attr-defined]
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = officers_for(user)  # type: ignore[attr-defined]
        self.fields["co_officers"].queryset = officers_for(user)  # type: ignore[attr-defined]

    def clean_due_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["due_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("完成期限不能早于今天"))
        return value


class ReassignForm(forms.Form):
    owner = UserChoiceField(label=_("新责任人"), queryset=User.objects.none())
    reason = forms.CharField(label=_("调整原因"), max_length=300)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officers_for(user)  # type: ignore[attr-defined]


class FindingForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=FindingCategory.choices)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.GENERAL)
    is_violation = forms.BooleanField(label=_("构成违法"), required=False)
    legal_basis = forms.CharField(label=_("违反的规定"), max_length=300, required=False)
    pollutant = forms.CharField(label=_("污染物"), max_length=50, required=False)
    exceedance_multiple = forms.DecimalField(
        label=_("超标倍数"), required=False, min_value=Decimal(0), max_digits=8, decimal_places=2
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("现场照片"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)


class LocationForm(forms.Form):
    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)
    accuracy = forms.FloatField(required=False, min_value=0)


class CaseForm(forms.Form):
    title = forms.CharField(label=_("案由"), max_length=200)
    enterprise = forms.ModelChoiceField(
        label=_("当事人（企业）"), queryset=Enterprise.objects.none(), required=False
    )
    party_name = forms.CharField(label=_("当事人（非企业时填写）"), max_length=200, required=False)
    grid = forms.ModelChoiceField(label=_("网格"), queryset=OrgUnit.objects.none())
    handler = UserChoiceField(label=_("承办人"), queryset=User.objects.none())
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    source_label = forms.CharField(label=_("案件来源"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["grid"].queryset = grids_for(user)  # type: ignore[attr-defined]
        self.fields["handler"].queryset = officers_for(user)  # type: ignore[attr-defined]


class DecideCaseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审查结论"), choices=[("open", _("立案")), ("decline", _("不予立案"))]
    )
    note = forms.CharField(label=_("审查意见"), widget=forms.Textarea(attrs={"rows": 2}))
    number = forms.CharField(label=_("案号（留空自动编号）"), max_length=40, required=False)


class CloseCaseForm(forms.Form):
    conclusion = forms.CharField(label=_("结案意见"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("证据种类"), choices=EvidenceKind.choices)
    description = forms.CharField(label=_("证明内容"), widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("文件"), required=False)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施"), choices=MeasureKind.choices)
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    officer = UserChoiceField(label=_("承办人"), queryset=User.objects.none())
    decision_number = forms.CharField(label=_("决定书文号"), max_length=60, required=False)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE, initial=timezone.localdate)
    amount = forms.DecimalField(
        label=_("罚款金额（元）"), required=False, min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    daily_amount = forms.DecimalField(
        label=_("按日计罚金额（元/日）"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
    )
    licence = forms.ModelChoiceField(
        label=_("涉及证照（暂扣、吊销时）"), queryset=Licence.objects.none(), required=False
    )
    trees = forms.IntegerField(label=_("植树数量（棵）"), required=False, min_value=1)
    details = forms.CharField(label=_("措施内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal_basis = forms.CharField(
        label=_("法律依据（留空按措施类型填入）"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    rectification_deadline = forms.DateField(label=_("整改期限（责令改正时）"), widget=DATE, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["officer"].queryset = officers_for(user)  # type: ignore[attr-defined]
        self.fields["licence"].queryset = Licence.objects.visible_to(user)  # type: ignore[attr-defined]


class RectificationForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    title = forms.CharField(label=_("整改事项"), max_length=200)
    requirements = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("整改期限"), widget=DATE)
    officer = UserChoiceField(label=_("核查人"), queryset=User.objects.none())

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["officer"].queryset = officers_for(user)  # type: ignore[attr-defined]


class SubmissionForm(forms.Form):
    description = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(label=_("整改证明材料（照片、报告等）"), required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("核查结论"),
        choices=[("accept", _("通过")), ("return", _("退回重改"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("核查意见（退回时必填）"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label=_("专项行动"), choices=CampaignKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    org_unit = forms.ModelChoiceField(label=_("组织单位"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("名称（留空用方案名称）"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("开始日期（留空用方案日期）"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.visible_to(user).filter(  # type: ignore[attr-defined]
            level__in=(OrgLevel.CITY, OrgLevel.DISTRICT)
        )


class PlaceForm(forms.Form):
    place = forms.CharField(label=_("地点或事项"), max_length=200)
    grid = forms.ModelChoiceField(label=_("网格"), queryset=OrgUnit.objects.none())
    note = forms.CharField(label=_("情况"), required=False, max_length=500)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_for(user)  # type: ignore[attr-defined]


class PatrolForm(forms.Form):
    owner = UserChoiceField(label=_("责任人"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("期限"), widget=DATE)
    night = forms.BooleanField(label=_("夜间"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officers_for(user)  # type: ignore[attr-defined]


class RepresentativeForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    officer = UserChoiceField(label=_("环保代表"), queryset=User.objects.none())
    reason = forms.ChoiceField(label=_("派驻原因"), choices=RepresentativeReason.choices)
    duties = forms.CharField(
        label=_("督促帮助事项"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["officer"].queryset = officers_for(user)  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DATE, initial=timezone.localdate)
    content = forms.CharField(label=_("走访内容"), widget=forms.Textarea(attrs={"rows": 2}))
    problems = forms.CharField(label=_("发现问题"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    help_given = forms.CharField(
        label=_("帮助整改"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class GradeForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    facility = forms.CharField(label=_("设施"), max_length=100)
    assessed_on = forms.DateField(label=_("评定日期"), widget=DATE, initial=timezone.localdate)
    grade = forms.ChoiceField(label=_("等级"), choices=FacilityGradeLevel.choices)
    score = forms.DecimalField(
        label=_("得分"), required=False, min_value=Decimal(0), max_value=Decimal(100), decimal_places=1
    )
    evidence = forms.CharField(label=_("评定依据"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    year = forms.IntegerField(label=_("评定年度"), min_value=2000, max_value=2100)
    colour = forms.ChoiceField(label=_("等级"), choices=BehaviourColour.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
    publish = forms.BooleanField(label=_("公布"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]


class DrillForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    held_on = forms.DateField(label=_("演练日期"), widget=DATE)
    scenario = forms.CharField(label=_("演练科目"), max_length=200)
    participants = forms.IntegerField(label=_("参演人数"), min_value=0, initial=0)
    evaluation = forms.CharField(
        label=_("演练评估"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]


class RiskPlanForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    title = forms.CharField(label=_("预案名称"), max_length=200)
    version = forms.CharField(label=_("版本"), max_length=20, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=RiskPlanStatus.choices)
    filed_on = forms.DateField(label=_("备案日期"), widget=DATE, required=False)
    revise_by = forms.DateField(label=_("下次修订期限"), widget=DATE, required=False)
    summary = forms.CharField(
        label=_("主要风险与措施"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]


class SupplyForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    name = forms.CharField(label=_("物资名称"), max_length=100)
    quantity = forms.DecimalField(label=_("数量"), min_value=Decimal(0), max_digits=12, decimal_places=2)
    unit = forms.CharField(label=_("单位"), max_length=20)
    location = forms.CharField(label=_("存放地点"), max_length=200, required=False)
    checked_on = forms.DateField(label=_("最近检查"), widget=DATE, required=False)
    expires_on = forms.DateField(label=_("有效期至"), widget=DATE, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]
