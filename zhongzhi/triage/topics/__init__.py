"""Topic classification of suggestions.

Two stages, as a campaign goes:

* before staff have labelled anything, :class:`KeywordTopicClassifier` matches the
  campaign's own topics (names, descriptions, keywords) with weights and abstains when
  unsure;
* once staff have labelled some suggestions while screening, :class:`TopicModel` is
  trained on them (and on the unlabelled ones' vocabulary), improves as labels come in,
  and :func:`suggest_for_labelling` picks which suggestions to label next.

Every prediction is a :class:`TopicPrediction`: the topic (None when it abstains), a
confidence and the words that drove it.
"""

from zhongzhi.triage.topics.labelling import suggest_for_labelling
from zhongzhi.triage.topics.model import DEFAULT_THRESHOLD, ModelParams, TopicModel, split_title
from zhongzhi.triage.topics.rules import KeywordTopicClassifier, TopicPrediction, TopicSpec

__all__ = [
    "DEFAULT_THRESHOLD",
    "KeywordTopicClassifier",
    "ModelParams",
    "TopicModel",
    "TopicPrediction",
    "TopicSpec",
    "split_title",
    "suggest_for_labelling",
]
