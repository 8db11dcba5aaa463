"""The demo's activities: a "7+11" symposium for each participant category of the demo
campaign (each on a few of the eleven topics, so the coverage matrix shows filled and
empty cells), and meetings, study sessions, lectures and research visits against the
plan items of the stages already over, all but one: "机关干部分片进楼院调研" is left
without an activity, so it is flagged. Safe to run again: activities that exist (by
name) are kept."""

import datetime

from zhongzhi.activities.models import Activity, BaseKind
from zhongzhi.activities.services import activity_kinds_ensure, activity_save
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, PlanItem, Stage, Topic
from zhongzhi.core import clock
from zhongzhi.org.models import User

# The plan item the demo leaves undone, to show the flag.
FLAGGED_ITEM = "机关干部分片进楼院调研"

# (plan item, base kind, name, place, attending categories with counts, topic indexes)
PLAN_ACTIVITIES = [
    (
        "成立领导小组和办公室",
        BaseKind.MEETING,
        "大讨论领导小组第一次会议",
        "街道三楼会议室",
        {"街道": 12},
        [5],
    ),
    (
        "召开全街道动员大会",
        BaseKind.MEETING,
        "解放思想大讨论动员大会",
        "街道礼堂",
        {"街道": 60, "社区工作站": 40, "居民代表": 30},
        [0, 5, 10],
    ),
    (
        "印发实施方案和任务清单",
        BaseKind.MEETING,
        "实施方案讨论会",
        "街道三楼会议室",
        {"街道": 15},
        [7],
    ),
    (
        "开通线上征集，张贴扫码海报",
        BaseKind.OTHER,
        "扫码海报进楼院",
        "各社区服务站",
        {"社区工作站": 20},
        [10],
    ),
    (
        "社区召开动员部署会",
        BaseKind.MEETING,
        "社区动员部署会",
        "社区党群服务中心",
        {"社区工作站": 25, "居民代表": 18},
        [8, 10],
    ),
    (
        "党工委中心组专题学习",
        BaseKind.STUDY,
        "党工委中心组第一次专题学习",
        "街道三楼会议室",
        {"街道": 14},
        [0, 4, 5],
    ),
    (
        "社区党员集中学习",
        BaseKind.STUDY,
        "社区党员主题党日集中学习",
        "社区党群服务中心",
        {"社区工作站": 10, "老干部": 16, "居民代表": 22},
        [8, 9],
    ),
    (
        "“身边的变化”社区宣讲",
        BaseKind.LECTURE,
        "“身边的变化”道德模范宣讲",
        "太平角社区活动室",
        {"道德模范": 4, "居民代表": 45},
        [2, 3],
    ),
]

# Topics (by index among the campaign's) each category's symposium discussed.
SYMPOSIUM_TOPICS = [[0, 1, 4], [7, 8, 10], [2, 9, 10], [0, 4, 6], [1, 3, 5], [9, 10], [2, 8, 10]]


def activities_demo_create(campaign: Campaign, office: User) -> int:
    """Make the demo's activities; returns how many were made."""
    kinds = {kind.base: kind for kind in reversed(activity_kinds_ensure(campaign=campaign))}
    categories = list(ParticipantCategory.objects.filter(campaign=campaign).order_by("order"))
    topics = list(Topic.objects.filter(campaign=campaign).order_by("order", "pk"))
    if not categories or not topics:
        return 0
    by_name = {c.name: c for c in categories}
    items = {item.title: item for item in PlanItem.objects.filter(campaign=campaign)}
    existing = set(Activity.objects.filter(campaign=campaign).values_list("name", flat=True))
    today = clock.today()
    street = campaign.owner_unit
    created = 0

    for title, base, name, place, attending, topic_indexes in PLAN_ACTIVITIES:
        item = items.get(title)
        if item is None or name in existing or title == FLAGGED_ITEM:
            continue
        held_on = _inside(item.start_date, item.end_date, today)
        unit = item.lead_units.order_by("path").first() or street
        activity_save(
            campaign=campaign,
            actor=office,
            unit=unit,
            kind=kinds[base],
            name=name,
            held_on=held_on,
            place=place,
            host="街道党工委副书记",
            plan_item=item,
            topics=[topics[i] for i in topic_indexes if i < len(topics)],
            attendance={by_name[c]: n for c, n in attending.items() if c in by_name},
        )
        created += 1

    symposiums = items.get("组织“7+11”分组座谈")
    stage = symposiums.stage if symposiums else _current_stage(campaign, today)
    first = stage.start_date if stage else campaign.start_date
    for index, category in enumerate(categories):
        name = f"“7+11”{category.name}专题座谈会"
        if name in existing:
            continue
        held_on = min(first + datetime.timedelta(days=2 + 2 * index), today)
        topic_indexes = SYMPOSIUM_TOPICS[index % len(SYMPOSIUM_TOPICS)]
        activity_save(
            campaign=campaign,
            actor=office,
            unit=street,
            kind=kinds[BaseKind.SYMPOSIUM],
            name=name,
            held_on=held_on,
            place="八大关街道党群服务中心",
            host="街道大讨论办公室主任",
            stage=stage,
            plan_item=symposiums,
            topics=[topics[i] for i in topic_indexes if i < len(topics)],
            attendance={category: 8 + index, **({by_name["街道"]: 3} if "街道" in by_name else {})},
            summary=f"邀请{category.name}代表围绕有关方面座谈，工作人员当场录入意见建议。",
        )
        created += 1
    return created


def _inside(
    start: datetime.date | None, end: datetime.date | None, today: datetime.date
) -> datetime.date:
    day = start + datetime.timedelta(days=3) if start else today
    if end is not None:
        day = min(day, end)
    return min(day, today)


def _current_stage(campaign: Campaign, today: datetime.date) -> Stage | None:
    return Stage.objects.filter(
        campaign=campaign, start_date__lte=today, end_date__gte=today
    ).first()
