from django.urls import path

from zhongzhi.essays import views

app_name = "essays"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:campaign_id>/", views.overview, name="overview"),
    path("<int:campaign_id>/mine/", views.mine, name="mine"),
    path("<int:campaign_id>/due/", views.due, name="due"),
    path("<int:campaign_id>/from-accounts/", views.from_accounts, name="from_accounts"),
    path("<int:campaign_id>/remind/", views.remind, name="remind"),
    path("<int:campaign_id>/template/", views.writers_template, name="template"),
    path("<int:campaign_id>/import/", views.writers_import, name="import"),
    path("<int:campaign_id>/export/", views.export, name="export"),
    path("assignments/<int:assignment_id>/", views.essay, name="essay"),
    path("assignments/<int:assignment_id>/remove/", views.remove, name="remove"),
    path("assignments/<int:assignment_id>/mark/", views.mark, name="mark"),
    path("assignments/<int:assignment_id>/return/", views.send_back, name="return"),
    path("assignments/<int:assignment_id>/file/", views.essay_file, name="file"),
]
