from django.urls import path

from zhongzhi.analysis import views

app_name = "analysis"
urlpatterns = [
    path("campaigns/<int:campaign_id>/hot-issues/", views.hot_issue_list, name="hot_issues"),
    path("hot-issues/<int:issue_id>/", views.hot_issue_detail, name="hot_issue"),
    path("hot-issues/<int:issue_id>/rename/", views.hot_issue_rename, name="hot_issue_rename"),
    path("hot-issues/<int:issue_id>/merge/", views.hot_issue_merge, name="hot_issue_merge"),
    path(
        "hot-issues/<int:issue_id>/remove/<int:suggestion_id>/",
        views.hot_issue_remove,
        name="hot_issue_remove",
    ),
    path("campaigns/<int:campaign_id>/triage/", views.triage_page, name="triage"),
    path("campaigns/<int:campaign_id>/triage/run/", views.triage_run, name="triage_run"),
]
