"""The centre's reference data, editable by leadership and the centre: routing table, reply
templates, 不予受理 reasons and outside bodies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epb.complaints import forms as f
from epb.complaints.models import DeclineReason, ExternalAgency, PollutionType, ReplyTemplate, RoutingRule
from epb.complaints.services.common import is_centre
from epb.complaints.services.config import save_reference
from epb.complaints.views.common import bureau_staff, form_errors, me
from epb.core.models import Department

KINDS: dict[str, tuple[Any, Any, Any]] = {
    "templates": (ReplyTemplate, f.ReplyTemplateForm, gettext_lazy("答复模板")),
    "routing": (RoutingRule, f.RoutingRuleForm, gettext_lazy("分派规则")),
    "reasons": (DeclineReason, f.DeclineReasonForm, gettext_lazy("不予受理理由")),
    "agencies": (ExternalAgency, f.ExternalAgencyForm, gettext_lazy("外部部门")),
}


@bureau_staff
def config(request: HttpRequest) -> HttpResponse:
    departments = dict(Department.objects.values_list("code", "name"))
    routing = list(RoutingRule.objects.select_related("pollution_type", "agency"))
    for rule in routing:
        # The rule stores the division's code; readers know the division by its name.
        rule.department_name = departments.get(rule.department_code, rule.department_code)  # type: ignore[attr-defined]
    return render(
        request,
        "complaints/config/index.html",
        {
            "may_edit": is_centre(request.user),
            "templates": ReplyTemplate.objects.select_related("pollution_type"),
            "routing": routing,
            "reasons": DeclineReason.objects.all(),
            "agencies": ExternalAgency.objects.all(),
            "types": PollutionType.objects.filter(parent=None).prefetch_related("children"),
        },
    )


@bureau_staff
def config_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    if not is_centre(request.user):
        raise PermissionDenied(_("只有局领导和信访中心可以修改配置"))
    model, form_class, label = KINDS[kind]
    instance = model.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and instance is None:
        raise Http404
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            # The saved instance of a ModelForm is never used: the audited service writes.
            save_reference(
                model,
                actor=me(request),
                instance=model.objects.filter(pk=pk).first() if pk else None,
                **fields,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("complaints:config")
    return render(
        request, "complaints/config/edit.html", {"form": form, "label": label, "instance": instance}
    )
