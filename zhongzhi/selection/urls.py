from django.urls import path

from zhongzhi.selection import views

app_name = "selection"
urlpatterns = [
    path("<int:campaign_id>/", views.rounds, name="rounds"),
    path("<int:campaign_id>/open/", views.round_open, name="round_open"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/settings/", views.round_update, name="round_update"),
    path("rounds/<int:round_id>/criteria/", views.criteria, name="criteria"),
    path("rounds/<int:round_id>/reviewers/", views.reviewers, name="reviewers"),
    path("rounds/<int:round_id>/entries/add/", views.entry_add, name="entry_add"),
    path(
        "rounds/<int:round_id>/entries/<int:entry_id>/remove/",
        views.entry_remove,
        name="entry_remove",
    ),
    path("rounds/<int:round_id>/close/", views.round_close, name="round_close"),
    path("rounds/<int:round_id>/review/", views.review, name="review"),
    path("rounds/<int:round_id>/review/<int:entry_id>/", views.score, name="score"),
    path("rounds/<int:round_id>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("rounds/<int:round_id>/results.docx", views.results_docx, name="results_docx"),
]
