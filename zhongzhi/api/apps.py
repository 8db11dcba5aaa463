from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The JSON API (django-ninja), one router per domain, and units' API tokens."""

    name = "zhongzhi.api"
    label = "api"
    verbose_name = _("数据接口")
