from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "zhongzhi.screening"
    label = "screening"
    verbose_name = _("筛选与交办")
    default_auto_field = "django.db.models.BigAutoField"
