from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from epb.core.forms import DateTimeField
from epb.core.models import OrgUnit, User
from epb.quality.choices import (
    DataKind,
    DrinkingRule,
    ImproveBasis,
    InflowMethod,
    LakeBasis,
    StableRule,
    TargetKind,
)
from epb.quality.items import items_of
from epb.quality.models import AirStation, NoisePoint, ReductionQuota, Target, Threshold, WaterBody, WaterSite

RULE_CHOICES = [("", _("（默认）"))] + [
    (value, label)
    for choices in (StableRule, ImproveBasis, LakeBasis, DrinkingRule, InflowMethod)
    for value, label in choices.choices
]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("数据类型"), choices=DataKind.choices, initial=DataKind.WATER)
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))


def _units(user: Any) -> Any:
    return OrgUnit.objects.visible_to(user).filter(is_active=True)


class _SiteForm(forms.ModelForm):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        from epb.monitoring.models import Device

        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = _units(user)  # type: ignore[attr-defined]
        device = self.fields["device"]
        device.queryset = Device.objects.visible_to(user).complex_filter(device.limit_choices_to)  # type: ignore[attr-defined]


class WaterSiteForm(_SiteForm):
    owners = forms.ModelMultipleChoiceField(
        label=_("预警责任人"), queryset=User.objects.none(), required=False, widget=forms.SelectMultiple
    )

    class Meta:
        model = WaterSite
        fields = [
            "code",
            "name",
            "kind",
            "water_body",
            "org_unit",
            "longitude",
            "latitude",
            "coordinate_note",
            "target_class",
            "taihu_assessment",
            "algae_watch",
            "intake_volume",
            "device",
            "is_public",
            "is_active",
            "sort_order",
            "note",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["owners"].queryset = User.objects.visible_to(user).filter(  # type: ignore[attr-defined]
            is_active=True, role__in=["leadership", "dept_staff", "district_staff", "grid_officer"]
        )
        if self.instance.pk:
            self.fields["owners"].initial = list(self.instance.owners.all())


class AirStationForm(_SiteForm):
    class Meta:
        model = AirStation
        fields = [
            "code",
            "name",
            "level",
            "org_unit",
            "longitude",
            "latitude",
            "coordinate_note",
            "in_city_mean",
            "device",
            "is_public",
            "is_active",
            "sort_order",
            "note",
        ]


class NoisePointForm(_SiteForm):
    class Meta:
        model = NoisePoint
        fields = [
            "code",
            "name",
            "zone",
            "railway_background",
            "org_unit",
            "longitude",
            "latitude",
            "coordinate_note",
            "device",
            "is_public",
            "is_active",
            "sort_order",
            "note",
        ]


class WaterBodyForm(forms.ModelForm):
    class Meta:
        model = WaterBody
        fields = ["name", "kind", "basin", "inflow_taihu", "clean_water", "org_unit", "sort_order", "note"]


class TargetForm(forms.ModelForm):
    rule = forms.ChoiceField(label=_("评价规则"), choices=RULE_CHOICES, required=False)
    items = forms.CharField(
        label=_("评价指标"), required=False, help_text=_("指标代码，逗号分隔，如 NH3N,TP；留空按默认规则")
    )

    class Meta:
        model = Target
        fields = [
            "year",
            "kind",
            "name",
            "required",
            "threshold",
            "baseline_year",
            "rule",
            "min_months",
            "items",
            "sites",
            "water_bodies",
            "source",
            "note",
            "sort_order",
            "is_active",
        ]
        widgets = {
            "sites": forms.SelectMultiple(attrs={"size": 8}),
            "water_bodies": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = WaterSite.objects.visible_to(user)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial["items"] = ",".join(self.instance.items)

    def clean_items(self) -> list[str]:
        raw = self.cleaned_data.get("items") or ""
        codes = [c.strip() for c in raw.replace("，", ",").split(",") if c.strip()]
        known = {i.code for i in items_of("water")}
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(_("未知的指标代码：%(c)s") % {"c": "、".join(unknown)})
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rule = data.get("rule") or ""
        allowed = {
            TargetKind.TAIHU_STABLE: StableRule.values,
            TargetKind.TAIHU_IMPROVE: ImproveBasis.values,
            TargetKind.LAKE: LakeBasis.values,
            TargetKind.DRINKING: DrinkingRule.values,
            TargetKind.INFLOW: InflowMethod.values,
        }.get(data.get("kind", ""), [])
        if rule and rule not in allowed:
            self.add_error("rule", _("该规则不适用于此类目标"))
        if rule == StableRule.ANNUAL_AND_MONTHS and not data.get("min_months"):
            self.add_error("min_months", _("请填写最少达标月数"))
        return data


class QuotaForm(forms.ModelForm):
    class Meta:
        model = ReductionQuota
        fields = ["year", "pollutant", "org_unit", "quota", "achieved", "source", "note"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = _units(user).filter(level__in=["city", "district"])  # type: ignore[attr-defined]


class QuotaProgressForm(forms.Form):
    month = forms.IntegerField(label=_("截至月份"), min_value=1, max_value=12)
    achieved = forms.DecimalField(label=_("累计完成（吨）"), min_value=0, max_digits=12, decimal_places=2)


class ThresholdForm(forms.ModelForm):
    item = forms.ChoiceField(label=_("指标"), choices=())

    class Meta:
        model = Threshold
        fields = ["site", "item", "kind", "level", "upper", "lower", "source", "is_active"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = WaterSite.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["item"].choices = [(i.code, i.label) for i in items_of("water")]  # type: ignore[attr-defined]


class CloseWarningForm(forms.Form):
    note = forms.CharField(label=_("处置情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class SampleForm(forms.Form):
    """Manual entry of one water result: one field per item."""

    sampled_at = DateTimeField(label=_("采样时间"), help_text=_("北京时间，如 2010-05-06 09:30"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in items_of("water"):
            self.fields[f"v_{item.code}"] = forms.CharField(label=item.label, required=False, max_length=32)

    def values(self) -> dict[str, str]:
        return {
            name[2:]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("v_") and value not in (None, "")
        }
