from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "zhongzhi.notifications"
    label = "notifications"
    verbose_name = _("消息通知")
    default_auto_field = "django.db.models.BigAutoField"
