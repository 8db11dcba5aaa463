"""Recording activities: kinds, attendance checks, scope, files checked by content."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.activities.conftest import category, record
from tests.conftest import World
from tests.factories import CampaignFactory
from tests.rectification import evidence_files as files
from zhongzhi.activities.models import (
    Activity,
    ActivityAttendance,
    ActivityFile,
    ActivityKind,
    BaseKind,
    FileRole,
)
from zhongzhi.activities.services import (
    activity_kinds_ensure,
    activity_save,
    activity_settings_save,
)
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.campaigns.models import ParticipantCategory


def test_a_campaign_starts_with_the_seven_kinds_and_a_template_may_add_its_own(
    w: World,
) -> None:
    kinds = activity_kinds_ensure(campaign=w.campaign)
    # The seven usual kinds, then those of the "7+11" template the campaign took.
    assert [k.name for k in kinds] == [
        *["座谈会", "论坛", "宣讲", "学习", "调研走访", "会议", "其他"],
        *["专题座谈会", "线上意见征集"],
    ]
    again = activity_kinds_ensure(
        campaign=w.campaign, names=[("座谈会", BaseKind.SYMPOSIUM), ("专题党课", BaseKind.LECTURE)]
    )
    assert [k.name for k in again][-1] == "专题党课"
    assert ActivityKind.objects.filter(campaign=w.campaign).count() == 10
    with pytest.raises(ValidationError):
        activity_kinds_ensure(campaign=w.campaign, names=[("乱填", "nonsense")])


def test_an_activity_keeps_its_topics_attendance_and_audit_entry(w: World) -> None:
    activity = record(
        w,
        actor=w.hongdaolu_coordinator,
        attendance={"老干部": 6, "居民代表": 12, "人大代表": 0},
        topics=["营商环境", "提高为民服务水平"],
        place="社区二楼",
        host="社区书记",
    )
    counts = {a.category.name: a.count for a in activity.attendance.select_related("category")}
    assert counts == {"老干部": 6, "居民代表": 12}  # a category with 0 is not kept
    assert sorted(t.name for t in activity.topics.all()) == ["提高为民服务水平", "营商环境"]
    assert activity.recorded_by == w.hongdaolu_coordinator
    entry = AuditEntry.objects.get(action=AuditAction.ACTIVITY_SAVE)
    assert entry.after["created"] is True


@pytest.mark.parametrize(
    ("attendance", "message"),
    [
        ({"老干部": -1}, "不能是负数"),
        ({"老干部": 300, "居民代表": 201}, "超过了活动办公室设定的每场最多 500 人"),
    ],
)
def test_bad_attendance_is_refused_and_nothing_saved(
    w: World, attendance: dict[str, int], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        record(w, attendance=attendance)
    assert message in caught.value.message_dict["attendance"][0]
    assert not Activity.objects.exists()
    assert not ActivityAttendance.objects.exists()


def test_the_office_sets_the_maximum_attendance(w: World) -> None:
    activity_settings_save(campaign=w.campaign, actor=w.office, max_attendance=20)
    with pytest.raises(ValidationError) as caught:
        record(w, attendance={"老干部": 21})
    assert "每场最多 20 人" in caught.value.message_dict["attendance"][0]
    assert record(w, attendance={"老干部": 20}).attendance.get().count == 20
    with pytest.raises(ValidationError):
        activity_settings_save(campaign=w.campaign, actor=w.office, max_attendance=0)


def test_a_coordinator_records_only_for_their_own_unit(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        record(w, actor=w.hongdaolu_coordinator, unit=w.jinkoulu)
    assert "unit" in caught.value.message_dict
    with pytest.raises(ValidationError):
        record(w, actor=w.supervisor)
    assert not Activity.objects.exists()


def test_a_future_date_and_another_campaigns_category_are_refused(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        record(w, held_on=datetime.date(2026, 10, 16))  # today is pinned to 10-15
    assert "held_on" in caught.value.message_dict
    other = CampaignFactory(owner_unit=w.street)
    stranger = ParticipantCategory.objects.create(campaign=other, name="外来")
    with pytest.raises(ValidationError):
        activity_save(
            campaign=w.campaign,
            actor=w.office,
            unit=w.hongdaolu,
            kind=ActivityKind.objects.filter(campaign=w.campaign).first(),  # type: ignore[arg-type]
            name="x",
            held_on=datetime.date(2026, 10, 1),
            attendance={stranger: 3},
        )
    assert category(w, "老干部")  # the campaign's own are untouched
    assert not Activity.objects.exists()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_photos_and_minutes_are_checked_by_content(w: World) -> None:
    activity = record(
        w,
        photos=[_upload("现场.jpg", files.jpeg())],
        minutes=[_upload("纪要.pdf", files.pdf()), _upload("纪要.docx", files.docx())],
    )
    stored = list(ActivityFile.objects.filter(activity=activity).order_by("role", "pk"))
    assert [(f.role, f.content_type) for f in stored] == [
        (FileRole.MINUTES, "application/pdf"),
        (
            FileRole.MINUTES,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (FileRole.PHOTO, "image/jpeg"),
    ]
    assert stored[2].preview.name  # a photo gets its preview


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        ("photos", _upload("照片.jpg", files.html_page()), "不能作为佐证材料上传"),
        ("photos", _upload("纪要.pdf", files.pdf()), "不是照片"),
        ("minutes", _upload("纪要.doc", files.executable()), "纪要.doc"),
    ],
)
def test_a_bad_upload_saves_nothing(
    w: World, field: str, upload: SimpleUploadedFile, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        record(w, **{field: [upload]})
    assert message in " ".join(caught.value.message_dict[field])
    assert not Activity.objects.exists()
    assert not ActivityFile.objects.exists()


def test_an_upload_too_large_is_refused(w: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_EVIDENCE_MAX_FILE_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        record(w, minutes=[_upload("纪要.pdf", files.pdf() + b" " * 2000)])
    assert "minutes" in caught.value.message_dict
    assert not Activity.objects.exists()
