from django.contrib.auth import views as auth_views
from django.urls import path

from epb.core import views

app_name = "core"

urlpatterns = [
    path("", views.portal, name="portal"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/", views.dashboard, name="dashboard"),
    path("staff/notifications/", views.notifications, name="notifications"),
    path("staff/notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("staff/audit/", views.audit_log, name="audit"),
    path("staff/audit/<int:pk>/", views.audit_entry, name="audit_entry"),
    path("staff/calendar/", views.holidays, name="holidays"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
]
