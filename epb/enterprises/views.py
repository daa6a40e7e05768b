from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.models import OrgUnit, User
from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.enterprises import services
from epb.enterprises.choices import EnterpriseFlag, EnterpriseStatus, LicenceStatus, SourceClass
from epb.enterprises.conf import warning_days
from epb.enterprises.forms import ContactForm, EnterpriseForm, ImportForm, LicenceForm, LicenceStatusForm
from epb.enterprises.history import compliance_history
from epb.enterprises.importer import template_workbook
from epb.enterprises.models import Contact, Enterprise, Licence
from epb.enterprises.sections import sections_for


def _actor(request: HttpRequest) -> User:
    """The signed-in user (``staff_required`` has run)."""
    return cast(User, request.user)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request: HttpRequest) -> tuple[QuerySet[Enterprise], dict[str, str]]:
    qs = Enterprise.objects.visible_to(request.user).select_related("grid")
    f = {
        k: request.GET.get(k, "").strip() for k in ("q", "grid", "source_class", "flag", "status", "licence")
    }
    if f["q"]:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(uscc__iexact=f["q"]) | Q(industry__icontains=f["q"]))
    if f["grid"].isdigit():
        unit = OrgUnit.objects.visible_to(request.user).filter(pk=int(f["grid"])).first()
        if unit is not None:
            qs = qs.filter(grid__path__startswith=unit.path)
    if f["source_class"] in SourceClass.values:
        qs = qs.filter(source_class=f["source_class"])
    if f["status"] in EnterpriseStatus.values:
        qs = qs.filter(status=f["status"])
    if f["flag"] in EnterpriseFlag.values:
        # JSON containment is not portable to SQLite; flags are short lists, so match the quoted code.
        qs = qs.filter(flags__icontains=f'"{f["flag"]}"')
    if f["licence"] in ("expiring", "expired"):
        today = timezone.localdate()
        licences = Licence.objects.filter(status=LicenceStatus.VALID)
        if f["licence"] == "expired":
            licences = licences.filter(expires_on__lt=today)
        else:
            horizon = today + dt.timedelta(days=max(warning_days()))
            licences = licences.filter(expires_on__gte=today, expires_on__lte=horizon)
        qs = qs.filter(pk__in=licences.values("enterprise_id"))
    return qs, f


@staff_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    qs, filters = _filtered(request)
    if request.GET.get("format") == "xlsx":
        return _export(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    grids = OrgUnit.objects.visible_to(request.user).filter(level__in=("district", "town")).order_by("path")
    return render(
        request,
        "enterprises/list.html",
        {
            "page": page,
            "q": filters["q"],
            "filters": filters,
            "grids": grids,
            "classes": SourceClass.choices,
            "flags": EnterpriseFlag.choices,
            "statuses": EnterpriseStatus.choices,
            "may_import": services.is_staff(request.user) and _actor(request).role != "grid_officer",
            "query": request.GET.urlencode(),
        },
    )


def _export(qs: QuerySet[Enterprise]) -> HttpResponse:
    from epb.lib.documents import Column, ColumnKind, Document, Table, to_xlsx

    columns = [
        Column(_("单位名称")),
        Column(_("统一社会信用代码")),
        Column(_("所属网格")),
        Column(_("监管类别")),
        Column(_("行业代码")),
        Column(_("行业")),
        Column(_("生产状态")),
        Column(_("监管标签")),
        Column(_("地址")),
        Column(_("经度"), ColumnKind.DECIMAL, decimals=5),
        Column(_("纬度"), ColumnKind.DECIMAL, decimals=5),
    ]
    rows = [
        [
            e.name,
            e.uscc,
            e.grid.full_name(),
            str(e.get_source_class_display()),
            e.industry_code,
            e.industry,
            str(e.get_status_display()),
            "、".join(e.flag_labels()),
            e.address,
            e.longitude,
            e.latitude,
        ]
        for e in qs[:20000]
    ]
    doc = Document(_("污染源档案"), [Table(columns, rows, caption=_("企业名录"))], date=timezone.localdate())
    response = HttpResponse(to_xlsx(doc), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="enterprises.xlsx"'
    return response


@staff_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible_or_404(Enterprise.objects.select_related("grid"), request.user, pk=pk)
    today = timezone.localdate()
    licences = list(Licence.objects.visible_to(request.user).filter(enterprise=enterprise))
    for licence in licences:
        licence.current_state = licence.state(today)  # type: ignore[attr-defined]
    history = compliance_history(enterprise, today)
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "outlets": enterprise.outlets.all(),
            "licences": licences,
            "contacts": Contact.objects.visible_to(request.user).filter(enterprise=enterprise),
            "history": history,
            "status_cells": list(zip(history.quarters, history.status, strict=True)),
            "sections": sections_for(enterprise, request.user),
            "may_edit": services.can_edit_registry(request.user, enterprise),
            "may_edit_contacts": services.can_edit_contacts(request.user, enterprise),
        },
    )


def _form_page(request: HttpRequest, form: Any, title: str, back: str, **extra: Any) -> HttpResponse:
    return render(request, "enterprises/form.html", {"form": form, "title": title, "back": back, **extra})


@staff_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.create_enterprise(actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记"))
            return redirect(enterprise)
    return _form_page(request, form, _("登记企业"), "enterprises:list")


@staff_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible_or_404(Enterprise, request.user, pk=pk)
    if not services.can_edit_registry(request.user, enterprise):
        raise PermissionDenied(_("无权修改该企业的档案"))
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        enterprise.refresh_from_db()  # the form wrote into the instance; the service compares afresh
        try:
            services.update_enterprise(enterprise, actor=_actor(request), **changes)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect(enterprise)
    return _form_page(request, form, _("修改档案：%(name)s") % {"name": enterprise.name}, "enterprises:list")


@staff_required
def licence_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible_or_404(Enterprise, request.user, pk=pk)
    if not services.can_edit_registry(request.user, enterprise):
        raise PermissionDenied(_("无权修改该企业的档案"))
    form = LicenceForm(request.POST or None, instance=Licence(enterprise=enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_licence(enterprise, actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记证照"))
            return redirect(enterprise)
    return _form_page(
        request, form, _("登记许可证照：%(name)s") % {"name": enterprise.name}, "enterprises:list"
    )


@staff_required
def licence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_visible_or_404(Licence.objects.select_related("enterprise"), request.user, pk=pk)
    may_edit = services.can_edit_registry(request.user, licence.enterprise)
    form = LicenceForm(request.POST or None, instance=licence)
    status_form = LicenceStatusForm(initial={"status": licence.status})
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("无权修改该企业的档案"))
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
            licence.refresh_from_db()
            try:
                services.update_licence(licence, actor=_actor(request), **changes)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect(licence.enterprise)
    return render(
        request,
        "enterprises/licence.html",
        {"licence": licence, "form": form, "status_form": status_form, "may_edit": may_edit},
    )


@require_POST
@staff_required
def licence_status(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_visible_or_404(Licence.objects.select_related("enterprise"), request.user, pk=pk)
    form = LicenceStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择状态并说明原因"))
        return redirect(licence)
    try:
        services.set_licence_status(
            licence,
            form.cleaned_data["status"],
            actor=_actor(request),
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(licence)
    messages.success(request, _("证照状态已更新"))
    return redirect(licence.enterprise)


@staff_required
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible_or_404(Enterprise, request.user, pk=pk)
    if not services.can_edit_contacts(request.user, enterprise):
        raise PermissionDenied(_("无权修改该企业的联系人"))
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_contact(enterprise, actor=_actor(request), **form.cleaned_data)
        messages.success(request, _("已添加联系人"))
        return redirect(enterprise)
    return _form_page(
        request, form, _("添加联系人：%(name)s") % {"name": enterprise.name}, "enterprises:list"
    )


@staff_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_visible_or_404(Contact.objects.select_related("enterprise"), request.user, pk=pk)
    if not services.can_edit_contacts(request.user, contact.enterprise):
        raise PermissionDenied(_("无权修改该企业的联系人"))
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        contact.refresh_from_db()
        services.update_contact(contact, actor=_actor(request), **changes)
        messages.success(request, _("已保存"))
        return redirect(contact.enterprise)
    return _form_page(request, form, _("修改联系人"), "enterprises:list")


@staff_required
def import_registry(request: HttpRequest) -> HttpResponse:
    if not services.is_staff(request.user) or _actor(request).role == "grid_officer":
        raise PermissionDenied(_("无权导入污染源档案"))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = services.import_registry(upload, actor=_actor(request), filename=upload.name)
        if report.ok:
            messages.success(request, _("导入成功"))
    return render(request, "enterprises/import.html", {"form": form, "report": report})


@staff_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="registry-template.xlsx"'
    return response


def public_list(request: HttpRequest) -> HttpResponse:
    qs = Enterprise.objects.published().select_related("grid").filter(source_class="key")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "enterprises/public_list.html", {"page": page})
