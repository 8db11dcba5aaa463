"""The demo's supervision: two groups over the five communities, each with an
inspection; the first found a problem that became a measure of 金口路社区."""

import datetime

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.org.models import Unit, User
from zhongzhi.supervision.models import InspectionMethod, SupervisionGroup
from zhongzhi.supervision.services import finding_add, group_save, inspection_record

GROUPS = [
    # (name, leader's login, unit codes)
    ("第一督导组", "supervisor", ["QD-SN-BDG-HDL", "QD-SN-BDG-JKL", "QD-SN-BDG-FSL"]),
    ("第二督导组", "supervisor2", ["QD-SN-BDG-BDG", "QD-SN-BDG-TPJ"]),
]


def supervision_demo_create(campaign: Campaign, office: User) -> int:
    """Make the demo's groups, inspections and finding; returns how many groups."""
    if SupervisionGroup.objects.filter(campaign=campaign).exists():
        return 0
    today = clock.today()
    groups = []
    for name, login, codes in GROUPS:
        leader = User.objects.filter(username=login).first()
        units = list(Unit.objects.filter(code__in=codes).order_by("path"))
        if leader is None or len(units) != len(codes):
            return 0
        groups.append(
            group_save(
                campaign=campaign,
                actor=office,
                name=name,
                leader=leader,
                members=[],
                units=units,
            )
        )
    first, second = groups
    day = max(today - datetime.timedelta(days=5), campaign.start_date)
    inspection = inspection_record(
        group=first,
        actor=first.leader,  # type: ignore[arg-type]
        unit=Unit.objects.get(code="QD-SN-BDG-JKL"),
        date=day,
        methods=[InspectionMethod.ON_SITE, InspectionMethod.LEDGERS],
        plan_items=list(campaign.plan_items.order_by("pk")[:1]),
        notes="查阅了社区大讨论工作台账和座谈会记录，实地查看了居民议事厅。"
        "意见征集开展扎实，但居民议事会的议题和结果没有记入台账。",
    )
    finding_add(
        inspection=inspection,
        actor=first.leader,  # type: ignore[arg-type]
        title="居民议事会议题和结果未记入台账",
        description="近两次居民议事会讨论了楼院停车和垃圾分类，但议题、参加人员和议定事项"
        "都没有记入大讨论工作台账，群众意见无从跟踪。",
        requirement="补记近两次议事会的议题、参加人员和议定事项，以后每次会后三天内入账。",
        deadline=min(today + datetime.timedelta(days=10), campaign.end_date),
        responsible_person="社区党委书记",
    )
    inspection_record(
        group=second,
        actor=second.leader,  # type: ignore[arg-type]
        unit=Unit.objects.get(code="QD-SN-BDG-BDG"),
        date=max(today - datetime.timedelta(days=2), campaign.start_date),
        methods=[InspectionMethod.INTERVIEWS],
        notes="个别访谈了6名居民和2名网格员，大家知道大讨论、提过建议，对社区答复比较满意。",
    )
    return len(groups)
