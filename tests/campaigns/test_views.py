import datetime

from django.urls import reverse

from tests.conftest import World
from tests.factories import UserFactory
from zhongzhi.campaigns import services
from zhongzhi.campaigns.models import Campaign, PlanItem, Stage


def test_overview_highlights_the_stage_that_holds_today(
    world: World, pinned_today: datetime.date
) -> None:
    today = pinned_today
    campaign = world.campaign
    campaign.start_date, campaign.end_date = (
        today - datetime.timedelta(days=30),
        today + datetime.timedelta(days=30),
    )
    campaign.save()
    services.stage_add(
        campaign=campaign,
        name="宣传发动",
        start_date=campaign.start_date,
        end_date=today - datetime.timedelta(days=1),
    )
    services.stage_add(
        campaign=campaign,
        name="组织实施",
        start_date=today,
        end_date=today + datetime.timedelta(days=10),
    )
    services.stage_add(
        campaign=campaign,
        name="总结交流",
        start_date=today + datetime.timedelta(days=11),
        end_date=campaign.end_date,
    )
    page = (
        world.client_for(world.office)
        .get(reverse("campaigns:detail", args=[campaign.pk]))
        .content.decode()
    )
    current = page[page.index('data-testid="current-stage"') :][:400]
    assert "组织实施" in current
    assert "宣传发动" not in current
    assert page.count('data-testid="current-stage"') == 1


def test_stage_form_rejects_end_before_start_in_chinese_and_saves_nothing(world: World) -> None:
    client = world.client_for(world.office)
    response = client.post(
        reverse("campaigns:stage_create", args=[world.campaign.pk]),
        {"name": "宣传发动", "start_date": "2026-10-10", "end_date": "2026-10-01"},
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Stage.objects.filter(campaign=world.campaign).exists()


def test_stage_form_rejects_overlap_and_saves_nothing(world: World) -> None:
    services.stage_add(
        campaign=world.campaign,
        name="宣传发动",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    client = world.client_for(world.office)
    response = client.post(
        reverse("campaigns:stage_create", args=[world.campaign.pk]),
        {"name": "组织实施", "start_date": "2026-09-20", "end_date": "2026-10-31"},
    )
    assert "时间重叠" in response.content.decode()
    assert Stage.objects.filter(campaign=world.campaign).count() == 1


def test_stage_form_rejects_a_date_that_is_not_one(world: World) -> None:
    client = world.client_for(world.office)
    response = client.post(
        reverse("campaigns:stage_create", args=[world.campaign.pk]),
        {"name": "宣传发动", "start_date": "2026-02-30", "end_date": "明天"},
    )
    assert response.status_code == 200
    assert "有效的日期" in response.content.decode()
    assert not Stage.objects.exists()


def test_duplicate_topic_name_is_refused_on_the_form(world: World) -> None:
    services.topic_add(campaign=world.campaign, name="营商环境")
    client = world.client_for(world.office)
    response = client.post(
        reverse("campaigns:topic_create", args=[world.campaign.pk]), {"name": "营商环境"}
    )
    assert "已存在" in response.content.decode()
    assert world.campaign.topics.count() == 1


def test_office_creates_a_campaign_from_templates(world: World) -> None:
    client = world.client_for(world.office)
    response = client.post(
        reverse("campaigns:create"),
        {
            "name": "2027年大讨论",
            "owner_unit": world.street.pk,
            "start_date": "2027-03-01",
            "end_date": "2027-12-31",
            "templates": ["7+11", "four-stage"],
        },
    )
    campaign = Campaign.objects.get(name="2027年大讨论")
    assert response.status_code == 302
    assert campaign.topics.count() == 11
    assert campaign.participant_categories.count() == 7
    assert campaign.stages.count() == 4


def test_applying_a_template_twice_says_so_and_changes_nothing(world: World) -> None:
    client = world.client_for(world.office)
    url = reverse("campaigns:template_apply", args=[world.campaign.pk])
    client.post(url, {"template": "7+11"})
    response = client.post(url, {"template": "7+11"}, follow=True)
    assert "不能重复套用" in response.content.decode()
    assert world.campaign.topics.count() == 11


def test_the_overview_offers_only_templates_the_campaign_can_still_take(world: World) -> None:
    client = world.client_for(world.office)
    url = reverse("campaigns:detail", args=[world.campaign.pk])
    services.template_apply(campaign=world.campaign, key="7+11")
    page = client.get(url).content.decode()
    assert 'value="7+11"' not in page
    assert 'value="four-stage"' in page and 'value="three-stage"' in page

    services.template_apply(campaign=world.campaign, key="four-stage")
    page = client.get(url).content.decode()
    # A second stage plan would overlap the first; "5+12+N" has no stages and still fits.
    assert 'value="three-stage"' not in page and 'value="5+12+N"' in page

    services.template_apply(campaign=world.campaign, key="5+12+N")
    page = client.get(url).content.decode()
    assert "套用模板" not in page


def test_coordinator_cannot_create_campaigns(world: World) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    assert client.get(reverse("campaigns:create")).status_code == 404


def test_campaign_list_has_an_empty_state_for_users_without_campaigns(db: None) -> None:
    from django.test import Client

    from tests.factories import TEST_PASSWORD

    user = UserFactory()
    client = Client()
    client.login(username=user.username, password=TEST_PASSWORD)
    page = client.get(reverse("campaigns:list")).content.decode()
    assert "还没有活动" in page


def test_campaign_in_another_district_is_invisible(world: World) -> None:
    from tests.factories import CampaignFactory, UnitFactory

    elsewhere = CampaignFactory(
        name="崂山区大讨论", owner_unit=UnitFactory(name="崂山区", parent=world.city)
    )
    client = world.client_for(world.hongdaolu_coordinator)
    assert "崂山区大讨论" not in client.get(reverse("campaigns:list")).content.decode()
    assert client.get(reverse("campaigns:detail", args=[elsewhere.pk])).status_code == 404
    assert "八大关街道解放思想大讨论" in client.get(reverse("campaigns:list")).content.decode()


def test_overview_query_count_does_not_grow_with_plan_items(
    world: World, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    services.template_apply(campaign=world.campaign, key="four-stage")
    services.template_apply(campaign=world.campaign, key="7+11")
    client = world.client_for(world.office)
    url = reverse("campaigns:detail", args=[world.campaign.pk])
    client.get(url)
    # 3 of them: the screening box; 1 the header's unread notifications
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.content.decode().count('id="plan-item-') == 22


def test_office_adds_a_plan_item_that_its_lead_unit_then_sees(world: World) -> None:
    stage = services.stage_add(
        campaign=world.campaign,
        name="组织实施",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 31),
    )
    response = world.client_for(world.office).post(
        reverse("campaigns:plan_item_create", args=[world.campaign.pk]),
        {
            "title": "红岛路5号加装护栏",
            "stage": stage.pk,
            "lead_units": [world.hongdaolu.pk],
            "kind": "optional",
        },
    )
    assert response.status_code == 302
    item = world.campaign.plan_items.get()
    assert (item.start_date, item.end_date) == (stage.start_date, stage.end_date)
    page = world.client_for(world.hongdaolu_coordinator).get(
        reverse("campaigns:detail", args=[world.campaign.pk])
    )
    assert "红岛路5号加装护栏" in page.content.decode()
    assert (
        "红岛路5号加装护栏"
        not in world.client_for(world.jinkoulu_coordinator)
        .get(reverse("campaigns:detail", args=[world.campaign.pk]))
        .content.decode()
    )


def test_a_lead_unit_outside_the_campaign_is_refused(world: World) -> None:
    response = world.client_for(world.office).post(
        reverse("campaigns:plan_item_create", args=[world.campaign.pk]),
        {"title": "越界任务", "lead_units": [world.district.pk], "kind": "required"},
    )
    assert response.status_code == 200
    assert "不在可用的选项中" in response.content.decode()
    assert not world.campaign.plan_items.exists()


# --- saving a plan item's status on the long overview page ---------------------------


def _led_by_hongdaolu(world: World) -> PlanItem:
    return services.plan_item_add(
        campaign=world.campaign, title="红岛路护栏安装", lead_units=[world.hongdaolu]
    )


def test_plan_item_saved_through_htmx_answers_its_row_saying_saved(world: World) -> None:
    item = _led_by_hongdaolu(world)
    other = services.plan_item_add(
        campaign=world.campaign, title="红岛路路灯维修", lead_units=[world.hongdaolu]
    )
    client = world.client_for(world.hongdaolu_coordinator)

    response = client.post(
        reverse("campaigns:plan_item_status", args=[item.pk]),
        {"status": "in_progress", "note": "已联系施工队"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="plan-item-{item.pk}">')
    assert 'data-testid="saved">已保存<' in html
    assert "进行中" in html
    assert f"plan-item-{other.pk}" not in html
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_a_refused_htmx_save_is_shown_in_the_row_not_dropped(world: World) -> None:
    item = _led_by_hongdaolu(world)
    client = world.client_for(world.hongdaolu_coordinator)

    response = client.post(
        reverse("campaigns:plan_item_status", args=[item.pk]),
        {"status": "finished-ish"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx answers only
    assert "请选择有效的状态" in html
    assert "已保存" not in html
    item.refresh_from_db()
    assert item.status == "not_started"


def test_plan_item_saved_without_javascript_returns_to_its_row(world: World) -> None:
    item = _led_by_hongdaolu(world)
    other = services.plan_item_add(
        campaign=world.campaign, title="红岛路路灯维修", lead_units=[world.hongdaolu]
    )
    client = world.client_for(world.hongdaolu_coordinator)
    overview = reverse("campaigns:detail", args=[world.campaign.pk])

    response = client.post(
        reverse("campaigns:plan_item_status", args=[item.pk]), {"status": "done", "note": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{overview}?saved={item.pk}#plan-item-{item.pk}"
    page = client.get(response["Location"]).content.decode()
    row = page.split(f'<tr id="plan-item-{item.pk}">')[1].split("</tr>")[0]
    other_row = page.split(f'<tr id="plan-item-{other.pk}">')[1].split("</tr>")[0]
    assert "已保存" in row
    assert "已保存" not in other_row
    assert "已保存" not in client.get(overview).content.decode()
