from typing import Any

from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ActivitiesConfig(AppConfig):
    name = "zhongzhi.activities"
    verbose_name = pgettext_lazy("activity", "活动")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhongzhi.campaigns.blueprints import blueprint_applied

        blueprint_applied.connect(_template_kinds, dispatch_uid="activities-template-kinds")


def _template_kinds(sender: object, campaign: Any, blueprint: Any, **kwargs: Any) -> None:
    from zhongzhi.activities.services import DEFAULT_KINDS, activity_kinds_ensure

    if blueprint.activity_kinds:
        activity_kinds_ensure(campaign=campaign, names=[*DEFAULT_KINDS, *blueprint.activity_kinds])
