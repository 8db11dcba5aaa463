"""The ranked list of a selection round, from plain numbers (no Django).

An entry's figures are over all its scores, every criterion of every reviewer alike:
the mean, the spread as the population standard deviation (how far the scores given
lie from their mean: 0 when every reviewer agreed), and how many scores there were.
Entries rank by mean, highest first; equal means (compared exactly, as fractions, not
as rounded floats) share a rank (并列), and the next rank skips as many places
("1, 2, 2, 4"). An entry nobody scored has no rank and comes last.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Ranked:
    key: int
    rank: int | None
    tied: bool
    mean: float | None
    spread: float | None
    count: int


def spread(values: Sequence[int]) -> float:
    """Population standard deviation: sqrt(sum((x - mean)²) / n)."""
    n = len(values)
    mean = Fraction(sum(values), n)
    return math.sqrt(sum((x - mean) ** 2 for x in values) / n)


def rank_entries(scores: Mapping[int, Sequence[int]], order: Sequence[int]) -> list[Ranked]:
    """Rank the entries ``order`` lists (their keys, in the order to show equals in) by
    the scores each has in ``scores``."""
    means = {key: Fraction(sum(scores[key]), len(scores[key])) for key in order if scores.get(key)}
    position = {key: index for index, key in enumerate(order)}
    scored = sorted(means, key=lambda key: (-means[key], position[key]))
    counts: dict[Fraction, int] = {}
    for key in scored:
        counts[means[key]] = counts.get(means[key], 0) + 1
    ranked: list[Ranked] = []
    rank = 0
    previous: Fraction | None = None
    for place, key in enumerate(scored, start=1):
        if means[key] != previous:
            rank, previous = place, means[key]
        values = scores[key]
        ranked.append(
            Ranked(
                key,
                rank,
                counts[means[key]] > 1,
                float(means[key]),
                spread(values),
                len(values),
            )
        )
    ranked += [Ranked(key, None, False, None, None, 0) for key in order if key not in means]
    return ranked


def chosen_keys(ranked: Sequence[Ranked], top_n: int) -> set[int]:
    """The top N: every entry ranked N or better. Entries tied at place N all go in (a
    tie is not broken by chance), so a tie at the boundary may choose more than N."""
    return {r.key for r in ranked if r.rank is not None and r.rank <= top_n}
