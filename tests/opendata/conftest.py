"""A campaign with personal details everywhere they can hide: in the fields (the
submitter's name and phone, the receipt code) and in the texts and answers (names after
我叫 and 联系人, mobiles written three ways, a landline, ID-card numbers, an e-mail, a QQ
number, a WeChat id, a plate). Answered, anonymous, merged, invalid and adopted ones
(a problem with two measures, one under way)."""

import datetime
from dataclasses import dataclass

import pytest

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from zhongzhi.campaigns.models import ParticipantCategory, Topic
from zhongzhi.intake.models import Suggestion
from zhongzhi.rectification.models import Measure, Problem
from zhongzhi.rectification.services.measures import measure_transition
from zhongzhi.rectification.services.problems import measure_add, problem_create
from zhongzhi.screening.services.decisions import suggestion_decide

# Everything personal planted below: none of it may appear in an export or a public page.
PERSONAL = [
    "张三丰",
    "王小明",
    "李建国",
    "赵丽颖",
    "13812345678",
    "138 1234 5678",
    "139-8765-4321",
    "13987654321",
    "15011112222",
    "0532-85912345",
    "85912345",
    "370202199001011234",
    "11010519491231002X",
    "zhangsan@163.com",
    "27182818",
    "wxid_lizhi99",
    "鲁B12345",
]
# Left as written: what makes the open data worth having.
KEPT = ["山海关路4号", "18号楼2单元", "2026年10月1日", "3500元", "1200户", "12345热线"]


@dataclass
class Planted:
    named: Suggestion  # answered; a name and phones in text, fields and answer
    anonymous: Suggestion  # answered; e-mail, QQ, WeChat, an ID with X
    merged: Suggestion  # merged into `named`
    spam: Suggestion  # invalid
    adopted: Suggestion  # a problem with two measures
    waiting: Suggestion  # received, nothing decided
    road: Topic
    water: Topic
    problem: Problem
    measures: list[Measure]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def answered(suggestion: Suggestion, world: World, reply: str) -> Suggestion:
    suggestion_decide(suggestion=suggestion, decision="answer", actor=world.office, reply=reply)
    return Suggestion.objects.get(pk=suggestion.pk)


@pytest.fixture
def planted(world: World) -> Planted:
    campaign = world.campaign
    road = Topic.objects.create(campaign=campaign, name="道路交通", order=1)
    water = Topic.objects.create(campaign=campaign, name="供水排水", order=2)
    residents = ParticipantCategory.objects.create(campaign=campaign, name="居民代表", order=1)
    at = datetime.datetime(2026, 9, 20, 23, 30, tzinfo=datetime.UTC)  # 9-21 in Beijing
    named = SuggestionFactory(
        campaign=campaign,
        title="我叫张三丰，反映路灯",
        text=(
            "我叫张三丰，住山海关路4号18号楼2单元，电话13812345678（也可打138 1234 5678）。"
            "身份证号370202199001011234。王小明和我一起反映：路灯2026年10月1日起不亮，"
            "物业说维修要3500元，全楼1200户都受影响，打过12345热线。"
        ),
        topic=road,
        category=residents,
        submitter_name="王小明",
        submitter_phone="13987654321",
        submitted_at=at,
    )
    named = answered(
        named, world, "联系人：李建国，电话0532-85912345，座机85912345。路灯已于10月8日修复。"
    )
    anonymous = SuggestionFactory(
        campaign=campaign,
        text=(
            "本人赵丽颖，邮箱zhangsan@163.com，QQ：27182818，微信：wxid_lizhi99，"
            "身份证11010519491231002X。小区门口的车鲁B12345长期占用消防通道。"
        ),
        topic=water,
        anonymous=True,
        submitter_phone="15011112222",
    )
    anonymous = answered(anonymous, world, "已联系交警处理占用消防通道的车辆。")
    merged = SuggestionFactory(campaign=campaign, text="路灯不亮，请联系139-8765-4321。")
    suggestion_decide(suggestion=merged, decision="merge", actor=world.office, merge_into=named)
    spam = SuggestionFactory(
        campaign=campaign, text="加我微信 wxid_lizhi99 领红包，电话13812345678"
    )
    suggestion_decide(suggestion=spam, decision="invalid", actor=world.office, reason="广告或推销")
    adopted = SuggestionFactory(
        campaign=campaign, text="楼道里的自来水管漏水，希望尽快处理。", topic=water
    )
    problem = problem_create(
        campaign=campaign,
        actor=world.office,
        unit=world.hongdaolu,
        title="楼道水管漏水",
        description="红岛路社区多处楼道水管漏水。",
        topic=water,
        suggestion_ids=[adopted.pk],
    )
    measures = [
        measure_add(
            problem=problem,
            actor=world.office,
            text=text,
            owner_unit=world.hongdaolu,
            responsible_person="周主任",
            deadline=datetime.date(2026, 11, 30),
        )
        for text in ("更换漏水管段", "排查其余楼道")
    ]
    measure_transition(measure=measures[0], key="start", actor=world.hongdaolu_coordinator)
    waiting = SuggestionFactory(campaign=campaign, text="建议增设健身器材。")
    return Planted(
        named=named,
        anonymous=anonymous,
        merged=Suggestion.objects.get(pk=merged.pk),
        spam=Suggestion.objects.get(pk=spam.pk),
        adopted=Suggestion.objects.get(pk=adopted.pk),
        waiting=waiting,
        road=road,
        water=water,
        problem=problem,
        measures=measures,
    )
