"""The office's screening setup: deadlines, reason lists and reply templates."""

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from zhongzhi.screening.models import DecisionReason, ReasonKind, ReplyTemplate
from zhongzhi.screening.selectors import decision_reasons


def setup_url(world: World) -> str:
    return reverse("screening:setup", args=[world.campaign.pk])


def test_the_office_edits_deadlines_and_reasons_and_the_queue_offers_them(world: World) -> None:
    office = world.client_for(world.office)
    response = office.post(
        setup_url(world),
        {
            "sign_within_days": 3,
            "answer_within_days": 20,
            "invalid_reasons": "广告\n 无实质内容 \n广告\n\n涉及个人隐私",
            "not_adopted_reasons": "暂不具备条件",
        },
    )
    assert response.status_code == 302
    world.campaign.refresh_from_db()
    assert (world.campaign.sign_within_days, world.campaign.answer_within_days) == (3, 20)
    assert decision_reasons(world.campaign) == {
        ReasonKind.INVALID: ["广告", "无实质内容", "涉及个人隐私"],
        ReasonKind.NOT_ADOPTED: ["暂不具备条件"],
    }
    SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu)
    queue = office.get(reverse("screening:queue", args=[world.campaign.pk])).content.decode()
    bar = queue.split('id="decision-bar"')[1]
    assert "涉及个人隐私" in bar and "含有不文明用语" not in bar


@pytest.mark.parametrize(
    ("days", "reasons", "message"),
    [((10, 5), "暂不具备条件", "办理时限不能短于签收时限"), ((2, 15), "  \n ", "这个字段是必填项")],
)
def test_bad_setup_is_refused_in_chinese_and_changes_nothing(
    world: World, days: tuple[int, int], reasons: str, message: str
) -> None:
    response = world.client_for(world.office).post(
        setup_url(world),
        {
            "sign_within_days": days[0],
            "answer_within_days": days[1],
            "invalid_reasons": "广告",
            "not_adopted_reasons": reasons,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    world.campaign.refresh_from_db()
    assert world.campaign.sign_within_days == 2
    assert not DecisionReason.objects.exists()


def test_reply_templates_are_added_changed_and_deleted(world: World) -> None:
    office = world.client_for(world.office)
    url = reverse("screening:template_save", args=[world.campaign.pk])
    office.post(
        url, {"new-status": "answered", "new-title": "已办结", "new-text": "您反映的问题已解决。"}
    )
    template = ReplyTemplate.objects.get()
    office.post(
        url,
        {
            "template": template.pk,
            f"t{template.pk}-status": "answered",
            f"t{template.pk}-title": "已办结",
            f"t{template.pk}-text": "您反映的问题已于本周解决，感谢监督。",
        },
    )
    template.refresh_from_db()
    assert template.text == "您反映的问题已于本周解决，感谢监督。"
    office.post(url, {"template": template.pk, "delete": "1"})
    assert not ReplyTemplate.objects.exists()


@pytest.mark.parametrize("persona", ["hongdaolu_coordinator", "leader", "supervisor"])
def test_only_the_office_changes_the_setup(world: World, persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    assert client.get(setup_url(world)).status_code == 404
    response = client.post(
        setup_url(world),
        {
            "sign_within_days": 9,
            "answer_within_days": 9,
            "invalid_reasons": "x",
            "not_adopted_reasons": "y",
        },
    )
    assert response.status_code == 404
    world.campaign.refresh_from_db()
    assert world.campaign.sign_within_days == 2
