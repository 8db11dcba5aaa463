"""Selection services against the database: opening, setup, scoring, closing."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.conftest import World
from tests.factories import UserFactory
from tests.selection.conftest import Round, make_round, score_hand_example
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.audit.selectors import audit_entries_for
from zhongzhi.intake.models import Suggestion
from zhongzhi.selection.models import Criterion, ReviewComment, RoundEntry, RoundState, Score
from zhongzhi.selection.services import (
    entry_score,
    round_close,
    round_entry_add,
    round_entry_remove,
    round_open,
    round_set_criteria,
    round_set_reviewers,
    round_update,
)


def shortlist(made: Round) -> set[int]:
    return set(made.round.entries.values_list("suggestion_id", flat=True))


def snapshot(made: Round) -> tuple[list, list, int]:
    """Everything a refused write must leave as it was."""
    return (
        sorted(Score.objects.filter(entry__round=made.round).values_list("pk", "value")),
        sorted(ReviewComment.objects.filter(entry__round=made.round).values_list("pk", "text")),
        AuditEntry.objects.count(),
    )


def test_opening_shortlists_the_excellent_ideas_of_the_campaign_or_a_units_subtree(
    world: World, ideas: dict[str, Suggestion]
) -> None:
    campaign_wide = make_round(world, ideas, reviewers=[world.leader])
    assert shortlist(campaign_wide) == {ideas[k].pk for k in "ABCDE"}  # not the received one
    hongdaolu = round_open(
        campaign=world.campaign, name="红岛路评选", actor=world.office, unit=world.hongdaolu
    )
    assert set(hongdaolu.entries.values_list("suggestion_id", flat=True)) == {
        ideas[k].pk for k in "ABE"
    }
    assert [c.name for c in hongdaolu.criteria.all()] == ["创新性", "可行性", "针对性"]


def test_opening_is_recorded_in_the_audit_log(world: World, open_round: Round) -> None:
    (entry,) = audit_entries_for(open_round.round)
    assert (entry.action, entry.actor, entry.campaign) == (
        AuditAction.SELECTION_OPEN,
        world.office,
        world.campaign,
    )
    assert entry.after["criteria"] == ["创新性", "可行性"]
    assert entry.after["reviewers"] == ["街道领导", "红岛路联络员"]
    assert len(entry.after["entries"]) == 5


def test_opening_refuses_a_unit_outside_the_campaign_and_outside_reviewers(
    world: World, ideas: dict[str, Suggestion]
) -> None:
    with pytest.raises(ValidationError, match="不在这个活动的范围内"):
        round_open(campaign=world.campaign, name="市里", actor=world.office, unit=world.district)
    stranger = UserFactory(full_name="外单位的人")
    with pytest.raises(ValidationError, match="外单位的人 不是这个活动所属单位的账号"):
        round_open(campaign=world.campaign, name="x", actor=world.office, reviewers=[stranger])
    with pytest.raises(ValidationError, match="评分项“创新性”重复了"):
        round_open(campaign=world.campaign, name="x", actor=world.office, criteria=["创新性"] * 2)
    assert not AuditEntry.objects.filter(action=AuditAction.SELECTION_OPEN).exists()


def test_the_office_adds_and_removes_ideas_until_scoring_starts(
    world: World, ideas: dict[str, Suggestion], open_round: Round
) -> None:
    rid = open_round.round.pk
    round_entry_remove(round_id=rid, entry_id=open_round.entry("D").pk, actor=world.office)
    added = round_entry_add(round_id=rid, actor=world.office, suggestion=ideas["received"])
    assert shortlist(open_round) == {ideas[k].pk for k in ["A", "B", "C", "E", "received"]}
    with pytest.raises(ValidationError, match="已经在评选名单里"):
        round_entry_add(round_id=rid, actor=world.office, suggestion=ideas["A"])
    setup = AuditEntry.objects.filter(action=AuditAction.SELECTION_SETUP)
    assert [e.before or e.after for e in setup] == [
        {"removed": ideas["D"].receipt_code_display},
        {"added": ideas["received"].receipt_code_display},
    ]

    entry_score(
        entry_id=open_round.entry("A").pk,
        reviewer=world.leader,
        values=dict.fromkeys(open_round.criteria, 3),
    )
    with pytest.raises(ValidationError, match="已经开始评分"):
        round_entry_remove(round_id=rid, entry_id=added.pk, actor=world.office)
    with pytest.raises(ValidationError, match="已经开始评分"):
        round_entry_add(round_id=rid, actor=world.office, suggestion=ideas["D"])
    with pytest.raises(ValidationError, match="已经开始评分"):
        round_set_criteria(round_id=rid, actor=world.office, names=["创新性"])
    assert RoundEntry.objects.filter(pk=added.pk).exists()


def test_criteria_are_edited_in_order_until_scoring_starts(world: World, open_round: Round) -> None:
    rid = open_round.round.pk
    kept = round_set_criteria(round_id=rid, actor=world.office, names=["针对性", "创新性"])
    assert [c.name for c in Criterion.objects.filter(round=rid)] == ["针对性", "创新性"]
    assert kept[1].pk == open_round.criteria[0]  # 创新性 kept its row, moved down
    with pytest.raises(ValidationError, match="请至少设置一个评分项"):
        round_set_criteria(round_id=rid, actor=world.office, names=["  ", ""])


def test_a_reviewer_changes_their_scores_and_comment_until_the_round_closes(
    world: World, open_round: Round
) -> None:
    entry, (innovation, feasibility) = open_round.entry("A"), open_round.criteria
    entry_score(
        entry_id=entry.pk,
        reviewer=world.leader,
        values={innovation: 3, feasibility: 4},
        comment="有新意",
    )
    entry_score(
        entry_id=entry.pk,
        reviewer=world.leader,
        values={innovation: 5, feasibility: 4},
        comment="很有新意，可以推广",
    )
    scores = Score.objects.filter(entry=entry, reviewer=world.leader)
    assert sorted(scores.values_list("criterion_id", "value")) == [
        (innovation, 5),
        (feasibility, 4),
    ]
    assert (
        ReviewComment.objects.get(entry=entry, reviewer=world.leader).text == "很有新意，可以推广"
    )
    first, second = AuditEntry.objects.filter(action=AuditAction.SELECTION_SCORE).order_by("pk")
    assert first.before == {} and first.after == {"创新性": 3, "可行性": 4, "comment": "有新意"}
    assert second.before == {"创新性": 3, "可行性": 4, "comment": "有新意"}
    assert second.after["创新性"] == 5 and second.actor == world.leader
    # saving the same again records nothing
    entry_score(
        entry_id=entry.pk,
        reviewer=world.leader,
        values={innovation: 5, feasibility: 4},
        comment="很有新意，可以推广",
    )
    assert AuditEntry.objects.filter(action=AuditAction.SELECTION_SCORE).count() == 2


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_a_score_outside_1_to_5_is_refused_in_chinese_and_changes_nothing(
    world: World, open_round: Round, bad: int
) -> None:
    entry, (innovation, feasibility) = open_round.entry("A"), open_round.criteria
    entry_score(entry_id=entry.pk, reviewer=world.leader, values={innovation: 4, feasibility: 4})
    before = snapshot(open_round)
    with pytest.raises(ValidationError, match="评分须为 1 到 5 分"):
        entry_score(
            entry_id=entry.pk,
            reviewer=world.leader,
            values={innovation: 5, feasibility: bad},
            comment="改一下",
        )
    assert snapshot(open_round) == before


def test_a_criterion_of_another_round_is_refused_and_changes_nothing(
    world: World, ideas: dict[str, Suggestion], open_round: Round
) -> None:
    other = make_round(world, ideas, reviewers=[world.leader], name="第二轮")
    before = snapshot(open_round)
    with pytest.raises(ValidationError, match="有评分项不属于这一轮评选"):
        entry_score(
            entry_id=open_round.entry("A").pk,
            reviewer=world.leader,
            values={open_round.criteria[0]: 4, other.criteria[1]: 4},
        )
    assert snapshot(open_round) == before


def test_every_criterion_must_be_scored(world: World, open_round: Round) -> None:
    with pytest.raises(ValidationError, match="请给每一项打分：还差“可行性”"):
        entry_score(
            entry_id=open_round.entry("A").pk,
            reviewer=world.leader,
            values={open_round.criteria[0]: 4},
        )
    assert not Score.objects.exists()


def test_only_named_reviewers_score(world: World, open_round: Round) -> None:
    with pytest.raises(ValidationError, match="您不是这一轮评选的评审人"):
        entry_score(
            entry_id=open_round.entry("A").pk,
            reviewer=world.office,
            values=dict.fromkeys(open_round.criteria, 4),
        )


def test_the_database_refuses_out_of_range_and_duplicate_scores(
    world: World, open_round: Round
) -> None:
    entry, criterion = open_round.entry("A"), open_round.criteria[0]
    for value in (0, 6):
        with pytest.raises(IntegrityError), transaction.atomic():
            Score.objects.create(
                entry=entry, reviewer=world.leader, criterion_id=criterion, value=value
            )
    Score.objects.create(entry=entry, reviewer=world.leader, criterion_id=criterion, value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(entry=entry, reviewer=world.leader, criterion_id=criterion, value=4)


def test_a_reviewer_who_has_scored_cannot_be_taken_off(world: World, open_round: Round) -> None:
    rid = open_round.round.pk
    entry_score(
        entry_id=open_round.entry("A").pk,
        reviewer=world.hongdaolu_coordinator,
        values=dict.fromkeys(open_round.criteria, 4),
    )
    with pytest.raises(ValidationError, match="红岛路联络员 已经评过分"):
        round_set_reviewers(round_id=rid, actor=world.office, reviewers=[world.leader])
    round_set_reviewers(
        round_id=rid,
        actor=world.office,
        reviewers=[world.hongdaolu_coordinator, world.office],  # the leader had not scored
    )
    assert set(open_round.round.reviewers.all()) == {world.hongdaolu_coordinator, world.office}


def test_closing_ranks_with_ties_stores_the_figures_and_chooses_the_top_n(
    world: World, ideas: dict[str, Suggestion], scored_round: Round
) -> None:
    round_close(round_id=scored_round.round.pk, actor=world.office)
    entries = {key: RoundEntry.objects.get(pk=e.pk) for key, e in scored_round.entries.items()}
    figures = {k: (e.rank, e.tied, e.score_count, e.chosen) for k, e in entries.items()}
    assert figures == {
        "A": (1, True, 4, True),
        "B": (1, True, 4, True),
        "C": (3, False, 4, False),
        "D": (4, False, 4, False),
        "E": (None, False, 0, False),
    }
    assert (entries["A"].mean, entries["A"].spread) == (4.5, 0.5)
    assert entries["C"].mean == 4.0 and math.isclose(entries["C"].spread or 0, math.sqrt(0.5))
    assert entries["D"].mean == 1.25 and round(entries["D"].spread or 0, 4) == 0.4330
    assert entries["E"].mean is None

    closing = AuditEntry.objects.get(action=AuditAction.SELECTION_CLOSE)
    assert closing.after["chosen"] == [
        ideas["A"].receipt_code_display,
        ideas["B"].receipt_code_display,
    ]
    chosen = AuditEntry.objects.filter(action=AuditAction.SELECTION_CHOOSE)
    assert {e.target_id for e in chosen} == {ideas["A"].pk, ideas["B"].pk}
    # the idea's own history says it was chosen
    (entry,) = audit_entries_for(ideas["A"]).filter(action=AuditAction.SELECTION_CHOOSE)
    assert entry.note == "第一轮金点子评选 第 1 名" and entry.after["tied"] is True


def test_a_tie_at_the_last_place_chooses_every_tied_idea(
    world: World, ideas: dict[str, Suggestion]
) -> None:
    made = make_round(world, ideas, reviewers=[world.leader, world.office], top_n=1)
    score_hand_example(world, made)
    round_close(round_id=made.round.pk, actor=world.office)
    assert set(made.round.entries.filter(chosen=True).values_list("suggestion_id", flat=True)) == {
        ideas["A"].pk,
        ideas["B"].pk,
    }


def test_a_closed_round_refuses_every_change_in_chinese(
    world: World, ideas: dict[str, Suggestion], scored_round: Round
) -> None:
    rid = scored_round.round.pk
    round_close(round_id=rid, actor=world.office)
    before = snapshot(scored_round)
    figures = list(RoundEntry.objects.filter(round=rid).values_list("rank", "mean", "chosen"))
    attempts = [
        lambda: entry_score(
            entry_id=scored_round.entry("C").pk,
            reviewer=world.leader,
            values=dict.fromkeys(scored_round.criteria, 5),
        ),
        lambda: round_close(round_id=rid, actor=world.office),
        lambda: round_update(round_id=rid, actor=world.office, name="改名", top_n=5),
        lambda: round_set_criteria(round_id=rid, actor=world.office, names=["创新性"]),
        lambda: round_set_reviewers(round_id=rid, actor=world.office, reviewers=[world.leader]),
        lambda: round_entry_add(round_id=rid, actor=world.office, suggestion=ideas["received"]),
        lambda: round_entry_remove(
            round_id=rid, entry_id=scored_round.entry("E").pk, actor=world.office
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="结束，结果已确定，不能再修改"):
            attempt()
    assert snapshot(scored_round) == before
    assert (
        list(RoundEntry.objects.filter(round=rid).values_list("rank", "mean", "chosen")) == figures
    )
    assert scored_round.round.__class__.objects.get(pk=rid).state == RoundState.CLOSED


def test_closing_an_empty_or_unscored_round_is_refused(world: World, open_round: Round) -> None:
    with pytest.raises(ValidationError, match="还没有任何评分"):
        round_close(round_id=open_round.round.pk, actor=world.office)
    empty = round_open(
        campaign=world.campaign, name="空的", actor=world.office, unit=world.fushanlu
    )
    with pytest.raises(ValidationError, match="评选名单是空的"):
        round_close(round_id=empty.pk, actor=world.office)
