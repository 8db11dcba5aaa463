"""Residents' pages, mounted at /c/: no login, opened from the campaign's QR poster."""

from django.urls import path

from zhongzhi.intake.views import public

app_name = "public"
urlpatterns = [
    path("<int:campaign_id>/", public.suggestion_form, name="form"),
    path("<int:campaign_id>/similar/", public.similar, name="similar"),
    path("<int:campaign_id>/plus-one/<str:code>/", public.plus_one, name="plus_one"),
    path("<int:campaign_id>/poster.png", public.poster_png, name="poster_png"),
    path("<int:campaign_id>/poster.pdf", public.poster_pdf, name="poster_pdf"),
    path("r/", public.receipt_lookup, name="receipt_lookup"),
    path("r/<str:code>/", public.receipt, name="receipt"),
    path("r/<str:code>/rate/", public.rate, name="rate"),
]
