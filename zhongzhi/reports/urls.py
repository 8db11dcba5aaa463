from django.urls import path

from zhongzhi.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:campaign_id>/", views.dashboard_page, name="dashboard"),
    path("<int:campaign_id>/panels/<str:key>.xlsx", views.panel_xlsx, name="panel_xlsx"),
    path("<int:campaign_id>/ledgers/", views.ledgers, name="ledgers"),
]
