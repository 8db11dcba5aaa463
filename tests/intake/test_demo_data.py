"""The demo campaign's suggestions: spread, seed-004 requests, idempotent, our own words."""

import re
from pathlib import Path

import opencc
import pytest
from django.db.models import Sum

from zhongzhi.activities.models import Activity
from zhongzhi.core.demo import DemoResult
from zhongzhi.intake.demo_data import MEETINGS, demo_suggestions_create
from zhongzhi.intake.models import Channel, PlusOne, Suggestion, SuggestionStatus

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def test_a_few_hundred_suggestions_spread_over_the_campaign_and_idempotent(
    demo: DemoResult,
) -> None:
    campaign = demo.campaign  # `zhongzhi demo` fills in the suggestions itself
    suggestions = Suggestion.objects.filter(campaign=campaign)
    created = suggestions.count()
    assert 250 <= created <= 400
    assert demo_suggestions_create(campaign) == 0
    assert suggestions.count() == created

    units = set(suggestions.values_list("unit__code", flat=True))
    assert {f"QD-SN-BDG-{c}" for c in ("HDL", "JKL", "FSL", "BDG", "TPJ")} <= units
    assert suggestions.values("topic").distinct().count() == 11
    assert suggestions.exclude(category=None).values("category").distinct().count() == 7
    assert set(suggestions.values_list("channel", flat=True)) == set(Channel.values)
    for code in ("HDL", "JKL", "FSL", "BDG", "TPJ"):
        assert suggestions.filter(unit__code=f"QD-SN-BDG-{code}").count() >= 30

    dates = sorted(suggestions.values_list("submitted_at", flat=True))
    assert (dates[-1] - dates[0]).days >= 21
    assert dates[0].date() >= campaign.start_date

    assert suggestions.filter(plus_ones__gt=0).count() >= 30
    total = suggestions.aggregate(total=Sum("plus_ones"))["total"]
    assert PlusOne.objects.filter(suggestion__campaign=campaign).count() == total

    # The seed's cases are adopted; those whose measures are verified are answered
    # (rectification.demo), the others wait for their measures.
    adopted_or_answered = suggestions.filter(
        status__in=[SuggestionStatus.ADOPTED, SuggestionStatus.ANSWERED]
    )
    assert adopted_or_answered.count() >= 9
    answered = suggestions.filter(status=SuggestionStatus.ANSWERED).exclude(answer="")
    assert {s.title for s in answered} >= {"兴安支路2号路面坑洼", "莱阳路22号自来水管漏水"}
    meetings = Activity.objects.filter(campaign=campaign, name__in=[m[2] for m in MEETINGS])
    assert [m.kind.name for m in meetings] == ["座谈会", "座谈会"]
    assert suggestions.filter(activity__in=meetings, channel=Channel.SYMPOSIUM).count() >= 15


def test_the_requests_seed_004_reports_are_there_some_sent_again(demo: DemoResult) -> None:
    demo_suggestions_create(demo.campaign)
    suggestions = Suggestion.objects.filter(campaign=demo.campaign)

    def count(*words: str) -> int:
        found = suggestions
        for word in words:
            found = found.filter(text__contains=word)
        return found.count()

    assert count("兴安支路2号") >= 2
    assert count("红岛路5号") >= 2
    assert count("和惠居", "扶手") >= 2
    assert count("莱阳路22号", "水管") >= 2
    assert count("莱阳路18号", "污水") >= 1
    assert count("鱼山路4号", "扶手") >= 1
    assert count("鱼山路4号", "太阳能") >= 1
    assert count("充值") >= 3
    assert count("文体活动") >= 2
    answered = suggestions.filter(status=SuggestionStatus.ANSWERED)
    assert answered.filter(text__contains="兴安支路2号", answer__contains="重新铺设").exists()

    to_simplified = opencc.OpenCC("t2s")
    traditional = [s.text for s in suggestions if to_simplified.convert(s.text) != s.text]
    assert len(traditional) >= 10


def _shingles(text: str, size: int) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + size] for i in range(len(text) - size + 1)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not next to the repo")
def test_demo_texts_are_written_for_the_demo_not_copied_from_the_seeds(demo: DemoResult) -> None:
    demo_suggestions_create(demo.campaign)
    seeds: set[str] = set()
    for path in SEEDS.glob("*.txt"):
        seeds |= _shingles(path.read_text(encoding="utf-8"), 12)
    for suggestion in Suggestion.objects.filter(campaign=demo.campaign):
        copied = _shingles(suggestion.text + suggestion.answer, 12) & seeds
        assert not copied, (suggestion.text, copied)
