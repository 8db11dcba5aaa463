from django.urls import path

from zhongzhi.research import views

app_name = "research"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:campaign_id>/", views.topics, name="topics"),
    path("<int:campaign_id>/apply/", views.apply, name="apply"),
    path("<int:campaign_id>/ledger.xlsx", views.ledger, name="ledger"),
    path("topics/<int:topic_id>/", views.topic, name="topic"),
    path("topics/<int:topic_id>/step/", views.step, name="step"),
    path("topics/<int:topic_id>/report/", views.report_file, name="report"),
    path("milestones/<int:milestone_id>/mark/", views.milestone_mark, name="milestone_mark"),
]
