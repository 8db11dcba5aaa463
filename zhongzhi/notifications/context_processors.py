from django.http import HttpRequest

from zhongzhi.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, int]:
    """The header's unread count: one indexed count per signed-in page."""
    return {"unread_notifications": unread_count(request.user)}
