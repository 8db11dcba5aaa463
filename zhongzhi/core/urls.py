from django.contrib.auth import views as auth_views
from django.urls import path

from zhongzhi.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("jobs/<int:job_id>/", views.job_status, name="job"),
]
