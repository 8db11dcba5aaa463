"""Supervision groups grant their members the units they cover, inspections stay
inside a group's units, and a finding becomes a problem with a measure the group
verifies."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import World
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.notifications.models import Notification
from zhongzhi.org.access import visible_units
from zhongzhi.org.models import Membership, User
from zhongzhi.rectification.access import is_verifier_of
from zhongzhi.rectification.models import Measure, Problem, ProblemOrigin
from zhongzhi.supervision.models import InspectionMethod, SupervisionGroup
from zhongzhi.supervision.services import finding_add, group_save, inspection_record

TODAY = datetime.date(2026, 10, 15)


def test_a_groups_members_read_exactly_its_units(
    world: World, inspector: User, group: SupervisionGroup
) -> None:
    assert set(visible_units(inspector)) == {world.jinkoulu, world.badaguan}
    assert list(group.members.all()) == [inspector]
    group_save(
        campaign=world.campaign,
        actor=world.office,
        name="第一督导组",
        leader=inspector,
        members=[],
        units=[world.badaguan, world.taipingjiao],
        group=group,
    )
    fresh = User.objects.get(pk=inspector.pk)
    assert set(visible_units(fresh)) == {world.badaguan, world.taipingjiao}
    entries = AuditEntry.objects.filter(action=AuditAction.GROUP_SAVE)
    assert entries.count() == 2
    assert entries.last().before["units"] == sorted([world.jinkoulu.code, world.badaguan.code])  # type: ignore[union-attr]


def test_a_role_given_by_hand_survives_the_group(world: World, group: SupervisionGroup) -> None:
    # The world's supervisor holds 红岛路 and 福山路 by hand; joining and leaving a group
    # over 金口路 and 红岛路 leaves those two as they were.
    group_save(
        campaign=world.campaign,
        actor=world.office,
        name="第二督导组",
        leader=None,
        members=[world.supervisor],
        units=[world.jinkoulu, world.hongdaolu],
    )
    fresh = User.objects.get(pk=world.supervisor.pk)
    assert set(visible_units(fresh)) == {world.hongdaolu, world.fushanlu, world.jinkoulu}
    second = SupervisionGroup.objects.get(name="第二督导组")
    group_save(
        campaign=world.campaign,
        actor=world.office,
        name="第二督导组",
        leader=None,
        members=[world.office],
        units=[world.jinkoulu],
        group=second,
    )
    fresh = User.objects.get(pk=world.supervisor.pk)
    assert set(visible_units(fresh)) == {world.hongdaolu, world.fushanlu}
    assert not Membership.objects.filter(
        user=world.supervisor, unit=world.hongdaolu, granted_by_groups=True
    ).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "第一督导组"}, "name"),
        ({"units": []}, "units"),
        ({"leader": None, "members": []}, "members"),
    ],
)
def test_a_bad_group_says_why_and_saves_nothing(
    world: World, inspector: User, group: SupervisionGroup, change: dict, field: str
) -> None:
    values = {
        "name": "第三督导组",
        "leader": inspector,
        "members": [],
        "units": [world.fushanlu],
    } | change
    with pytest.raises(ValidationError) as refused:
        group_save(campaign=world.campaign, actor=world.office, **values)
    assert field in refused.value.message_dict
    assert SupervisionGroup.objects.count() == 1


def test_only_the_office_sets_up_groups_and_units_come_from_the_campaign(
    world: World, inspector: User
) -> None:
    with pytest.raises(ValidationError):
        group_save(
            campaign=world.campaign,
            actor=world.hongdaolu_coordinator,
            name="自设督导组",
            leader=inspector,
            members=[],
            units=[world.hongdaolu],
        )
    with pytest.raises(ValidationError) as refused:
        group_save(
            campaign=world.campaign,
            actor=world.office,
            name="越界督导组",
            leader=inspector,
            members=[],
            units=[world.district],
        )
    assert "市南区" in refused.value.message_dict["units"][0]
    assert not SupervisionGroup.objects.exists()


def test_an_inspection_stays_inside_the_groups_units_and_days(
    world: World, inspector: User, group: SupervisionGroup
) -> None:
    good = {
        "group": group,
        "actor": inspector,
        "unit": world.jinkoulu,
        "date": TODAY,
        "methods": [InspectionMethod.ON_SITE, InspectionMethod.LEDGERS],
    }
    for bad, field in [
        ({"unit": world.hongdaolu}, "unit"),
        ({"date": TODAY + datetime.timedelta(days=1)}, "date"),
        ({"date": datetime.date(2026, 8, 31)}, "date"),
        ({"methods": []}, "methods"),
        ({"methods": ["茶话会"]}, "methods"),
    ]:
        with pytest.raises(ValidationError) as refused:
            inspection_record(**(good | bad))
        assert field in refused.value.message_dict, bad
    with pytest.raises(ValidationError):
        inspection_record(**(good | {"actor": world.supervisor}))
    inspection = inspection_record(**good, notes="台账齐全，楼道堆物未清。")
    assert inspection.method_labels() == ["实地查看", "查阅台账"]
    assert group.inspections.count() == 1


def test_a_finding_becomes_a_problem_with_a_measure_the_group_verifies(
    world: World, inspector: User, group: SupervisionGroup
) -> None:
    inspection = inspection_record(
        group=group,
        actor=inspector,
        unit=world.jinkoulu,
        date=TODAY,
        methods=[InspectionMethod.ON_SITE],
    )
    finding = finding_add(
        inspection=inspection,
        actor=inspector,
        title="楼道堆物未清理",
        description="金口路3号楼道堆放杂物，存在消防隐患。",
        requirement="一周内清理楼道杂物并建立巡查制度",
        deadline=TODAY + datetime.timedelta(days=7),
    )
    problem = finding.problem
    assert problem.origin == ProblemOrigin.SUPERVISION and problem.unit == world.jinkoulu
    measure = Measure.objects.get(problem=problem)
    assert measure.owner_unit == world.jinkoulu
    assert measure.deadline == TODAY + datetime.timedelta(days=7)
    assert measure.responsible_person == "单位主要负责人"
    assert is_verifier_of(User.objects.get(pk=inspector.pk), measure)
    assert not is_verifier_of(world.jinkoulu_coordinator, measure)
    # The unit's coordinator is told, with the deadline and a link to the measure.
    (told,) = Notification.objects.all()
    assert told.recipient == world.jinkoulu_coordinator
    assert "楼道堆物未清理" in told.text and "2026-10-22" in told.text
    assert told.url == f"/rectification/measures/{measure.pk}/"


def test_a_bad_finding_leaves_no_problem(
    world: World, inspector: User, group: SupervisionGroup
) -> None:
    inspection = inspection_record(
        group=group,
        actor=inspector,
        unit=world.jinkoulu,
        date=TODAY,
        methods=[InspectionMethod.ON_SITE],
    )
    good = {
        "inspection": inspection,
        "actor": inspector,
        "title": "楼道堆物未清理",
        "description": "金口路3号楼道堆放杂物。",
        "requirement": "清理楼道杂物",
        "deadline": TODAY + datetime.timedelta(days=7),
    }
    for bad in (
        {"deadline": None},
        {"deadline": TODAY - datetime.timedelta(days=1)},
        {"deadline": datetime.date(2027, 1, 1)},
        {"requirement": ""},
        {"title": ""},
        {"actor": world.office},
    ):
        with pytest.raises(ValidationError):
            finding_add(**(good | bad))
    assert not Problem.objects.exists()
