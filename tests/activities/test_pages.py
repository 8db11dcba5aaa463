"""The activity pages, export, files and admin through HTTP, for every persona: the
office and leader see the campaign, a coordinator their unit, a supervisor their
assigned units; only the office and the unit's coordinator record and change."""

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.activities.conftest import category, kind, record, topic
from tests.conftest import World
from tests.factories import UserFactory
from tests.rectification import evidence_files as files
from zhongzhi.activities.models import Activity, ActivityFile
from zhongzhi.campaigns.models import PlanItem, Stage
from zhongzhi.intake.models import Channel
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.org.models import User


@pytest.fixture
def activity(w: World) -> Activity:
    found = record(
        w,
        attendance={"老干部": 6, "居民代表": 10},
        topics=["营商环境"],
        photos=[SimpleUploadedFile("现场.jpg", files.jpeg())],
    )
    suggestion_submit(
        campaign=w.campaign,
        text="建议社区多组织老年人健康讲座。",
        channel=Channel.SYMPOSIUM,
        category=category(w, "老干部"),
        topic=topic(w, "营商环境"),
        unit=w.hongdaolu,
        activity=found,
    )
    return found


def clients(w: World) -> dict[str, Client]:
    stranger = User.objects.filter(username="resident").first() or UserFactory(
        username="resident"
    )  # an account with no role anywhere
    return {
        "office": w.client_for(w.office),
        "hdl": w.client_for(w.hongdaolu_coordinator),
        "jkl": w.client_for(w.jinkoulu_coordinator),
        "supervisor": w.client_for(w.supervisor),
        "leader": w.client_for(w.leader),
        "resident": w.client_for(stranger),
        "anonymous": Client(),
    }


def statuses(w: World, url: str) -> dict[str, int]:
    return {name: client.get(url).status_code for name, client in clients(w).items()}


def test_who_reaches_which_page(w: World, activity: Activity) -> None:
    c = w.campaign.pk
    a = activity.pk
    photo = ActivityFile.objects.get(activity=activity)
    expected = {
        # page: (office, hdl, jkl, supervisor, leader, resident, anonymous)
        reverse("activities:list", args=[c]): (200, 200, 200, 200, 200, 404, 302),
        reverse("activities:coverage", args=[c]): (200, 200, 200, 200, 200, 404, 302),
        reverse("activities:export", args=[c]): (200, 200, 200, 200, 200, 404, 302),
        reverse("activities:new", args=[c]): (200, 200, 200, 404, 404, 404, 302),
        reverse("activities:settings", args=[c]): (200, 404, 404, 404, 404, 404, 302),
        reverse("activities:detail", args=[a]): (200, 200, 404, 200, 200, 404, 302),
        reverse("activities:edit", args=[a]): (200, 200, 404, 404, 404, 404, 302),
        reverse("activities:suggestions_new", args=[a]): (200, 200, 404, 404, 404, 404, 302),
        reverse("activities:file", args=[photo.pk]): (200, 200, 404, 200, 200, 404, 302),
        reverse("activities:file_preview", args=[photo.pk]): (200, 200, 404, 200, 200, 404, 302),
    }
    names = ["office", "hdl", "jkl", "supervisor", "leader", "resident", "anonymous"]
    for url, codes in expected.items():
        assert statuses(w, url) == dict(zip(names, codes, strict=True)), url


def test_lists_and_exports_show_only_what_is_in_scope(w: World, activity: Activity) -> None:
    record(w, unit=w.jinkoulu, name="金口路宣讲", kind_name="宣讲", attendance={"道德模范": 3})
    url = reverse("activities:list", args=[w.campaign.pk])
    seen = {
        name: sorted(a.name for a in client.get(url).context["activities"])
        for name, client in clients(w).items()
        if name in {"office", "hdl", "jkl", "supervisor", "leader"}
    }
    both = sorted(["红岛路社区“7+11”座谈会", "金口路宣讲"])
    assert seen == {
        "office": both,
        "hdl": ["红岛路社区“7+11”座谈会"],
        "jkl": ["金口路宣讲"],
        "supervisor": ["红岛路社区“7+11”座谈会"],
        "leader": both,
    }
    # A coordinator cannot widen the list by asking for another unit.
    hdl = w.client_for(w.hongdaolu_coordinator)
    assert [a.name for a in hdl.get(f"{url}?unit={w.jinkoulu.pk}").context["activities"]] == [
        "红岛路社区“7+11”座谈会"
    ]
    export = w.client_for(w.jinkoulu_coordinator).get(
        reverse("activities:export", args=[w.campaign.pk])
    )
    sheet = load_workbook(io.BytesIO(export.content))["活动台账"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in rows] == ["金口路宣讲"]
    office = w.client_for(w.office).get(reverse("activities:export", args=[w.campaign.pk]))
    book = load_workbook(io.BytesIO(office.content))
    header = [cell.value for cell in book["活动台账"][1]]
    first = dict(
        zip(header, next(book["活动台账"].iter_rows(min_row=2, values_only=True)), strict=True)
    )
    assert first["活动名称"] == "金口路宣讲" or first["活动名称"] == "红岛路社区“7+11”座谈会"
    by_name = {
        row[3]: dict(zip(header, row, strict=True))
        for row in book["活动台账"].iter_rows(min_row=2, values_only=True)
    }
    symposium = by_name["红岛路社区“7+11”座谈会"]
    assert (symposium["老干部"], symposium["居民代表"], symposium["参加人数合计"]) == (6, 10, 16)
    assert symposium["征集建议数"] == 1
    assert "覆盖情况" in book.sheetnames


def test_filters_narrow_the_list(w: World, activity: Activity) -> None:
    lecture = record(
        w, name="宣讲", kind_name="宣讲", held_on=datetime.date(2026, 9, 20), attendance={}
    )
    url = reverse("activities:list", args=[w.campaign.pk])
    office = w.client_for(w.office)

    def names(query: str) -> list[str]:
        return [a.name for a in office.get(f"{url}?{query}").context["activities"]]

    assert names(f"kind={kind(w, '宣讲').pk}") == ["宣讲"]
    assert names("base=symposium") == [activity.name]
    assert names("date_to=2026-09-30") == [lecture.name]
    assert names(f"unit={w.jinkoulu.pk}") == []
    assert sorted(names("")) == sorted([activity.name, lecture.name])


def _post_data(w: World, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": w.hongdaolu.pk,
        "kind": kind(w, "宣讲").pk,
        "name": "“身边的变化”宣讲",
        "held_on": "2026-10-12",
        "place": "社区活动室",
        "host": "社区书记",
        "topics": [topic(w, "提高为民服务水平").pk],
        f"attendance_{category(w, '居民代表').pk}": "40",
        f"attendance_{category(w, '道德模范').pk}": "2",
    }
    data.update(extra)
    return data


def test_a_coordinator_records_an_activity_on_the_form(w: World) -> None:
    hdl = w.client_for(w.hongdaolu_coordinator)
    data = _post_data(w, photos=[SimpleUploadedFile("宣讲.png", files.png())])
    response = hdl.post(reverse("activities:new", args=[w.campaign.pk]), data)
    assert response.status_code == 302
    saved = Activity.objects.get()
    assert response["Location"] == reverse("activities:detail", args=[saved.pk])
    page = hdl.get(response["Location"]).content.decode()
    assert "“身边的变化”宣讲" in page and "居民代表" in page and "40" in page
    assert reverse("activities:suggestions_new", args=[saved.pk]) in page
    assert ActivityFile.objects.filter(activity=saved).count() == 1
    # Changing it keeps it one activity with the new numbers.
    edit = reverse("activities:edit", args=[saved.pk])
    changed = _post_data(w, **{f"attendance_{category(w, '居民代表').pk}": "45"})
    assert hdl.post(edit, changed).status_code == 302
    assert Activity.objects.get().attendance.get(category__name="居民代表").count == 45


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"attendance_CAT": "-3"}, "的人数不能是负数"),
        ({"attendance_CAT": "501"}, "超过了活动办公室设定的每场最多 500 人"),
        ({"attendance_CAT": "很多"}, "人数请填写整数"),
        ({"photos": "FAKE"}, "不能作为佐证材料上传"),
        ({"held_on": "2026-10-20"}, "活动日期不能晚于今天"),
    ],
)
def test_bad_input_is_a_clear_message_and_nothing_saved(
    w: World, extra: dict[str, Any], message: str
) -> None:
    cat = category(w, "居民代表").pk
    extra = {k.replace("CAT", str(cat)): v for k, v in extra.items()}
    if extra.get("photos") == "FAKE":
        extra["photos"] = [SimpleUploadedFile("照片.jpg", files.html_page())]
    hdl = w.client_for(w.hongdaolu_coordinator)
    response = hdl.post(reverse("activities:new", args=[w.campaign.pk]), _post_data(w, **extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Activity.objects.exists()
    assert not ActivityFile.objects.exists()


def test_a_coordinator_cannot_post_for_another_unit(w: World) -> None:
    hdl = w.client_for(w.hongdaolu_coordinator)
    response = hdl.post(
        reverse("activities:new", args=[w.campaign.pk]), _post_data(w, unit=w.jinkoulu.pk)
    )
    assert response.status_code == 400
    assert not Activity.objects.exists()


def test_the_office_sets_the_maximum_on_its_settings_page(w: World) -> None:
    url = reverse("activities:settings", args=[w.campaign.pk])
    office = w.client_for(w.office)
    assert office.post(url, {"max_attendance": "-5"}).status_code == 400
    assert office.post(url, {"max_attendance": "30"}).status_code == 302
    hdl = w.client_for(w.hongdaolu_coordinator)
    response = hdl.post(reverse("activities:new", args=[w.campaign.pk]), _post_data(w))
    assert response.status_code == 400  # 42 people, the maximum is now 30
    assert "每场最多 30 人" in response.content.decode()
    assert (
        w.client_for(w.hongdaolu_coordinator).post(url, {"max_attendance": "999"}).status_code
        == 404
    )


def test_the_matrix_page_is_campaign_wide_for_the_office_per_unit_for_others(
    w: World, activity: Activity
) -> None:
    record(w, unit=w.jinkoulu, name="金口路座谈", attendance={"道德模范": 3}, topics=["经略海洋"])
    url = reverse("activities:coverage", args=[w.campaign.pk])

    def filled(client: Client, query: str = "") -> int:
        page = client.get(f"{url}{query}")
        return page.context["matrix"].cell_count - page.context["matrix"].empty_cells

    office = w.client_for(w.office)
    assert filled(office) == 3  # 老干部 and 居民代表 on 营商环境, 道德模范 on 经略海洋
    assert filled(w.client_for(w.leader)) == 3
    assert filled(office, f"?unit={w.hongdaolu.pk}") == 2  # 老干部, 居民代表 × 营商环境
    assert filled(office, f"?unit={w.jinkoulu.pk}") == 1
    hdl = w.client_for(w.hongdaolu_coordinator)
    assert filled(hdl) == 2
    assert filled(hdl, f"?unit={w.jinkoulu.pk}") == 2  # not theirs: their own matrix
    assert [u.name for u in hdl.get(url).context["units"]] == ["红岛路社区"]
    assert filled(w.client_for(w.jinkoulu_coordinator)) == 1
    page = office.get(url).content.decode()
    assert page.count('data-testid="cell-empty"') == 77 - 3
    # the supervisor's two units, no campaign-wide view
    units = w.client_for(w.supervisor).get(url).context["units"]
    assert sorted(u.name for u in units) == ["福山路社区", "红岛路社区"]


def test_the_plan_item_shows_its_activities_and_the_flag(w: World) -> None:
    stage = Stage.objects.create(
        campaign=w.campaign,
        order=1,
        name="学习讨论",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    done = PlanItem.objects.create(
        campaign=w.campaign,
        stage=stage,
        title="社区党员集中学习",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    missed = PlanItem.objects.create(
        campaign=w.campaign,
        stage=stage,
        title="机关干部分片进楼院调研",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    later = PlanItem.objects.create(
        campaign=w.campaign,
        stage=stage,
        title="还没到期的任务",
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2026, 11, 30),
    )
    for item in (done, missed, later):
        item.lead_units.add(w.hongdaolu)
    record(w, name="党员学习", kind_name="学习", plan_item=done, held_on=datetime.date(2026, 9, 10))
    page = w.client_for(w.office).get(reverse("campaigns:detail", args=[w.campaign.pk]))
    html = page.content.decode()
    assert html.count('data-testid="plan-flag"') == 1
    flagged_row = html[html.index(f'id="plan-item-{missed.pk}"') :]
    assert "到期未开展活动" in flagged_row[: flagged_row.index("</tr>")]
    done_row = html[html.index(f'id="plan-item-{done.pk}"') :]
    assert "已开展 1 场活动" in done_row[: done_row.index("</tr>")]
    new = reverse("activities:new", args=[w.campaign.pk]) + f"?plan_item={missed.pk}"
    assert new in html
    assert w.client_for(w.office).get(new).context["form"]["plan_item"].value() == missed.pk
    listing = w.client_for(w.office).get(reverse("activities:list", args=[w.campaign.pk]))
    assert [item.title for item in listing.context["flagged"]] == ["机关干部分片进楼院调研"]
    hdl = w.client_for(w.hongdaolu_coordinator).get(
        reverse("campaigns:detail", args=[w.campaign.pk])
    )
    assert hdl.content.decode().count('data-testid="plan-flag"') == 1


def test_the_admin_lists_activities_only_in_scope(w: World, activity: Activity) -> None:
    record(w, unit=w.jinkoulu, name="金口路宣讲", kind_name="宣讲")
    url = reverse("admin:activities_activity_changelist")
    office = w.client_for(w.office).get(url).content.decode()
    assert "红岛路社区“7+11”座谈会" in office and "金口路宣讲" in office
    hdl = w.client_for(w.hongdaolu_coordinator).get(url).content.decode()
    assert "红岛路社区“7+11”座谈会" in hdl and "金口路宣讲" not in hdl
    change = reverse("admin:activities_activity_change", args=[activity.pk])
    assert w.client_for(w.jinkoulu_coordinator).get(change).status_code in (302, 403, 404)
    assert w.client_for(w.supervisor).get(url).status_code == 302  # not staff: to the login
    kinds = reverse("admin:activities_activitykind_changelist")
    assert "座谈会" in w.client_for(w.office).get(kinds).content.decode()
    assert Client().get(url).status_code == 302


def test_the_busy_pages_cost_a_fixed_number_of_queries(
    w: World, activity: Activity, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        record(w, name=f"活动{n}", attendance={"老干部": 3}, topics=["营商环境"])
    office = w.client_for(w.office)
    office.get(reverse("activities:list", args=[w.campaign.pk]))
    with django_assert_max_num_queries(20):
        office.get(reverse("activities:list", args=[w.campaign.pk]))
    with django_assert_max_num_queries(14):
        office.get(reverse("activities:coverage", args=[w.campaign.pk]))
