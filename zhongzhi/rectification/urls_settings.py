from django.urls import path

from zhongzhi.rectification import views_settings

app_name = "rectification_settings"
urlpatterns = [
    path("<int:campaign_id>/", views_settings.settings_page, name="edit"),
]
