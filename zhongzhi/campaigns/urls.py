from django.urls import path

from zhongzhi.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/stages/new/", views.stage_create, name="stage_create"),
    path("<int:campaign_id>/stages/<int:stage_id>/", views.stage_edit, name="stage_edit"),
    path("<int:campaign_id>/topics/new/", views.topic_create, name="topic_create"),
    path("<int:campaign_id>/plan-items/new/", views.plan_item_create, name="plan_item_create"),
    path("<int:campaign_id>/categories/new/", views.category_create, name="category_create"),
    path("<int:campaign_id>/templates/apply/", views.template_apply, name="template_apply"),
    path("<int:campaign_id>/plan-items.xlsx", views.plan_items_export, name="plan_items_export"),
    path("plan-items/<int:plan_item_id>/status/", views.plan_item_status, name="plan_item_status"),
]
