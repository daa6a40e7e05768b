"""Forms of the centre's pages. Times are entered in Beijing time."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from epb.core.forms import DateTimeField, MultipleFileField
from epb.lib.timeutil import BEIJING
from epb.monitoring.choices import AlarmKind, AlarmState, LimitKind, MarkKind, SourceAge
from epb.standards import anomalies, discharge, factors


def factor_choices(medium: str | None = None) -> list[tuple[str, str]]:
    return [
        (f.code, f"{f.code} {f.name_zh}")
        for f in factors.all_factors(medium=medium)  # type: ignore[arg-type]
    ]


class HandleForm(forms.Form):
    cause = forms.CharField(label=_("报警原因"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("已采取的整改措施"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("证明材料（照片、运维记录等）"), required=False)  # type: ignore[assignment]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class BeijingDateTimeField(DateTimeField):
    def to_python(self, value: Any) -> dt.datetime | None:
        result = super().to_python(value)
        if result is not None and (result.tzinfo is None or result.utcoffset() is None):
            result = result.replace(tzinfo=BEIJING)
        return result


class AlarmFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *AlarmKind.choices])
    state = forms.ChoiceField(
        label=_("处理状态"),
        required=False,
        choices=[("", _("全部")), ("open", _("未核销")), *AlarmState.choices],
    )
    area = forms.ChoiceField(label=_("辖区/网格"), required=False)
    enterprise = forms.CharField(label=_("企业"), required=False)
    factor = forms.ChoiceField(label=_("因子"), required=False)
    since = forms.DateField(label=_("自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    active = forms.BooleanField(label=_("仅持续中"), required=False)
    confirmed = forms.BooleanField(label=_("仅确认超标"), required=False)

    def __init__(self, *args: Any, areas: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("全部")), *(areas or [])]  # type: ignore[attr-defined]
        self.fields["factor"].choices = [("", _("全部")), *factor_choices()]  # type: ignore[attr-defined]


class LimitOverrideForm(forms.Form):
    item = forms.ChoiceField(label=_("监测因子"))
    kind = forms.ChoiceField(label=_("限值类型"), choices=LimitKind.choices)
    min_value = forms.FloatField(label=_("下限"), required=False)
    max_value = forms.FloatField(label=_("上限"), required=False)
    unit = forms.CharField(label=_("单位"), required=False, help_text=_("留空：与标准或因子默认单位相同"))
    basis = forms.ChoiceField(
        label=_("判定基础"),
        required=False,
        choices=[
            ("", _("按因子默认")),
            ("reading", _("单个读数")),
            ("hourly_mean", _("小时均值")),
            ("daily_mean", _("日均值")),
        ],
    )
    reference_o2 = forms.FloatField(label=_("基准氧含量(%)"), required=False)
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_to = forms.DateField(
        label=_("失效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("依据（许可证编号、批复文号）"), max_length=200)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, medium: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = factor_choices(medium)  # type: ignore[attr-defined]


class OutletStandardForm(forms.Form):
    standard_id = forms.ChoiceField(label=_("执行标准"), required=False)
    class_id = forms.CharField(label=_("级别/表"), required=False, max_length=32)
    source_age = forms.ChoiceField(
        label=_("新建/现有"), required=False, choices=[("", _("未记录")), *SourceAge.choices]
    )
    special = forms.BooleanField(label=_("执行特别排放限值"), required=False)
    context = forms.CharField(
        label=_("判定条件（JSON）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('例如 {"plant_built": "2004-05-01", "region": "江苏", "unit_type": "boiler"}'),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("按排污单位档案"))]
        for sid in discharge.standards():
            info = discharge.standard_info(sid)
            choices.append((sid, f"{info.get('number', sid)}"))
        self.fields["standard_id"].choices = choices  # type: ignore[attr-defined]

    def clean_context(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("context") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("不是有效的 JSON：%(e)s") % {"e": exc}) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("须为 JSON 对象"))
        return value


class PermittedTotalForm(forms.Form):
    item = forms.ChoiceField(label=_("污染物"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    tonnes = forms.DecimalField(label=_("许可排放量（吨/年）"), max_digits=12, decimal_places=4, min_value=0)
    reference = forms.CharField(label=_("依据（排污许可证编号）"), max_length=200)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            (f.code, f"{f.code} {f.name_zh}")
            for f in factors.all_factors()
            if f.cou_unit in ("kg", "g") and f.kind != "param"
        ]


class AnomalySettingForm(forms.Form):
    factor = forms.ChoiceField(label=_("因子（留空为设备）"), required=False)
    offline_minutes = forms.FloatField(label=_("离线判定（分钟）"), required=False, min_value=0.5)
    range_upper = forms.FloatField(label=_("仪器量程上限"), required=False)
    rated_flow = forms.FloatField(label=_("额定流量"), required=False)
    thresholds = forms.CharField(
        label=_("其他阈值（JSON，时长以分钟计）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('例如 {"constant_min_duration": 120, "zero_tolerance": 0.1}'),
    )
    disabled = forms.MultipleChoiceField(
        label=_("不报警的类型"),
        required=False,
        choices=[(k, dict(AlarmKind.choices).get(k, k)) for k in anomalies.KINDS if k != "offline"],
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, medium: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["factor"].choices = [("", _("设备（离线判定）")), *factor_choices(medium)]  # type: ignore[attr-defined]

    def clean_thresholds(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("thresholds") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("不是有效的 JSON：%(e)s") % {"e": exc}) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("须为 JSON 对象"))
        return value


class MarkForm(forms.Form):
    factor = forms.ChoiceField(label=_("因子（留空为全部）"), required=False)
    kind = forms.ChoiceField(label=_("标记类型"), choices=MarkKind.choices)
    start = BeijingDateTimeField(
        label=_("开始（北京时间）"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = BeijingDateTimeField(
        label=_("结束（北京时间）"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args: Any, medium: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["factor"].choices = [("", _("全部因子")), *factor_choices(medium)]  # type: ignore[attr-defined]
