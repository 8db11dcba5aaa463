from django.urls import path

from zhongzhi.rectification import views_ledgers

app_name = "rectification_ledgers"

urlpatterns = [
    path("<int:campaign_id>/problems.xlsx", views_ledgers.problems_ledger, name="problems"),
    path("<int:campaign_id>/measures.xlsx", views_ledgers.measures_ledger, name="measures"),
    path("<int:campaign_id>/jobs/<int:job_id>/", views_ledgers.ledger_job, name="job"),
]
