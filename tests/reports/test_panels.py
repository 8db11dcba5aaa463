"""The dashboard's newer panels, each number against a count made here: the current
stage's plan items, the hot issues, the units slowest to sign for their assignments and
those residents rated lowest."""

import datetime

from django.utils import timezone

from tests.conftest import World
from zhongzhi.analysis.models import HotIssue, SuggestionTriage
from zhongzhi.campaigns.models import PlanItem, PlanItemStatus, Stage
from zhongzhi.core import clock
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.rectification.models import Rating, RatingLevel
from zhongzhi.reports.selectors import dashboard
from zhongzhi.screening.models import Assignment
from zhongzhi.screening.services.routing import suggestions_assign


def _rows(world: World, user, key: str) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    shown = {s.panel.key: s for s in dashboard(user, world.campaign)}
    return dict(shown[key].rows)


def _submit(world: World, text: str, unit=None) -> Suggestion:  # type: ignore[no-untyped-def]
    return suggestion_submit(campaign=world.campaign, text=text, channel="online", unit=unit)[0]


def test_the_current_stage_counts_its_plan_items_by_status(world: World) -> None:
    today = clock.today()
    stage = Stage.objects.create(
        campaign=world.campaign,
        order=1,
        name="查摆问题",
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=5),
    )
    later = Stage.objects.create(
        campaign=world.campaign,
        order=2,
        name="整改落实",
        start_date=today + datetime.timedelta(days=6),
        end_date=today + datetime.timedelta(days=30),
    )
    for n, status in enumerate(
        [
            PlanItemStatus.DONE,
            PlanItemStatus.DONE,
            PlanItemStatus.DELAYED,
            PlanItemStatus.IN_PROGRESS,
        ]
    ):
        PlanItem.objects.create(
            campaign=world.campaign, stage=stage, order=n, title=f"任务{n}", status=status
        )
    PlanItem.objects.create(campaign=world.campaign, stage=later, order=9, title="下阶段")
    assert _rows(world, world.office, "campaigns.stage") == {
        "未开始": [0],
        "进行中": [1],
        "已完成": [2],
        "滞后": [1],
    }


def test_hot_issues_are_ranked_by_the_members_in_sight(world: World) -> None:
    def issue(rank: int, label: str, members: list[Suggestion]) -> None:
        made = HotIssue.objects.create(
            campaign=world.campaign, rank=rank, label=label, size=len(members)
        )
        SuggestionTriage.objects.bulk_create(
            SuggestionTriage(
                suggestion=s,
                campaign=world.campaign,
                group=s.pk,
                issue=made,
                triaged_at=timezone.now(),
            )
            for s in members
        )

    issue(
        1,
        "路灯不亮",
        [_submit(world, f"路灯{n}", world.hongdaolu) for n in range(3)]
        + [_submit(world, "路灯金口", world.jinkoulu)],
    )
    issue(2, "井盖松动", [_submit(world, f"井盖{n}", world.jinkoulu) for n in range(2)])
    assert _rows(world, world.office, "analysis.hot_issues") == {"路灯不亮": [4], "井盖松动": [2]}
    assert _rows(world, world.hongdaolu_coordinator, "analysis.hot_issues") == {"路灯不亮": [3]}


def test_the_slowest_signers_count_late_signatures_and_waiting_past_the_deadline(
    world: World,
) -> None:
    suggestions = [_submit(world, f"建议{n}：增设垃圾分类亭。") for n in range(5)]
    for unit, chosen in ((world.hongdaolu, suggestions[:3]), (world.jinkoulu, suggestions[3:])):
        suggestions_assign(
            campaign=world.campaign,
            suggestion_ids=[s.pk for s in chosen],
            unit=unit,
            actor=world.office,
        )
    past = timezone.now() - datetime.timedelta(days=1)
    hdl = Assignment.objects.filter(unit=world.hongdaolu).order_by("pk")
    Assignment.objects.filter(pk__in=[a.pk for a in hdl[:2]]).update(sign_deadline=past)
    Assignment.objects.filter(pk=hdl[2].pk).update(state="signed", signed_late=True, signed_at=past)
    # 金口路 signed on time, and one is still inside its time to sign.
    jkl = Assignment.objects.filter(unit=world.jinkoulu).order_by("pk")
    Assignment.objects.filter(pk=jkl[0].pk).update(state="signed", signed_at=past)
    assert _rows(world, world.office, "screening.late_signers") == {"红岛路社区": [1, 2]}


def test_the_lowest_satisfaction_comes_first(world: World) -> None:
    levels = {
        world.hongdaolu: [RatingLevel.SATISFIED, RatingLevel.DISSATISFIED, RatingLevel.FAIRLY],
        world.jinkoulu: [RatingLevel.SATISFIED, RatingLevel.SATISFIED],
    }
    for unit, rated in levels.items():
        for n, level in enumerate(rated):
            suggestion = _submit(world, f"{unit.name}{n}：修缮健身器材。", unit)
            Rating.objects.create(
                suggestion=suggestion, campaign=world.campaign, unit=unit, level=level
            )
    assert _rows(world, world.office, "rectification.satisfaction") == {
        "红岛路社区（3 次评价）": [33],
        "金口路社区（2 次评价）": [100],
    }
    assert list(_rows(world, world.jinkoulu_coordinator, "rectification.satisfaction")) == [
        "金口路社区（2 次评价）"
    ]
