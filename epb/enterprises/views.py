from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.enterprises.models import Enterprise


@staff_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    qs = Enterprise.objects.visible_to(request.user).select_related("grid")
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(uscc__iexact=query))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "enterprises/list.html", {"page": page, "q": query})


@staff_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible_or_404(Enterprise.objects.select_related("grid"), request.user, pk=pk)
    return render(
        request, "enterprises/detail.html", {"enterprise": enterprise, "outlets": enterprise.outlets.all()}
    )


def public_list(request: HttpRequest) -> HttpResponse:
    qs = Enterprise.objects.published().select_related("grid").filter(source_class="key")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "enterprises/public_list.html", {"page": page})
