from django.urls import path

from zhongzhi.rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:campaign_id>/", views.problems, name="problems"),
    path("<int:campaign_id>/measures/", views.measures, name="measures"),
    path("<int:campaign_id>/problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:problem_id>/", views.problem, name="problem"),
    path("problems/<int:problem_id>/measures/", views.measure_add, name="measure_add"),
    path("measures/<int:measure_id>/", views.measure, name="measure"),
    path("measures/<int:measure_id>/transition/", views.transition, name="transition"),
    path("measures/<int:measure_id>/progress/", views.progress, name="progress"),
    path("measures/<int:measure_id>/extension/", views.extension_request, name="extension"),
    path("extensions/<int:extension_id>/", views.extension_decide, name="extension_decide"),
]
