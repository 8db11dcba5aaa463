"""Ratings and second looks through their services: once per suggestion, refused
codes, not before an answer, the answering unit, 不满意 → 回访, who records it."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import World
from tests.factories import MembershipFactory, UserFactory
from tests.rectification.factories import routed_suggestion
from tests.rectification.rating_factories import answered_directly, answered_through_measure
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.receipt_codes import format_receipt_code, new_receipt_code
from zhongzhi.intake.selectors import public_timeline
from zhongzhi.org.models import Role, User
from zhongzhi.rectification.models import Rating, SecondLook, SecondLookState
from zhongzhi.rectification.services import ratings
from zhongzhi.rectification.services.ratings import (
    RatingRefused,
    ReceiptNotFound,
    rating_submit,
    second_look_done,
)
from zhongzhi.screening.services.decisions import suggestion_decide


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_rating_an_answer_through_a_measure_counts_for_the_problems_unit(world: World) -> None:
    # Routed to 金口路社区, made a problem of 红岛路社区 by the office: 红岛路 answered it.
    source = routed_suggestion(world, unit=world.jinkoulu)
    suggestion = answered_through_measure(world, source)
    rating = rating_submit(
        receipt_code=suggestion.receipt_code_display.lower(), level="satisfied", comment=" 很好 "
    )
    assert (rating.suggestion, rating.unit, rating.campaign) == (
        suggestion,
        world.hongdaolu,
        world.campaign,
    )
    assert (rating.level, rating.comment) == ("satisfied", "很好")
    (entry,) = entries(AuditAction.RATE)
    assert (entry.actor, entry.unit, entry.target_id, entry.note) == (
        None,
        world.hongdaolu,
        suggestion.pk,
        "满意：很好",
    )
    assert not SecondLook.objects.exists()
    # The resident's timeline is about status changes only: a rating adds nothing there.
    assert [e.to_status for e in public_timeline(suggestion)][-1] == "answered"


def test_direct_answer_counts_for_the_suggestions_unit(world: World) -> None:
    suggestion = answered_directly(world, unit=world.jinkoulu)
    rating = rating_submit(receipt_code=suggestion.receipt_code, level="fairly")
    assert rating.unit == world.jinkoulu


def test_a_suggestion_is_rated_once_and_the_second_changes_nothing(world: World) -> None:
    suggestion = answered_directly(world)
    rating_submit(receipt_code=suggestion.receipt_code, level="satisfied")
    with pytest.raises(RatingRefused, match="已经评价过了") as refused:
        rating_submit(receipt_code=suggestion.receipt_code, level="dissatisfied", comment="改主意")
    assert refused.value.code == RatingRefused.ALREADY_RATED
    rating = Rating.objects.get()
    assert (rating.level, rating.comment) == ("satisfied", "")
    assert len(entries(AuditAction.RATE)) == 1
    assert not SecondLook.objects.exists()


def test_two_submits_at_once_the_loser_is_refused_not_an_error(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two simultaneous submits passes the check before the first commits;
    the one-to-one constraint refuses it, and it says so instead of failing."""
    suggestion = answered_directly(world)
    rating_submit(receipt_code=suggestion.receipt_code, level="fairly")
    monkeypatch.setattr(ratings, "_already_rated", lambda suggestion: False)
    with pytest.raises(RatingRefused) as refused:
        rating_submit(receipt_code=suggestion.receipt_code, level="dissatisfied")
    assert refused.value.code == RatingRefused.ALREADY_RATED
    assert Rating.objects.get().level == "fairly"
    assert not SecondLook.objects.exists()
    assert len(entries(AuditAction.RATE)) == 1


@pytest.mark.parametrize("code", ["", "ABC", "不是回执号1", "0000-00000"])
def test_malformed_codes_are_refused_with_why(world: World, code: str) -> None:
    with pytest.raises(ReceiptNotFound) as missing:
        rating_submit(receipt_code=code, level="satisfied")
    assert missing.value.message
    assert not Rating.objects.exists()


def test_a_well_formed_code_of_no_suggestion_is_refused(world: World) -> None:
    answered_directly(world)
    forged = format_receipt_code(new_receipt_code())
    with pytest.raises(ReceiptNotFound, match="没有找到这个回执号"):
        rating_submit(receipt_code=forged, level="satisfied")
    assert not Rating.objects.exists()


def test_no_rating_before_an_answer(world: World) -> None:
    suggestion = routed_suggestion(world)
    with pytest.raises(RatingRefused, match="还没有答复") as refused:
        rating_submit(receipt_code=suggestion.receipt_code, level="satisfied")
    assert refused.value.code == RatingRefused.NOT_ANSWERED
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("level", "comment", "message"),
    [
        ("", "", "请选择满意、基本满意或不满意"),
        ("excellent", "", "请选择满意、基本满意或不满意"),
        ("satisfied", "好" * 501, "最多 500 字"),
        ("satisfied", "好\x00", "控制字符"),
    ],
)
def test_bad_level_or_comment_is_refused(
    world: World, level: str, comment: str, message: str
) -> None:
    suggestion = answered_directly(world)
    with pytest.raises(ValidationError, match=message):
        rating_submit(receipt_code=suggestion.receipt_code, level=level, comment=comment)
    assert not Rating.objects.exists()


def test_each_merged_suggestion_rates_the_kept_ones_answer_once(world: World) -> None:
    kept = routed_suggestion(world, unit=world.jinkoulu)
    merged = routed_suggestion(world, text="兴安支路路面坑洼，下雨积水。", unit=world.jinkoulu)
    suggestion_decide(
        suggestion=merged, decision="merge", actor=world.jinkoulu_coordinator, merge_into=kept
    )
    with pytest.raises(RatingRefused, match="还没有答复"):
        rating_submit(receipt_code=merged.receipt_code, level="satisfied")
    suggestion_decide(
        suggestion=Suggestion.objects.get(pk=kept.pk),
        decision="answer",
        actor=world.jinkoulu_coordinator,
        reply="已修好。",
    )
    on_merged = rating_submit(receipt_code=merged.receipt_code, level="dissatisfied")
    on_kept = rating_submit(receipt_code=kept.receipt_code, level="satisfied")
    assert (on_merged.suggestion_id, on_merged.unit) == (merged.pk, world.jinkoulu)
    assert on_kept.suggestion_id == kept.pk
    assert entries(AuditAction.RATE)[0].after == {
        "level": "dissatisfied",
        "answered_with": kept.receipt_code_display,
    }
    with pytest.raises(RatingRefused, match="已经评价过了"):
        rating_submit(receipt_code=merged.receipt_code, level="satisfied")


def test_dissatisfied_opens_a_second_look_for_the_answering_unit(world: World) -> None:
    suggestion = answered_through_measure(world)
    rating = rating_submit(
        receipt_code=suggestion.receipt_code, level="dissatisfied", comment="路面又坏了"
    )
    look = SecondLook.objects.get()
    assert (look.rating, look.unit, look.state, look.result) == (
        rating,
        world.hongdaolu,
        SecondLookState.OPEN,
        "",
    )


def test_the_notification_hook_is_called_once_per_second_look(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[SecondLook] = []
    monkeypatch.setattr(ratings, "notify_second_look_opened", told.append)
    satisfied, dissatisfied = answered_directly(world), answered_through_measure(world)
    rating_submit(receipt_code=satisfied.receipt_code, level="satisfied")
    rating_submit(receipt_code=dissatisfied.receipt_code, level="dissatisfied")
    assert told == [SecondLook.objects.get()]


def _open_look(world: World) -> SecondLook:
    suggestion = answered_through_measure(world)
    rating_submit(receipt_code=suggestion.receipt_code, level="dissatisfied")
    return SecondLook.objects.get()


def test_the_units_coordinator_records_the_second_look(world: World) -> None:
    look = _open_look(world)
    done = second_look_done(
        second_look=look,
        actor=world.hongdaolu_coordinator,
        result="  已上门回访，雨后复查无积水，居民认可。 ",
    )
    assert (done.state, done.result, done.done_by) == (
        SecondLookState.DONE,
        "已上门回访，雨后复查无积水，居民认可。",
        world.hongdaolu_coordinator,
    )
    assert done.done_at is not None
    (entry,) = entries(AuditAction.SECOND_LOOK)
    assert (entry.actor, entry.unit, entry.target_id) == (
        world.hongdaolu_coordinator,
        world.hongdaolu,
        look.rating.suggestion_id,
    )


def test_the_campaign_office_records_a_second_look(world: World) -> None:
    look = _open_look(world)
    second_look_done(second_look=look, actor=world.office, result="办公室电话回访。")
    assert SecondLook.objects.get().done_by == world.office


@pytest.mark.parametrize("who", ["jinkoulu_coordinator", "supervisor", "leader", "staff"])
def test_others_may_not_record_a_second_look(world: World, who: str) -> None:
    look = _open_look(world)
    actor: User
    if who == "staff":
        actor = UserFactory(username="hdl-staff")  # type: ignore[assignment]  # factory_boy
        MembershipFactory(user=actor, unit=world.hongdaolu, role=Role.STAFF)
    else:
        actor = getattr(world, who)
    with pytest.raises(ValidationError, match="只有回访单位的联络员或活动办公室"):
        second_look_done(second_look=look, actor=actor, result="看过了。")
    assert SecondLook.objects.get().state == SecondLookState.OPEN
    assert not entries(AuditAction.SECOND_LOOK)


def test_a_second_look_needs_a_result_and_is_recorded_once(world: World) -> None:
    look = _open_look(world)
    with pytest.raises(ValidationError, match="请填写回访情况"):
        second_look_done(second_look=look, actor=world.hongdaolu_coordinator, result="  ")
    second_look_done(second_look=look, actor=world.hongdaolu_coordinator, result="已回访。")
    with pytest.raises(ValidationError, match="已经记录过了"):
        second_look_done(second_look=look, actor=world.office, result="再记一次。")
    assert SecondLook.objects.get().result == "已回访。"
    assert len(entries(AuditAction.SECOND_LOOK)) == 1
