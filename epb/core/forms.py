from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from epb.core import audit, throttle
from epb.core.middleware import client_ip


class ThrottledLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码错误。"),
        "locked": _("登录失败次数过多，请 %(minutes)d 分钟后再试。"),
    }

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "") or ""
        ip = client_ip(self.request) if self.request is not None else None
        minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
        if throttle.is_locked(ip, username):
            raise ValidationError(self.error_messages["locked"], code="locked", params={"minutes": minutes})
        try:
            cleaned = super().clean()
        except ValidationError:
            if throttle.record_failure(ip, username):
                audit.log(
                    "core.login.locked",
                    None,
                    actor=None,
                    actor_label=username[:150] or "?",
                    note=f"{settings.LOGIN_FAILURE_LIMIT} failures from {ip}",
                )
            raise
        throttle.clear(ip, username)
        return cleaned


class DateTimeField(forms.DateTimeField):
    """A date and time of the bureau's work (received, sampled, requested, from/to): 1900 to 2100.

    Every form's date-time field is this one, so an absurd year is an error on the form; year 1 in
    Beijing time is not even a time that UTC storage can hold.
    """

    default_error_messages = {"out_of_range": _("请输入1900年至2100年之间的时间")}

    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        if result is not None and not 1900 <= result.year <= 2100:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return result


class HolidayOverrideForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("类型"),
        choices=[("0", _("休息日")), ("1", _("工作日（调休上班）"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label=_("名称"), max_length=50, required=False)
    note = forms.CharField(label=_("依据"), max_length=200, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (photos, evidence): a list of cleaned uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [single(f, initial) for f in files]
