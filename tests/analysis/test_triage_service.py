"""Triage of a whole campaign: duplicate groups, topic guesses, hot issues, scores;
idempotent runs; the debounced task; the topic model retrained from staff labels."""

import datetime
import threading
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.conftest import World
from zhongzhi.analysis import services
from zhongzhi.analysis.models import HotIssue, SuggestionTriage, TopicLabel, TopicModelVersion
from zhongzhi.analysis.services import campaign_triage, topic_label_set, topic_model_retrain
from zhongzhi.analysis.tasks import schedule_campaign_triage, topic_model_retrain_task
from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.org.models import Unit
from zhongzhi.screening.services.decisions import suggestion_decide

# Suggestions written for these tests: two hot topics (a mixing plant's noise on 红岛路
# and a changed bus route on 金口路), resubmissions, and unrelated singles.
MIXING_PLANT = [
    "红岛路东侧的混凝土搅拌站每天夜里施工，噪音很大，居民晚上睡不着觉，建议限制搅拌站夜间作业时间。",
    "搅拌站夜间施工噪音扰民，红岛路附近的老人孩子休息不好，希望有关部门管一管这个搅拌站。",
    "红岛路搅拌站的罐车半夜进出，噪音和扬尘都很严重，建议搅拌站搬迁或者夜间停工。",
    "我家住在红岛路，旁边的搅拌站晚上十二点还在作业，噪音太大了，请求整治搅拌站夜间施工。",
    "金口路这边也能听到红岛路搅拌站夜里的噪音，建议环保部门夜间检查搅拌站施工噪音。",
    "红岛路混凝土搅拌站噪音扰民问题反映多次了，夜间施工一直没停，希望尽快解决搅拌站噪音。",
]
BUS_ROUTE = [
    "建议恢复228路公交车经过金口路的线路和站点，线路调整后老人出行要走很远。",
    "228路公交改线以后金口路没有公交站点了，老年人去医院很不方便，建议恢复228路原线路。",
    "希望公交公司把228路公交线路改回金口路，金口路居民坐公交太难了。",
    "金口路附近公交站点太少，228路公交改线后上班要多走二十分钟，建议恢复228路站点。",
    "228路公交车能不能恢复原来经过金口路的线路，方便金口路居民坐公交出行。",
]
# Resubmissions of the first of each: a greeting around it; Traditional script.
BUS_RESUBMITTED = "尊敬的领导：您好！" + BUS_ROUTE[0] + "盼复，谢谢！"
MIXING_TRADITIONAL = (
    "紅島路東側的混凝土攪拌站每天夜裡施工，噪音很大，居民晚上睡不著覺，建議限制攪拌站夜間作業時間。"
)
SINGLES = [
    "太平角社区退休居民很多，大家希望成立一支广场舞队，请社区提供活动场地和音响设备。",
    "福山路12号院的自来水管道老化漏水已经半年，地下室常年积水发出臭味，请尽快更换管道。",
    "八大关社区附近没有公交卡和电卡的充值机，建议在社区服务中心安装一台自助充值机。",
]

# Texts for the topic model: two topics whose names and keywords say nothing the
# texts use, so only labels can teach them.
BUSINESS = [
    f"{who}去政务大厅办{what}，{problem}，建议{fix}。"
    for who, what, problem, fix in [
        ("个体户", "营业执照", "材料来回跑了三趟", "一次告知所需材料"),
        ("小微企业", "税务登记", "窗口排队两个小时", "增加办事窗口"),
        ("餐馆老板", "食品经营许可证", "审批拖了一个月", "压缩审批时限"),
        ("创业青年", "公司注册", "网上系统总是提交失败", "优化网上办理系统"),
        ("商户", "营业执照变更", "要求重复提交证明", "取消重复证明材料"),
        ("企业会计", "发票申领", "只能工作日去窗口", "开通周末办理"),
        ("个体工商户", "年报", "工作人员解释不清", "安排专人指导"),
        ("外地企业", "注册地址变更", "审批环节太多", "合并审批环节"),
        ("小店店主", "卫生许可证", "现场核查一直不来", "明确核查时间"),
        ("民营企业", "项目审批", "多个部门互相推诿", "实行一窗受理"),
    ]
]
CIVILITY = [
    f"{place}{problem}，{effect}，建议{fix}。"
    for place, problem, effect, fix in [
        ("小区楼下", "垃圾分类桶总是混放", "厨余垃圾和其他垃圾倒在一起", "安排志愿者值守督导"),
        ("海边步道", "有人乱扔烟头和塑料袋", "游客看了印象很差", "多设宣传牌和垃圾桶"),
        ("菜市场门口", "商贩占道经营", "地上污水横流", "规范摊位并每天清扫"),
        ("公园草坪", "有人遛狗不拴绳不清理粪便", "孩子们不敢在草地上玩", "开展文明养犬宣传"),
        ("公交站台", "有人插队和大声喧哗", "老人上车很困难", "组织文明乘车志愿服务"),
        ("居民楼道", "堆满了杂物和自行车", "存在消防隐患也不文明", "组织居民清理楼道"),
        ("广场", "晚上有人乱贴小广告", "墙面又脏又乱", "及时清理并加强巡查"),
        ("学校门口", "家长车辆乱停乱放", "早晚上学放学时非常拥堵", "倡导文明停车"),
        ("老城区街巷", "随地吐痰现象不少", "影响城市文明形象", "开展文明行为宣传"),
        ("景区周边", "有人在文物建筑上乱刻乱画", "破坏了历史风貌", "加强文明游览引导"),
    ]
]
NEW_BUSINESS = "开饭店的朋友去政务大厅办营业执照，材料跑了好几趟都没办完，建议一次告知所需材料。"

START = timezone.make_aware(datetime.datetime(2026, 9, 10, 9, 0))


def submit(campaign: Campaign, text: str, unit: Unit | None, minutes: int) -> Suggestion:
    suggestion, _ = suggestion_submit(
        campaign=campaign,
        text=text,
        channel="online",
        unit=unit,
        submitted_at=START + datetime.timedelta(minutes=minutes),
    )
    return suggestion


@pytest.fixture
def topics(world: World) -> dict[str, Topic]:
    return {
        "environment": Topic.objects.create(
            campaign=world.campaign,
            order=1,
            name="生态环境",
            description="噪音、扬尘、污染等环境问题",
            keywords=["噪音", "扬尘", "搅拌站", "环保"],
        ),
        "transport": Topic.objects.create(
            campaign=world.campaign,
            order=2,
            name="交通出行",
            description="公交线路、站点和停车",
            keywords=["公交", "线路", "站点", "停车"],
        ),
    }


@pytest.fixture
def written(world: World, topics: dict[str, Topic]) -> dict[str, list[Suggestion]]:
    """The campaign's suggestions, in the order they came."""
    out: dict[str, list[Suggestion]] = {"mixing": [], "bus": [], "single": []}
    minute = 0
    for i, text in enumerate(MIXING_PLANT):
        unit = world.jinkoulu if i == 4 else world.hongdaolu
        out["mixing"].append(submit(world.campaign, text, unit, minute := minute + 7))
    for text in BUS_ROUTE:
        out["bus"].append(submit(world.campaign, text, world.jinkoulu, minute := minute + 7))
    for text in SINGLES:
        out["single"].append(submit(world.campaign, text, world.taipingjiao, minute := minute + 7))
    out["bus_copy"] = [submit(world.campaign, BUS_RESUBMITTED, world.jinkoulu, minute + 7)]
    out["mixing_copy"] = [submit(world.campaign, MIXING_TRADITIONAL, world.hongdaolu, minute + 14)]
    return out


def _state(campaign: Campaign) -> list[tuple[Any, ...]]:
    rows = SuggestionTriage.objects.filter(campaign=campaign).order_by("suggestion_id")
    return [
        (
            r.suggestion_id,
            r.group,
            r.canonical,
            r.topic_guess_id,
            r.issue.rank if r.issue else None,
            r.score,
            tuple(r.keywords),
        )
        for r in rows.select_related("issue")
    ]


def test_resubmissions_join_the_group_of_the_first(
    world: World, written: dict[str, list[Suggestion]]
) -> None:
    summary = campaign_triage(world.campaign.pk)

    first_bus, bus_copy = written["bus"][0], written["bus_copy"][0]
    first_mixing, mixing_copy = written["mixing"][0], written["mixing_copy"][0]
    triage = {t.suggestion_id: t for t in SuggestionTriage.objects.filter(campaign=world.campaign)}
    assert triage[bus_copy.pk].group == first_bus.pk
    assert not triage[bus_copy.pk].canonical
    assert triage[first_bus.pk].canonical and triage[first_bus.pk].group_size == 2
    assert triage[mixing_copy.pk].group == first_mixing.pk
    # Every group has exactly one canonical: its first suggestion.
    for group in {t.group for t in triage.values()}:
        members = [t for t in triage.values() if t.group == group]
        assert [t.suggestion_id for t in members if t.canonical] == [group]
    assert summary.suggestions == len(triage) == Suggestion.objects.count()
    assert summary.duplicates >= 2


def test_topics_are_guessed_with_their_evidence(
    world: World, topics: dict[str, Topic], written: dict[str, list[Suggestion]]
) -> None:
    campaign_triage(world.campaign.pk)

    for suggestion in written["mixing"]:
        triage = SuggestionTriage.objects.get(suggestion=suggestion)
        assert triage.topic_guess == topics["environment"]
        assert triage.topic_confidence > 0
        assert any("搅拌站" in word or "噪音" in word for word in triage.topic_evidence)
    for suggestion in written["bus"]:
        assert (
            SuggestionTriage.objects.get(suggestion=suggestion).topic_guess == topics["transport"]
        )
    dance = SuggestionTriage.objects.get(suggestion=written["single"][0])
    assert dance.topic_guess is None


def test_hot_issues_are_ranked_with_their_members(
    world: World, written: dict[str, list[Suggestion]]
) -> None:
    summary = campaign_triage(world.campaign.pk)

    issues = list(HotIssue.objects.filter(campaign=world.campaign).order_by("rank"))
    assert summary.issues == len(issues) >= 2
    assert [i.rank for i in issues] == list(range(1, len(issues) + 1))
    assert [i.heat for i in issues] == sorted((i.heat for i in issues), reverse=True)

    def issue_of(suggestions: list[Suggestion]) -> HotIssue:
        found = {SuggestionTriage.objects.get(suggestion=s).issue for s in suggestions}
        assert len(found) == 1 and None not in found, found
        issue = found.pop()
        assert issue is not None
        return issue

    mixing = issue_of(written["mixing"] + written["mixing_copy"])
    bus = issue_of(written["bus"] + written["bus_copy"])
    assert mixing != bus
    # The mixing plant has more suggestions from more units: it ranks first.
    assert mixing.rank < bus.rank
    assert mixing.size == len(written["mixing"]) + 1 == mixing.members.count()
    assert mixing.representative in written["mixing"] + written["mixing_copy"]
    assert any("红岛路" in place for place in mixing.places)
    assert "搅拌站" in mixing.label or any("搅拌站" in k for k in mixing.keywords)
    for single in written["single"]:
        assert SuggestionTriage.objects.get(suggestion=single).issue is None


def test_running_twice_gives_the_same_rows(
    world: World, written: dict[str, list[Suggestion]]
) -> None:
    campaign_triage(world.campaign.pk)
    first = _state(world.campaign)
    first_issues = list(
        HotIssue.objects.filter(campaign=world.campaign).values_list("rank", "label", "size")
    )

    campaign_triage(world.campaign.pk)

    assert _state(world.campaign) == first
    assert SuggestionTriage.objects.count() == Suggestion.objects.count()
    assert (
        list(HotIssue.objects.filter(campaign=world.campaign).values_list("rank", "label", "size"))
        == first_issues
    )


def test_invalid_suggestions_leave_triage(
    world: World, written: dict[str, list[Suggestion]]
) -> None:
    campaign_triage(world.campaign.pk)
    spam = written["single"][1]
    suggestion_decide(suggestion=spam, decision="invalid", reason="广告或推销", actor=world.office)

    campaign_triage(world.campaign.pk)

    assert not SuggestionTriage.objects.filter(suggestion=spam).exists()
    assert SuggestionTriage.objects.count() == Suggestion.objects.count() - 1


def test_other_campaigns_are_untouched(world: World, written: dict[str, list[Suggestion]]) -> None:
    other = Campaign.objects.create(
        name="另一个活动",
        owner_unit=world.street,
        start_date=world.campaign.start_date,
        end_date=world.campaign.end_date,
    )
    for i, text in enumerate(MIXING_PLANT):
        submit(other, text, world.hongdaolu, i)
    campaign_triage(other.pk)
    before = _state(other)

    campaign_triage(world.campaign.pk)
    campaign_triage(world.campaign.pk)

    assert _state(other) == before
    assert HotIssue.objects.filter(campaign=other).count() >= 1


def test_a_new_suggestion_schedules_triage_once_per_window(
    world: World, written: dict[str, list[Suggestion]], settings: Any
) -> None:
    settings.ZHONGZHI_TRIAGE_DEBOUNCE_SECONDS = 60
    cache.delete(f"zz:triage:{world.campaign.pk}")

    assert schedule_campaign_triage(world.campaign.pk)  # the immediate backend runs it
    assert SuggestionTriage.objects.filter(campaign=world.campaign).count() == 16
    late = submit(world.campaign, "海边步道的路灯坏了好几盏，晚上散步很黑。", None, 500)
    assert not schedule_campaign_triage(world.campaign.pk)  # within the window
    assert not SuggestionTriage.objects.filter(suggestion=late).exists()

    cache.delete(f"zz:triage:{world.campaign.pk}")  # the window has passed
    assert schedule_campaign_triage(world.campaign.pk)
    assert SuggestionTriage.objects.filter(suggestion=late).exists()


def test_a_long_run_widens_the_window_of_automatic_runs(
    world: World, written: dict[str, list[Suggestion]], settings: Any, monkeypatch: Any
) -> None:
    settings.ZHONGZHI_TRIAGE_DEBOUNCE_SECONDS = 60
    cache.delete(f"zz:triage:{world.campaign.pk}")
    assert schedule_campaign_triage(world.campaign.pk)  # runs, and its duration is kept
    windows: list[int] = []
    monkeypatch.setattr(
        "zhongzhi.analysis.tasks._debounced", lambda task, key, seconds, *a: windows.append(seconds)
    )

    schedule_campaign_triage(world.campaign.pk)
    cache.set(f"zz:triage-seconds:{world.campaign.pk}", 50.2)  # as after a 50 s run
    schedule_campaign_triage(world.campaign.pk)

    assert windows == [60, 251]  # the setting; five times the last run


def test_the_management_command_triages(
    world: World, written: dict[str, list[Suggestion]], capsys: Any
) -> None:
    call_command("triage_campaign", str(world.campaign.pk), verbosity=0)

    assert SuggestionTriage.objects.filter(campaign=world.campaign).count() == 16


# --- the topic model ------------------------------------------------------------------


@pytest.fixture
def labelled(world: World) -> dict[str, Topic]:
    """Two topics nothing but labels can teach, and staff labels for twenty suggestions."""
    business = Topic.objects.create(campaign=world.campaign, order=1, name="营商环境")
    civility = Topic.objects.create(campaign=world.campaign, order=2, name="文明创建")
    for minute, (text, topic) in enumerate(
        [(t, business) for t in BUSINESS] + [(t, civility) for t in CIVILITY]
    ):
        suggestion = submit(world.campaign, text, world.hongdaolu, minute)
        topic_label_set(suggestion=suggestion, topic=topic, actor=world.office)
    return {"business": business, "civility": civility}


def test_too_few_labels_train_no_model(world: World, labelled: dict[str, Topic]) -> None:
    TopicLabel.objects.filter(topic=labelled["civility"]).delete()

    outcome = topic_model_retrain(world.campaign.pk)

    assert outcome.version is None and outcome.reason
    assert not TopicModelVersion.objects.exists()


def test_retraining_with_labels_teaches_triage_the_topic(
    world: World, labelled: dict[str, Topic]
) -> None:
    new = submit(world.campaign, NEW_BUSINESS, world.jinkoulu, 100)
    campaign_triage(world.campaign.pk)
    assert SuggestionTriage.objects.get(suggestion=new).topic_guess is None  # rules can't

    result = topic_model_retrain_task.enqueue(world.campaign.pk)

    version = TopicModelVersion.objects.get(campaign=world.campaign)
    assert result.return_value["version"] == version.pk
    assert version.label_count == 20
    assert sorted(version.topics) == ["文明创建", "营商环境"]
    assert version.macro_f1 is not None and 0 <= version.macro_f1 <= 1
    summary = campaign_triage(world.campaign.pk)
    assert summary.model_version == version.pk
    triage = SuggestionTriage.objects.get(suggestion=new)
    assert triage.topic_guess == labelled["business"]
    assert triage.topic_evidence


def test_a_label_must_belong_to_the_campaign(world: World, labelled: dict[str, Topic]) -> None:
    from django.core.exceptions import ValidationError

    other = Campaign.objects.create(
        name="另一个活动",
        owner_unit=world.street,
        start_date=world.campaign.start_date,
        end_date=world.campaign.end_date,
    )
    foreign = Topic.objects.create(campaign=other, name="营商环境")
    suggestion = Suggestion.objects.filter(campaign=world.campaign).first()
    assert suggestion is not None

    with pytest.raises(ValidationError):
        topic_label_set(suggestion=suggestion, topic=foreign, actor=world.office)


def test_retraining_without_new_labels_keeps_the_model(
    world: World, labelled: dict[str, Topic]
) -> None:
    first = topic_model_retrain(world.campaign.pk)
    again = topic_model_retrain(world.campaign.pk)

    assert first.version is not None
    assert again.version is None and again.reason
    assert TopicModelVersion.objects.count() == 1


def test_a_model_that_knows_too_few_topics_is_not_used(
    world: World, labelled: dict[str, Topic]
) -> None:
    assert topic_model_retrain(world.campaign.pk).version is not None
    for order, name in enumerate(["生态环境", "交通出行", "社区服务"], start=3):
        Topic.objects.create(campaign=world.campaign, order=order, name=name, keywords=[name])

    summary = campaign_triage(world.campaign.pk)

    # Two topics of five: the keyword rules guess rather than a model that would force
    # every suggestion into one of its two.
    assert summary.model_version is None


def test_with_a_deferring_backend_the_run_waits_for_the_end_of_the_window(
    world: World, settings: Any
) -> None:
    from django.tasks import task_backends

    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "triage"],
        }
    }
    settings.ZHONGZHI_TRIAGE_DEBOUNCE_SECONDS = 60
    cache.delete(f"zz:triage:{world.campaign.pk}")
    before = timezone.now()

    assert schedule_campaign_triage(world.campaign.pk)
    assert not schedule_campaign_triage(world.campaign.pk)

    [queued] = task_backends["default"].results  # type: ignore[attr-defined]
    assert queued.args == [world.campaign.pk]
    assert queued.task.run_after >= before + datetime.timedelta(seconds=60)


@pytest.mark.django_db(transaction=True)
def test_residents_can_submit_while_a_triage_run_stores_its_results(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; row locks matter on PostgreSQL")
    for minute, text in enumerate(BUSINESS[:4]):
        submit(world.campaign, text, world.hongdaolu, minute)
    outcome: list[object] = []
    real_upsert = services._upsert_triage

    def submit_meanwhile() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            outcome.append(submit(world.campaign, "公交站台没有遮雨棚，建议加装。", None, 60))
        except Exception as error:  # the outcome is what the test checks
            outcome.append(error)
        finally:
            connection.close()

    def upsert_with_a_resident_waiting(values: Any) -> None:
        real_upsert(values)
        # The run holds its lock on the campaign until it commits: a resident submits now.
        resident = threading.Thread(target=submit_meanwhile)
        resident.start()
        resident.join()

    monkeypatch.setattr(services, "_upsert_triage", upsert_with_a_resident_waiting)

    campaign_triage(world.campaign.pk)

    assert len(outcome) == 1 and isinstance(outcome[0], Suggestion), outcome
