"""URL map. Each app mounts its own urls.py when it is installed."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from epb.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("epb.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# (url prefix, app): the app's urls.py is mounted under the prefix when the app is installed.
APP_URLS = [
    ("enterprises/", "enterprises"),
    ("monitoring/", "monitoring"),
    ("quality/", "quality"),
    ("enforcement/", "enforcement"),
    ("complaints/", "complaints"),
]
for prefix, label in APP_URLS:
    if apps.is_installed(f"epb.{label}"):
        try:
            importlib.import_module(f"epb.{label}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"epb.{label}.urls":
                raise
            continue
        urlpatterns.append(path(prefix, include(f"epb.{label}.urls")))

# Open311 GeoReport v2 is served by the complaints app when it is installed.
if apps.is_installed("epb.complaints"):
    try:
        urlpatterns.append(path("open311/v2/", include("epb.complaints.open311_urls")))
    except ModuleNotFoundError:
        pass
