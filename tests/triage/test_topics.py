"""Topic classification: zero-shot keyword rules and the trainable model."""

from __future__ import annotations

import random

import numpy as np
import pytest

from zhongzhi.triage.topics import (
    KeywordTopicClassifier,
    TopicModel,
    TopicSpec,
    split_title,
    suggest_for_labelling,
)

TOPICS = [
    TopicSpec("交通", "公交线路、道路和停车", ("公交", "地铁", "停车", "红绿灯")),
    TopicSpec("环境", "噪音、垃圾和污染", ("噪音", "垃圾", "污染", "绿化")),
    TopicSpec("教育", "学校和幼儿园", ("学校", "幼儿园", "老师", "学生")),
]

# Written for the tests: short suggestions in three topics, varied by place and detail.
_PLACES = ["红岛路", "金口路", "福山路", "八大关", "太平角", "湛山", "香港西路", "延安三路"]
_PATTERNS = {
    "交通": [
        "{p}的公交线路太绕，建议调整{n}路公交车的站点",
        "{p}路口早高峰拥堵，建议增设红绿灯和公交专用道",
        "{p}停车位太少，希望规划公共停车场，方便乘坐地铁",
        "建议{n}路公交车延长末班时间，{p}的居民下班晚",
    ],
    "环境": [
        "{p}附近搅拌站噪音扰民，粉尘污染严重",
        "{p}的垃圾桶满了没人清运，气味难闻",
        "建议{p}增加绿化，补种行道树，减少扬尘污染",
        "{p}夜间施工噪音太大，居民无法休息",
    ],
    "教育": [
        "{p}的小学学位紧张，建议扩建学校",
        "{p}缺少公办幼儿园，孩子入园难",
        "建议{p}中学增加体育老师，学生课后活动太少",
        "{p}学校门口上下学时段不安全，请安排老师护导",
    ],
}


def _corpus(seed: int, per_topic: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[str] = []
    for topic, patterns in _PATTERNS.items():
        for _ in range(per_topic):
            text = rng.choice(patterns).format(p=rng.choice(_PLACES), n=rng.randint(1, 400))
            texts.append(text)
            labels.append(topic)
    return texts, labels


@pytest.fixture(scope="module")
def model() -> TopicModel:
    texts, labels = _corpus(1, 20)
    unlabelled, _ = _corpus(2, 30)
    return TopicModel.train(texts, labels, unlabelled, topics=TOPICS)


def test_bus_route_text_is_classified_as_transport_by_keywords():
    (prediction,) = KeywordTopicClassifier(TOPICS).predict(["建议调整36路公交线路，增加站点"])
    assert prediction.topic == "交通"
    assert "公交" in prediction.evidence
    assert prediction.confidence >= 0.5


def test_keyword_classifier_abstains_without_keywords_or_on_a_tie():
    classifier = KeywordTopicClassifier(TOPICS)
    nothing, tie = classifier.predict(["今天天气很好", "学校门口公交站"])
    assert nothing.topic is None and nothing.confidence == 0.0
    assert tie.topic is None  # one keyword of each topic: no side to take


def test_keyword_classifier_reads_traditional_and_full_width_text():
    (prediction,) = KeywordTopicClassifier(TOPICS).predict(["建議調整公交線路，ＡＢＣ站點"])
    assert prediction.topic == "交通"


def test_description_words_count_with_less_weight_than_keywords():
    classifier = KeywordTopicClassifier(
        [TopicSpec("停车", "车位紧张", ("停车场",)), TopicSpec("其他")]
    )
    by_description, by_keyword = classifier.predict(["车位紧张", "停车场"])
    assert by_description.best_guess == by_keyword.best_guess == "停车"
    assert 0 < by_description.confidence < by_keyword.confidence


def test_model_classifies_unseen_suggestions_with_evidence(model: TopicModel):
    texts, labels = _corpus(7, 5)
    predictions = model.predict(texts)
    right = sum(p.best_guess == label for p, label in zip(predictions, labels, strict=True))
    assert right / len(texts) >= 0.9
    (bus,) = model.predict(["建议调整公交线路，增加公交车班次"])
    assert bus.topic == "交通"
    assert any("公交" in word for word in bus.evidence)


def test_model_abstains_below_its_threshold(model: TopicModel):
    model.threshold, saved = 0.999, model.threshold
    try:
        (vague,) = model.predict(["请领导关注一下"])
        assert vague.topic is None
        assert vague.best_guess in {"交通", "环境", "教育"}
    finally:
        model.threshold = saved


def test_saved_model_predicts_the_same_after_loading(model: TopicModel, tmp_path):
    model.save(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"model.json", "arrays.npz"}
    loaded = TopicModel.load(tmp_path)
    texts, _ = _corpus(9, 4)
    assert loaded.predict(texts) == model.predict(texts)


def test_model_needs_two_topics_with_labels():
    with pytest.raises(ValueError, match="two topics"):
        TopicModel.train(["公交太少", "公交太挤"], ["交通", "交通"])


@pytest.mark.parametrize(
    "text", ["", "好", "😀😀😀", "，。！？", "\x00\x07\x1b", "公交" * 50_000, "a\nb\nc"]
)
def test_bad_input_gives_a_prediction_not_an_error(model: TopicModel, text: str):
    (prediction,) = model.predict([text])
    assert 0.0 <= prediction.confidence <= 1.0
    (rule,) = KeywordTopicClassifier(TOPICS).predict([text])
    assert 0.0 <= rule.confidence <= 1.0


def test_empty_text_has_no_topic(model: TopicModel):
    (prediction,) = model.predict(["😀"])
    assert prediction.topic is None and prediction.evidence == []


def test_suggest_for_labelling_prefers_varied_uncertain_texts(model: TopicModel):
    texts = ["请领导关注一下"] * 5 + ["建议调整公交线路", "噪音扰民", "学校学位紧张"]
    picked = model.suggest_for_labelling(texts, 3)
    assert len(picked) == len(set(picked)) == 3
    assert sum(i < 5 for i in picked) <= 1  # the five copies count as one
    assert suggest_for_labelling(texts, 2) and suggest_for_labelling([], 3) == []


def test_title_is_the_first_line_or_the_first_sentence():
    assert split_title("公交太少\n我们小区门口没有公交站")[0] == "公交太少"
    assert split_title("我们小区门口没有公交站。希望增设")[0] == "我们小区门口没有公交站"


def test_self_training_without_unlabelled_texts_is_the_plain_model():
    from zhongzhi.triage.topics.selftrain import train_self_trained

    texts, labels = _corpus(1, 20)
    plain = TopicModel.train(texts, labels, topics=TOPICS)
    self_trained = train_self_trained(texts, labels, topics=TOPICS)
    assert np.array_equal(plain.coef, self_trained.coef)


def test_a_campaign_model_from_few_labels_and_many_unlabelled_texts_classifies_new_ones():
    from zhongzhi.triage.topics.selftrain import train_campaign_model

    texts, labels = _corpus(1, 4)
    unlabelled, _ = _corpus(2, 40)
    new, truth = _corpus(3, 10)
    model = train_campaign_model(texts, labels, unlabelled, topics=TOPICS)
    guesses = [p.best_guess for p in model.predict(new)]
    assert np.mean([g == t for g, t in zip(guesses, truth, strict=True)]) >= 0.9
    assert model.params.prior_weight == 0.0
