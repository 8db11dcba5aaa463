"""Essays pages through HTTP, as each persona: the writer's day, the office's tools,
and who reaches which page, file, export and admin list."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.essays.conftest import Cadres
from tests.factories import UserFactory
from tests.rectification import evidence_files
from zhongzhi.essays.models import Essay, EssayAssignment, EssayState
from zhongzhi.essays.services import essay_save
from zhongzhi.notifications.models import Notification
from zhongzhi.org.models import Role


def html(client: Client, url: str) -> str:
    return client.get(url).content.decode()


@pytest.fixture
def handed_in(listed: Cadres) -> Cadres:
    """红岛路's first cadre has handed in a Word file, 金口路's has a draft."""
    essay_save(
        assignment=listed.assignment(listed.hdl_a),
        actor=listed.hdl_a,
        title="把群众的小事当大事",
        text="体会一二三。",
        upload=SimpleUploadedFile("心得.docx", evidence_files.docx()),
        submit=True,
    )
    essay_save(
        assignment=listed.assignment(listed.jkl_a),
        actor=listed.jkl_a,
        title="金口路草稿",
        text="提纲",
        upload=SimpleUploadedFile("草稿.pdf", evidence_files.pdf()),
    )
    return listed


def test_a_writers_day_draft_then_hand_in_then_a_second_try_is_refused(
    world: World, listed: Cadres
) -> None:
    writer = world.client_for(listed.hdl_b)
    assert 'data-testid="nav-essays"' in html(writer, reverse("campaigns:list"))
    home = writer.get(reverse("essays:home"))
    mine = reverse("essays:mine", args=[world.campaign.pk])
    assert home["Location"] == mine
    assert writer.get(reverse("essays:overview", args=[world.campaign.pk]))["Location"] == mine
    draft = writer.post(mine, {"action": "draft", "title": "初稿", "text": "先写个提纲"})
    assert draft.status_code == 302
    page = html(writer, mine)
    assert "已保存草稿" in page and "保存草稿（替换草稿）" in page and "先写个提纲" in page
    bad = writer.post(
        mine,
        {
            "action": "submit",
            "title": "定稿",
            "file": SimpleUploadedFile("名单.docx", evidence_files.xlsx()),
        },
    )
    assert bad.status_code == 400
    assert "心得体会只能上传 Word（.docx）或 PDF 文件" in bad.content.decode()
    assert Essay.objects.get().title == "初稿"  # the refused upload changed nothing
    done = writer.post(
        mine,
        {
            "action": "submit",
            "title": "定稿",
            "text": "",
            "file": SimpleUploadedFile("定稿.pdf", evidence_files.pdf()),
        },
    )
    assert done.status_code == 302
    page = html(writer, mine)
    assert "已提交心得体会" in page and 'data-testid="essay-form"' not in page
    again = writer.post(mine, {"action": "submit", "title": "第二篇", "text": "再交一篇"})
    assert again.status_code == 400
    assert "提交心得体会。每人只交一篇，提交后不能再次提交或修改" in again.content.decode()
    essay = Essay.objects.get()
    assert (essay.title, essay.state, essay.file_name) == ("定稿", EssayState.SUBMITTED, "定稿.pdf")
    file = writer.get(reverse("essays:file", args=[essay.assignment_id]))
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"


def test_the_office_sees_completion_reminds_and_marks_excellent(
    world: World, handed_in: Cadres
) -> None:
    office = world.client_for(world.office)
    url = reverse("essays:overview", args=[world.campaign.pk])
    page = html(office, url)
    assert page.count('data-testid="unit-row"') == 2
    assert page.count('data-testid="writer-row"') == 3
    assert 'data-testid="office-tools"' in page
    remind = office.post(reverse("essays:remind", args=[world.campaign.pk]))
    assert remind.status_code == 302
    assert "已提醒 2 名未提交的撰写人" in html(office, url)
    assert {n.recipient.username for n in Notification.objects.all()} == {"hdl-b", "jkl-a"}
    assignment = handed_in.assignment(handed_in.hdl_a)
    essay_page = reverse("essays:essay", args=[assignment.pk])
    assert 'data-testid="mark"' in html(office, essay_page)
    office.post(reverse("essays:mark", args=[assignment.pk]), {"excellent": "1", "note": "好"})
    assert 'data-testid="excellent"' in html(office, essay_page)
    assert Essay.objects.get(assignment=assignment).excellent
    excellent = html(office, f"{url}?status=excellent")
    assert excellent.count('data-testid="writer-row"') == 1 and "把群众的小事当大事" in excellent
    draft = handed_in.assignment(handed_in.jkl_a)
    refused = office.post(reverse("essays:mark", args=[draft.pk]), {"excellent": "1"})
    assert refused.status_code == 400
    assert "心得体会还没有提交，不能评为优秀。" in refused.content.decode()
    back = office.post(reverse("essays:return", args=[assignment.pk]), {"note": "请补充做法"})
    assert back.status_code == 302
    writer = world.client_for(handed_in.hdl_a)
    mine = html(writer, reverse("essays:mine", args=[world.campaign.pk]))
    assert 'data-testid="return-note"' in mine and "请补充做法" in mine
    assert 'data-testid="essay-form"' in mine


def test_the_office_adds_from_accounts_and_removes_a_writer_without_an_essay(
    world: World, cadres: Cadres
) -> None:
    office = world.client_for(world.office)
    add = reverse("essays:from_accounts", args=[world.campaign.pk])
    empty = office.post(add, {"role": Role.STAFF})
    assert empty.status_code == 400 and "请选择单位" in empty.content.decode()
    done = office.post(add, {"role": Role.STAFF, "units": [world.hongdaolu.pk]})
    assert done.status_code == 302
    assert "已添加 2 名撰写人" in html(office, done["Location"])
    removed = EssayAssignment.objects.get(writer=cadres.hdl_b)
    office.post(reverse("essays:remove", args=[removed.pk]))
    assert list(EssayAssignment.objects.values_list("writer__username", flat=True)) == ["hdl-a"]
    due = office.post(reverse("essays:due", args=[world.campaign.pk]), {"due_date": "2027-02-01"})
    assert due.status_code == 400 and "截止日期须在活动期间" in due.content.decode()


def test_who_reaches_which_page(world: World, handed_in: Cadres) -> None:
    overview = reverse("essays:overview", args=[world.campaign.pk])
    hdl = handed_in.assignment(handed_in.hdl_a)
    essay = reverse("essays:essay", args=[hdl.pk])
    file = reverse("essays:file", args=[hdl.pk])
    export = reverse("essays:export", args=[world.campaign.pk])
    for user, overview_rows, essay_status in [
        (world.office, 3, 200),
        (world.leader, 3, 200),
        (world.hongdaolu_coordinator, 2, 200),
        (world.jinkoulu_coordinator, 1, 404),
    ]:
        client = world.client_for(user)
        page = html(client, overview)
        assert page.count('data-testid="writer-row"') == overview_rows, user.username
        assert ('data-testid="office-tools"' in page) == (user == world.office), user.username
        assert client.get(essay).status_code == essay_status, user.username
        assert client.get(file).status_code == essay_status, user.username
        book = load_workbook(io.BytesIO(client.get(export).content))
        assert book.active.max_row - 3 == overview_rows, user.username
        if user != world.office:
            for name in ("remind", "due", "from_accounts"):
                assert (
                    client.post(reverse(f"essays:{name}", args=[world.campaign.pk])).status_code
                    == 404
                )
            assert (
                client.post(reverse("essays:mark", args=[hdl.pk]), {"excellent": "1"}).status_code
                == 404
            )
            assert client.post(reverse("essays:remove", args=[hdl.pk])).status_code == 404
            back = client.post(reverse("essays:return", args=[hdl.pk]), {"note": "x"})
            assert back.status_code == 404
    supervisor = world.client_for(world.supervisor)  # 红岛路 is one of its units
    for url in (overview, essay, file, export):
        assert supervisor.get(url).status_code == 404, url
    other_writer = world.client_for(handed_in.hdl_b)
    assert other_writer.get(essay).status_code == 404
    assert other_writer.get(file).status_code == 404
    nobody = world.client_for(UserFactory(username="nobody"))  # no role, no essay to write
    assert 'data-testid="nav-essays"' not in html(nobody, reverse("campaigns:list"))
    assert nobody.get(overview).status_code == 404
    anonymous = Client()
    for url in (overview, essay, file, export, reverse("essays:mine", args=[world.campaign.pk])):
        assert anonymous.get(url)["Location"].startswith("/login/"), url
    assert not Essay.objects.get(assignment=hdl).excellent


def test_a_draft_is_the_writers_own_until_handed_in(world: World, handed_in: Cadres) -> None:
    draft = handed_in.assignment(handed_in.jkl_a)
    for user in (world.office, world.jinkoulu_coordinator):
        client = world.client_for(user)
        page = html(client, reverse("essays:essay", args=[draft.pk]))
        assert "金口路草稿" not in page and "还没有提交心得体会" in page
        assert client.get(reverse("essays:file", args=[draft.pk])).status_code == 404
    writer = world.client_for(handed_in.jkl_a)
    assert writer.get(reverse("essays:file", args=[draft.pk])).status_code == 200


def test_the_admin_lists_only_in_scope_and_changes_nothing(world: World, handed_in: Cadres) -> None:
    office = world.client_for(world.office)
    coordinator = world.client_for(world.jinkoulu_coordinator)
    assignments = reverse("admin:essays_essayassignment_changelist")
    essays = reverse("admin:essays_essay_changelist")
    assert "红岛路社区干部甲" in html(office, assignments)
    listed = html(coordinator, assignments)
    assert "金口路社区干部甲" in listed and "红岛路社区干部甲" not in listed
    assert "把群众的小事当大事" in html(office, essays)
    assert "金口路草稿" not in html(office, essays)  # drafts are not listed
    assert "把群众的小事当大事" not in html(coordinator, essays)
    hdl = handed_in.assignment(handed_in.hdl_a)
    change = reverse("admin:essays_essayassignment_change", args=[hdl.pk])
    assert coordinator.get(change).status_code in (302, 403, 404)
    delete = reverse("admin:essays_essayassignment_delete", args=[hdl.pk])
    assert office.post(delete, {"post": "yes"}).status_code == 403
    assert EssayAssignment.objects.filter(pk=hdl.pk).exists()


def test_the_overview_takes_the_same_queries_for_more_writers(
    world: World, handed_in: Cadres
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MembershipFactory
    from zhongzhi.essays.services import NewWriter, assignments_add

    office = world.client_for(world.office)
    url = reverse("essays:overview", args=[world.campaign.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert office.get(url).status_code == 200
        return len(captured)

    before = queries()
    more = []
    for n, unit in enumerate([world.fushanlu, world.badaguan, world.taipingjiao] * 5):
        user = UserFactory(username=f"cadre{n}")
        MembershipFactory(user=user, unit=unit, role=Role.STAFF)
        more.append(NewWriter(user, unit))
    assignments_add(campaign=world.campaign, actor=world.office, writers=more)
    for new in more[:4]:
        assignment = EssayAssignment.objects.get(writer=new.writer)
        essay_save(assignment=assignment, actor=new.writer, title="t", text="t", submit=True)
    assert queries() == before, before
    assert html(office, url).count('data-testid="unit-row"') == 5


def test_the_ledger_lists_each_writer_with_their_state(world: World, handed_in: Cadres) -> None:
    response = world.client_for(world.office).get(
        reverse("essays:export", args=[world.campaign.pk])
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    rows = {r[2]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(4, values_only=True)}
    first = rows["红岛路社区干部甲"]
    assert (first["状态"], first["题目"], first["形式"]) == (
        "已提交",
        "把群众的小事当大事",
        "在线撰写、文件",
    )
    assert first["逾期提交"] == "否" and first["截止日期"].date().isoformat() == "2026-10-31"
    draft = rows["金口路社区干部甲"]
    assert (draft["状态"], draft["题目"]) == ("草稿", None)  # a draft's title is not shown
    assert rows["红岛路社区干部乙"]["状态"] == "未提交"
