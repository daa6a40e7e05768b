from django.urls import path

from epb.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/licences/new/", views.licence_create, name="licence_create"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("licences/<int:pk>/", views.licence_edit, name="licence_edit"),
    path("licences/<int:pk>/status/", views.licence_status, name="licence_status"),
    path("contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("import/", views.import_registry, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("public/", views.public_list, name="public_list"),
]
