from django.urls import path

from zhongzhi.intake.views import staff

app_name = "intake"
urlpatterns = [
    path("", staff.suggestion_list_page, name="list"),
    path("export.xlsx", staff.suggestion_export, name="export"),
    path("exports/<int:job_id>/", staff.suggestion_export_job, name="export_job"),
    path("<int:suggestion_id>/", staff.suggestion_detail_page, name="detail"),
    path("<int:suggestion_id>/topic/", staff.suggestion_set_topic, name="set_topic"),
]
