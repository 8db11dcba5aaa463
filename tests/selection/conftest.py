"""Excellent ideas and a selection round over them, on the personas' campaign.

The hand-computed example (two criteria, two reviewers: the leader and the office):

    idea   leader   office   scores      mean   spread (population σ)
    A      5 4      5 4      5 4 5 4     4.5    0.5
    B      4 5      5 4      4 5 5 4     4.5    0.5        A and B: 并列第 1
    C      3 5      4 4      3 5 4 4     4.0    √0.5 ≈ 0.7071   3rd
    D      2 1      1 1      2 1 1 1     1.25   √0.1875 ≈ 0.4330 4th
    E      (nobody scored it)                  no rank
"""

from dataclasses import dataclass

import pytest

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.models import User
from zhongzhi.screening.services.decisions import suggestion_decide
from zhongzhi.selection.models import RoundEntry, SelectionRound
from zhongzhi.selection.services import entry_score, round_open

IDEAS = {
    "A": (
        "红岛路",
        "楼道声控灯改为感应灯",
        "建议把老楼楼道的声控灯统一换成人体感应灯，夜里老人上下楼更安全。",
    ),
    "B": ("红岛路", "社区食堂", "利用闲置的居委会一楼开设社区老年食堂，解决独居老人吃饭难。"),
    "C": ("金口路", "口袋公园加座椅", "金口一路小公园座椅太少，建议增加长椅并种植遮阴树。"),
    "D": ("金口路", "增设停车位", "把金口路两侧人行道改成停车位。"),
    "E": ("红岛路", "快递柜", "在红岛路4号院门口设快递柜，方便上班族取件。"),
}

HAND_SCORES = {
    # idea: {reviewer: (创新性, 可行性)}
    "A": {"leader": (5, 4), "office": (5, 4)},
    "B": {"leader": (4, 5), "office": (5, 4)},
    "C": {"leader": (3, 5), "office": (4, 4)},
    "D": {"leader": (2, 1), "office": (1, 1)},
}


@pytest.fixture
def ideas(world: World) -> dict[str, Suggestion]:
    """Five excellent ideas (three of 红岛路社区, two of 金口路社区) and one that is
    only received, which no round takes."""
    units = {"红岛路": world.hongdaolu, "金口路": world.jinkoulu}
    made = {}
    for key, (unit, title, text) in IDEAS.items():
        suggestion = SuggestionFactory(
            campaign=world.campaign, unit=units[unit], title=title, text=text
        )
        made[key] = suggestion_decide(
            suggestion=suggestion, decision="excellent", actor=world.office
        )
    made["received"] = SuggestionFactory(
        campaign=world.campaign, unit=world.hongdaolu, text="小区门口的路灯坏了，请维修。"
    )
    return made


@dataclass
class Round:
    round: SelectionRound
    entries: dict[str, RoundEntry]
    criteria: list[int]  # ids, in order

    def entry(self, key: str) -> RoundEntry:
        return self.entries[key]


def make_round(
    world: World,
    ideas: dict[str, Suggestion],
    *,
    reviewers: list[User],
    top_n: int = 2,
    name: str = "第一轮金点子评选",
) -> Round:
    opened = round_open(
        campaign=world.campaign,
        name=name,
        actor=world.office,
        criteria=["创新性", "可行性"],
        top_n=top_n,
        reviewers=reviewers,
    )
    by_suggestion = {e.suggestion_id: e for e in opened.entries.all()}
    entries = {key: by_suggestion[s.pk] for key, s in ideas.items() if s.pk in by_suggestion}
    return Round(opened, entries, [c.pk for c in opened.criteria.order_by("order")])


@pytest.fixture
def open_round(world: World, ideas: dict[str, Suggestion]) -> Round:
    """Reviewers: the leader and 红岛路's coordinator (the office is not one)."""
    return make_round(world, ideas, reviewers=[world.leader, world.hongdaolu_coordinator])


def score_hand_example(world: World, made: Round) -> None:
    people = {"leader": world.leader, "office": world.office}
    for key, by_reviewer in HAND_SCORES.items():
        for who, values in by_reviewer.items():
            entry_score(
                entry_id=made.entry(key).pk,
                reviewer=people[who],
                values=dict(zip(made.criteria, values, strict=True)),
                comment=f"{who}对{key}的评语",
            )


@pytest.fixture
def scored_round(world: World, ideas: dict[str, Suggestion]) -> Round:
    """The hand-computed example, scored and still open; top N = 2."""
    made = make_round(world, ideas, reviewers=[world.leader, world.office])
    score_hand_example(world, made)
    return made
