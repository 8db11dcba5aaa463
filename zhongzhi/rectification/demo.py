"""The demo campaign's rectification work, in every state a unit's ledger shows three
weeks in: the seed's closed cases repaved, replaced and installed, verified and
answered (the road at 兴安支路2号, rated 满意; the water pipe at 莱阳路22号; the card
machine);
handrails in progress with their updates; one done and waiting for the supervisor;
one sent back; two overdue (one asking for more time), escalated by the day's
deadline sweep (the lamps nine days late up to 挂牌督办, the dance team's 催办); a
problem a community found in its own self-examination with its measure still planned.

Runs after the screening demo; running it again changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.intake import demo_data as seeds
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.models import Unit, User
from zhongzhi.rectification.models import Measure, Problem, ProblemOrigin, RatingLevel
from zhongzhi.rectification.services.deadlines import sweep_deadlines
from zhongzhi.rectification.services.measures import (
    extension_request,
    measure_transition,
    progress_post,
)
from zhongzhi.rectification.services.problems import measure_add, problem_create
from zhongzhi.rectification.services.ratings import rating_submit

COORDINATORS = {seeds.HDL: "hongdaolu", seeds.JKL: "jinkoulu", seeds.FSL: "fushanlu"}


@dataclass
class Case:
    entry: seeds.DemoEntry
    measure: str
    person: str
    # verified, done, sent_back, in_progress, overdue, extension, planned
    state: str
    progress: list[tuple[int, str]] = field(default_factory=list)
    days: int = 14  # deadline, days from today


CASES = [
    Case(
        seeds.ROAD,
        "联系区市政部门对兴安支路2号路段重新铺设路面，更换人行道地砖，疏通雨水口。",
        "社区居委会主任 王丽",
        "verified",
        [(30, "已请市政部门现场勘察，确定重铺方案。"), (80, "路面铺设完成，正在更换地砖。")],
    ),
    Case(
        seeds.WATER_PIPE,
        "协调供水部门对莱阳路22号院老旧自来水管进行整体更换。",
        "社区网格员 李强",
        "verified",
        [(50, "供水部门已入户测量，材料到位。")],
    ),
    Case(
        seeds.CARD_MACHINE,
        "在社区服务站安装青岛通自助充值设备，安排志愿者指导老人使用。",
        "社区服务站站长 赵敏",
        "verified",
    ),
    Case(
        seeds.GUARD_RAIL,
        "沿红岛路5号楼门口深沟加装护栏和反光警示标识。",
        "社区居委会主任 王丽",
        "done",
        [(60, "护栏已订制，本周安装。")],
    ),
    Case(
        seeds.SEWAGE,
        "疏通并改造莱阳路18号至24号院排污管道。",
        "社区网格员 李强",
        "sent_back",
        [(100, "管道已疏通。")],
    ),
    Case(
        seeds.HANDRAILS_HEHUIJU,
        "为和惠居各单元楼梯加装扶手，先装七十岁以上老人集中的楼栋。",
        "社区居委会副主任 孙洁",
        "in_progress",
        [(20, "已统计需要安装的单元共23个。"), (60, "已完成14个单元的扶手安装。")],
        days=10,
    ),
    Case(
        seeds.YUSHAN_LAMPS,
        "在鱼山路4号院内安装太阳能路灯。",
        "社区网格员 李强",
        "overdue",
        [(30, "已联系供货单位。")],
        days=-9,
    ),
    Case(
        seeds.SPORTS,
        "组建社区舞蹈队，协调活动室每周固定开放时间。",
        "社区文体干事 周燕",
        "extension",
        days=-2,
    ),
]


def _by_title(campaign: Campaign, entry: seeds.DemoEntry) -> Suggestion | None:
    return (
        Suggestion.objects.filter(campaign=campaign, title=entry.title, text=entry.text)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def rectification_demo_create(campaign: Campaign, office: User) -> int:
    """Make the demo's problems and measures; returns how many problems were made."""
    if Problem.objects.filter(campaign=campaign).exists():
        return 0
    today = clock.today()
    supervisor = User.objects.filter(username="supervisor").first()
    made = 0
    for case in CASES:
        suggestion = _by_title(campaign, case.entry)
        coordinator = User.objects.filter(username=COORDINATORS[case.entry.unit]).first()
        if suggestion is None or suggestion.unit is None or coordinator is None:
            continue
        problem = problem_create(
            campaign=campaign,
            actor=coordinator,
            unit=suggestion.unit,
            title=case.entry.title,
            description=case.entry.text,
            topic=suggestion.topic,
            suggestion_ids=[suggestion.pk],
        )
        made += 1
        deadline = min(today + datetime.timedelta(days=max(case.days, 1)), campaign.end_date)
        measure = measure_add(
            problem=problem,
            actor=coordinator,
            text=case.measure,
            owner_unit=suggestion.unit,
            responsible_person=case.person,
            deadline=deadline,
            expected_result=case.entry.title.replace("请", "").replace("建议", "") + "：问题解决",
        )
        for percent, text in case.progress:
            progress_post(measure=measure, actor=coordinator, percent=percent, text=text)
        _finish(case, measure, coordinator, office, supervisor, today)
    made += _self_examination(campaign, today)
    sweep_deadlines(today)
    return made


def _finish(
    case: Case,
    measure: Measure,
    coordinator: User,
    office: User,
    supervisor: User | None,
    today: datetime.date,
) -> None:
    if case.state in ("verified", "done", "sent_back"):
        measure_transition(measure=measure, key="done", actor=coordinator)
    if case.state == "verified":
        measure_transition(measure=measure, key="verify", actor=office, answer=case.entry.answer)
        if case.entry is seeds.ROAD:  # the resident who asked rated the answer
            rating_submit(
                receipt_code=measure.problem.sources.get().suggestion.receipt_code,
                level=RatingLevel.SATISFIED,
                comment="路修得又平又快，谢谢社区！",
            )
    if case.state == "sent_back":
        measure_transition(
            measure=measure,
            key="send_back",
            actor=supervisor or office,
            reason="现场查看，24号院井口仍有污水外溢，请彻底改造后再报完成。",
        )
    if case.state == "extension":
        extension_request(
            measure=measure,
            actor=coordinator,
            requested_deadline=min(today + datetime.timedelta(days=20), measure.campaign.end_date),
            reason="活动室装修延期，舞蹈队场地需等装修完成后落实。",
        )
    if case.days < 0:
        # Set up weeks ago with a deadline that has since passed (the demo is made
        # today; a real measure cannot be given a deadline in the past).
        Measure.objects.filter(pk=measure.pk).update(
            deadline=today + datetime.timedelta(days=case.days),
            original_deadline=today + datetime.timedelta(days=case.days),
            version=F("version") + 1,
        )


def _self_examination(campaign: Campaign, today: datetime.date) -> int:
    unit = Unit.objects.filter(code=seeds.BDG).first()
    coordinator = User.objects.filter(username="badaguan").first()
    if unit is None or coordinator is None:
        return 0
    problem = problem_create(
        campaign=campaign,
        actor=coordinator,
        unit=unit,
        title="为民服务事项办理时限公示不全",
        description="社区自查发现：服务大厅公示的12项为民服务事项中，有5项没有写明办理时限和"
        "所需材料，群众往往要跑两趟。",
        origin=ProblemOrigin.SELF_EXAMINATION,
    )
    measure_add(
        problem=problem,
        actor=coordinator,
        text="逐项补齐服务事项的办理时限和所需材料，在服务大厅和社区公众号同步公示。",
        owner_unit=unit,
        responsible_person="社区党委书记 陈刚",
        deadline=min(today + datetime.timedelta(days=21), campaign.end_date),
        expected_result="12项服务事项公示完整，一次讲清",
    )
    return 1
