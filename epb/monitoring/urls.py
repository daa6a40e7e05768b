from django.urls import path

from epb.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("outlets/<int:pk>/", views.outlet_detail, name="outlet"),
    path("outlets/<int:pk>/limits/", views.outlet_limits_view, name="outlet_limits"),
    path("limits/<int:pk>/end/", views.override_end, name="override_end"),
    path("enterprises/<int:pk>/permitted-totals/", views.permitted_totals, name="permitted_totals"),
    path("alarms/", views.alarm_list, name="alarms"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm"),
    path("alarms/<int:pk>/<str:action>/", views.alarm_action, name="alarm_action"),
    path("reports/", views.report, name="report"),
    path("devices/", views.devices, name="devices"),
    path("devices/new/", views.device_register, name="device_register"),
    path("devices/<int:pk>/", views.device_detail, name="device"),
    path("devices/<int:pk>/edit/", views.device_edit, name="device_edit"),
    path("devices/<int:pk>/frames/", views.device_frames, name="device_frames"),
    path("devices/<int:pk>/thresholds/", views.device_thresholds, name="device_thresholds"),
    path("devices/<int:pk>/commands/", views.command_create, name="command_create"),
    path("commands/<int:pk>/", views.command_detail, name="command"),
    path("commands/<int:pk>/cancel/", views.command_cancel, name="command_cancel"),
    path("quarantine/", views.quarantine, name="quarantine"),
    path("quarantine/<int:pk>/", views.quarantine_entry, name="quarantine_entry"),
    path("quarantine/<int:pk>/replay/", views.quarantine_replay, name="quarantine_replay"),
]
