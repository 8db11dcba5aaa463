from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "zhongzhi.selection"
    label = "selection"
    verbose_name = _("金点子评选")
    default_auto_field = "django.db.models.BigAutoField"
