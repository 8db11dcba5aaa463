"""factory_boy factories; units go through `unit_create` so that paths are right."""

import datetime
from typing import Any

import factory
from django.test import Client

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org import services as org_services
from zhongzhi.org.models import Membership, Unit, UnitKind, User

TEST_PASSWORD = "Zz-test-passw0rd"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.COMMUNITY
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return org_services.unit_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = "coordinator"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"解放思想大讨论{n}")
    theme = "学习新思想，改革再出发"
    owner_unit = factory.SubFactory(UnitFactory)
    start_date = datetime.date(2026, 9, 1)
    end_date = datetime.date(2026, 12, 31)


def demo_client(username: str) -> Client:
    """A browser signed in as one of the demo's accounts (its password set for the test)."""
    user = User.objects.get(username=username)
    user.set_password(TEST_PASSWORD)
    user.must_change_password = False
    user.save()
    client = Client()
    assert client.login(username=username, password=TEST_PASSWORD)
    return client
