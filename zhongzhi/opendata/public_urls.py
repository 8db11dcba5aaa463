"""The public page of published answers, mounted at /c/ beside the residents' pages."""

from django.urls import path

from zhongzhi.opendata import views_public

app_name = "opendata_public"
urlpatterns = [
    path("<int:campaign_id>/answers/", views_public.answers, name="answers"),
]
