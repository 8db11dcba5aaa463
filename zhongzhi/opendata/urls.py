from django.urls import path

from zhongzhi.opendata import views

app_name = "opendata"
urlpatterns = [
    path("<int:campaign_id>/", views.office, name="office"),
    path("<int:campaign_id>/export.zip", views.export, name="export"),
    path("exports/<int:job_id>/", views.export_job, name="export_job"),
    path("exports/<int:job_id>/download/", views.download, name="download"),
    path(
        "<int:campaign_id>/suggestions/<int:suggestion_id>/publish/",
        views.publish,
        name="publish",
    ),
    path(
        "<int:campaign_id>/suggestions/<int:suggestion_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
]
