from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from epb.core.models import OrgUnit
from epb.enterprises.choices import EnterpriseFlag, LicenceStatus
from epb.enterprises.models import Contact, Enterprise, Licence
from epb.enterprises.services import GRID_LEVELS


class EnterpriseForm(forms.ModelForm):
    flags = forms.MultipleChoiceField(
        label=_("监管标签"),
        choices=EnterpriseFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "uscc",
            "grid",
            "address",
            "longitude",
            "latitude",
            "industry_code",
            "industry",
            "source_class",
            "status",
            "flags",
            "legal_representative",
            "contact_name",
            "contact_phone",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grids = OrgUnit.objects.filter(level__in=GRID_LEVELS, is_active=True)
        self.fields["grid"].queryset = grids.visible_to(user) if user is not None else grids  # type: ignore[attr-defined]


class LicenceForm(forms.ModelForm):
    class Meta:
        model = Licence
        fields = ["kind", "number", "issuer", "issued_on", "expires_on", "scope"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "scope": forms.Textarea(attrs={"rows": 3}),
        }


class LicenceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=LicenceStatus.choices)
    reason = forms.CharField(label=_("原因及依据"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["role", "name", "title", "phone", "mobile", "email", "is_active"]

    def clean_mobile(self) -> str:
        from epb.lib.codes import check_mobile

        value: str = self.cleaned_data.get("mobile", "").strip()
        if not value:
            return value
        check = check_mobile(value)
        if not check.valid:
            raise forms.ValidationError(check.message)
        return check.normalized


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
