from django.urls import path

from epb.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("devices/new/", views.device_register, name="device_register"),
    path("devices/<int:pk>/", views.device_detail, name="device"),
    path("devices/<int:pk>/edit/", views.device_edit, name="device_edit"),
    path("devices/<int:pk>/frames/", views.device_frames, name="device_frames"),
    path("devices/<int:pk>/commands/", views.command_create, name="command_create"),
    path("commands/<int:pk>/", views.command_detail, name="command"),
    path("commands/<int:pk>/cancel/", views.command_cancel, name="command_cancel"),
    path("quarantine/", views.quarantine, name="quarantine"),
    path("quarantine/<int:pk>/", views.quarantine_entry, name="quarantine_entry"),
    path("quarantine/<int:pk>/replay/", views.quarantine_replay, name="quarantine_replay"),
]
