from django.urls import path

from zhongzhi.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:campaign_id>/", views.dashboard_page, name="dashboard"),
    path("<int:campaign_id>/panels/<str:key>.xlsx", views.panel_xlsx, name="panel_xlsx"),
    path("<int:campaign_id>/ledgers/", views.ledgers, name="ledgers"),
    path("<int:campaign_id>/briefings/", views.briefings, name="briefings"),
    path("briefings/<int:briefing_id>/", views.briefing_page, name="briefing"),
    path("briefings/<int:briefing_id>/document.docx", views.briefing_docx, name="briefing_docx"),
    path("briefings/<int:briefing_id>/document.pdf", views.briefing_pdf, name="briefing_pdf"),
]
