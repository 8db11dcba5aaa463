"""Suggestions made the way production makes them: through `suggestion_submit`."""

import itertools
from typing import Any

import factory

from tests.factories import CampaignFactory
from zhongzhi.intake import services
from zhongzhi.intake.models import Channel, Suggestion

_TEXTS = itertools.cycle(
    [
        "小区门口的路灯坏了半个月，晚上出行不方便，建议尽快维修。",
        "建议在社区广场增设健身器材，方便老年人锻炼。",
        "楼道里的自来水管漏水，希望物业尽快处理。",
        "希望增加一台公交卡充值机，老人充值要跑很远。",
    ]
)


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    campaign = factory.SubFactory(CampaignFactory)
    text = factory.LazyFunction(lambda: next(_TEXTS))
    channel = Channel.ONLINE

    @classmethod
    def _create(cls, model_class: type[Suggestion], *args: Any, **kwargs: Any) -> Suggestion:
        suggestion, _created = services.suggestion_submit(**kwargs)
        return suggestion
