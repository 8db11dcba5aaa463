"""What staff see of triage beyond the lists: similar suggestions on a suggestion's page,
saying "same place" or "another place" as the public page does, and the triage columns
of the staff list in its export."""

import io

import openpyxl
from django.urls import reverse

from tests.analysis.test_triage_service import submit, topics, written  # noqa: F401  # fixtures
from tests.conftest import World
from zhongzhi.analysis.models import SuggestionTriage
from zhongzhi.analysis.services import campaign_triage
from zhongzhi.analysis.similarity import index_new_suggestions
from zhongzhi.intake.models import Suggestion

STAIR_LIGHT = (
    "{place}的楼道灯已经坏了一个多月，晚上上下楼全靠手机照明，楼里老人多，"
    "上周有位老人在三楼台阶上摔了一跤。物业说要等统一采购，一直没有人来修。"
    "希望尽快更换楼道灯，并改成声控灯，方便居民夜间出行。"
)


def _similar_on_page(world: World, suggestion: Suggestion) -> tuple[list[int], str]:
    response = world.client_for(world.office).get(reverse("intake:detail", args=[suggestion.pk]))
    assert response.status_code == 200
    items = response.context["similar"]
    return [item.suggestion.pk for item in items], response.content.decode()


def test_a_suggestion_page_shows_the_same_request_elsewhere_as_such(world: World) -> None:
    here = submit(world.campaign, STAIR_LIGHT.format(place="山海关路4号"), world.hongdaolu, 1)
    there = submit(world.campaign, STAIR_LIGHT.format(place="兴安路18号"), world.jinkoulu, 2)
    index_new_suggestions()

    shown, page = _similar_on_page(world, here)

    assert shown == [there.pk]
    assert 'data-testid="elsewhere"' in page and 'data-testid="same-place"' not in page


def test_a_suggestion_page_says_same_place_for_a_similar_one_there(world: World) -> None:
    text = STAIR_LIGHT.format(place="山海关路4号")
    here = submit(world.campaign, text, world.hongdaolu, 1)
    # The same complaint about the same building, half of it said otherwise.
    other = text[: len(text) // 2] + (
        "物业费每年都按时交，可是公共设施坏了没人管，楼道里堆的杂物也没人清理，"
        "希望社区督促物业履行职责，定期检查楼道设施。"
    )
    like = submit(world.campaign, other, world.hongdaolu, 2)
    index_new_suggestions()

    shown, page = _similar_on_page(world, here)

    assert shown == [like.pk]
    assert 'data-testid="same-place"' in page


def test_a_coordinator_sees_only_similar_suggestions_in_their_scope(world: World) -> None:
    here = submit(world.campaign, STAIR_LIGHT.format(place="山海关路4号"), world.hongdaolu, 1)
    submit(world.campaign, STAIR_LIGHT.format(place="兴安路18号"), world.jinkoulu, 2)
    index_new_suggestions()

    response = world.client_for(world.hongdaolu_coordinator).get(
        reverse("intake:detail", args=[here.pk])
    )

    assert response.status_code == 200 and response.context["similar"] == []


def test_the_export_carries_the_triage_columns_of_the_list(
    world: World,
    written: dict[str, list[Suggestion]],  # noqa: F811
) -> None:
    campaign_triage(world.campaign.pk)
    first = written["bus"][0]
    copy = written["bus_copy"][0]
    triage = SuggestionTriage.objects.select_related("issue", "topic_guess").get(suggestion=first)
    assert triage.issue is not None and triage.topic_guess is not None

    response = world.client_for(world.office).get(
        reverse("intake:export"), {"campaign": world.campaign.pk}
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    for title in ("重复组", "推测方面", "推测把握", "热点问题", "可办性"):
        assert title in header
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    first_row, copy_row = by_number[first.number], by_number[copy.number]
    assert first_row["重复组"] == "首条 · 共 2 条" and copy_row["重复组"] == "与首条重复"
    assert first_row["推测方面"] == triage.topic_guess.name
    assert first_row["热点问题"] == f"#{triage.issue.rank} {triage.issue.label}"
    assert first_row["可办性"] == round(triage.score)
    single = by_number[written["single"][0].number]
    assert single["重复组"] is None and single["热点问题"] is None
