from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from zhongzhi.core.auth import signed_in_user
from zhongzhi.org.services import password_changed


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("campaigns:list")


class PasswordChange(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(user=signed_in_user(self.request))
        messages.success(self.request, _("密码已修改。"))
        return response
