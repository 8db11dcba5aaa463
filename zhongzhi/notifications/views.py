"""The notification centre: one's own notifications, newest first; mark one read
(htmx swaps its row) or all of them. Thin: a selector, a service, render."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from zhongzhi.core.auth import signed_in_user
from zhongzhi.notifications.selectors import notifications_for
from zhongzhi.notifications.services import notifications_mark_read

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = notifications_for(request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    notifications_mark_read(user=signed_in_user(request), notification_ids=[notification.pk])
    if request.headers.get("HX-Request"):
        notification.refresh_from_db()
        return render(request, "notifications/partials/row.html", {"notification": notification})
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=signed_in_user(request))
    return redirect("notifications:list")
