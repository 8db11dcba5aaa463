"""Helpers for API tests: JSON requests through the Django test client, tokens, topics."""

import json
from typing import Any

import pytest
from django.test import Client
from django.test.client import Client as DjangoClient

from tests.conftest import World
from zhongzhi.api.services import api_token_create
from zhongzhi.campaigns import services as campaign_services
from zhongzhi.campaigns.models import Topic
from zhongzhi.intake.models import Channel, Suggestion
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.org.models import Unit


def post_json(client: DjangoClient, url: str, data: Any, **headers: str) -> Any:
    body = data if isinstance(data, (str, bytes)) else json.dumps(data, ensure_ascii=False)
    return client.post(url, body, content_type="application/json", headers=headers)


def submit_url(campaign_id: int) -> str:
    return f"/api/campaigns/{campaign_id}/suggestions"


def batch_url(campaign_id: int) -> str:
    return f"/api/campaigns/{campaign_id}/suggestions/batch"


def bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def api() -> Client:
    return Client()


@pytest.fixture
def topic(world: World) -> Topic:
    return campaign_services.topic_add(campaign=world.campaign, name="营商环境")


@pytest.fixture
def hdl_token(world: World) -> str:
    _token, plain = api_token_create(
        unit=world.hongdaolu, name="红岛路小程序", created_by=world.hongdaolu_coordinator
    )
    return plain


def make_suggestion(world: World, unit: Unit | None, text: str, phone: str = "") -> Suggestion:
    suggestion, _created = suggestion_submit(
        campaign=world.campaign,
        text=text,
        channel=Channel.ONLINE,
        unit=unit,
        submitter_name="王大爷",
        submitter_phone=phone,
    )
    return suggestion


@pytest.fixture(autouse=True)
def rate_limit_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mid-window, always: a test must not straddle the start of a new minute."""
    monkeypatch.setattr("zhongzhi.api.ratelimit.clock", lambda: 1_800_000_030.0)
