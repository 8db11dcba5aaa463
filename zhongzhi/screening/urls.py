from django.urls import path

from zhongzhi.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:campaign_id>/", views.queue, name="queue"),
    path("<int:campaign_id>/decide/", views.decide, name="decide"),
    path("<int:campaign_id>/assign/", views.assign_queue, name="assign"),
    path("<int:campaign_id>/assign/save/", views.assign, name="assign_save"),
    path("<int:campaign_id>/proposals/", views.proposals, name="proposals"),
    path("<int:campaign_id>/proposals/<int:job_id>/", views.proposals_job, name="proposals_job"),
    path("<int:campaign_id>/sign/", views.sign_queue, name="sign"),
    path("<int:campaign_id>/setup/", views.setup, name="setup"),
    path("<int:campaign_id>/setup/templates/", views.template_save, name="template_save"),
    path("assignments/<int:assignment_id>/sign/", views.sign, name="assignment_sign"),
    path("assignments/<int:assignment_id>/send-back/", views.send_back, name="send_back"),
    path("assignments/<int:assignment_id>/transfer/", views.transfer, name="transfer"),
]
