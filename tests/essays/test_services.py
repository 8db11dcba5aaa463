"""Essays' rules against a real database: one essay per writer, uploads checked by
content, late judged by the due date, completion counted by unit, reminders and
excellent marks by the office only, each audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import World
from tests.essays.conftest import DUE, Cadres
from tests.factories import MembershipFactory, UserFactory
from tests.rectification import evidence_files
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.essays.models import Essay, EssayAssignment, EssayState
from zhongzhi.essays.selectors import campaign_assignments, completion_by_unit
from zhongzhi.essays.services import (
    NewWriter,
    assignment_remove,
    assignments_add,
    assignments_from_accounts,
    essay_due_set,
    essay_mark_excellent,
    essay_return,
    essay_save,
    essays_remind,
    essays_sweep,
)
from zhongzhi.notifications.models import Notification, NotificationKind
from zhongzhi.org.models import Role, User


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_a_draft_is_replaced_and_a_second_hand_in_is_refused(
    listed: Cadres, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    assignment = listed.assignment(listed.hdl_a)
    first = essay_save(
        assignment=assignment,
        actor=listed.hdl_a,
        title="初稿",
        upload=_file("初稿.docx", evidence_files.docx()),
    )
    first_file = first.file.name
    assert first.file.storage.exists(first_file)
    with django_capture_on_commit_callbacks(execute=True):
        essay_save(
            assignment=assignment,
            actor=listed.hdl_a,
            title="定稿",
            text="解放思想，从我做起。",
            upload=_file("定稿.pdf", evidence_files.pdf()),
            submit=True,
        )
    essay = Essay.objects.get()
    assert (essay.title, essay.state, essay.file_name) == ("定稿", EssayState.SUBMITTED, "定稿.pdf")
    assert not essay.file.storage.exists(first_file)  # the replaced draft's file is gone
    with pytest.raises(ValidationError, match="每人只交一篇"):
        essay_save(assignment=assignment, actor=listed.hdl_a, title="又一篇", text="x", submit=True)
    with pytest.raises(ValidationError, match="每人只交一篇"):
        essay_save(assignment=assignment, actor=listed.hdl_a, title="改一改", text="x")
    essay.refresh_from_db()
    assert Essay.objects.count() == 1 and essay.title == "定稿"
    assert AuditEntry.objects.filter(action=AuditAction.ESSAY_SUBMIT).count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.xlsx", evidence_files.xlsx(), "心得体会只能上传 Word（.docx）或 PDF 文件"),
        ("照片.jpg", evidence_files.jpeg(), "心得体会只能上传 Word（.docx）或 PDF 文件"),
        ("旧格式.doc", evidence_files.ole("WordDocument"), "另存为”.docx 格式"),
        ("心得.docx", evidence_files.executable(), "可执行程序"),
        ("心得.docx", evidence_files.docm(), "含有宏"),
        ("心得.pdf", b"", "空文件"),
    ],
)
def test_uploads_other_than_word_or_pdf_are_refused_and_nothing_is_saved(
    listed: Cadres, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        essay_save(
            assignment=listed.assignment(listed.hdl_a),
            actor=listed.hdl_a,
            title="心得",
            upload=_file(name, content),
            submit=True,
        )
    assert message in " ".join(refused.value.messages)
    assert not Essay.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(listed: Cadres, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_EVIDENCE_MAX_FILE_BYTES = 1000
    with pytest.raises(ValidationError, match="太大了"):
        essay_save(
            assignment=listed.assignment(listed.hdl_a),
            actor=listed.hdl_a,
            title="心得",
            upload=_file("心得.pdf", evidence_files.pdf() + b" " * 2000),
        )
    assert not Essay.objects.exists()


def test_only_the_writer_hands_in_and_an_empty_essay_is_refused(
    world: World, listed: Cadres
) -> None:
    assignment = listed.assignment(listed.hdl_a)
    for actor in (listed.hdl_b, world.office, world.hongdaolu_coordinator):
        with pytest.raises(ValidationError, match="撰写人本人"):
            essay_save(assignment=assignment, actor=actor, title="代写", text="x", submit=True)
    with pytest.raises(ValidationError, match="请填写心得体会的题目"):
        essay_save(assignment=assignment, actor=listed.hdl_a, title="  ", text="x", submit=True)
    with pytest.raises(ValidationError, match="请在线撰写正文"):
        essay_save(assignment=assignment, actor=listed.hdl_a, title="题目", submit=True)
    assert not Essay.objects.exists()


def test_completion_by_unit_counts_handed_in_late_and_overdue(
    world: World, listed: Cadres, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    essay_save(
        assignment=listed.assignment(listed.hdl_a),
        actor=listed.hdl_a,
        title="按时",
        text="t",
        submit=True,
    )
    essay_save(
        assignment=listed.assignment(listed.jkl_a), actor=listed.jkl_a, title="草稿", text="t"
    )
    monkeypatch.setattr("zhongzhi.core.clock.today", lambda: DUE + datetime.timedelta(days=2))
    essay_save(
        assignment=listed.assignment(listed.hdl_b),
        actor=listed.hdl_b,
        title="晚交",
        text="t",
        submit=True,
    )
    office = User.objects.get(pk=world.office.pk)  # its roles not loaded yet
    with django_assert_num_queries(2):  # the office's roles, then every unit's counts
        completion = completion_by_unit(office, world.campaign)
    rows = {
        r.unit_name: (r.due, r.handed_in, r.late, r.missing, r.overdue) for r in completion.rows
    }
    assert rows == {"红岛路社区": (2, 2, 1, 0, 0), "金口路社区": (1, 0, 0, 1, 1)}
    assert (completion.total.due, completion.total.handed_in, completion.total.overdue) == (3, 2, 1)
    late = campaign_assignments(world.office, world.campaign, status="late")
    assert [a.writer for a in late] == [listed.hdl_b]
    overdue = campaign_assignments(world.office, world.campaign, status="overdue")
    assert [a.writer for a in overdue] == [listed.jkl_a]
    mine = completion_by_unit(world.jinkoulu_coordinator, world.campaign)
    assert [r.unit_name for r in mine.rows] == ["金口路社区"]
    assert completion_by_unit(world.supervisor, world.campaign).rows == []


def test_the_office_reminds_everyone_not_handed_in_a_draft_included(
    world: World, listed: Cadres
) -> None:
    essay_save(
        assignment=listed.assignment(listed.hdl_a),
        actor=listed.hdl_a,
        title="t",
        text="t",
        submit=True,
    )
    essay_save(
        assignment=listed.assignment(listed.hdl_b), actor=listed.hdl_b, title="草稿", text="t"
    )
    assert essays_remind(campaign=world.campaign, actor=world.office) == 2
    reminded = Notification.objects.filter(kind=NotificationKind.ESSAY)
    assert {n.recipient for n in reminded} == {listed.hdl_b, listed.jkl_a}
    assert "2026-10-31" in reminded[0].text and reminded[0].url.endswith("/mine/")
    entry = AuditEntry.objects.get(action=AuditAction.ESSAY_REMIND)
    assert entry.actor == world.office and entry.after == {"reminded": 2}
    with pytest.raises(ValidationError, match="只有活动办公室"):
        essays_remind(campaign=world.campaign, actor=world.hongdaolu_coordinator)


def test_the_office_marks_a_handed_in_essay_excellent(world: World, listed: Cadres) -> None:
    assignment = listed.assignment(listed.hdl_a)
    draft = essay_save(assignment=assignment, actor=listed.hdl_a, title="草稿", text="t")
    with pytest.raises(ValidationError, match="还没有提交"):
        essay_mark_excellent(essay=draft, actor=world.office)
    essay = essay_save(
        assignment=assignment, actor=listed.hdl_a, title="定稿", text="t", submit=True
    )
    for other in (world.hongdaolu_coordinator, world.leader):
        with pytest.raises(ValidationError, match="只有活动办公室"):
            essay_mark_excellent(essay=essay, actor=other)
    marked = essay_mark_excellent(essay=essay, actor=world.office, note="供简报选用")
    assert marked.excellent and marked.marked_by == world.office and marked.marked_at
    entry = AuditEntry.objects.get(action=AuditAction.ESSAY_EXCELLENT)
    assert (entry.after, entry.note, entry.unit) == (
        {"excellent": True},
        "供简报选用",
        world.hongdaolu,
    )
    unmarked = essay_mark_excellent(essay=essay, actor=world.office, excellent=False)
    assert not unmarked.excellent and unmarked.marked_by is None


def test_adding_from_accounts_takes_a_role_in_the_chosen_units_once(
    world: World, cadres: Cadres
) -> None:
    result = assignments_from_accounts(
        campaign=world.campaign, actor=world.office, role=Role.STAFF, units=[world.hongdaolu]
    )
    assert (result.added, result.already) == (2, 0)
    again = assignments_from_accounts(
        campaign=world.campaign,
        actor=world.office,
        role=Role.STAFF,
        units=[world.hongdaolu, world.jinkoulu],
    )
    assert (again.added, again.already) == (1, 2)
    assert EssayAssignment.objects.count() == 3
    assert AuditEntry.objects.filter(action=AuditAction.ESSAY_ASSIGN).count() == 3
    with pytest.raises(ValidationError, match="没有担任这一角色"):
        assignments_from_accounts(
            campaign=world.campaign, actor=world.office, role=Role.LEADER, units=[world.badaguan]
        )
    with pytest.raises(ValidationError, match="只有活动办公室"):
        assignments_from_accounts(
            campaign=world.campaign,
            actor=world.hongdaolu_coordinator,
            role=Role.STAFF,
            units=[world.hongdaolu],
        )


def test_a_writer_must_belong_to_the_unit_they_write_for(world: World, cadres: Cadres) -> None:
    with pytest.raises(ValidationError, match="不是金口路社区的人员"):
        assignments_add(
            campaign=world.campaign,
            actor=world.office,
            writers=[NewWriter(cadres.hdl_a, world.jinkoulu)],
        )
    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, unit=world.district, role=Role.STAFF)
    with pytest.raises(ValidationError, match="不是本活动的单位"):
        assignments_add(
            campaign=world.campaign,
            actor=world.office,
            writers=[NewWriter(outsider, world.district)],
        )
    assert not EssayAssignment.objects.exists()


def test_removing_a_writer_who_handed_in_is_refused(world: World, listed: Cadres) -> None:
    essay_save(
        assignment=listed.assignment(listed.hdl_a),
        actor=listed.hdl_a,
        title="t",
        text="t",
        submit=True,
    )
    with pytest.raises(ValidationError, match="已提交心得体会，不能从名单中移除"):
        assignment_remove(assignment=listed.assignment(listed.hdl_a), actor=world.office)
    essay_save(
        assignment=listed.assignment(listed.hdl_b), actor=listed.hdl_b, title="草稿", text="t"
    )
    assignment_remove(assignment=listed.assignment(listed.hdl_b), actor=world.office)
    assert set(EssayAssignment.objects.values_list("writer__username", flat=True)) == {
        "hdl-a",
        "jkl-a",
    }
    assert AuditEntry.objects.filter(action=AuditAction.ESSAY_UNASSIGN).count() == 1


def test_the_due_date_moves_the_writers_who_had_the_old_one(world: World, listed: Cadres) -> None:
    own = listed.assignment(listed.jkl_a)
    own.due_date = datetime.date(2026, 11, 15)
    own.save()
    moved = essay_due_set(
        campaign=world.campaign, actor=world.office, due_date=datetime.date(2026, 11, 20)
    )
    assert moved == 2
    dues = dict(EssayAssignment.objects.values_list("writer__username", "due_date"))
    assert dues["hdl-a"] == datetime.date(2026, 11, 20) and dues["jkl-a"] == own.due_date
    with pytest.raises(ValidationError, match="截止日期须在活动期间"):
        essay_due_set(
            campaign=world.campaign, actor=world.office, due_date=datetime.date(2027, 1, 5)
        )


def test_the_daily_sweep_reminds_three_days_before_and_the_day_after_once(
    world: World, listed: Cadres
) -> None:
    essay_save(
        assignment=listed.assignment(listed.hdl_a),
        actor=listed.hdl_a,
        title="t",
        text="t",
        submit=True,
    )
    assert essays_sweep(DUE - datetime.timedelta(days=4)) == 0
    soon = DUE - datetime.timedelta(days=3)
    assert essays_sweep(soon) == 2  # hdl-b and jkl-a; hdl-a has handed in
    assert essays_sweep(soon) == 0  # the same day again: nobody new
    texts = {n.recipient.username: n.text for n in Notification.objects.all()}
    assert set(texts) == {"hdl-b", "jkl-a"} and "已逾期" not in texts["hdl-b"]
    assert essays_sweep(DUE) == 0
    assert essays_sweep(DUE + datetime.timedelta(days=1)) == 2
    latest = Notification.objects.filter(recipient=listed.hdl_b).order_by("-pk").first()
    assert latest is not None and "已逾期" in latest.text
    entries = AuditEntry.objects.filter(action=AuditAction.ESSAY_REMIND)
    assert [e.actor for e in entries] == [None, None]


def test_the_daily_task_runs_the_essay_reminders(world: World, listed: Cadres) -> None:
    from zhongzhi.rectification.tasks import deadlines_daily

    result = deadlines_daily.enqueue((DUE - datetime.timedelta(days=3)).isoformat())
    assert result.return_value["essay_reminders"] == 3


def test_the_office_sends_an_essay_back_and_the_writer_hands_in_again(
    world: World, listed: Cadres
) -> None:
    assignment = listed.assignment(listed.hdl_a)
    essay = essay_save(
        assignment=assignment, actor=listed.hdl_a, title="初稿", text="t", submit=True
    )
    essay = essay_mark_excellent(essay=essay, actor=world.office)
    with pytest.raises(ValidationError, match="退回时请写明原因"):
        essay_return(essay=essay, actor=world.office, note=" ")
    with pytest.raises(ValidationError, match="只有活动办公室"):
        essay_return(essay=essay, actor=world.hongdaolu_coordinator, note="请修改")
    returned = essay_return(essay=essay, actor=world.office, note="请结合本单位实际")
    assert (returned.state, returned.excellent, returned.return_note) == (
        EssayState.DRAFT,
        False,
        "请结合本单位实际",
    )
    (told,) = Notification.objects.filter(recipient=listed.hdl_a)
    assert "请结合本单位实际" in told.text
    again = essay_save(
        assignment=assignment, actor=listed.hdl_a, title="改稿", text="t", submit=True
    )
    assert again.submitted and again.return_note == "" and Essay.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.ESSAY_RETURN).count() == 1
    with pytest.raises(ValidationError, match="不需要退回"):
        essay_return(
            essay=essay_save(
                assignment=listed.assignment(listed.hdl_b), actor=listed.hdl_b, title="草稿"
            ),
            actor=world.office,
            note="x",
        )


def test_a_leader_below_the_office_reads_their_subtree_and_the_briefing_list(
    world: World, listed: Cadres
) -> None:
    from zhongzhi.essays.selectors import excellent_essays

    community_leader = UserFactory(username="hdl-leader")
    MembershipFactory(user=community_leader, unit=world.hongdaolu, role=Role.LEADER)
    for cadre in (listed.hdl_a, listed.jkl_a):
        essay = essay_save(
            assignment=listed.assignment(cadre),
            actor=cadre,
            title=cadre.username,
            submit=True,
            text="t",
        )
        essay_mark_excellent(essay=essay, actor=world.office)
    rows = completion_by_unit(community_leader, world.campaign).rows
    assert [(r.unit_name, r.due, r.excellent) for r in rows] == [("红岛路社区", 2, 1)]
    assert [a.essay.title for a in excellent_essays(world.leader, world.campaign)] == [
        "hdl-a",
        "jkl-a",
    ]
    assert [a.essay.title for a in excellent_essays(community_leader, world.campaign)] == ["hdl-a"]
