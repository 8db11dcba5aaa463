"""Segmentation with a campaign dictionary, keywords and extractive summaries."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhongzhi.triage.keywords import (
    KeywordExtractor,
    Segmenter,
    issue_keywords,
    keywords,
    split_sentences,
    summarise,
)

MIXING_PLANT = [
    "丽发新城旁边的搅拌站噪音扰民，晚上也在施工。请求尽快搬迁搅拌站！",
    "丽发新城搅拌站粉尘严重，居民不敢开窗。建议环保部门查处。",
    "搅拌站就在丽发新城小区旁边，噪音太大了，孩子无法学习。谢谢！",
    "强烈要求关停丽发新城附近的搅拌站，噪音和粉尘影响居民健康。",
]


def test_campaign_dictionary_keeps_place_names_whole_without_leaking():
    campaign = Segmenter({"金口路社区": "ns"})
    assert "金口路社区" in campaign.cut("金口路社区门口的路灯坏了")
    assert "金口路社区" not in Segmenter().cut("金口路社区门口的路灯坏了")


def test_keywords_of_a_suggestion_leave_out_stopwords_and_particles():
    words = keywords("丽发新城旁边建了搅拌站，噪音很大，建议搬迁搅拌站", k=5)
    assert "搅拌站" in words
    assert not {"的", "了", "建了", "建议", "问题"} & set(words)
    assert len(words) <= 5


def test_issue_keywords_are_the_words_members_share():
    words = issue_keywords(MIXING_PLANT, k=4)
    assert "搅拌站" in words
    assert "噪音" in words or "丽发新城" in words


def test_fitted_extractor_downweights_words_every_suggestion_uses():
    corpus = [f"A市{place}的路灯坏了" for place in ("红岛路", "金口路", "福山路", "湛山")] * 5
    extractor = KeywordExtractor.fit(corpus + MIXING_PLANT)
    assert extractor.keywords(MIXING_PLANT[0], k=3)[0] == "搅拌站"


def test_summary_takes_central_sentences_without_repeats():
    summary = summarise([*MIXING_PLANT, MIXING_PLANT[0]], 2)
    assert len(summary) == 2
    assert len(set(summary)) == 2
    assert all("搅拌站" in sentence for sentence in summary)
    assert all(any(sentence in text for text in MIXING_PLANT) for sentence in summary)


def test_sentences_split_on_chinese_punctuation_and_drop_fragments():
    assert split_sentences("路灯坏了很久了。谢谢！请尽快维修路灯？") == [
        "路灯坏了很久了。",
        "请尽快维修路灯？",
    ]


def test_bad_input_gives_empty_results():
    for text in ["", "好", "😀😀", "，。！", "\x00\x01\x7f"]:
        assert keywords(text) == []
        assert summarise([text]) == []
    assert issue_keywords([]) == []
    assert len(keywords("搅拌站噪音" * 20_000)) >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_keywords_and_summary_never_raise(text: str):
    words = keywords(text)
    assert all(isinstance(w, str) and w for w in words)
    assert all(isinstance(s, str) for s in summarise([text, text[::-1]]))
