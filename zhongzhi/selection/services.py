"""Writes of golden-idea selection: open a round, set it up, score, close it.

Every write locks the round's row first, so that a score and the closing of its round
cannot cross: a score saved is counted, and one sent after the close is refused. The
shortlist and the criteria may change only until the first score is given; nothing
changes once the round has closed. Each step is one audit entry, in the same
transaction.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import Entry, audit_record, audit_record_many
from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.intake.services import clean_text
from zhongzhi.org.models import Unit, User
from zhongzhi.selection.models import (
    DEFAULT_CRITERIA,
    MAX_SCORE,
    MIN_SCORE,
    Criterion,
    ReviewComment,
    RoundEntry,
    RoundState,
    Score,
    SelectionRound,
)
from zhongzhi.selection.ranking import chosen_keys, rank_entries
from zhongzhi.selection.selectors import reviewer_candidates, scoring_started

MAX_CRITERIA = 10
MAX_TOP_N = 1000
MAX_COMMENT = 1000
# Not shortlisted, not addable: merged into another, or judged invalid.
NOT_SELECTABLE = (SuggestionStatus.MERGED, SuggestionStatus.INVALID)


# --- checks ---------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写评选名称。")})
    if len(name) > 100:
        raise ValidationError({"name": _("评选名称最多 100 字。")})
    return name


def _clean_top_n(top_n: int) -> int:
    if not isinstance(top_n, int) or not 1 <= top_n <= MAX_TOP_N:
        raise ValidationError(
            {"top_n": _("入选名额须为 1 到 %(max)d 之间的整数。") % {"max": MAX_TOP_N}}
        )
    return top_n


def _clean_criteria(names: Sequence[str]) -> list[str]:
    cleaned = [name.strip() for name in names if name.strip()]
    if not cleaned:
        raise ValidationError({"criteria": _("请至少设置一个评分项。")})
    if len(cleaned) > MAX_CRITERIA:
        raise ValidationError({"criteria": _("评分项最多 %(max)d 个。") % {"max": MAX_CRITERIA}})
    too_long = [name for name in cleaned if len(name) > 30]
    if too_long:
        raise ValidationError(
            {"criteria": _("评分项“%(name)s”太长：最多 30 字。") % {"name": too_long[0][:30]}}
        )
    repeated = [name for name in cleaned if cleaned.count(name) > 1]
    if repeated:
        raise ValidationError({"criteria": _("评分项“%(name)s”重复了。") % {"name": repeated[0]}})
    return cleaned


def _check_unit(campaign: Campaign, unit: Unit | None) -> None:
    if unit is not None and not campaign.includes_unit(unit):
        raise ValidationError({"unit": _("所选单位不在这个活动的范围内。")})


def _clean_reviewers(campaign: Campaign, reviewers: Sequence[User]) -> list[User]:
    wanted = list({user.pk: user for user in reviewers}.values())
    allowed = set(
        reviewer_candidates(campaign)
        .filter(pk__in=[user.pk for user in wanted])
        .values_list("pk", flat=True)
    )
    outside = [user for user in wanted if user.pk not in allowed]
    if outside:
        raise ValidationError(
            {
                "reviewers": _("%(name)s 不是这个活动所属单位的账号，不能担任评审人。")
                % {"name": outside[0]}
            }
        )
    return wanted


def _lock(round_id: int) -> SelectionRound:
    return (
        SelectionRound.objects.select_for_update(of=("self",))
        .select_related("campaign__owner_unit", "unit")
        .get(pk=round_id)
    )


def _check_open(selection_round: SelectionRound) -> None:
    if selection_round.state != RoundState.OPEN:
        closed_at = (
            timezone.localtime(selection_round.closed_at) if selection_round.closed_at else None
        )
        raise ValidationError(
            _("这一轮评选已于 %(at)s 结束，结果已确定，不能再修改。")
            % {"at": f"{closed_at:%Y-%m-%d %H:%M}" if closed_at else "—"}
        )


def _check_not_started(selection_round: SelectionRound) -> None:
    if scoring_started(selection_round):
        raise ValidationError(_("评审人已经开始评分，评分项和评选名单不能再调整。"))


def _in_scope(selection_round: SelectionRound, suggestion: Suggestion) -> bool:
    if suggestion.campaign_id != selection_round.campaign_id:
        return False
    if selection_round.unit is None:
        return True
    return suggestion.unit is not None and suggestion.unit.path.startswith(
        selection_round.unit.path
    )


# --- opening and setting up -----------------------------------------------------------


def shortlist_candidates(campaign: Campaign, unit: Unit | None) -> list[Suggestion]:
    """What a round opens with: the excellent ideas (优秀金点子) of the campaign, or of
    the unit's subtree, oldest first."""
    suggestions = Suggestion.objects.filter(campaign=campaign, status=SuggestionStatus.EXCELLENT)
    if unit is not None:
        suggestions = suggestions.filter(unit__path__startswith=unit.path)
    return list(suggestions.order_by("submitted_at", "pk"))


@transaction.atomic
def round_open(
    *,
    campaign: Campaign,
    name: str,
    actor: User,
    criteria: Sequence[str] = DEFAULT_CRITERIA,
    top_n: int = 10,
    unit: Unit | None = None,
    reviewers: Sequence[User] = (),
) -> SelectionRound:
    """Open a round; its shortlist is the excellent ideas in scope at this moment."""
    name = _clean_name(name)
    top_n = _clean_top_n(top_n)
    names = _clean_criteria(criteria)
    _check_unit(campaign, unit)
    people = _clean_reviewers(campaign, reviewers)
    selection_round = SelectionRound.objects.create(
        campaign=campaign, unit=unit, name=name, top_n=top_n, opened_by=actor
    )
    Criterion.objects.bulk_create(
        Criterion(round=selection_round, name=text, order=index) for index, text in enumerate(names)
    )
    selection_round.reviewers.set(people)
    shortlist = shortlist_candidates(campaign, unit)
    RoundEntry.objects.bulk_create(
        RoundEntry(round=selection_round, suggestion=suggestion) for suggestion in shortlist
    )
    audit_record(
        action=AuditAction.SELECTION_OPEN,
        target=selection_round,
        actor=actor,
        campaign=campaign,
        unit=unit,
        after={
            "name": name,
            "criteria": names,
            "top_n": top_n,
            "reviewers": [str(user) for user in people],
            "entries": [s.receipt_code_display for s in shortlist],
        },
    )
    return selection_round


def _setup_entry(
    selection_round: SelectionRound, actor: User, before: dict[str, Any], after: dict[str, Any]
) -> None:
    audit_record(
        action=AuditAction.SELECTION_SETUP,
        target=selection_round,
        actor=actor,
        campaign=selection_round.campaign,
        unit=selection_round.unit,
        before=before,
        after=after,
    )


@transaction.atomic
def round_update(*, round_id: int, actor: User, name: str, top_n: int) -> SelectionRound:
    """Rename the round or change how many are chosen, while it is open."""
    selection_round = _lock(round_id)
    _check_open(selection_round)
    name, top_n = _clean_name(name), _clean_top_n(top_n)
    before = {"name": selection_round.name, "top_n": selection_round.top_n}
    if before == {"name": name, "top_n": top_n}:
        return selection_round
    selection_round.name, selection_round.top_n = name, top_n
    selection_round.save(update_fields=["name", "top_n"])
    _setup_entry(selection_round, actor, before, {"name": name, "top_n": top_n})
    return selection_round


@transaction.atomic
def round_set_criteria(*, round_id: int, actor: User, names: Sequence[str]) -> list[Criterion]:
    """The office's list of criteria, in order; only until the first score is given."""
    selection_round = _lock(round_id)
    _check_open(selection_round)
    _check_not_started(selection_round)
    wanted = _clean_criteria(names)
    current = {c.name: c for c in selection_round.criteria.all()}
    before = sorted(current, key=lambda text: (current[text].order, current[text].pk))
    if before == wanted:
        return [current[text] for text in wanted]
    Criterion.objects.filter(round=selection_round).exclude(name__in=wanted).delete()
    kept = []
    for index, text in enumerate(wanted):
        criterion = current.get(text) or Criterion(round=selection_round, name=text)
        criterion.order = index
        criterion.save()
        kept.append(criterion)
    _setup_entry(selection_round, actor, {"criteria": before}, {"criteria": wanted})
    return kept


@transaction.atomic
def round_set_reviewers(*, round_id: int, actor: User, reviewers: Sequence[User]) -> SelectionRound:
    """Name the reviewers; one who has scored already cannot be taken off (their scores
    count)."""
    selection_round = _lock(round_id)
    _check_open(selection_round)
    people = _clean_reviewers(selection_round.campaign, reviewers)
    current = list(selection_round.reviewers.all())
    kept_ids = {user.pk for user in people}
    leaving = [user for user in current if user.pk not in kept_ids]
    scored = set(
        Score.objects.filter(entry__round=selection_round, reviewer__in=leaving).values_list(
            "reviewer", flat=True
        )
    )
    if scored:
        name = next(str(user) for user in leaving if user.pk in scored)
        raise ValidationError(
            {"reviewers": _("%(name)s 已经评过分，不能从评审人中移除。") % {"name": name}}
        )
    before = sorted(str(user) for user in current)
    after = sorted(str(user) for user in people)
    if before != after:
        selection_round.reviewers.set(people)
        _setup_entry(selection_round, actor, {"reviewers": before}, {"reviewers": after})
    return selection_round


@transaction.atomic
def round_entry_add(*, round_id: int, actor: User, suggestion: Suggestion) -> RoundEntry:
    """Add an idea to the shortlist by hand, until the first score is given."""
    selection_round = _lock(round_id)
    _check_open(selection_round)
    _check_not_started(selection_round)
    if not _in_scope(selection_round, suggestion):
        raise ValidationError(_("这条建议不在这一轮评选的范围内。"))
    if suggestion.status in NOT_SELECTABLE:
        raise ValidationError(
            _("这条建议%(status)s，不能参加评选。") % {"status": suggestion.get_status_display()}
        )
    if selection_round.entries.filter(suggestion=suggestion).exists():
        raise ValidationError(_("这条建议已经在评选名单里了。"))
    entry = RoundEntry.objects.create(round=selection_round, suggestion=suggestion)
    _setup_entry(selection_round, actor, {}, {"added": suggestion.receipt_code_display})
    return entry


@transaction.atomic
def round_entry_remove(*, round_id: int, entry_id: int, actor: User) -> None:
    """Take an idea off the shortlist, until the first score is given."""
    selection_round = _lock(round_id)
    _check_open(selection_round)
    _check_not_started(selection_round)
    entry = selection_round.entries.select_related("suggestion").filter(pk=entry_id).first()
    if entry is None:
        raise ValidationError(_("评选名单里没有这一条。"))
    entry.delete()
    _setup_entry(selection_round, actor, {"removed": entry.suggestion.receipt_code_display}, {})


# --- scoring --------------------------------------------------------------------------


def _clean_values(criteria: Mapping[int, Criterion], values: Mapping[int, int]) -> dict[int, int]:
    unknown = [key for key in values if key not in criteria]
    if unknown:
        raise ValidationError(_("有评分项不属于这一轮评选，请刷新页面后再评。"))
    for value in values.values():
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(_("评分须为 1 到 5 分的整数。"))
        if not MIN_SCORE <= value <= MAX_SCORE:
            raise ValidationError(
                _("评分须为 1 到 5 分，“%(value)s”不在这个范围内。") % {"value": value}
            )
    missing = [c.name for key, c in criteria.items() if key not in values]
    if missing:
        raise ValidationError(
            _("请给每一项打分：还差“%(names)s”。") % {"names": "”“".join(missing)}
        )
    return dict(values)


@transaction.atomic
def entry_score(
    *, entry_id: int, reviewer: User, values: Mapping[int, int], comment: str = ""
) -> RoundEntry:
    """A reviewer's scores of one idea (criterion id -> 1..5, every criterion) and
    comment; given again, they replace the earlier ones — until the round closes."""
    entry = RoundEntry.objects.select_related("suggestion__unit").get(pk=entry_id)
    selection_round = _lock(entry.round_id)
    _check_open(selection_round)
    if not selection_round.entries.filter(pk=entry.pk).exists():
        raise ValidationError(_("这条建议已从评选名单中移除。"))
    if not selection_round.reviewers.filter(pk=reviewer.pk).exists():
        raise ValidationError(_("您不是这一轮评选的评审人。"))
    criteria = {c.pk: c for c in selection_round.criteria.all()}
    wanted = _clean_values(criteria, values)
    comment = clean_text("comment", comment, MAX_COMMENT, required=False)
    given = {s.criterion_id: s for s in Score.objects.filter(entry=entry, reviewer=reviewer)}
    old_comment = ReviewComment.objects.filter(entry=entry, reviewer=reviewer).first()
    before = {criteria[key].name: s.value for key, s in given.items() if key in criteria}
    after = {criteria[key].name: value for key, value in wanted.items()}
    old_text = old_comment.text if old_comment else ""
    if before == after and old_text == comment:
        return entry
    now = timezone.now()
    changed = []
    for key, value in wanted.items():
        score = given.get(key)
        if score is None:
            Score.objects.create(
                entry=entry, reviewer=reviewer, criterion_id=key, value=value, scored_at=now
            )
        elif score.value != value:
            score.value, score.scored_at = value, now
            changed.append(score)
    Score.objects.bulk_update(changed, ["value", "scored_at"])
    ReviewComment.objects.update_or_create(
        entry=entry, reviewer=reviewer, defaults={"text": comment, "saved_at": now}
    )
    audit_record(
        action=AuditAction.SELECTION_SCORE,
        target=entry,
        actor=reviewer,
        campaign=selection_round.campaign,
        unit=entry.suggestion.unit,
        before={**before, **({"comment": old_text} if old_text else {})} if given else {},
        after={**after, **({"comment": comment} if comment else {})},
        note=entry.suggestion.receipt_code_display,
    )
    return entry


# --- closing --------------------------------------------------------------------------


@transaction.atomic
def round_close(*, round_id: int, actor: User) -> SelectionRound:
    """Close the round: rank the shortlist, store each entry's figures, mark the top N
    chosen. From here on the round is a record."""
    selection_round = _lock(round_id)
    _check_open(selection_round)
    entries = list(selection_round.entries.select_related("suggestion__unit").order_by("pk"))
    if not entries:
        raise ValidationError(_("评选名单是空的，不能结束评选。"))
    scores: dict[int, list[int]] = defaultdict(list)
    for entry_id, value in Score.objects.filter(entry__round=selection_round).values_list(
        "entry_id", "value"
    ):
        scores[entry_id].append(value)
    if not scores:
        raise ValidationError(_("还没有任何评分，不能结束评选。"))
    ranked = {r.key: r for r in rank_entries(scores, [entry.pk for entry in entries])}
    chosen = chosen_keys(list(ranked.values()), selection_round.top_n)
    for entry in entries:
        figures = ranked[entry.pk]
        entry.rank, entry.tied = figures.rank, figures.tied
        entry.mean, entry.spread, entry.score_count = figures.mean, figures.spread, figures.count
        entry.chosen = entry.pk in chosen
    RoundEntry.objects.bulk_update(
        entries, ["rank", "tied", "mean", "spread", "score_count", "chosen"], batch_size=500
    )
    selection_round.state = RoundState.CLOSED
    selection_round.closed_by, selection_round.closed_at = actor, timezone.now()
    selection_round.save(update_fields=["state", "closed_by", "closed_at"])
    winners = sorted((e for e in entries if e.chosen), key=lambda e: (e.rank or 0, e.pk))
    audit_record(
        action=AuditAction.SELECTION_CLOSE,
        target=selection_round,
        actor=actor,
        campaign=selection_round.campaign,
        unit=selection_round.unit,
        before={"state": RoundState.OPEN},
        after={
            "state": RoundState.CLOSED,
            "entries": len(entries),
            "scored": len(scores),
            "chosen": [e.suggestion.receipt_code_display for e in winners],
        },
    )
    audit_record_many(
        Entry(
            AuditAction.SELECTION_CHOOSE,
            entry.suggestion,
            actor,
            selection_round.campaign,
            entry.suggestion.unit,
            after={
                "round": selection_round.name,
                "rank": entry.rank,
                "tied": entry.tied,
                "mean": round(entry.mean or 0, 2),
            },
            note=_("%(round)s 第 %(rank)d 名")
            % {"round": selection_round.name, "rank": entry.rank},
        )
        for entry in winners
    )
    return selection_round
