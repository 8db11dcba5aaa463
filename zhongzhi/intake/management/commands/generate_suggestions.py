"""Generate a campaign of any size from a file of real messages, for load tests and demos.

    zhongzhi manage generate_suggestions --count 151681 [--campaign ID] [--seed 1] \\
        [--days 21] --messages ../shared/data/tipdm2020c/hot_messages_annex3.csv

The messages file (UTF-8 CSV with ``title`` and ``detail`` columns, fields may span
lines; an optional ``likes`` column becomes +1s) is development data and is not
shipped with the product. Each message is used once as it is; beyond the file's size,
further texts join the opening of one message to the rest of another, so that they
are new texts rather than copies. Realistic resubmissions (copies, retyped, cut short,
Traditional script, full width, greetings, new titles) come from
`zhongzhi.triage.resubmit`. Suggestions spread over the campaign's units, topics,
categories, channels and the last ``--days`` days (busier in the daytime), and are
inserted in batches, each with its 已受理 history entry.
"""

import bisect
import csv
import datetime
import itertools
import math
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from zhongzhi.campaigns import services as campaign_services
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.intake.models import MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, Channel, Suggestion
from zhongzhi.intake.paper_form import suggestions_bulk_insert
from zhongzhi.org.models import Unit
from zhongzhi.triage.resubmit import ResubmissionRates, generate

DEMO_STREET = "QD-SN-BDG"
BASES_PER_ROUND = 2000  # base texts handed to the resubmission generator at a time
BATCH_SIZE = 2000  # suggestions per INSERT transaction
CHANNEL_WEIGHTS = {  # seed 003: most of the 151,681 ideas came through the mini-program
    Channel.API: 55,
    Channel.ONLINE: 22,
    Channel.PAPER: 12,
    Channel.SYMPOSIUM: 6,
    Channel.LETTER: 5,
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾"
ADDRESSES = ("先生", "女士", "阿姨", "大爷", "同志")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_CONTROLS = {code: " " for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in "\n\r\t"}
# How busy each hour of the day is (people write in the morning and the evening).
HOUR_WEIGHTS = (
    *(0.15, 0.08, 0.05, 0.05, 0.05, 0.1, 0.3, 0.7, 1.2, 1.4, 1.4, 1.2),  # 0:00-11:00
    *(1.0, 1.0, 1.2, 1.3, 1.3, 1.2, 1.0, 1.3, 1.6, 1.6, 1.0, 0.4),  # 12:00-23:00
)


@dataclass(frozen=True)
class Message:
    title: str
    detail: str
    likes: int


def _clean(text: str, limit: int) -> str:
    """Control characters (which the service refuses) out, within the length limit."""
    return text.translate(_CONTROLS).strip()[:limit]


def read_messages(path: Path) -> list[Message]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or ())
            missing = [name for name in ("title", "detail") if name not in columns]
            if missing:
                raise CommandError(
                    f"消息文件 {path} 缺少列：{'、'.join(missing)}。"
                    "需要带表头的 UTF-8 CSV，至少有 title 和 detail 两列。"
                )
            messages = []
            for row in reader:
                detail = _clean(row.get("detail") or "", MAX_TEXT_LENGTH)
                title = _clean(row.get("title") or "", MAX_TITLE_LENGTH).replace("\n", " ")
                if not detail and not title:
                    continue
                likes = row.get("likes") or "0"
                messages.append(
                    Message(title, detail or title, int(likes) if likes.isdigit() else 0)
                )
    except FileNotFoundError:
        raise CommandError(
            f"找不到消息文件：{path}。真实留言数据不随产品发布，请用 --messages 指向它，"
            "例如 ../shared/data/tipdm2020c/hot_messages_annex3.csv。"
        ) from None
    except IsADirectoryError:
        raise CommandError(f"{path} 是一个目录，请指向 CSV 文件。") from None
    except UnicodeDecodeError:
        raise CommandError(f"消息文件 {path} 不是 UTF-8 编码，请先转换为 UTF-8。") from None
    except csv.Error as error:
        raise CommandError(f"消息文件 {path} 不是有效的 CSV：{error}") from None
    if not messages:
        raise CommandError(f"消息文件 {path} 中没有留言。")
    return messages


def _weighted[T](
    items: list[T], rng: random.Random, skew: float = 0.8
) -> tuple[list[T], list[float]]:
    """Items in a random order with Zipf-like weights: some units and topics are busier."""
    shuffled = items[:]
    rng.shuffle(shuffled)
    return shuffled, [1 / (rank + 1) ** skew for rank in range(len(shuffled))]


def _sentences(text: str) -> list[str]:
    return _SENTENCE.findall(text) or [text]


def _bases(messages: list[Message], rng: random.Random) -> Iterator[tuple[Message, bool]]:
    """Every message once, shuffled; then, for as long as needed, new texts that join
    the opening of one message to the rest of another. (message, is_original)."""
    order = list(range(len(messages)))
    rng.shuffle(order)
    for index in order:
        yield messages[index], True
    while True:
        first, second = rng.choice(messages), rng.choice(messages)
        head = _sentences(first.detail)
        tail = _sentences(second.detail)
        detail = "".join(head[: max(1, math.ceil(len(head) / 2))] + tail[len(tail) // 2 :])
        yield Message(first.title, detail[:MAX_TEXT_LENGTH], 0), False


class Command(BaseCommand):
    help = (
        "从给定的留言文件生成任意规模的意见建议（如 151,681 条），分布在各单位、方面、群体类别、"
        "渠道和日期上，并带有真实感的重复提交和附议，用于压力测试和大规模演示。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--messages",
            type=Path,
            required=True,
            help="留言 CSV（UTF-8，含 title、detail 列，可选 likes 列），"
            "如 ../shared/data/tipdm2020c/hot_messages_annex3.csv",
        )
        parser.add_argument("--count", type=int, required=True, help="生成多少条意见建议")
        parser.add_argument(
            "--campaign", type=int, help="加入哪个活动（编号）；不填则在演示街道下新建一个"
        )
        parser.add_argument("--seed", type=int, default=1, help="随机数种子（相同种子结果相同）")
        parser.add_argument("--days", type=int, default=21, help="分布在最近多少天（默认 21）")

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["count"]
        days: int = options["days"]
        if count < 1:
            raise CommandError("--count 必须是正整数。")
        if days < 1:
            raise CommandError("--days 必须是正整数。")
        started, cpu = time.perf_counter(), time.process_time()
        rng = random.Random(options["seed"])
        messages = read_messages(options["messages"])
        campaign = self._campaign(options["campaign"], count, options["seed"], days)
        self.stdout.write(
            f"读取留言 {len(messages):,} 条；生成 {count:,} 条意见建议到活动"
            f"“{campaign.name}”（编号 {campaign.pk}）。"
        )
        created = self._generate(campaign, messages, count, days, rng)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：新增 {created:,} 条，用时 {elapsed:.1f} 秒（CPU {cpu:.1f} 秒，"
                f"{created / elapsed:,.0f} 条/秒）。"
            )
        )

    def _campaign(self, campaign_id: int | None, count: int, seed: int, days: int) -> Campaign:
        if campaign_id is not None:
            campaign = Campaign.objects.select_related("owner_unit").filter(pk=campaign_id).first()
            if campaign is None:
                raise CommandError(f"没有编号为 {campaign_id} 的活动。")
            return campaign
        street = Unit.objects.filter(code=DEMO_STREET).first()
        if street is None:
            raise CommandError(
                f"找不到演示街道（{DEMO_STREET}）："
                "请先运行 zhongzhi demo，或用 --campaign 指定活动。"
            )
        today = timezone.localdate()
        return campaign_services.campaign_create(
            name=f"规模测试：{count:,} 条意见建议（种子 {seed}）",
            theme="解放思想大讨论 · 规模测试数据",
            owner_unit=street,
            start_date=today - datetime.timedelta(days=days),
            end_date=today + datetime.timedelta(days=30),
            templates=["7+11"],
        )

    def _generate(
        self,
        campaign: Campaign,
        messages: list[Message],
        count: int,
        days: int,
        rng: random.Random,
    ) -> int:
        owner_path = campaign.owner_unit.path
        units, unit_weights = _weighted(
            list(Unit.objects.filter(path__startswith=owner_path).order_by("path")), rng, 0.6
        )
        topics, topic_weights = _weighted(list(Topic.objects.filter(campaign=campaign)), rng)
        categories, category_weights = _weighted(
            list(ParticipantCategory.objects.filter(campaign=campaign)), rng
        )
        channels, channel_weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
        now = timezone.now()
        timeline = Timeline(now - datetime.timedelta(days=days), now)
        rates = ResubmissionRates()
        bases = _bases(messages, rng)
        created = 0
        produced = 0
        pending: list[Suggestion] = []
        with tqdm(total=count, desc="生成意见建议", unit="条", mininterval=0.5) as bar:
            while produced < count:
                round_bases = list(itertools.islice(bases, BASES_PER_ROUND))
                texts = generate(
                    [f"{m.title}\n{m.detail}" if m.title else m.detail for m, _o in round_bases],
                    rng,
                    rates,
                )[: count - produced]
                # Sorted moments, handed out in order: a resubmission comes after its original.
                low, high = produced / count, (produced + len(texts)) / count
                moments = [
                    timeline.at(share) for share in sorted(rng.uniform(low, high) for _t in texts)
                ]
                for labelled, moment in zip(texts, moments, strict=True):
                    message, original = round_bases[labelled.group]
                    title, _sep, body = labelled.text.partition("\n")
                    if not body.strip():
                        title, body = "", labelled.text
                    first = not labelled.kinds
                    anonymous = rng.random() < 0.3
                    topic = rng.choices(topics, topic_weights)[0] if topics else None
                    pending.append(
                        Suggestion(
                            campaign=campaign,
                            title=_clean(title, MAX_TITLE_LENGTH),
                            text=_clean(body, MAX_TEXT_LENGTH) or "（空）",
                            topic=topic if rng.random() < 0.85 else None,
                            category=rng.choices(categories, category_weights)[0]
                            if categories and rng.random() < 0.9
                            else None,
                            unit=rng.choices(units, unit_weights)[0],
                            channel=rng.choices(channels, channel_weights)[0],
                            submitter_name=""
                            if anonymous or rng.random() < 0.4
                            else rng.choice(SURNAMES) + rng.choice(ADDRESSES),
                            anonymous=anonymous,
                            submitted_at=moment,
                            plus_ones=_plus_ones(rng, message, original, first),
                        )
                    )
                    if len(pending) >= BATCH_SIZE:
                        created += suggestions_bulk_insert(campaign, pending)
                        bar.update(len(pending))
                        pending = []
                produced += len(texts)
            if pending:
                created += suggestions_bulk_insert(campaign, pending)
                bar.update(len(pending))
        return created


class Timeline:
    """Maps a share of the suggestions (0..1) to a moment of the last days, busier in the
    daytime and on weekdays, so that sorted shares give sorted moments."""

    def __init__(self, start: datetime.datetime, end: datetime.datetime) -> None:
        self.start = start
        self.hours = max(1, math.ceil((end - start).total_seconds() / 3600))
        weights = []
        for hour in range(self.hours):
            local = timezone.localtime(start + datetime.timedelta(hours=hour))
            weekend = 0.75 if local.weekday() >= 5 else 1.0
            weights.append(HOUR_WEIGHTS[local.hour] * weekend)
        self.cumulative = list(itertools.accumulate(weights))

    def at(self, share: float) -> datetime.datetime:
        target = share * self.cumulative[-1]
        hour = min(bisect.bisect_right(self.cumulative, target), self.hours - 1)
        before = self.cumulative[hour - 1] if hour else 0.0
        within = (target - before) / (self.cumulative[hour] - before)
        return self.start + datetime.timedelta(hours=hour + min(max(within, 0.0), 0.9999))


def _plus_ones(rng: random.Random, message: Message, original: bool, first: bool) -> int:
    """The file's likes for the real message, a few for others; resubmissions rarely."""
    if first and original and message.likes:
        return message.likes
    if not first:
        return 1 if rng.random() < 0.05 else 0
    roll = rng.random()
    if roll < 0.7:
        return 0
    if roll < 0.97:
        return rng.randint(1, 5)
    return rng.randint(6, 60)
