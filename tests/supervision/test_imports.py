"""Supervision groups from Excel: the template opens, a good file sets the groups it
names, one bad row imports nothing and says where, and only the office may."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.factories import UserFactory
from tests.org.test_import_views import upload, workbook
from zhongzhi.org.access import visible_units
from zhongzhi.org.models import User
from zhongzhi.supervision.models import SupervisionGroup
from zhongzhi.supervision.services import group_save

HEADER = ["督导组", "组员登录名", "组长", "单位编码"]


def test_the_template_opens_with_the_columns_and_the_campaigns_units(world: World) -> None:
    url = reverse("supervision:groups_template", args=[world.campaign.pk])
    response = world.client_for(world.office).get(url)
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["督导组"][1]] == HEADER
    codes = [row[0].value for row in book["可选单位"].iter_rows(min_row=2)]
    assert world.hongdaolu.code in codes and world.district.code not in codes


def test_a_good_file_sets_the_groups_it_names_and_leaves_the_others(world: World) -> None:
    zhang = UserFactory(username="zhangwei", full_name="张伟")
    li = UserFactory(username="lina", full_name="李娜")
    untouched = group_save(
        campaign=world.campaign,
        actor=world.office,
        name="第三督导组",
        leader=li,
        members=[],
        units=[world.taipingjiao],
    )
    rows = [
        ["第一督导组", "ZhangWei", "是", world.hongdaolu.code],
        ["第一督导组", "", "", world.jinkoulu.code],
        ["第二督导组", "lina", "是", world.badaguan.code],
    ]
    client = world.client_for(world.office)
    url = reverse("supervision:groups_import", args=[world.campaign.pk])
    response = client.post(url, {"file": upload(workbook(HEADER, rows))})
    assert response.status_code == 302
    first = SupervisionGroup.objects.get(name="第一督导组")
    assert first.leader == zhang and {u.code for u in first.units.all()} == {
        world.hongdaolu.code,
        world.jinkoulu.code,
    }
    assert set(visible_units(User.objects.get(pk=li.pk))) == {world.badaguan, world.taipingjiao}
    assert SupervisionGroup.objects.get(pk=untouched.pk).units.get() == world.taipingjiao


def test_one_bad_row_imports_nothing_and_names_each_error(world: World) -> None:
    UserFactory(username="zhangwei")
    rows = [
        ["第一督导组", "zhangwei", "是", world.hongdaolu.code],
        ["第一督导组", "nobody", "", world.district.code],
        ["第二督导组", "", "是", ""],
        ["", "zhangwei", "可能", world.jinkoulu.code],
    ]
    client = world.client_for(world.office)
    url = reverse("supervision:groups_import", args=[world.campaign.pk])
    response = client.post(url, {"file": upload(workbook(HEADER, rows))})
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "没有登录名为“nobody”的在用账号。",
        "编码为“QD-SN”的单位不属于本活动。",
        "请填写组员登录名或单位编码。",
        "请填写督导组名称。",
        "请填写“是”或留空。",
        "督导组“第二督导组”没有督导单位。",
    ):
        assert message in page, message
    assert not SupervisionGroup.objects.exists()
    assert "下载标注了错误的表格" in page


def test_not_an_xlsx_is_refused_in_chinese_and_only_the_office_may(world: World) -> None:
    url = reverse("supervision:groups_import", args=[world.campaign.pk])
    response = world.client_for(world.office).post(
        url, {"file": upload(b"not a workbook", "groups.xlsx")}
    )
    assert response.status_code == 400 and "xlsx" in response.content.decode().lower()
    for user in (world.leader, world.supervisor, world.hongdaolu_coordinator):
        client = world.client_for(user)
        assert client.get(url).status_code == 404
        template = reverse("supervision:groups_template", args=[world.campaign.pk])
        assert client.get(template).status_code == 404
