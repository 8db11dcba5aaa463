from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "zhongzhi.opendata"
    label = "opendata"
    verbose_name = _("公开数据")
    default_auto_field = "django.db.models.BigAutoField"
