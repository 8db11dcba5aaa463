from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ActivitiesConfig(AppConfig):
    name = "zhongzhi.activities"
    verbose_name = pgettext_lazy("activity", "活动")
    default_auto_field = "django.db.models.BigAutoField"
