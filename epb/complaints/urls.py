from django.urls import path

from epb.complaints.views import actions, analysis, config, leaders, public, staff

app_name = "complaints"

urlpatterns = [
    # Staff: the 12369 workbench (S13)
    path("", staff.index, name="index"),
    path("new/", staff.new, name="new"),
    path("<int:pk>/", staff.detail, name="detail"),
    path("<int:pk>/do/<slug:name>/", actions.action, name="action"),
    path("<int:pk>/contact/", staff.contact, name="contact"),
    path("<int:pk>/letter.docx", staff.letter, name="letter"),
    path("leader-cases/<int:pk>/<slug:name>/", actions.leader_case_action, name="leader_case_action"),
    # Leaders: reception days and 包案 (S12), listed supervision (S15)
    path("reception/", leaders.reception, name="reception"),
    path("reception/<int:pk>/", leaders.reception_day, name="reception_day"),
    path("supervision/", leaders.supervision, name="supervision"),
    path("supervision/new/", leaders.supervision_new, name="supervision_new"),
    path("supervision/<int:pk>/", leaders.supervision_detail, name="supervision_detail"),
    path("supervision/<int:pk>/do/<slug:name>/", leaders.supervision_action, name="supervision_action"),
    # Analysis (S14)
    path("analysis/", analysis.analysis, name="analysis"),
    path("analysis/bulletin/<slug:kind>/", analysis.bulletin, name="bulletin"),
    path("analysis/periods/", analysis.period_save, name="period_save"),
    path("analysis/daily/<int:pk>/", analysis.daily_report, name="daily_report"),
    # Reference data
    path("config/", config.config, name="config"),
    path("config/<slug:kind>/new/", config.config_edit, name="config_new"),
    path("config/<slug:kind>/<int:pk>/", config.config_edit, name="config_edit"),
    # Public (portal)
    path("report/", public.public_new, name="public_new"),
    path("report/sms/", public.public_sms, name="public_sms"),
    path("report/nearby/", public.public_duplicates, name="public_duplicates"),
    path("report/done/", public.public_done, name="public_done"),
    path("track/", public.public_track, name="public_track"),
    path("replies/", public.public_list, name="public_list"),
    path("supervision/public/", public.public_supervision, name="public_supervision"),
]
