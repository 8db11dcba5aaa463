from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "zhongzhi.research"
    verbose_name = _("调研课题")
    default_auto_field = "django.db.models.BigAutoField"
