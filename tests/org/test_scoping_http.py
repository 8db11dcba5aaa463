"""Scoping through real HTTP requests, with the personas of tests/conftest.py.

The coordinator of 红岛路社区 must not see or change anything of 金口路社区 through
pages, admin, exports or uploads; the office sees all; the supervisor assigned to
红岛路 and 福山路 sees only those, read-only.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.conftest import World
from zhongzhi.campaigns import services as campaign_services
from zhongzhi.campaigns.models import PlanItem
from zhongzhi.org.models import Unit, User


@pytest.fixture
def plan(world: World) -> dict[str, PlanItem]:
    return {
        "hongdaolu": campaign_services.plan_item_add(
            campaign=world.campaign, title="红岛路护栏安装", lead_units=[world.hongdaolu]
        ),
        "jinkoulu": campaign_services.plan_item_add(
            campaign=world.campaign, title="金口路漏水管道维修", lead_units=[world.jinkoulu]
        ),
        "street": campaign_services.plan_item_add(
            campaign=world.campaign, title="召开动员部署会", lead_units=[world.street]
        ),
    }


def sheet_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)


# --- the coordinator of 红岛路社区 ------------------------------------------------


def test_coordinator_cannot_open_sibling_community_page(world: World) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    assert client.get(reverse("org:unit_detail", args=[world.hongdaolu.pk])).status_code == 200
    assert client.get(reverse("org:unit_detail", args=[world.jinkoulu.pk])).status_code == 404
    # "Not yours" and "does not exist" look the same.
    assert client.get(reverse("org:unit_detail", args=[999999])).status_code == 404


def test_coordinator_unit_list_and_export_hold_only_own_community(world: World) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    page = client.get(reverse("org:unit_list")).content.decode()
    assert "红岛路社区" in page
    assert "金口路社区" not in page
    export = sheet_text(client.get(reverse("org:units_export")).content)
    assert "红岛路社区" in export
    assert "金口路社区" not in export


def test_coordinator_sees_own_and_campaign_wide_plan_items_only(
    world: World, plan: dict[str, PlanItem]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    page = client.get(reverse("campaigns:detail", args=[world.campaign.pk])).content.decode()
    assert "红岛路护栏安装" in page
    assert "召开动员部署会" in page
    assert "金口路漏水管道维修" not in page
    export = client.get(reverse("campaigns:plan_items_export", args=[world.campaign.pk]))
    assert "红岛路护栏安装" in sheet_text(export.content)
    assert "金口路漏水管道维修" not in sheet_text(export.content)


def test_coordinator_updates_own_plan_item_but_not_siblings(
    world: World, plan: dict[str, PlanItem]
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    own = client.post(
        reverse("campaigns:plan_item_status", args=[plan["hongdaolu"].pk]),
        {"status": "in_progress", "note": "已联系施工队"},
    )
    assert own.status_code == 302
    plan["hongdaolu"].refresh_from_db()
    assert plan["hongdaolu"].status == "in_progress"
    assert plan["hongdaolu"].status_updated_by == world.hongdaolu_coordinator

    sibling = client.post(
        reverse("campaigns:plan_item_status", args=[plan["jinkoulu"].pk]),
        {"status": "done", "note": "篡改"},
    )
    assert sibling.status_code == 404
    plan["jinkoulu"].refresh_from_db()
    assert plan["jinkoulu"].status == "not_started"
    # The street's own item is visible to the coordinator but not theirs to change.
    street = client.post(
        reverse("campaigns:plan_item_status", args=[plan["street"].pk]), {"status": "done"}
    )
    assert street.status_code == 404


def test_coordinator_cannot_manage_the_campaign(world: World) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    url = reverse("campaigns:stage_create", args=[world.campaign.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"name": "偷加阶段", "start_date": "2026-09-01", "end_date": "2026-09-10"}
    )
    assert response.status_code == 404
    assert not world.campaign.stages.exists()


def test_coordinator_admin_lists_only_own_community(world: World) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    changelist = client.get(reverse("admin:org_unit_changelist")).content.decode()
    assert "红岛路社区" in changelist
    assert "金口路社区" not in changelist
    change_url = reverse("admin:org_unit_change", args=[world.jinkoulu.pk])
    assert client.get(change_url).status_code != 200
    client.post(change_url, {"code": "HACK", "name": "被改名", "kind": "community"})
    world.jinkoulu.refresh_from_db()
    assert world.jinkoulu.name == "金口路社区"
    users = client.get(reverse("admin:org_user_changelist")).content.decode()
    assert "金口路联络员" not in users


def _accounts_file(unit_code: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["单位编码", "姓名", "登录名", "角色", "手机号"])
    sheet.append([unit_code, "混入的人", "intruder", "工作人员", "13800138000"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_coordinator_cannot_upload_accounts_into_sibling_community(world: World) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    upload = io.BytesIO(_accounts_file(world.jinkoulu.code))
    upload.name = "accounts.xlsx"
    response = client.post(reverse("org:import_upload", args=["accounts"]), {"file": upload})
    assert response.status_code == 400
    assert "不在您的管理范围内" in response.content.decode()
    assert not User.objects.filter(username="intruder").exists()


# --- the office ---------------------------------------------------------------------


def test_office_sees_every_community_and_changes_any_plan_item(
    world: World, plan: dict[str, PlanItem]
) -> None:
    client = world.client_for(world.office)
    page = client.get(reverse("org:unit_list")).content.decode()
    for name in ["红岛路社区", "金口路社区", "福山路社区", "八大关社区", "太平角社区"]:
        assert name in page
    detail = client.get(reverse("campaigns:detail", args=[world.campaign.pk])).content.decode()
    assert "金口路漏水管道维修" in detail and "红岛路护栏安装" in detail
    response = client.post(
        reverse("campaigns:plan_item_status", args=[plan["jinkoulu"].pk]), {"status": "done"}
    )
    assert response.status_code == 302
    plan["jinkoulu"].refresh_from_db()
    assert plan["jinkoulu"].status == "done"


def test_office_cannot_see_units_above_its_street(world: World) -> None:
    client = world.client_for(world.office)
    assert client.get(reverse("org:unit_detail", args=[world.district.pk])).status_code == 404


# --- the supervisor -----------------------------------------------------------------


def test_supervisor_sees_assigned_communities_only(world: World, plan: dict[str, PlanItem]) -> None:
    client = world.client_for(world.supervisor)
    assert client.get(reverse("org:unit_detail", args=[world.hongdaolu.pk])).status_code == 200
    assert client.get(reverse("org:unit_detail", args=[world.fushanlu.pk])).status_code == 200
    assert client.get(reverse("org:unit_detail", args=[world.jinkoulu.pk])).status_code == 404
    page = client.get(reverse("campaigns:detail", args=[world.campaign.pk])).content.decode()
    assert "红岛路护栏安装" in page
    assert "金口路漏水管道维修" not in page


def test_supervisor_is_read_only(world: World, plan: dict[str, PlanItem]) -> None:
    client = world.client_for(world.supervisor)
    response = client.post(
        reverse("campaigns:plan_item_status", args=[plan["hongdaolu"].pk]), {"status": "done"}
    )
    assert response.status_code == 404
    plan["hongdaolu"].refresh_from_db()
    assert plan["hongdaolu"].status == "not_started"
    assert client.get(reverse("org:import")).status_code == 404
    assert client.get(reverse("admin:org_unit_changelist")).status_code == 302  # not admin staff
    assert Unit.objects.get(pk=world.hongdaolu.pk).name == "红岛路社区"


# --- anonymous ----------------------------------------------------------------------


def test_anonymous_is_sent_to_login(world: World) -> None:
    from django.test import Client

    response = Client().get(reverse("campaigns:detail", args=[world.campaign.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_admin_filters_do_not_name_campaigns_out_of_scope(world: World) -> None:
    from tests.factories import CampaignFactory, UnitFactory

    CampaignFactory(name="崂山区大讨论", owner_unit=UnitFactory(name="崂山区", parent=world.city))
    campaign_services.topic_add(campaign=world.campaign, name="营商环境")
    client = world.client_for(world.office)
    page = client.get(reverse("admin:campaigns_topic_changelist")).content.decode()
    assert "营商环境" in page
    assert "崂山区大讨论" not in page
