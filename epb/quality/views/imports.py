"""Imports of monitoring results: upload, preview, commit, cancel, templates."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.attachments import attachments_of
from epb.core.visibility import get_visible_or_404
from epb.quality import services
from epb.quality.choices import DataKind, ImportStatus
from epb.quality.forms import (
    UploadForm,
)
from epb.quality.importing import template_columns
from epb.quality.models import (
    ImportBatch,
)
from epb.quality.services.access import is_bureau_staff
from epb.quality.views.common import XLSX, actor_of, bureau_required, error_text

# -- imports -----------------------------------------------------------------------------------


@bureau_required
def imports_view(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not is_bureau_staff(request.user):
            raise PermissionDenied(_("只有环保局工作人员可以导入监测数据"))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.EPB_MAX_UPLOAD_BYTES:
                form.add_error("file", _("文件过大"))
            else:
                try:
                    batch = services.upload_import(
                        actor=actor_of(request),
                        kind=form.cleaned_data["kind"],
                        file_name=upload.name,
                        content=upload.read(),
                    )
                except ValidationError as exc:
                    form.add_error("file", exc.messages)
                else:
                    return redirect(batch.get_absolute_url())
    batches = Paginator(
        ImportBatch.objects.visible_to(request.user).select_related("uploaded_by"), 30
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/imports.html",
        {
            "form": form,
            "page": batches,
            "kinds": DataKind.choices,
            "may_import": is_bureau_staff(request.user),
        },
    )


@bureau_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_visible_or_404(ImportBatch.objects.select_related("uploaded_by"), request.user, pk=pk)
    return render(
        request,
        "quality/import_detail.html",
        {"batch": batch, "files": attachments_of(batch), "pending": batch.status == ImportStatus.PENDING},
    )


@require_POST
@bureau_required
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_visible_or_404(ImportBatch, request.user, pk=pk)
    try:
        services.commit_import(batch, actor=actor_of(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已导入 %(n)s 条记录") % {"n": batch.created + batch.replaced})
    return redirect(batch.get_absolute_url())


@require_POST
@bureau_required
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_visible_or_404(ImportBatch, request.user, pk=pk)
    try:
        services.cancel_import(batch, actor=actor_of(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(batch.get_absolute_url())


@bureau_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in DataKind.values:
        raise Http404
    from epb.quality.templates_xlsx import template_workbook

    response = HttpResponse(template_workbook(kind, template_columns(kind)), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''quality-{kind}-template.xlsx"
    return response
