from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "zhongzhi.campaigns"
    label = "campaigns"
    verbose_name = _("大讨论活动")

    def ready(self) -> None:
        from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic

        # This process sees its own changes to a campaign's choices at once; other
        # processes within ``selectors.CHOICES_SECONDS``.
        for model in (Campaign, Topic, ParticipantCategory):
            post_save.connect(_forget_choices, sender=model, dispatch_uid=f"choices-{model}")
            post_delete.connect(_forget_choices, sender=model, dispatch_uid=f"choices-{model}-d")


def _forget_choices(**_kwargs: Any) -> None:
    from zhongzhi.campaigns.selectors import forget_campaign_choices

    forget_campaign_choices()
