"""Writes for suggestions against a real database: submit, change status, +1."""

import re
import unicodedata
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import World
from tests.factories import CampaignFactory, UnitFactory
from tests.intake.factories import SuggestionFactory
from zhongzhi.audit.models import AuditEntry
from zhongzhi.campaigns import services as campaign_services
from zhongzhi.intake import services
from zhongzhi.intake.models import (
    Channel,
    PlusOne,
    Suggestion,
    SuggestionStatus,
)
from zhongzhi.intake.receipt_codes import parse_receipt_code
from zhongzhi.intake.selectors import suggestion_history

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def submit(world: World, **kwargs: Any) -> tuple[Suggestion, bool]:
    fields: dict[str, Any] = {
        "campaign": world.campaign,
        "text": "兴安支路路面坑洼，雨天积水，建议尽快修复。",
        "channel": Channel.ONLINE,
    }
    fields.update(kwargs)
    return services.suggestion_submit(**fields)


def assert_refused_in_chinese(world: World, field: str, **kwargs: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(world, **kwargs)
    messages = caught.value.message_dict[field]
    assert messages and all(CHINESE.search(message) for message in messages), messages
    assert Suggestion.objects.count() == 0
    assert AuditEntry.objects.count() == 0


# --- submit: what is refused -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\t \u3000"],
    ids=["empty", "spaces", "whitespace-and-ideographic-space"],
)
def test_submit_refuses_empty_text(world: World, text: str) -> None:
    assert_refused_in_chinese(world, "text", text=text)


def test_submit_refuses_text_over_5000_characters(world: World) -> None:
    assert_refused_in_chinese(world, "text", text="修" * 5001)


def test_submit_accepts_text_of_exactly_5000_characters(world: World) -> None:
    suggestion, created = submit(world, text="修" * 5000)
    assert created
    assert len(suggestion.text) == 5000


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_submit_refuses_control_characters(world: World, control: str) -> None:
    assert_refused_in_chinese(world, "text", text=f"路灯坏了{control}请维修")


def test_exactly_the_control_characters_other_than_line_breaks_and_tabs_are_refused() -> None:
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates are not text
        refused = unicodedata.category(char) == "Cc" and char not in "\n\r\t"
        try:
            services.clean_text("text", f"路灯{char}坏了", 10, required=True)
        except ValidationError:
            assert refused, f"U+{code:04X} refused"
        else:
            assert not refused, f"U+{code:04X} accepted"


def test_submit_refuses_control_characters_in_the_title(world: World) -> None:
    assert_refused_in_chinese(world, "title", title="路灯\x00")


def test_submit_keeps_line_breaks_and_tabs(world: World) -> None:
    suggestion, _created = submit(world, text="第一，修路。\r\n第二，\t装灯。")
    assert suggestion.text == "第一，修路。\r\n第二，\t装灯。"


@pytest.mark.parametrize(
    "phone",
    [
        "12345",
        "23800138000",
        "1380013800",
        "138001380001",
        "138abcd8000",
        "10086",
        "0532-1234567",  # a local number never starts with 1 (nor 0)
        "532-82881234",  # an area code starts with 0
        "05328288123480",  # an extension needs a separator
        "82881234-",
    ],
)
def test_submit_refuses_a_bad_phone_number(world: World, phone: str) -> None:
    assert_refused_in_chinese(world, "submitter_phone", submitter_phone=phone)


def test_a_refused_phone_is_told_both_forms(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(world, submitter_phone="12345")
    (message,) = caught.value.message_dict["submitter_phone"]
    assert "手机号" in message and "13800138000" in message
    assert "固定电话" in message and "0532-82881234" in message


@pytest.mark.parametrize(
    "typed", ["13800138000", "+86 138 0013 8000", "138-0013-8000", "１３８００１３８０００"]
)
def test_submit_normalises_a_good_phone_number(world: World, typed: str) -> None:
    suggestion, _created = submit(world, submitter_phone=typed)
    assert suggestion.submitter_phone == "13800138000"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0532-82881234", "0532-82881234"),
        ("053282881234", "0532-82881234"),
        ("(0532) 8288 1234", "0532-82881234"),
        ("82881234", "82881234"),
        ("2881234", "2881234"),
        ("010-62881234", "010-62881234"),
        ("01062881234", "010-62881234"),
        ("0532-82881234-806", "0532-82881234-806"),
        ("0532-82881234转806", "0532-82881234-806"),
        ("82881234 分机 12", "82881234-12"),
        ("０５３２－８２８８１２３４", "0532-82881234"),
    ],
)
def test_submit_takes_a_landline_and_stores_it_normalised(
    world: World, typed: str, stored: str
) -> None:
    suggestion, _created = submit(world, submitter_phone=typed)
    assert suggestion.submitter_phone == stored


def test_submit_refuses_a_topic_of_another_campaign(world: World) -> None:
    other = CampaignFactory(owner_unit=world.street)
    topic = campaign_services.topic_add(campaign=other, name="营商环境")
    assert_refused_in_chinese(world, "topic", topic=topic)


def test_submit_refuses_a_category_of_another_campaign(world: World) -> None:
    other = CampaignFactory(owner_unit=world.street)
    category = campaign_services.category_add(campaign=other, name="老干部")
    assert_refused_in_chinese(world, "category", category=category)


def test_submit_refuses_a_unit_outside_the_campaign(world: World) -> None:
    elsewhere = UnitFactory(name="云南路街道", parent=world.district)
    assert_refused_in_chinese(world, "unit", unit=elsewhere)


def test_submit_refuses_an_unknown_channel(world: World) -> None:
    assert_refused_in_chinese(world, "channel", channel="pigeon")


# --- submit: what is recorded ----------------------------------------------------


def test_submit_records_a_suggestion_whose_history_starts_with_its_receipt(
    world: World,
) -> None:
    topic = campaign_services.topic_add(campaign=world.campaign, name="提高为民服务水平")
    suggestion, created = submit(
        world, text="  兴安支路需要修路  ", topic=topic, unit=world.hongdaolu
    )
    assert created
    assert suggestion.text == "兴安支路需要修路"
    assert parse_receipt_code(suggestion.receipt_code) == suggestion.receipt_code
    assert suggestion.status == SuggestionStatus.RECEIVED
    [received] = suggestion_history(suggestion)
    assert (received.from_status, received.to_status) == ("", SuggestionStatus.RECEIVED)
    assert received.at == suggestion.submitted_at
    assert AuditEntry.objects.count() == 0  # a submission writes its row only


def test_submit_forgets_the_name_of_an_anonymous_submitter(world: World) -> None:
    suggestion, _created = submit(world, submitter_name="张三", anonymous=True)
    suggestion.refresh_from_db()
    assert suggestion.anonymous
    assert suggestion.submitter_name == ""


def test_idempotency_key_returns_the_first_suggestion_and_creates_no_second(
    world: World,
) -> None:
    first, created = submit(world, idempotency_key="mini-program-42")
    again, created_again = submit(
        world, text="重试时内容不同也不再保存", idempotency_key="mini-program-42"
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert again.text == first.text
    assert Suggestion.objects.count() == 1


def test_the_same_idempotency_key_in_another_campaign_is_another_suggestion(
    world: World,
) -> None:
    other = CampaignFactory(owner_unit=world.street)
    first, _ = submit(world, idempotency_key="k1")
    second, created = submit(world, campaign=other, idempotency_key="k1")
    assert created
    assert second.pk != first.pk


# --- +1 -------------------------------------------------------------------------------


def test_plus_one_counts_once_per_browser(world: World) -> None:
    suggestion = SuggestionFactory(campaign=world.campaign)
    assert services.suggestion_plus_one(suggestion=suggestion, browser_id="browser-a")
    assert not services.suggestion_plus_one(suggestion=suggestion, browser_id="browser-a")
    assert services.suggestion_plus_one(suggestion=suggestion, browser_id="browser-b")
    assert not services.suggestion_plus_one(suggestion=suggestion, browser_id="")
    suggestion.refresh_from_db()
    assert suggestion.plus_ones == 2
    assert PlusOne.objects.filter(suggestion=suggestion).count() == 2
