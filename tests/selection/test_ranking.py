"""The ranked list from plain numbers: means, spreads, ties, the top N."""

import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from zhongzhi.selection.ranking import chosen_keys, rank_entries, spread

HAND = {1: [5, 4, 5, 4], 2: [4, 5, 5, 4], 3: [3, 5, 4, 4], 4: [2, 1, 1, 1]}


def test_mean_and_spread_match_a_hand_computed_example() -> None:
    ranked = {r.key: r for r in rank_entries(HAND, [1, 2, 3, 4])}
    assert (ranked[1].mean, ranked[1].spread, ranked[1].count) == (4.5, 0.5, 4)
    assert ranked[3].mean == 4.0
    assert math.isclose(ranked[3].spread or 0, math.sqrt(0.5))  # (1 + 1 + 0 + 0) / 4
    assert ranked[4].mean == 1.25
    assert math.isclose(ranked[4].spread or 0, math.sqrt(0.1875))  # (0.75² + 3·0.25²) / 4


def test_equal_means_share_a_rank_and_the_next_rank_skips() -> None:
    ranked = rank_entries(HAND, [1, 2, 3, 4])
    assert [(r.key, r.rank, r.tied) for r in ranked] == [
        (1, 1, True),
        (2, 1, True),
        (3, 3, False),
        (4, 4, False),
    ]


def test_equal_means_are_compared_exactly_not_as_rounded_floats() -> None:
    # Means are fractions: 7/3 and 14/6 tie exactly, whatever floats would round to.
    ranked = rank_entries({1: [2, 2, 3], 2: [3, 2, 2, 2, 2, 3], 3: [2, 3, 2, 2]}, [1, 2, 3])
    assert [(r.key, r.rank, r.tied) for r in ranked] == [(1, 1, True), (2, 1, True), (3, 3, False)]


def test_unscored_entries_come_last_without_a_rank() -> None:
    ranked = rank_entries({2: [3]}, [1, 2])
    assert [(r.key, r.rank, r.mean, r.count) for r in ranked] == [
        (2, 1, 3.0, 1),
        (1, None, None, 0),
    ]


def test_a_tie_at_the_last_place_chooses_every_tied_entry_and_no_unscored_one() -> None:
    ranked = rank_entries(HAND, [1, 2, 3, 4, 5])
    assert chosen_keys(ranked, 2) == {1, 2}
    assert chosen_keys(ranked, 1) == {1, 2}  # 并列第 1: not broken by chance
    assert chosen_keys(ranked, 10) == {1, 2, 3, 4}


def test_everyone_agreeing_has_no_spread() -> None:
    assert spread([4, 4, 4]) == 0.0


scores = st.dictionaries(
    st.integers(1, 30), st.lists(st.integers(1, 5), min_size=1, max_size=12), max_size=15
)


@given(scores)
def test_a_rank_is_one_more_than_the_entries_with_a_higher_mean(given_scores: dict) -> None:
    order = sorted(given_scores)
    means = {k: Fraction(sum(v), len(v)) for k, v in given_scores.items()}
    for r in rank_entries(given_scores, order):
        assert r.rank == 1 + sum(1 for m in means.values() if m > means[r.key])
        assert r.tied == (sum(1 for m in means.values() if m == means[r.key]) > 1)
