from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EssaysConfig(AppConfig):
    name = "zhongzhi.essays"
    verbose_name = _("心得体会")
    default_auto_field = "django.db.models.BigAutoField"
