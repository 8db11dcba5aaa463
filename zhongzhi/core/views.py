from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.models import Job
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


@login_required
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """A job's progress bar; htmx polls it every second until the job ends."""
    job = Job.objects.filter(pk=job_id, owner=signed_in_user(request)).first()
    if job is None:
        raise Http404
    template = job.result.get("template") or "core/partials/job_progress.html"
    return render(request, template, {"job": job})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal, in the user's language and the site's layout (the default
    page is English and technical). Nothing was saved."""
    return render(request, "403_csrf.html", status=403)
