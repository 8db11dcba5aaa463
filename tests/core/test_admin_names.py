"""The admin in Chinese where Django would name things itself, and no delete page
that could only say no."""

from django.urls import reverse

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from zhongzhi.campaigns import services
from zhongzhi.campaigns.models import PlanItem, Topic
from zhongzhi.intake.services import suggestion_set_topic


def test_a_plan_items_lead_units_are_named_as_the_field_and_the_unit(world: World) -> None:
    item = services.plan_item_add(
        campaign=world.campaign, title="召开动员会", lead_units=[world.hongdaolu]
    )
    link = PlanItem.lead_units.through.objects.get(planitem=item)
    assert str(PlanItem.lead_units.through._meta.verbose_name) == "牵头单位"
    assert str(link) == "红岛路社区"

    client = world.client_for(world.office)
    page = client.get(reverse("admin:campaigns_planitem_delete", args=[item.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "牵头单位: 红岛路社区" in text
    assert "relationship" not in text and "object (" not in text


def test_a_campaign_with_suggestions_offers_no_delete_in_the_admin(world: World) -> None:
    client = world.client_for(world.office)
    empty = services.campaign_create(
        name="空活动",
        owner_unit=world.street,
        start_date=world.campaign.start_date,
        end_date=world.campaign.end_date,
    )
    assert (
        client.get(reverse("admin:campaigns_campaign_delete", args=[empty.pk])).status_code == 200
    )
    SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu)
    url = reverse("admin:campaigns_campaign_delete", args=[world.campaign.pk])
    assert client.get(url).status_code == 403
    change = client.get(reverse("admin:campaigns_campaign_change", args=[world.campaign.pk]))
    assert url not in change.content.decode()


def test_the_admins_password_page_warns_in_chinese(world: World) -> None:
    client = world.client_for(world.office)
    url = reverse("admin:auth_user_password_change", args=[world.hongdaolu_coordinator.pk])
    text = client.get(url).content.decode()
    assert "停用后，该用户现在的密码将丢失。" in text
    assert "If disabled" not in text


def test_the_admin_names_a_campaigns_templates_not_their_keys(world: World) -> None:
    services.template_apply(campaign=world.campaign, key="four-stage")
    client = world.client_for(world.office)
    url = reverse("admin:campaigns_campaign_change", args=[world.campaign.pk])
    text = client.get(url).content.decode()
    assert "四阶段实施方案（斜塘街道）" in text
    assert "four-stage" not in text


def test_the_audit_log_names_what_an_entry_is_about_in_words(world: World) -> None:
    suggestion = SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu)
    topic = Topic.objects.create(campaign=world.campaign, order=1, name="营商环境")
    suggestion_set_topic(suggestion=suggestion, topic=topic, actor=world.office)
    text = world.client_for(world.office).get(reverse("admin:audit_auditentry_changelist"))
    html = text.content.decode()
    assert "<th" in html and "对象ID" in html and "对象编号" not in html
    assert ">意见建议<" in html and "intake.suggestion" not in html
