from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "zhongzhi.supervision"
    verbose_name = _("督导检查")
    default_auto_field = "django.db.models.BigAutoField"
