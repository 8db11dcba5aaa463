from django.urls import path

from zhongzhi.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:campaign_id>/", views.overview, name="overview"),
    path("<int:campaign_id>/findings.xlsx", views.findings_ledger, name="findings_ledger"),
    path("<int:campaign_id>/groups/new/", views.group_edit, name="group_new"),
    path("<int:campaign_id>/groups/import/", views.groups_import, name="groups_import"),
    path("<int:campaign_id>/groups/template/", views.groups_template, name="groups_template"),
    path("groups/<int:group_id>/", views.group, name="group"),
    path("groups/<int:group_id>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:group_id>/inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:inspection_id>/", views.inspection, name="inspection"),
    path("photos/<int:photo_id>/", views.inspection_photo, name="photo"),
    path(
        "photos/<int:photo_id>/preview/",
        views.inspection_photo,
        {"preview": True},
        name="photo_preview",
    ),
]
