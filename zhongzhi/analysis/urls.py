from django.urls import path

from zhongzhi.analysis import views

app_name = "analysis"
urlpatterns = [
    path("campaigns/<int:campaign_id>/hot-issues/", views.hot_issue_list, name="hot_issues"),
    path("hot-issues/<int:issue_id>/", views.hot_issue_detail, name="hot_issue"),
    path("campaigns/<int:campaign_id>/triage/", views.triage_page, name="triage"),
    path("campaigns/<int:campaign_id>/triage/run/", views.triage_run, name="triage_run"),
]
