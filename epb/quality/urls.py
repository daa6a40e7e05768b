from django.urls import path

from epb.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.board_view, name="board"),
    path("targets/new/", views.target_edit, name="target_new"),
    path("targets/<int:pk>/", views.target_view, name="target"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("quotas/", views.quotas_view, name="quotas"),
    path("sites/", views.sites_view, name="sites"),
    path("sites/new/", views.site_edit, name="site_new"),
    path("sites/<int:pk>/", views.site_view, name="site"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/samples/new/", views.sample_new, name="sample_new"),
    path("sites/<int:pk>/<int:year>/<int:month>/", views.site_month, name="site_month"),
    path("stations/", views.stations_view, name="stations"),
    path("stations/new/", views.station_edit, name="station_new"),
    path("stations/<int:pk>/", views.station_view, name="station"),
    path("stations/<int:pk>/edit/", views.station_edit, name="station_edit"),
    path("noise/", views.noise_points_view, name="noise_points"),
    path("noise/new/", views.noise_point_edit, name="noise_point_new"),
    path("noise/<int:pk>/", views.noise_point_view, name="noise_point"),
    path("noise/<int:pk>/edit/", views.noise_point_edit, name="noise_point_edit"),
    path("imports/", views.imports_view, name="imports"),
    path("imports/template/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("warnings/", views.warnings_view, name="warnings"),
    path("warnings/<int:pk>/", views.warning_view, name="warning"),
    path("warnings/<int:pk>/acknowledge/", views.warning_acknowledge, name="warning_acknowledge"),
    path("warnings/<int:pk>/close/", views.warning_close, name="warning_close"),
    path("thresholds/", views.thresholds_view, name="thresholds"),
    path("thresholds/<int:pk>/", views.thresholds_view, name="threshold_edit"),
    path("reports/<str:kind>/", views.report_view, name="report"),
    path("public/", views.public_view, name="public"),
]
