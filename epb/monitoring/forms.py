"""Forms of the monitoring pages. They validate input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from epb.core.choices import OrgLevel
from epb.core.forms import DateTimeField
from epb.core.models import OrgUnit
from epb.monitoring.choices import CommandKind, CrcVariantChoice
from epb.monitoring.models import Device

FIELDS = [
    "mn",
    "pw",
    "name",
    "system",
    "outlet",
    "org_unit",
    "version",
    "crc_variants",
    "accept_lowercase_crc",
    "accept_length_mismatch",
    "encoding",
    "flow_unit",
    "sm4_key",
    "rtd_interval",
    "min_interval",
    "is_active",
    "note",
]


class DeviceForm(forms.ModelForm[Device]):
    crc_variants = forms.MultipleChoiceField(
        label=_("接受的 CRC 算法"),
        choices=CrcVariantChoice.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["hj212"],
    )
    sm4_key = forms.CharField(
        label=_("SM4 密钥"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("32 位十六进制；不修改请留空。已保存的密钥只显示掩码。"),
    )
    clear_sm4_key = forms.BooleanField(label=_("清除 SM4 密钥"), required=False)

    class Meta:
        model = Device
        fields = FIELDS

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from epb.enterprises.models import Outlet

        self.fields["outlet"].queryset = Outlet.objects.visible_to(user).select_related("enterprise")  # type: ignore[attr-defined]
        self.fields["org_unit"].queryset = OrgUnit.objects.visible_to(user).exclude(level=OrgLevel.SUBGRID)  # type: ignore[attr-defined]
        self.fields["org_unit"].help_text = _("环境质量自动站填写；污染源设备随排放口所属企业的网格")
        if self.instance.pk is not None:
            self.fields["sm4_key"].help_text = _("当前：%(key)s。不修改请留空。") % {
                "key": self.instance.masked_key or _("无")
            }
        else:
            del self.fields["clear_sm4_key"]
            del self.fields["is_active"]

    def changes(self) -> dict[str, Any]:
        """The cleaned values to hand to the service (the key only when it was given or cleared)."""
        data = {name: self.cleaned_data[name] for name in FIELDS if name in self.cleaned_data}
        if self.cleaned_data.get("clear_sm4_key"):
            data["sm4_key"] = ""
        elif not data.get("sm4_key"):
            data.pop("sm4_key", None)
        if data.get("outlet") is not None:
            data["org_unit"] = None
        return data

    def _post_clean(self) -> None:
        # The service validates the whole record (placement, key format); the form only the fields.
        pass


class CommandForm(forms.Form):
    kind = forms.ChoiceField(label=_("命令"), choices=CommandKind.choices)
    begin_time = DateTimeField(
        label=_("起始时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end_time = DateTimeField(
        label=_("截止时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
