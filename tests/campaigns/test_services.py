"""Campaign setup services: stages, topics, categories, plan items."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.conftest import World
from zhongzhi.campaigns import services
from zhongzhi.campaigns.models import (
    Campaign,
    ParticipantCategory,
    PlanItemStatus,
    Stage,
    Topic,
)

D = datetime.date


def add_stage(campaign: Campaign, name: str, start: datetime.date, end: datetime.date) -> Stage:
    return services.stage_add(campaign=campaign, name=name, start_date=start, end_date=end)


def other_campaign(world: World) -> Campaign:
    """A campaign of 金口路社区 over the same dates as the street's."""
    return services.campaign_create(
        name="金口路社区大讨论",
        owner_unit=world.jinkoulu,
        start_date=world.campaign.start_date,
        end_date=world.campaign.end_date,
    )


def stages_in_order(campaign: Campaign) -> list[tuple[int, str]]:
    return list(
        Stage.objects.filter(campaign=campaign).order_by("order").values_list("order", "name")
    )


# --- campaigns ------------------------------------------------------------------


def test_campaign_create_rejects_an_end_before_the_start(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.campaign_create(
            name="倒着的活动",
            owner_unit=world.street,
            start_date=D(2026, 9, 1),
            end_date=D(2026, 8, 1),
        )

    assert error.value.message_dict["end_date"] == ["结束日期不能早于开始日期。"]
    assert not Campaign.objects.filter(name="倒着的活动").exists()


# --- stages ---------------------------------------------------------------------


def test_stage_add_rejects_an_end_before_the_start_and_saves_nothing(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        add_stage(world.campaign, "动员部署", D(2026, 10, 5), D(2026, 10, 1))

    assert error.value.message_dict["end_date"] == ["阶段的结束日期不能早于开始日期。"]
    assert not Stage.objects.filter(campaign=world.campaign).exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2026, 8, 31), D(2026, 9, 10)),  # starts the day before the campaign
        (D(2026, 12, 20), D(2027, 1, 1)),  # ends the day after
        (D(2027, 1, 1), D(2027, 1, 31)),  # wholly after
    ],
)
def test_stage_add_rejects_dates_outside_the_campaign_and_saves_nothing(
    world: World, start: datetime.date, end: datetime.date
) -> None:
    with pytest.raises(ValidationError) as error:
        add_stage(world.campaign, "动员部署", start, end)

    assert error.value.message_dict["start_date"] == [
        "阶段必须在活动的起止日期（2026-09-01 至 2026-12-31）之内。"
    ]
    assert not Stage.objects.filter(campaign=world.campaign).exists()


def test_a_stage_may_fill_the_campaign_from_first_to_last_day(world: World) -> None:
    stage = add_stage(world.campaign, "全程", D(2026, 9, 1), D(2026, 12, 31))

    assert (stage.order, stage.start_date, stage.end_date) == (1, D(2026, 9, 1), D(2026, 12, 31))


def test_stage_add_rejects_an_overlap_with_another_stage_and_saves_nothing(world: World) -> None:
    add_stage(world.campaign, "动员部署", D(2026, 9, 1), D(2026, 9, 30))

    with pytest.raises(ValidationError) as error:
        add_stage(world.campaign, "深入学习", D(2026, 9, 30), D(2026, 10, 31))

    assert error.value.message_dict["start_date"] == [
        "与阶段“动员部署”（2026-09-01 至 2026-09-30）时间重叠。"
    ]
    assert stages_in_order(world.campaign) == [(1, "动员部署")]


def test_a_stage_may_start_the_day_after_another_ends(world: World) -> None:
    add_stage(world.campaign, "动员部署", D(2026, 9, 1), D(2026, 9, 30))
    add_stage(world.campaign, "深入学习", D(2026, 10, 1), D(2026, 10, 31))

    assert stages_in_order(world.campaign) == [(1, "动员部署"), (2, "深入学习")]


def test_stages_of_another_campaign_do_not_count_as_overlap(world: World) -> None:
    other = other_campaign(world)
    add_stage(other, "动员部署", D(2026, 9, 1), D(2026, 9, 30))

    stage = add_stage(world.campaign, "动员部署", D(2026, 9, 1), D(2026, 9, 30))

    assert stage.order == 1


def test_stages_are_numbered_by_date_whatever_order_they_are_added_in(world: World) -> None:
    add_stage(world.campaign, "实践转化", D(2026, 11, 1), D(2026, 12, 31))
    add_stage(world.campaign, "动员部署", D(2026, 9, 1), D(2026, 9, 15))
    added = add_stage(world.campaign, "深入学习", D(2026, 9, 16), D(2026, 10, 31))

    assert added.order == 2
    assert stages_in_order(world.campaign) == [(1, "动员部署"), (2, "深入学习"), (3, "实践转化")]


def test_moving_a_stage_renumbers_the_stages(world: World) -> None:
    early = add_stage(world.campaign, "动员部署", D(2026, 9, 1), D(2026, 9, 30))
    add_stage(world.campaign, "深入学习", D(2026, 10, 1), D(2026, 10, 31))

    services.stage_update(
        stage=early, name="总结提高", start_date=D(2026, 12, 1), end_date=D(2026, 12, 31)
    )

    assert stages_in_order(world.campaign) == [(1, "深入学习"), (2, "总结提高")]


def test_stage_update_into_an_overlap_is_refused_and_saves_nothing(world: World) -> None:
    early = add_stage(world.campaign, "动员部署", D(2026, 9, 1), D(2026, 9, 30))
    add_stage(world.campaign, "深入学习", D(2026, 10, 1), D(2026, 10, 31))

    with pytest.raises(ValidationError, match="与阶段“深入学习”"):
        services.stage_update(
            stage=early, name="动员部署", start_date=D(2026, 9, 1), end_date=D(2026, 10, 10)
        )

    early.refresh_from_db()
    assert early.end_date == D(2026, 9, 30)


# --- topics and participant categories ------------------------------------------


def test_topic_with_a_name_the_campaign_already_has_is_refused(world: World) -> None:
    services.topic_add(campaign=world.campaign, name="营商环境", keywords=["审批"])

    with pytest.raises(ValidationError) as error:
        services.topic_add(campaign=world.campaign, name=" 营商环境 ", keywords=["窗口"])

    assert error.value.message_dict["name"] == ["方面“营商环境”已存在。"]
    assert list(
        Topic.objects.filter(campaign=world.campaign).values_list("keywords", flat=True)
    ) == [["审批"]]


def test_the_same_topic_name_is_fine_in_another_campaign(world: World) -> None:
    other = other_campaign(world)
    services.topic_add(campaign=other, name="营商环境")

    topic = services.topic_add(campaign=world.campaign, name="营商环境")

    assert topic.order == 1


def test_topics_are_numbered_in_the_order_added_and_blank_keywords_dropped(world: World) -> None:
    services.topic_add(campaign=world.campaign, name="营商环境")
    topic = services.topic_add(
        campaign=world.campaign, name="提高为民服务水平", keywords=[" 路灯 ", "", "  ", "扶手"]
    )

    assert topic.order == 2
    assert topic.keywords == ["路灯", "扶手"]


def test_category_with_a_name_the_campaign_already_has_is_refused(world: World) -> None:
    services.category_add(campaign=world.campaign, name="老干部")

    with pytest.raises(ValidationError) as error:
        services.category_add(campaign=world.campaign, name="老干部")

    assert error.value.message_dict["name"] == ["群体类别“老干部”已存在。"]
    assert ParticipantCategory.objects.filter(campaign=world.campaign).count() == 1


# --- plan items -----------------------------------------------------------------


def test_plan_item_in_a_stage_takes_the_stages_dates_unless_given(world: World) -> None:
    stage = add_stage(world.campaign, "深入学习", D(2026, 10, 1), D(2026, 10, 31))

    item = services.plan_item_add(
        campaign=world.campaign, stage=stage, title="举办论坛", lead_units=[world.street]
    )
    dated = services.plan_item_add(
        campaign=world.campaign, stage=stage, title="提交心得体会", end_date=D(2026, 10, 20)
    )

    assert (item.start_date, item.end_date) == (D(2026, 10, 1), D(2026, 10, 31))
    assert dated.end_date == D(2026, 10, 20)
    assert list(item.lead_units.all()) == [world.street]
    assert (item.order, dated.order) == (1, 2)


def test_plan_item_cannot_use_a_stage_of_another_campaign(world: World) -> None:
    other = other_campaign(world)
    foreign = add_stage(other, "深入学习", D(2026, 10, 1), D(2026, 10, 31))

    with pytest.raises(ValidationError) as error:
        services.plan_item_add(campaign=world.campaign, stage=foreign, title="举办论坛")

    assert error.value.message_dict["stage"] == ["所选阶段不属于这个活动。"]
    assert not world.campaign.plan_items.exists()


def test_plan_item_status_update_records_who_and_when(world: World) -> None:
    item = services.plan_item_add(campaign=world.campaign, title="举办论坛")
    before = timezone.now()

    services.plan_item_update_status(
        plan_item=item,
        status=PlanItemStatus.IN_PROGRESS,
        note="  已办第1期  ",
        updated_by=world.office,
    )

    item.refresh_from_db()
    assert item.status == PlanItemStatus.IN_PROGRESS
    assert item.status_note == "已办第1期"
    assert item.status_updated_by == world.office
    assert item.status_updated_at is not None
    assert timezone.is_aware(item.status_updated_at)
    assert before <= item.status_updated_at <= timezone.now()


def test_a_later_status_update_replaces_who_and_when(world: World) -> None:
    item = services.plan_item_add(campaign=world.campaign, title="举办论坛")
    services.plan_item_update_status(
        plan_item=item, status=PlanItemStatus.IN_PROGRESS, note="", updated_by=world.office
    )
    first_at = item.status_updated_at
    assert first_at is not None

    services.plan_item_update_status(
        plan_item=item, status=PlanItemStatus.DONE, note="3期已办完", updated_by=world.leader
    )

    item.refresh_from_db()
    assert (item.status, item.status_updated_by) == (PlanItemStatus.DONE, world.leader)
    assert item.status_updated_at is not None and item.status_updated_at >= first_at


def test_an_unknown_status_is_refused_and_nothing_recorded(world: World) -> None:
    item = services.plan_item_add(campaign=world.campaign, title="举办论坛")

    with pytest.raises(ValidationError) as error:
        services.plan_item_update_status(
            plan_item=item, status="finished", note="", updated_by=world.office
        )

    assert error.value.message_dict["status"] == ["未知的状态。"]
    item.refresh_from_db()
    assert (item.status, item.status_updated_by, item.status_updated_at) == (
        PlanItemStatus.NOT_STARTED,
        None,
        None,
    )
