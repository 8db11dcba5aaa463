"""The residents' pages through HTTP: the campaign's form, similar suggestions and +1,
the receipt page, and the QR poster. The resident is anonymous; what they see of a
suggestion never includes a name or a phone number.
"""

import datetime
import io
import os
import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from tests.conftest import World
from zhongzhi.analysis.similarity import index_new_suggestions
from zhongzhi.campaigns import services as campaign_services
from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake import posters
from zhongzhi.intake.models import Channel, Suggestion, SuggestionStatus
from zhongzhi.intake.receipt_codes import EXAMPLE_CODE, new_receipt_code
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.intake.views.public import BROWSER_COOKIE, plus_one_code
from zhongzhi.screening.services.decisions import suggestion_decide

ROAD = (
    "红岛路38号楼前的人行道坑洼不平，下雨天积水严重。"
    "老人和孩子出行很不方便，上个月还有人在这里摔倒。"
    "建议街道尽快安排施工队重新铺设路面，并在路口增设排水口。"
)
PHONE = "13812345678"


@pytest.fixture
def topic(world: World) -> Topic:
    campaign_services.topic_add(campaign=world.campaign, name="营商环境")
    return campaign_services.topic_add(campaign=world.campaign, name="提高为民服务水平")


def another_campaign(world: World) -> Campaign:
    return Campaign.objects.create(
        name="金口路社区金点子征集",
        owner_unit=world.jinkoulu,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 31),
    )


def make_suggestion(campaign: Campaign, text: str = ROAD) -> Suggestion:
    suggestion, _created = suggestion_submit(campaign=campaign, text=text, channel="online")
    return suggestion


def form_url(campaign: Campaign) -> str:
    return reverse("public:form", args=[campaign.pk])


def fresh_key(client: Client, campaign: Campaign) -> str:
    """The idempotency key the form was rendered with."""
    page = client.get(form_url(campaign)).content.decode()
    found = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert found, "the form carries a hidden idempotency key"
    return found.group(1)


def submit(client: Client, campaign: Campaign, **fields: object) -> Any:
    data: dict[str, object] = {"idempotency_key": fresh_key(client, campaign), "text": ROAD}
    data.update(fields)
    return client.post(form_url(campaign), data)


# --- the form -----------------------------------------------------------------------


def test_form_is_chinese_mobile_and_carries_csrf_topics_and_privacy_notice(
    world: World, topic: Topic
) -> None:
    response = Client().get(form_url(world.campaign))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="viewport"' in page
    assert "csrfmiddlewaretoken" in page
    assert world.campaign.name in page
    assert "提高为民服务水平" in page and "不确定 / 不选" in page
    assert "联系电话只用于工作人员就您的建议回复您，不向其他人展示，也不会公开" in page
    assert 'hx-trigger="keyup changed delay:500ms' in page
    assert reverse("public:similar", args=[world.campaign.pk]) in page
    assert BROWSER_COOKIE in response.cookies


def test_each_rendering_of_the_form_has_its_own_key(world: World) -> None:
    client = Client()
    assert fresh_key(client, world.campaign) != fresh_key(client, world.campaign)


def test_resident_submits_and_sees_the_receipt_code(world: World, topic: Topic) -> None:
    client = Client()

    response = submit(client, world.campaign, topic=topic.pk, submitter_phone="138 1234 5678")

    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("public:receipt", args=[suggestion.receipt_code]) + (
        "?new=1"
    )
    page = client.get(response["Location"]).content.decode()
    assert "提交成功" in page
    assert suggestion.receipt_code_display in page
    assert suggestion.campaign == world.campaign
    assert suggestion.topic == topic
    assert suggestion.text == ROAD
    assert suggestion.channel == Channel.ONLINE
    assert suggestion.submitter_phone == PHONE
    assert suggestion.status == SuggestionStatus.RECEIVED


def test_resident_may_leave_a_landline(world: World) -> None:
    response = submit(Client(), world.campaign, submitter_phone="0532-8288 1234 转 806")

    assert response.status_code == 302
    assert Suggestion.objects.get().submitter_phone == "0532-82881234-806"


def test_topic_and_phone_may_be_left_out(world: World, topic: Topic) -> None:
    response = submit(Client(), world.campaign, topic="", submitter_phone="")

    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.topic is None
    assert suggestion.submitter_phone == ""


def test_traditional_chinese_and_line_breaks_are_kept(world: World) -> None:
    text = "紅島路的路燈壞了。\r\n建議盡快維修。"

    submit(Client(), world.campaign, text=text)

    assert Suggestion.objects.get().text == "紅島路的路燈壞了。\n建議盡快維修。"


def test_the_same_key_twice_makes_one_suggestion(world: World) -> None:
    client = Client()
    key = fresh_key(client, world.campaign)

    first = client.post(form_url(world.campaign), {"idempotency_key": key, "text": ROAD})
    again = client.post(form_url(world.campaign), {"idempotency_key": key, "text": ROAD})

    assert Suggestion.objects.count() == 1
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]


def test_a_mangled_key_is_ignored_and_the_suggestion_still_taken(world: World) -> None:
    for key in ("", "short", "\x00" * 20, "<script>" * 10):
        response = Client().post(form_url(world.campaign), {"idempotency_key": key, "text": ROAD})
        assert response.status_code == 302
    assert Suggestion.objects.count() == 4
    assert set(Suggestion.objects.values_list("idempotency_key", flat=True)) == {""}


def test_two_renderings_make_two_suggestions(world: World) -> None:
    client = Client()
    submit(client, world.campaign)
    submit(client, world.campaign)

    assert Suggestion.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": ""}, "请填写建议内容。"),
        ({"text": " \n\u3000 \t "}, "请填写建议内容。"),
        ({"text": "建" * 5001}, "内容太长：最多 5000 字，现在 5001 字。"),
        ({"text": "路灯坏了\x00请修"}, "内容含有无法显示的控制字符"),
        ({"text": "路灯坏了\x1b[31m请修"}, "内容含有无法显示的控制字符"),
        ({"submitter_phone": "12345"}, "或固定电话（如 0532-82881234"),
        ({"submitter_phone": "电话13812345678"}, "或固定电话（如 0532-82881234"),
        ({"submitter_phone": "1" * 40}, "或固定电话（如 0532-82881234"),
        ({"submitter_phone": "138\x0012345678"}, "空字符"),
        ({"topic": "999999"}, "所选方面不存在"),
        ({"topic": "营商环境"}, "所选方面不存在"),
    ],
    ids=[
        "empty",
        "whitespace",
        "too-long",
        "nul",
        "escape",
        "short-phone",
        "phone-with-words",
        "huge-phone",
        "nul-in-phone",
        "unknown-topic",
        "topic-not-an-id",
    ],
)
def test_bad_input_gets_a_chinese_message_and_saves_nothing(
    world: World, topic: Topic, fields: dict[str, str], message: str
) -> None:
    response = submit(Client(), world.campaign, **fields)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Suggestion.objects.count() == 0


def test_topic_of_another_campaign_is_refused(world: World) -> None:
    other = another_campaign(world)
    foreign = campaign_services.topic_add(campaign=other, name="经略海洋")

    response = submit(Client(), world.campaign, topic=foreign.pk)

    assert "所选方面不存在" in response.content.decode()
    assert Suggestion.objects.count() == 0


def test_what_the_resident_typed_stays_after_an_error(world: World) -> None:
    response = submit(Client(), world.campaign, text="路灯坏了", submitter_phone="123")

    page = response.content.decode()
    assert "路灯坏了" in page and 'value="123"' in page


def test_html_is_stored_verbatim_and_always_shown_escaped(world: World) -> None:
    client = Client()
    text = '<script>alert("x")</script><img src=x onerror=alert(1)> 路灯坏了'

    response = submit(client, world.campaign, text=text)

    assert Suggestion.objects.get().text == text
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_form_keeps_csrf_protection(world: World) -> None:
    client = Client(enforce_csrf_checks=True)

    refused = client.post(form_url(world.campaign), {"text": ROAD})
    page = client.get(form_url(world.campaign)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    accepted = client.post(
        form_url(world.campaign), {"text": ROAD, "csrfmiddlewaretoken": token.group(1)}
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert Suggestion.objects.count() == 1


@override_settings(ZHONGZHI_PUBLIC_RATE_LIMITS={"submit": (2, 60)})
def test_too_many_submissions_from_one_address_are_refused_kindly(world: World) -> None:
    client = Client()
    for _ in range(2):
        assert submit(client, world.campaign).status_code == 302

    response = submit(client, world.campaign, text="第三条建议：路灯坏了")

    assert response.status_code == 429
    page = response.content.decode()
    assert "提交太频繁了" in page and "第三条建议：路灯坏了" in page
    assert Suggestion.objects.count() == 2


def test_unknown_campaign_is_404(world: World) -> None:
    client = Client()
    missing = world.campaign.pk + 1000
    code = plus_one_code(make_suggestion(world.campaign))

    for url in (
        reverse("public:form", args=[missing]),
        reverse("public:similar", args=[missing]) + "?text=" + ROAD,
        reverse("public:poster_png", args=[missing]),
        reverse("public:poster_pdf", args=[missing]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "没有找到这个活动" in response.content.decode()
    assert client.post(reverse("public:plus_one", args=[missing, code])).status_code == 404
    assert (
        client.post(
            form_url(world.campaign).replace(str(world.campaign.pk), str(missing)), {"text": ROAD}
        ).status_code
        == 404
    )
    assert Suggestion.objects.count() == 1


# --- the receipt page ---------------------------------------------------------------


def test_receipt_page_shows_timeline_and_answer_but_nothing_personal(world: World) -> None:
    suggestion, _created = suggestion_submit(
        campaign=world.campaign,
        text=ROAD + " 我的电话 13987654321",
        channel=Channel.SYMPOSIUM,
        submitter_name="王秀兰",
        submitter_phone=PHONE,
    )
    suggestion_decide(
        suggestion=suggestion,
        decision="adopt",
        actor=world.office,
        note="内部：已转红岛路社区，联系人李建国",
    )
    suggestion_decide(
        suggestion=suggestion,
        decision="answer",
        actor=world.office,
        reply="人行道已于10月12日重新铺设，路口新增两个排水口。",
    )

    response = Client().get(reverse("public:receipt", args=[suggestion.receipt_code]))

    assert response.status_code == 200
    page = response.content.decode()
    assert suggestion.receipt_code_display in page
    timeline = page.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert [s in timeline for s in ("已收到", "已采纳", "已答复")] == [True, True, True]
    assert timeline.index("已收到") < timeline.index("已采纳") < timeline.index("已答复")
    assert "人行道已于10月12日重新铺设" in page
    for personal in ("王秀兰", PHONE, "13987654321", "李建国", "内部", world.office.full_name):
        assert personal not in page
    assert "139****4321" in page


def test_receipt_page_masks_fixed_lines_in_the_text_too(world: World) -> None:
    suggestion = make_suggestion(
        world.campaign, ROAD + " 白天打座机0532-82881234转806，晚上打电话：8288-5678。"
    )
    page = Client().get(reverse("public:receipt", args=[suggestion.receipt_code]))
    text = page.content.decode()
    assert "0532-****1234转***" in text and "电话：****-5678" in text
    for digits in ("82881234", "8288-1234", "8288-5678"):
        assert digits not in text


def test_receipt_lookup_is_forgiving_about_how_the_code_is_typed(world: World) -> None:
    suggestion = make_suggestion(world.campaign)
    typed = suggestion.receipt_code_display.lower().replace("0", "o")

    response = Client().get(reverse("public:receipt_lookup"), {"code": f" {typed} "})

    assert response.status_code == 302
    assert response["Location"] == reverse("public:receipt", args=[suggestion.receipt_code])


def test_receipt_lookup_explains_a_wrong_or_unknown_code(world: World) -> None:
    client = Client()
    assert "查询办理进度" in client.get(reverse("public:receipt_lookup")).content.decode()

    wrong = client.get(reverse("public:receipt_lookup"), {"code": "ABCD-1234"})
    unknown = client.get(reverse("public:receipt", args=[new_receipt_code()]))
    garbage = client.get(reverse("public:receipt", args=["<script>"]))

    assert wrong.status_code == 400
    assert "回执号应为 9 位" in wrong.content.decode()
    assert unknown.status_code == garbage.status_code == 404
    assert "没有找到这个回执号" in unknown.content.decode()
    assert "<script>" not in garbage.content.decode()


def test_the_help_example_typed_on_the_lookup_page_is_not_called_wrong(world: World) -> None:
    client = Client()
    help_page = client.get(reverse("public:receipt_lookup")).content.decode()
    assert f"示例：{EXAMPLE_CODE}" in help_page

    typed = client.get(reverse("public:receipt_lookup"), {"code": EXAMPLE_CODE}, follow=True)

    assert typed.redirect_chain[0][1] == 302
    assert typed.status_code == 404
    assert "没有找到这个回执号" in typed.content.decode()


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("ABCD-2345K", "校验位"),  # the old help example: its check symbol is wrong
        ("ABCD-2345", "您输入了 8 位"),
        ("ABCD-2345YY", "您输入了 10 位"),
        ("ABCD#2345Y", "不含“#”"),
        ("回执号ABCD2345Y", "不含“回执号”"),
    ],
)
def test_receipt_lookup_says_which_check_the_code_fails(
    world: World, typed: str, says: str
) -> None:
    response = Client().get(reverse("public:receipt_lookup"), {"code": typed})
    assert response.status_code == 400
    assert says in response.content.decode()


def test_receipt_address_with_a_wrong_check_symbol_says_so(world: World) -> None:
    response = Client().get(reverse("public:receipt", args=["ABCD2345K"]))
    assert response.status_code == 404
    assert "校验位" in response.content.decode()


def test_receipt_address_with_a_loosely_typed_code_redirects_to_the_canonical_one(
    world: World,
) -> None:
    suggestion = make_suggestion(world.campaign)

    response = Client().get(reverse("public:receipt", args=[suggestion.receipt_code_display]))

    assert response.status_code == 302
    assert response["Location"] == reverse("public:receipt", args=[suggestion.receipt_code])


@override_settings(ZHONGZHI_PUBLIC_RATE_LIMITS={"receipt": (3, 60)})
def test_receipt_lookups_are_rate_limited(world: World) -> None:
    suggestion = make_suggestion(world.campaign)
    client = Client()
    url = reverse("public:receipt", args=[suggestion.receipt_code])
    statuses = [client.get(url).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


# --- similar suggestions and +1 ------------------------------------------------------


def test_similar_box_lists_existing_suggestions_with_their_counts(world: World) -> None:
    road, _created = suggestion_submit(
        campaign=world.campaign,
        text=ROAD + "联系电话13812345678",
        channel=Channel.ONLINE,
        submitter_name="王秀兰",
        submitter_phone="13987654321",
    )
    index_new_suggestions()
    Suggestion.objects.filter(pk=road.pk).update(plus_ones=7)
    typed = (
        "红岛路38号楼前的人行道坑洼不平，下雨天积水严重。"
        "建议街道尽快安排施工队重新铺设路面，并在路口增设排水口。"
    )

    response = Client().get(reverse("public:similar", args=[world.campaign.pk]), {"text": typed})

    assert response.status_code == 200
    page = response.content.decode()
    assert "红岛路38号楼前的人行道坑洼不平" in page
    assert "7 人附议" in page
    assert reverse("public:plus_one", args=[world.campaign.pk, plus_one_code(road)]) in page
    for personal in ("王秀兰", "13987654321", "13812345678", road.receipt_code):
        assert personal not in page


def test_similar_box_says_another_building_is_a_similar_request_elsewhere(world: World) -> None:
    suggestion_submit(campaign=world.campaign, text=ROAD, channel=Channel.ONLINE)
    index_new_suggestions()
    url = reverse("public:similar", args=[world.campaign.pk])

    elsewhere = Client().get(url, {"text": ROAD.replace("38号楼", "52号楼")}).content.decode()
    same = Client().get(url, {"text": ROAD}).content.decode()

    assert "红岛路38号楼前" in elsewhere
    assert "其他地点的类似诉求" in elsewhere and "几乎相同" not in elsewhere
    assert "同一地点" in same and "几乎相同" in same


def test_similar_box_is_empty_for_short_text_and_ignores_invalid_suggestions(
    world: World,
) -> None:
    spam, _created = suggestion_submit(campaign=world.campaign, text=ROAD, channel="online")
    index_new_suggestions()
    suggestion_decide(suggestion=spam, decision="invalid", reason="广告或推销", actor=world.office)
    url = reverse("public:similar", args=[world.campaign.pk])
    client = Client()

    assert client.get(url, {"text": "路灯"}).content.decode().strip() == ""
    assert "坑洼" not in client.get(url, {"text": ROAD}).content.decode()


def test_plus_one_counts_once_per_browser_and_twice_for_two_browsers(world: World) -> None:
    suggestion = make_suggestion(world.campaign)
    url = reverse("public:plus_one", args=[world.campaign.pk, plus_one_code(suggestion)])
    alice, bob = Client(), Client()
    alice.get(form_url(world.campaign))  # the browser gets its id with the form
    bob.get(form_url(world.campaign))

    first = alice.post(url, headers={"HX-Request": "true"})
    again = alice.post(url, headers={"HX-Request": "true"})
    suggestion.refresh_from_db()
    assert suggestion.plus_ones == 1
    assert "已附议，谢谢" in first.content.decode()
    assert "您已经附议过" in again.content.decode()

    bob.post(url)
    suggestion.refresh_from_db()
    assert suggestion.plus_ones == 2


def test_plus_one_from_a_browser_without_an_id_gives_it_one(world: World) -> None:
    suggestion = make_suggestion(world.campaign)
    url = reverse("public:plus_one", args=[world.campaign.pk, plus_one_code(suggestion)])
    client = Client()

    response = client.post(url)
    client.post(url)

    assert BROWSER_COOKIE in response.cookies
    suggestion.refresh_from_db()
    assert suggestion.plus_ones == 1


def test_a_suggestion_of_another_campaign_cannot_be_plus_oned_here(world: World) -> None:
    other = another_campaign(world)
    foreign = make_suggestion(other)
    client = Client()

    response = client.post(
        reverse("public:plus_one", args=[world.campaign.pk, plus_one_code(foreign)])
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.plus_ones == 0


def test_plus_one_needs_a_signed_code_and_a_post(world: World) -> None:
    suggestion = make_suggestion(world.campaign)
    client = Client()
    base = [world.campaign.pk]

    assert (
        client.post(reverse("public:plus_one", args=[*base, f"{suggestion.pk}"])).status_code == 404
    )
    assert (
        client.post(reverse("public:plus_one", args=[*base, suggestion.receipt_code])).status_code
        == 404
    )
    assert (
        client.get(reverse("public:plus_one", args=[*base, plus_one_code(suggestion)])).status_code
        == 405
    )
    suggestion.refresh_from_db()
    assert suggestion.plus_ones == 0


# --- the poster ---------------------------------------------------------------------


@pytest.fixture
def cjk_font() -> None:
    if posters.find_cjk_font() is None:
        message = "no CJK font (Debian package fonts-wqy-microhei or fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_poster_png_is_an_a4_page(world: World, cjk_font: None) -> None:
    world.campaign.slogan = "众智成城 · 共建美好八大关"
    world.campaign.save()

    response = Client().get(reverse("public:poster_png", args=[world.campaign.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    width, height = image.size
    assert width >= 1240  # A4 at 150 dpi or more
    assert abs(height / width - 297 / 210) < 0.01
    # The red header is there (top-left corner), the page under it white.
    page = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert page.getpixel((5, 5)) == posters.RED
    assert page.getpixel((5, height // 2)) == (255, 255, 255)


def test_poster_pdf_is_a_pdf(world: World, cjk_font: None) -> None:
    response = Client().get(reverse("public:poster_pdf", args=[world.campaign.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # One A4 page: 595 × 842 points.
    assert re.search(rb"/MediaBox \[ ?0 0 595\.\d+ 842\.\d+ ?\]", response.content)


def test_poster_qr_code_points_at_the_public_page(world: World, cjk_font: None) -> None:
    content = posters.PosterContent(
        theme="", slogan="", campaign_name="测试", owner_name="", url="http://x/c/1/"
    )
    # The QR image alone: same matrix as the qrcode library draws for the address.
    import qrcode

    qr = posters._qr_image(content.url, 600)
    expected = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=2
    )
    expected.add_data(content.url)
    modules = len(expected.get_matrix())
    box = qr.width // modules
    for y, row in enumerate(expected.get_matrix()):
        for x, dark in enumerate(row):
            pixel = qr.getpixel((x * box + box // 2, y * box + box // 2))
            assert (pixel == (0, 0, 0)) == dark


def test_poster_without_a_chinese_font_says_what_to_install(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(posters, "_find_face", lambda configured: None)

    response = Client().get(reverse("public:poster_png", args=[world.campaign.pk]))

    assert response.status_code == 503
    assert "fonts-wqy-microhei" in response.content.decode()


def test_after_the_campaign_the_page_says_so_and_takes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    suggestion = make_suggestion(world.campaign)
    client = Client()
    key = fresh_key(client, world.campaign)
    monkeypatch.setattr("zhongzhi.core.clock.today", lambda: datetime.date(2027, 1, 5))

    page = client.get(form_url(world.campaign))
    html = page.content.decode()
    assert page.status_code == 200
    assert "本次活动已于 2026年12月31日 结束征集" in html
    assert 'data-testid="suggestion-form"' not in html
    assert reverse("public:receipt_lookup") in html  # earlier residents can still follow up

    # A form left open in a phone's browser since the campaign's last day.
    sent = client.post(form_url(world.campaign), {"text": ROAD, "idempotency_key": key})
    assert sent.status_code == 403
    assert "结束征集" in sent.content.decode()
    plus_one = reverse("public:plus_one", args=[world.campaign.pk, plus_one_code(suggestion)])
    refused = client.post(plus_one, headers={"HX-Request": "true"})
    assert refused.status_code == 200  # htmx swaps in 2xx answers only
    assert "结束征集" in refused.content.decode()
    assert client.post(plus_one).status_code == 403  # without htmx: a page saying so
    suggestion.refresh_from_db()
    assert suggestion.plus_ones == 0
    assert Suggestion.objects.count() == 1


def test_before_the_campaign_the_page_says_when_it_starts(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zhongzhi.core.clock.today", lambda: datetime.date(2026, 8, 20))
    html = Client().get(form_url(world.campaign)).content.decode()
    assert "本次活动将于 2026年9月1日 开始征集建议" in html
    assert 'data-testid="suggestion-form"' not in html
