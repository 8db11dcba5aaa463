from django.urls import path

from zhongzhi.activities import views
from zhongzhi.intake.views import meetings

app_name = "activities"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:campaign_id>/", views.activity_list, name="list"),
    path("<int:campaign_id>/new/", views.activity_new, name="new"),
    path("<int:campaign_id>/coverage/", views.coverage, name="coverage"),
    path("<int:campaign_id>/export.xlsx", views.activity_export, name="export"),
    path("<int:campaign_id>/settings/", views.settings_page, name="settings"),
    path("activity/<int:activity_id>/", views.activity_detail, name="detail"),
    path("activity/<int:activity_id>/edit/", views.activity_edit, name="edit"),
    # The symposium quick entry, for rows said at an activity already recorded.
    path(
        "activity/<int:activity_id>/suggestions/new/",
        meetings.meeting_new,
        name="suggestions_new",
    ),
    path("files/<int:file_id>/", views.activity_file, name="file"),
    path("files/<int:file_id>/preview/", views.activity_file_preview, name="file_preview"),
]
