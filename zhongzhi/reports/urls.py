from django.urls import path

from zhongzhi.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:campaign_id>/ledgers/", views.ledgers, name="ledgers"),
]
