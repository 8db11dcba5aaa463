from django.urls import path

from zhongzhi.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units.xlsx", views.units_export, name="units_export"),
    path("import/", views.import_page, name="import"),
    path("import/<str:kind>/template.xlsx", views.import_template, name="import_template"),
    path("import/<str:kind>/", views.import_upload, name="import_upload"),
    path("downloads/<str:token>/", views.download, name="download"),
]
