"""generate_suggestions: a campaign of any size from a messages file."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import World
from zhongzhi.campaigns.models import Campaign
from zhongzhi.campaigns.services import template_apply
from zhongzhi.intake.models import Channel, Suggestion

MESSAGES = [
    (
        "关于小区停车难的问题",
        "我们小区车位太少，晚上车停满人行道。建议协调周边单位错时开放停车场。谢谢！",
        "12",
    ),
    ("反映路灯不亮", "A3区某路段路灯坏了半个月，\n晚上走路很危险。请尽快维修。", "0"),
    ('建议增设"公交站"', "小区门口离公交站太远，老人出行不便，建议增设站点。", "3"),
    ("噪音扰民", "楼下商铺晚上十一点还在装修，噪音很大。多次反映无果。", ""),
    ("垃圾清运", "垃圾桶满了没人清，夏天气味难闻，希望增加清运次数。", "1"),
    ("学校周边交通", "上下学时段学校门口拥堵严重，建议安排交警疏导。", "0"),
]


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["msg_id,title,time,detail,likes"]
    for index, (title, detail, likes) in enumerate(rows):
        quoted = [f'"{value.replace(chr(34), chr(34) * 2)}"' for value in (title, detail)]
        lines.append(f"{index},{quoted[0]},2019/1/1 10:00:00,{quoted[1]},{likes}")
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_suggestions", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_generates_a_new_campaign_spread_over_units_topics_and_days(
    world: World, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "messages.csv", MESSAGES * 10)
    output = run("--messages", str(path), "--count", "300", "--seed", "5")
    assert "完成：新增 300 条" in output and "秒" in output
    campaign = Campaign.objects.exclude(pk=world.campaign.pk).get()
    assert campaign.owner_unit == world.street
    suggestions = Suggestion.objects.filter(campaign=campaign)
    assert suggestions.count() == 300
    assert len(set(suggestions.values_list("receipt_code", flat=True))) == 300
    assert suggestions.values("unit").distinct().count() >= 5
    assert suggestions.values("topic").distinct().count() >= 8
    assert suggestions.values("category").distinct().count() >= 6
    assert set(suggestions.values_list("channel", flat=True)) == set(Channel.values)
    dates = {d.date() for d in suggestions.values_list("submitted_at", flat=True)}
    assert len(dates) >= 10
    # Multi-line fields and quotes come through; likes become +1s.
    assert suggestions.filter(text__contains="\n晚上走路很危险").exists()
    assert suggestions.filter(title='建议增设"公交站"').exists()
    assert suggestions.filter(plus_ones=12).exists()
    # Resubmissions: more texts than distinct ones would be without them.
    texts = list(suggestions.values_list("text", flat=True))
    assert sum("停车" in text for text in texts) > 10


def test_same_seed_gives_the_same_texts(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "messages.csv", MESSAGES)
    template_apply(campaign=world.campaign, key="7+11")
    campaign_id = str(world.campaign.pk)
    run("--messages", str(path), "--count", "40", "--seed", "9", "--campaign", campaign_id)
    first = list(Suggestion.objects.order_by("submitted_at", "pk").values_list("text", flat=True))
    Suggestion.objects.all().delete()
    run("--messages", str(path), "--count", "40", "--seed", "9", "--campaign", campaign_id)
    again = list(Suggestion.objects.order_by("submitted_at", "pk").values_list("text", flat=True))
    assert sorted(first) == sorted(again)
    assert Suggestion.objects.filter(campaign=world.campaign).count() == 40


def test_bad_input_gets_a_clear_message(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到消息文件"):
        run("--messages", str(tmp_path / "missing.csv"), "--count", "10")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,body\n1,内容\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少列：title、detail"):
        run("--messages", str(wrong), "--count", "10")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("title,detail\n标题,内容\n".encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8"):
        run("--messages", str(gbk), "--count", "10")
    good = write_csv(tmp_path / "good.csv", MESSAGES)
    with pytest.raises(CommandError, match="没有编号为 999999 的活动"):
        run("--messages", str(good), "--count", "10", "--campaign", "999999")
    with pytest.raises(CommandError, match="正整数"):
        run("--messages", str(good), "--count", "0")
    assert not Suggestion.objects.exists()
