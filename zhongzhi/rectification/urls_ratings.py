"""Staff pages of ratings and second looks, mounted at /rectification/ratings/."""

from django.urls import path

from zhongzhi.rectification import views_ratings

app_name = "rectification_ratings"
urlpatterns = [
    path("<int:campaign_id>/", views_ratings.rating_list_page, name="list"),
    path(
        "<int:campaign_id>/second-looks/",
        views_ratings.second_look_list_page,
        name="second_looks",
    ),
    path(
        "second-looks/<int:second_look_id>/done/",
        views_ratings.second_look_record,
        name="second_look_done",
    ),
]
