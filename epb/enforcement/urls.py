from django.urls import path

from epb.enforcement.views import campaigns, inspections, measures, plans, rectification, reports, supervision

app_name = "enforcement"

urlpatterns = [
    # S2 special campaigns
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/sync/", campaigns.campaign_sync, name="campaign_sync"),
    path("campaigns/<int:pk>/places/", campaigns.campaign_place, name="campaign_place"),
    path("campaign-targets/<int:pk>/patrol/", campaigns.target_patrol, name="target_patrol"),
    # S3 grid overview and bulletins
    path("grid/", reports.grid_overview, name="grid"),
    path("bulletin/", reports.bulletin, name="bulletin"),
    # S4 plans and officer assessment
    path("plans/", plans.plan_list, name="plans"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/draw/", plans.plan_draw, name="plan_draw"),
    path("plans/<int:pk>/approve/", plans.plan_approve, name="plan_approve"),
    path("assessment/", reports.assessment, name="assessment"),
    # S6 tasks and on-site inspection
    path("tasks/", plans.task_list, name="tasks"),
    path("tasks/new/", plans.task_create, name="task_create"),
    path("tasks/<int:pk>/", plans.task_detail, name="task_detail"),
    path("tasks/<int:pk>/prepare/", plans.task_prepare, name="task_prepare"),
    path("tasks/<int:pk>/start/", plans.task_start, name="task_start"),
    path("tasks/<int:pk>/reassign/", plans.task_reassign, name="task_reassign"),
    path("tasks/<int:pk>/cancel/", plans.task_cancel, name="task_cancel"),
    path("inspections/<int:pk>/", inspections.inspection_page, name="inspection"),
    path("inspections/<int:pk>/save/", inspections.inspection_save, name="inspection_save"),
    path("inspections/<int:pk>/location/", inspections.inspection_location, name="inspection_location"),
    path("inspections/<int:pk>/photos/", inspections.inspection_photo, name="inspection_photo"),
    path("inspections/<int:pk>/findings/", inspections.inspection_finding, name="inspection_finding"),
    path("inspections/<int:pk>/submit/", inspections.inspection_submit, name="inspection_submit"),
    path("inspections/<int:pk>/follow-up/", inspections.inspection_follow_up, name="inspection_follow_up"),
    path("findings/<int:pk>/delete/", inspections.finding_delete, name="finding_delete"),
    # S7 cases, measures, rectification, representatives, facility grades
    path("measures/", measures.measure_list, name="measures"),
    path("measures/new/", measures.measure_create, name="measure_create"),
    path("measures/<int:pk>/", measures.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/action/", measures.measure_action, name="measure_action"),
    path("cases/", measures.case_list, name="cases"),
    path("cases/new/", measures.case_create, name="case_create"),
    path("cases/<int:pk>/", measures.case_detail, name="case_detail"),
    path("cases/<int:pk>/decide/", measures.case_decide, name="case_decide"),
    path("cases/<int:pk>/close/", measures.case_close, name="case_close"),
    path("cases/<int:pk>/evidence/", measures.case_evidence, name="case_evidence"),
    path("rectifications/", rectification.rectification_list, name="rectifications"),
    path("rectifications/new/", rectification.rectification_create, name="rectification_create"),
    path("rectifications/<int:pk>/", rectification.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/submit/", rectification.rectification_submit, name="rectification_submit"),
    path("rectifications/<int:pk>/review/", rectification.rectification_review, name="rectification_review"),
    path("representatives/", supervision.representative_list, name="representatives"),
    path("representatives/<int:pk>/", supervision.representative_detail, name="representative_detail"),
    path("facility-grades/", supervision.facility_grades, name="facility_grades"),
    # S8 risk plans, supplies, drills
    path("risk/", supervision.risk, name="risk"),
]
