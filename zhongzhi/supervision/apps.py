from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "zhongzhi.supervision"
    verbose_name = _("督导检查")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhongzhi.campaigns.blueprints import blueprint_applied

        blueprint_applied.connect(_template_groups, dispatch_uid="supervision-template-groups")


def _template_groups(sender: object, campaign: Any, blueprint: Any, **kwargs: Any) -> None:
    from zhongzhi.supervision.services import groups_from_template

    if blueprint.supervision_groups:
        groups_from_template(campaign=campaign, names=blueprint.supervision_groups)
