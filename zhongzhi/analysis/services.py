"""Writes of the triage layer: triage a whole campaign, record staff topic labels, and
retrain a campaign's topic model from them.

``campaign_triage`` reads the campaign's suggestions as plain tuples, hands them to the
triage library (``zhongzhi.triage.pipeline.triage_batch``, no Django there) and writes
the result back in bulk: one ``SuggestionTriage`` row per suggestion (upserted, so a
second run leaves no duplicates) and the campaign's ``HotIssue`` list, replaced as a
whole in the same transaction, so a page never sees half of a run.
"""

from __future__ import annotations

import io
import logging
import os
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Field, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.analysis.models import (
    HotIssue,
    HotIssueEdit,
    HotIssueEditKind,
    HotIssueMove,
    SuggestionTriage,
    TopicLabel,
    TopicModelVersion,
)
from zhongzhi.analysis.similarity import campaign_place_names
from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.org.models import Unit, User

# The triage library (scipy, scikit-learn, jieba) is imported where it is used: web
# processes import this module to record labels, and need none of it.
if TYPE_CHECKING:
    from zhongzhi.triage.pipeline import TriageInput, TriageResult
    from zhongzhi.triage.topics import TopicModel, TopicSpec

logger = logging.getLogger(__name__)

# progress(stage, done, total): each stage reports when it starts and when it ends; the
# library's stages (``pipeline.STAGES``) come between our own "load" and "store".
Progress = Callable[[str, int, int], None]

# Retrain only once staff have labelled this many suggestions, in at least two topics
# with at least MIN_PER_TOPIC labels each: fewer teach a model nothing the keyword rules
# (the campaign's own topic keywords) do not already know.
MIN_LABELS: Final = 20
MIN_TOPICS: Final = 2
MIN_PER_TOPIC: Final = 3
# Triage uses a model only when it knows this share of the campaign's topics.
MIN_COVERAGE: Final = 0.8
# Cross-validate a new model (3 folds) while that stays cheap: a few seconds at most.
MAX_CV_LABELS: Final = 3000
CV_FOLDS: Final = 3
# Unlabelled suggestions that shape the model's vocabulary (TopicModel samples 20k).
MAX_UNLABELLED: Final = 20_000
READ_CHUNK: Final = 5000
WRITE_BATCH: Final = 2000
# Suggestions staff marked invalid (spam, abuse) are left out of triage.
EXCLUDED_STATUSES: Final = (SuggestionStatus.INVALID,)

# The columns of a SuggestionTriage row, in the order ``_store`` gives them.
_TRIAGE_COLUMNS: Final = (
    "suggestion",
    "campaign",
    "group",
    "canonical",
    "group_size",
    "topic_guess",
    "topic_confidence",
    "topic_evidence",
    "issue",
    "auto_issue",
    "keywords",
    "score",
    "reasons",
    "triaged_at",
)
_ISSUE_AT: Final = _TRIAGE_COLUMNS.index("issue")
_AUTO_ISSUE_AT: Final = _TRIAGE_COLUMNS.index("auto_issue")


@dataclass(frozen=True)
class TriageSummary:
    """What one run of ``campaign_triage`` did (shown on the Job and by the command)."""

    campaign_id: int
    suggestions: int
    groups: int
    duplicates: int
    topic_guesses: int
    issues: int
    model_version: int | None
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- reading a campaign ---------------------------------------------------------------


def triage_stages() -> tuple[str, ...]:
    """The stages ``campaign_triage`` reports, in order."""
    from zhongzhi.triage.pipeline import STAGES

    return ("load", *STAGES, "store")


def topic_specs(campaign_id: int) -> list[tuple[int, TopicSpec]]:
    """The campaign's topics as the library's ``TopicSpec``, with their ids."""
    from zhongzhi.triage.topics import TopicSpec

    topics = Topic.objects.filter(campaign_id=campaign_id).order_by("order", "pk")
    return [
        (pk, TopicSpec(name, description, tuple(str(k) for k in (keywords or []) if str(k))))
        for pk, name, description, keywords in topics.values_list(
            "pk", "name", "description", "keywords"
        )
    ]


def _campaign_units(campaign_id: int) -> dict[int, tuple[str, str]]:
    """Units of the campaign's tree (owning unit and below): id -> (name, short name).

    Raises ``Campaign.DoesNotExist`` for a campaign that is gone.
    """
    owner_path = Campaign.objects.values_list("owner_unit__path", flat=True).get(pk=campaign_id)
    units = Unit.objects.filter(path__startswith=owner_path)
    return {pk: (name, short) for pk, name, short in units.values_list("pk", "name", "short_name")}


def user_words(units: Iterable[tuple[str, str]], topics: Iterable[TopicSpec]) -> list[str]:
    """Words the segmenter must keep whole: unit names and short names, topic keywords."""
    words: dict[str, None] = {}
    for name, short in units:
        for word in (name, short):
            if len(word.strip()) >= 2:
                words[word.strip()] = None
    for topic in topics:
        for word in topic.keywords:
            if len(word.strip()) >= 2:
                words[word.strip()] = None
    return list(words)


def _triage_inputs(campaign_id: int, units: dict[int, tuple[str, str]]) -> list[TriageInput]:
    """The campaign's suggestions, oldest first (the first of a group is its canonical)."""
    from zhongzhi.triage.pipeline import TriageInput

    rows = (
        Suggestion.objects.filter(campaign_id=campaign_id)
        .exclude(status__in=EXCLUDED_STATUSES)
        .order_by("submitted_at", "pk")
        .values_list("pk", "text", "title", "submitted_at", "plus_ones", "unit_id")
    )
    items: list[TriageInput] = []
    missing: set[int] = set()
    raw = list(rows.iterator(chunk_size=READ_CHUNK))
    for *_rest, unit_id in raw:
        if unit_id is not None and unit_id not in units:
            missing.add(unit_id)
    if missing:  # a suggestion about a unit outside the campaign's tree (rare)
        for pk, name, short in Unit.objects.filter(pk__in=missing).values_list(
            "pk", "name", "short_name"
        ):
            units[pk] = (name, short)
    for pk, text, title, submitted_at, plus_ones, unit_id in raw:
        unit = units.get(unit_id) if unit_id is not None else None
        items.append(
            TriageInput(
                id=str(pk),
                text=text,
                title=title,
                time=submitted_at,
                likes=plus_ones,
                unit=unit[0] if unit else None,
            )
        )
    return items


# --- the topic model ------------------------------------------------------------------


def _pack(model: TopicModel) -> bytes:
    with tempfile.TemporaryDirectory(prefix="zz-topic-") as directory:
        model.save(directory)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for path in sorted(Path(directory).iterdir()):
                archive.add(path, arcname=path.name)
        return buffer.getvalue()


def _unpack(data: bytes) -> TopicModel:
    from zhongzhi.triage.topics import TopicModel

    with tempfile.TemporaryDirectory(prefix="zz-topic-") as directory:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            # "data": plain files only, nothing outside the directory (PEP 706).
            archive.extractall(directory, filter="data")
        return TopicModel.load(directory)


@lru_cache(maxsize=8)
def _load_model(version_id: int) -> TopicModel:
    """A stored model, unpacked once per process (a version never changes)."""
    archive = TopicModelVersion.objects.values_list("archive", flat=True).get(pk=version_id)
    return _unpack(bytes(archive))


def model_covers(model_topics: Iterable[str], topic_names: Iterable[str]) -> bool:
    """Whether a model knows enough of the campaign's topics to replace the keyword
    rules: a model only ever answers with topics it was trained on, so one that knows
    two topics of eleven would push everything into those two."""
    names = set(topic_names)
    known = set(model_topics) & names
    return len(known) >= MIN_TOPICS and len(known) >= MIN_COVERAGE * len(names)


def topic_model_for_triage(
    campaign_id: int, topic_names: Iterable[str]
) -> tuple[int, TopicModel] | None:
    """The newest topic model of the campaign, when it covers its topics (``model_covers``)
    and can be read; else None, and triage guesses with the keyword rules."""
    latest = (
        TopicModelVersion.objects.filter(campaign_id=campaign_id)
        .order_by("-trained_at", "-pk")
        .values_list("pk", "topics")
        .first()
    )
    if latest is None or not model_covers(latest[1], topic_names):
        return None
    try:
        return latest[0], _load_model(latest[0])
    except (OSError, ValueError, KeyError, tarfile.TarError):
        # An unreadable model must not stop triage: the keyword rules take over.
        logger.exception("topic model %s of campaign %s cannot be loaded", latest[0], campaign_id)
        return None


# --- campaign triage ------------------------------------------------------------------


def campaign_triage(campaign_id: int, progress: Progress | None = None) -> TriageSummary:
    """Triage every (non-invalid) suggestion of the campaign and store the result.

    Idempotent: running it twice on the same suggestions stores the same rows. The
    library's work happens outside any transaction; only the writes hold one. Raises
    ``Campaign.DoesNotExist`` for a campaign that is gone.
    """
    from zhongzhi.triage.pipeline import triage_batch

    started = time.perf_counter()

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    report("load", 0, 0)
    units = _campaign_units(campaign_id)
    topics = topic_specs(campaign_id)
    items = _triage_inputs(campaign_id, units)
    specs = [spec for _pk, spec in topics]
    latest = topic_model_for_triage(campaign_id, [spec.name for spec in specs])
    loaded = time.perf_counter()
    report("load", len(items), len(items))
    result = triage_batch(
        items,
        topics=specs,
        model=latest[1] if latest else None,
        user_words=user_words(units.values(), specs),
        place_names=campaign_place_names(campaign_id),
        progress=progress,
        workers=triage_workers(),
    )
    report("store", 0, len(items))
    stored = time.perf_counter()
    counts = _store(campaign_id, items, result, {spec.name: pk for pk, spec in topics})
    report("store", len(items), len(items))
    timings = {"load": round(loaded - started, 3), **result.timings}
    timings["store"] = round(time.perf_counter() - stored, 3)
    return TriageSummary(
        campaign_id=campaign_id,
        suggestions=len(items),
        groups=counts["groups"],
        duplicates=len(items) - counts["groups"],
        topic_guesses=counts["topic_guesses"],
        issues=counts["issues"],
        model_version=latest[0] if latest else None,
        seconds=round(time.perf_counter() - started, 3),
        timings=timings,
    )


def triage_workers() -> int:
    """Processes for one triage run: 2 (the library forks one helper for topics,
    keywords and scores) where there are cores to spare; ``ZHONGZHI_TRIAGE_WORKERS``."""
    configured = getattr(settings, "ZHONGZHI_TRIAGE_WORKERS", None)
    if configured is not None:
        return max(1, int(configured))
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def _group_keys(result: TriageResult) -> dict[int, int]:
    """Library group number -> primary key of the group's canonical suggestion."""
    keys: dict[int, int] = {}
    for row in result.rows:
        if row.canonical:
            keys.setdefault(row.group, int(row.id))
    for row in result.rows:  # a group without a marked canonical: its first member
        keys.setdefault(row.group, int(row.id))
    return keys


def _hot_issues(campaign_id: int, result: TriageResult) -> tuple[list[HotIssue], dict[int, int]]:
    """Unsaved HotIssues, hottest first, and library issue index -> position in that list."""
    order = sorted(range(len(result.issues)), key=lambda i: (-float(result.issues[i].heat), i))
    issues: list[HotIssue] = []
    position: dict[int, int] = {}
    for index in order:
        issue = result.issues[index]
        position[index] = len(issues)
        issues.append(
            HotIssue(
                campaign_id=campaign_id,
                rank=len(issues) + 1,
                label=str(issue.label)[:200],
                representative_id=int(str(issue.representative_id)),
                size=issue.size,
                likes=issue.likes,
                places=[str(p) for p in issue.places],
                groups=[str(g) for g in issue.groups],
                units=[str(u) for u in issue.units],
                keywords=[str(k) for k in issue.keywords],
                heat=round(float(issue.heat), 4),
                summary="\n".join(str(s) for s in issue.summary),
                first_at=issue.first_time,
                last_at=issue.last_time,
            )
        )
    return issues, position


def _store(
    campaign_id: int,
    items: Sequence[TriageInput],
    result: TriageResult,
    topic_ids: dict[str, int],
) -> dict[str, int]:
    now = timezone.now()
    groups = _group_keys(result)
    sizes: dict[int, int] = {}
    for row in result.rows:
        sizes[row.group] = sizes.get(row.group, 0) + 1
    issues, position = _hot_issues(campaign_id, result)
    topic_guesses = sum(1 for row in result.rows if row.topic and row.topic in topic_ids)
    # Everything that does not need the lock is done before taking it: on SQLite the
    # lock is the whole database's, and residents' submissions wait while it is held.
    rows = _triage_rows(
        (
            int(row.id),
            campaign_id,
            groups[row.group],
            groups[row.group] == int(row.id),
            sizes[row.group],
            topic_ids.get(row.topic) if row.topic else None,
            round(float(row.topic_confidence), 4),
            [str(word) for word in row.topic_evidence],
            row.issue,  # the issue's index in this run; its id once saved, below
            row.issue,  # the same, for the clustering's own issue (before staff edits)
            [str(word) for word in row.keywords],
            round(float(row.score), 4),
            [str(reason) for reason in row.reasons],
            now,
        )
        for row in result.rows
    )
    with transaction.atomic():
        # One writer per campaign at a time (a no-op on SQLite, whose write
        # transactions are serialised already). NO KEY: new suggestions, whose foreign
        # key takes a KEY SHARE lock on the campaign, must not wait for this run.
        list(
            Campaign.objects.select_for_update(no_key=True).filter(pk=campaign_id).values_list("pk")
        )
        # Suggestions deleted while the library worked have nothing to attach to.
        existing = _suggestion_ids(campaign_id)
        for issue in issues:
            if issue.representative_id not in existing:
                issue.representative_id = None
        # An issue whose members mostly stay keeps its id, so links and filters by it
        # survive the next automatic run: read the old memberships before replacing.
        # Staff edits (HotIssueEdit) are applied again on top of the clustering.
        old = _old_memberships(campaign_id)
        auto_ids = _persisting_issue_ids(old, result)
        edits = _edits(campaign_id)
        kept = [values for values in rows if values[0] in existing]
        final = _apply_edits(issues, position, auto_ids, edits, kept, items)
        old_labels = dict(
            HotIssue.objects.filter(campaign_id=campaign_id).values_list("pk", "label")
        )
        # Clear the links first: deleting the issues then has nothing to SET_NULL.
        SuggestionTriage.objects.filter(campaign_id=campaign_id, issue__isnull=False).update(
            issue=None
        )
        HotIssue.objects.filter(campaign_id=campaign_id).delete()
        saved = HotIssue.objects.bulk_create(final.issues)
        issue_pk = {index: saved[at].pk for index, at in final.position.items()}
        for values in kept:
            if values[_ISSUE_AT] is not None:
                index = values[_ISSUE_AT]
                shown = issue_pk.get(index)
                values[_ISSUE_AT] = None if values[0] in final.taken_out else shown
                values[_AUTO_ISSUE_AT] = auto_ids.get(index, shown)
        _record_moves(campaign_id, old, old_labels, kept)
        _upsert_triage(kept)
        # Rows of suggestions no longer triaged (marked invalid since, or deleted).
        SuggestionTriage.objects.filter(campaign_id=campaign_id, triaged_at__lt=now).delete()
    return {
        "groups": len(set(groups.values())),
        "topic_guesses": topic_guesses,
        "issues": len(final.issues),
    }


# Share of the larger of an old and a new issue that both must hold for the new one to
# keep the old id: one suggestion more or fewer keeps it, a split or a merge keeps it for
# the part that holds most of the members.
SAME_ISSUE_SHARE: Final = 0.5


@dataclass(frozen=True)
class _Memberships:
    """The stored issues of a campaign's suggestions before a run: the clustering's own
    (``auto``, which the next clustering is matched against) and the one shown."""

    auto: dict[int, set[int]]
    shown: dict[int, set[int]]


def _old_memberships(campaign_id: int) -> _Memberships:
    auto: dict[int, set[int]] = {}
    shown: dict[int, set[int]] = {}
    links = SuggestionTriage.objects.filter(campaign_id=campaign_id).exclude(
        issue__isnull=True, auto_issue__isnull=True
    )
    for suggestion_id, issue_id, auto_id in links.values_list(
        "suggestion_id", "issue_id", "auto_issue"
    ):
        if (auto_id := auto_id or issue_id) is not None:
            auto.setdefault(auto_id, set()).add(suggestion_id)
        if issue_id is not None:
            shown.setdefault(issue_id, set()).add(suggestion_id)
    return _Memberships(auto, shown)


def _persisting_issue_ids(old: _Memberships, result: TriageResult) -> dict[int, int]:
    """Library issue index -> id of the stored issue it continues (most members shared,
    each old id given once, the largest overlaps first), by the clustering's own
    memberships: a member staff took out, or an issue merged into another, still
    tells which issue continues which."""
    if not old.auto:
        return {}
    old_of = {member: issue_id for issue_id, members in old.auto.items() for member in members}
    new: dict[int, int] = {}
    shared: dict[tuple[int, int], int] = {}
    for row in result.rows:
        if row.issue is None:
            continue
        new[row.issue] = new.get(row.issue, 0) + 1
        if (was := old_of.get(int(row.id))) is not None:
            shared[row.issue, was] = shared.get((row.issue, was), 0) + 1
    kept: dict[int, int] = {}
    taken: set[int] = set()
    for (index, was), count in sorted(shared.items(), key=lambda item: (-item[1], item[0])):
        if index in kept or was in taken:
            continue
        if count >= SAME_ISSUE_SHARE * max(new[index], len(old.auto[was])):
            kept[index] = was
            taken.add(was)
    return kept


@dataclass(frozen=True)
class _Edits:
    merged_into: dict[int, int]  # issue id -> the id of the issue it is part of
    labels: dict[int, str]  # issue id -> the name staff gave it
    taken_out: dict[int, set[int]]  # issue id -> suggestions staff took out of it


def _edits(campaign_id: int) -> _Edits:
    merged_into: dict[int, int] = {}
    labels: dict[int, str] = {}
    taken_out: dict[int, set[int]] = {}
    rows = HotIssueEdit.objects.filter(campaign_id=campaign_id).order_by("at", "pk")
    for kind, issue_id, other_id, suggestion_id, label in rows.values_list(
        "kind", "issue_id", "other_id", "suggestion_id", "label"
    ):
        if kind == HotIssueEditKind.MERGE and other_id is not None:
            merged_into[other_id] = issue_id
        elif kind == HotIssueEditKind.RENAME:
            labels[issue_id] = label
        elif kind == HotIssueEditKind.REMOVE and suggestion_id is not None:
            taken_out.setdefault(issue_id, set()).add(suggestion_id)
    return _Edits(merged_into, labels, taken_out)


def _final_id(issue_id: int, merged_into: dict[int, int]) -> int:
    """Where an issue id leads through staff merges (a chain ends, a cycle stops)."""
    seen = {issue_id}
    while (target := merged_into.get(issue_id)) is not None and target not in seen:
        seen.add(target)
        issue_id = target
    return issue_id


@dataclass(frozen=True)
class _Final:
    issues: list[HotIssue]  # to save, hottest first
    position: dict[int, int]  # library issue index -> its HotIssue in ``issues``
    taken_out: set[int]  # suggestions staff took out of the issue they fell in


def _apply_edits(
    issues: list[HotIssue],
    position: dict[int, int],
    auto_ids: dict[int, int],
    edits: _Edits,
    rows: Sequence[Sequence[Any]],
    items: Sequence[TriageInput],
) -> _Final:
    """The run's issues with staff edits applied: what continues an issue merged into
    another is part of that one (their figures added up), a suggestion taken out of an
    issue (with its copies) stays out of it, a renamed issue keeps its name. An issue
    continued under its old id gets that id."""
    by_final: dict[int, list[int]] = {}
    for index, auto_id in auto_ids.items():
        by_final.setdefault(_final_id(auto_id, edits.merged_into), []).append(index)
    head_of: dict[int, int] = {}  # library index -> the index its issue is shown under
    for final_id, indexes in by_final.items():
        # The issue that continues the target itself leads; else the hottest part.
        own = [i for i in indexes if auto_ids[i] == final_id]
        head = own[0] if own else min(indexes, key=position.__getitem__)
        issues[position[head]].pk = final_id
        for index in indexes:
            head_of[index] = head
            if index != head:
                _add_up(issues[position[head]], issues[position[index]])
    likes_of = {int(item.id): item.likes for item in items}
    group_of = {int(values[0]): int(values[2]) for values in rows}
    removed_groups = {
        (final_id, group_of[s])
        for final_id, suggestions in edits.taken_out.items()
        for s in suggestions
        if s in group_of
    }
    taken_out: set[int] = set()
    remaining: dict[int, list[int]] = {}
    for values in rows:
        if (index := values[_ISSUE_AT]) is None:
            continue
        head = head_of.get(index, index)
        issue = issues[position[head]]
        if issue.pk is not None and (issue.pk, int(values[2])) in removed_groups:
            taken_out.add(int(values[0]))
            issue.size -= 1
            issue.likes = max(0, issue.likes - likes_of.get(int(values[0]), 0))
        else:
            remaining.setdefault(head, []).append(int(values[0]))
    final: list[HotIssue] = []
    final_position: dict[int, int] = {}
    heads = sorted({head_of.get(i, i) for i in position}, key=position.__getitem__)
    for head in heads:
        issue = issues[position[head]]
        if issue.size <= 0 or head not in remaining:
            continue
        if issue.representative_id in taken_out:
            issue.representative_id = remaining[head][0]
        if issue.pk is not None and issue.pk in edits.labels:
            issue.label = edits.labels[issue.pk]
        final_position[head] = len(final)
        final.append(issue)
    final.sort(key=lambda issue: -issue.heat)
    at = {id(issue): n for n, issue in enumerate(final)}
    for n, issue in enumerate(final):
        issue.rank = n + 1
    positions = {
        index: at[id(issues[position[head_of.get(index, index)]])]
        for index in position
        if head_of.get(index, index) in final_position
    }
    return _Final(final, positions, taken_out)


def _add_up(into: HotIssue, part: HotIssue) -> None:
    """``part`` shown as part of ``into``: sizes, +1s and heat added, places and groups
    joined, the time span widened; the name, keywords and summary are ``into``'s."""
    into.size += part.size
    into.likes += part.likes
    into.heat = round(into.heat + part.heat, 4)
    into.places = list(dict.fromkeys([*into.places, *part.places]))[:5]
    into.groups = list(dict.fromkeys([*into.groups, *part.groups]))[:5]
    into.units = sorted({*into.units, *part.units})
    times = [t for t in (into.first_at, part.first_at) if t is not None]
    into.first_at = min(times) if times else None
    times = [t for t in (into.last_at, part.last_at) if t is not None]
    into.last_at = max(times) if times else None


def _record_moves(
    campaign_id: int,
    old: _Memberships,
    old_labels: dict[int, str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """For each issue shown before this run and gone now, where most of its members
    went (``HotIssueMove``); a move that led to an issue gone now leads on."""
    now_in = {int(values[0]): values[_ISSUE_AT] for values in rows}
    live = {pk for pk in now_in.values() if pk is not None}
    HotIssueMove.objects.filter(campaign_id=campaign_id, from_id__in=live).delete()
    gone = {pk: members for pk, members in old.shown.items() if pk not in live}
    for pk, members in gone.items():
        went = Counter(now_in[m] for m in members if now_in.get(m) is not None)
        to_id = went.most_common(1)[0][0] if went else None
        HotIssueMove.objects.update_or_create(
            from_id=pk,
            defaults={
                "campaign_id": campaign_id,
                "to_id": to_id,
                "label": old_labels.get(pk, ""),
                "merged": False,
            },
        )
        HotIssueMove.objects.filter(campaign_id=campaign_id, to_id=pk).update(to_id=to_id)


def _suggestion_ids(campaign_id: int) -> set[int]:
    """The campaign's suggestion ids, read by a plain cursor: a tenth of the ORM's time
    for a big campaign, and this is read while the store holds its lock."""
    query = Suggestion.objects.filter(campaign_id=campaign_id).values_list("pk").query
    sql, params = query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk for (pk,) in cursor.fetchall()}


def _triage_rows(values: Iterable[tuple[Any, ...]]) -> list[list[Any]]:
    """Triage rows (one tuple per row, in ``_TRIAGE_COLUMNS`` order) with their values
    as the database takes them (JSON encoded, times adapted): the costly part of storing."""
    fields = _triage_fields()
    json_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    time_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"]
    prepared_time: dict[Any, Any] = {}

    def prepare(row: tuple[Any, ...]) -> list[Any]:
        out = list(row)
        for i in json_at:
            out[i] = fields[i].get_db_prep_save(out[i], connection)
        for i in time_at:
            if out[i] not in prepared_time:
                prepared_time[out[i]] = fields[i].get_db_prep_save(out[i], connection)
            out[i] = prepared_time[out[i]]
        return out

    return [prepare(row) for row in values]


def _triage_fields() -> list[Field]:
    return [cast(Field, SuggestionTriage._meta.get_field(name)) for name in _TRIAGE_COLUMNS]


def _upsert_triage(rows: list[list[Any]]) -> None:
    """Insert or update triage rows prepared by ``_triage_rows``.

    One multi-row ``INSERT … ON CONFLICT DO UPDATE`` per batch, as raw SQL: both SQLite
    and PostgreSQL speak it, and compiling the equivalent ``bulk_create`` costs several
    times more than running it (10 s for 20,000 rows, against 2 s).
    """
    fields = _triage_fields()
    quote = connection.ops.quote_name
    columns = [quote(str(f.column)) for f in fields]
    key = quote(str(SuggestionTriage._meta.get_field("suggestion").column))
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != key)
    row_sql = f"({', '.join(['%s'] * len(columns))})"
    table = quote(SuggestionTriage._meta.db_table)
    per_batch = max(
        1, min(WRITE_BATCH, (connection.features.max_query_params or 999) // len(columns))
    )
    for start in range(0, len(rows), per_batch):
        batch = rows[start : start + per_batch]
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
            f"{', '.join([row_sql] * len(batch))} ON CONFLICT ({key}) DO UPDATE SET {updates}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in batch for value in row])


# --- staff edits to hot issues ----------------------------------------------------------
#
# Each edit changes the stored issues at once and is recorded as a HotIssueEdit, which
# every later run applies again (``_apply_edits``); each is audited.


@transaction.atomic
def hot_issue_rename(*, issue: HotIssue, label: str, actor: User | None) -> HotIssue:
    """Give an issue the name staff chose; later runs keep it."""
    label = " ".join(label.split())
    if not label:
        raise ValidationError({"label": _("请填写问题名称。")})
    if len(label) > 200:
        raise ValidationError({"label": _("问题名称不能超过 200 个字。")})
    before = issue.label
    issue.label = label
    issue.save(update_fields=["label"])
    HotIssueEdit.objects.update_or_create(
        campaign_id=issue.campaign_id,
        kind=HotIssueEditKind.RENAME,
        issue_id=issue.pk,
        defaults={"label": label, "actor": actor},
    )
    audit_record(
        action=AuditAction.HOT_ISSUE_RENAME,
        target=issue,
        actor=actor,
        campaign=issue.campaign,
        before={"label": before},
        after={"label": label},
    )
    return issue


@transaction.atomic
def hot_issue_merge(*, issue: HotIssue, other: HotIssue, actor: User | None) -> HotIssue:
    """Make ``other`` part of ``issue``: its members join, its figures add up, its
    links lead to ``issue`` (``HotIssueMove``); later runs show whatever continues
    ``other`` as part of ``issue``."""
    if other.campaign_id != issue.campaign_id:
        raise ValidationError({"other": _("只能合并同一活动的热点问题。")})
    if other.pk == issue.pk:
        raise ValidationError({"other": _("请选择另一个热点问题。")})
    SuggestionTriage.objects.filter(issue=other).update(issue=issue)
    _add_up(issue, other)
    issue.save()
    edits = HotIssueEdit.objects.filter(campaign_id=issue.campaign_id)
    # What was merged into ``other``, or taken out of it, now concerns ``issue``.
    edits.filter(kind__in=[HotIssueEditKind.MERGE, HotIssueEditKind.REMOVE]).filter(
        issue_id=other.pk
    ).update(issue_id=issue.pk)
    edits.filter(kind=HotIssueEditKind.RENAME, issue_id=other.pk).delete()
    HotIssueEdit.objects.create(
        campaign_id=issue.campaign_id,
        kind=HotIssueEditKind.MERGE,
        issue_id=issue.pk,
        other_id=other.pk,
        actor=actor,
    )
    HotIssueMove.objects.update_or_create(
        from_id=other.pk,
        defaults={
            "campaign_id": issue.campaign_id,
            "to_id": issue.pk,
            "label": other.label,
            "merged": True,
        },
    )
    HotIssueMove.objects.filter(campaign_id=issue.campaign_id, to_id=other.pk).update(
        to_id=issue.pk
    )
    audit_record(
        action=AuditAction.HOT_ISSUE_MERGE,
        target=issue,
        actor=actor,
        campaign=issue.campaign,
        before={"issue": other.pk, "label": other.label, "size": other.size},
        after={"issue": issue.pk, "size": issue.size},
    )
    other.delete()
    _rerank(issue.campaign_id)
    return issue


@transaction.atomic
def hot_issue_remove(*, issue: HotIssue, suggestion: Suggestion, actor: User | None) -> int:
    """Take a suggestion, with its copies (its duplicate group), out of an issue; later
    runs keep it out. Returns how many suggestions left the issue."""
    triage = SuggestionTriage.objects.filter(suggestion=suggestion, issue=issue).first()
    if triage is None:
        raise ValidationError({"suggestion": _("这条建议不在这个热点问题里。")})
    leaving = SuggestionTriage.objects.filter(issue=issue, group=triage.group)
    ids = list(leaving.values_list("suggestion_id", flat=True))
    likes = sum(Suggestion.objects.filter(pk__in=ids).values_list("plus_ones", flat=True), start=0)
    leaving.update(issue=None)
    HotIssueEdit.objects.create(
        campaign_id=issue.campaign_id,
        kind=HotIssueEditKind.REMOVE,
        issue_id=issue.pk,
        suggestion=suggestion,
        actor=actor,
    )
    audit_record(
        action=AuditAction.HOT_ISSUE_REMOVE,
        target=issue,
        actor=actor,
        campaign=issue.campaign,
        before={"suggestion": suggestion.pk, "size": issue.size},
        after={"suggestions": ids, "size": max(0, issue.size - len(ids))},
    )
    issue.size = max(0, issue.size - len(ids))
    issue.likes = max(0, issue.likes - likes)
    if issue.representative_id in ids:
        issue.representative_id = (
            SuggestionTriage.objects.filter(issue=issue)
            .order_by("-score", "suggestion_id")
            .values_list("suggestion_id", flat=True)
            .first()
        )
    if issue.size == 0:
        HotIssueMove.objects.update_or_create(
            from_id=issue.pk,
            defaults={"campaign_id": issue.campaign_id, "to_id": None, "label": issue.label},
        )
        issue.delete()
        _rerank(issue.campaign_id)
    else:
        issue.save()
    return len(ids)


def _rerank(campaign_id: int) -> None:
    """Ranks 1, 2, … by heat again after a merge (two updates: the unique rank)."""
    issues = list(HotIssue.objects.filter(campaign_id=campaign_id).order_by("-heat", "rank"))
    if not issues:
        return
    offset = max(issue.rank for issue in issues) + 1
    HotIssue.objects.filter(campaign_id=campaign_id).update(rank=F("rank") + offset)
    for n, issue in enumerate(issues):
        issue.rank = n + 1
    HotIssue.objects.bulk_update(issues, ["rank"])


# --- topic labels and the topic model -------------------------------------------------


@transaction.atomic
def topic_label_set(*, suggestion: Suggestion, topic: Topic | None, actor: User | None) -> None:
    """Record (or clear, with ``topic=None``) the topic staff gave a suggestion.

    Intake's ``suggestion_set_topic`` calls this next to setting ``Suggestion.topic``;
    only these labels train the topic model.
    """
    if topic is None:
        TopicLabel.objects.filter(suggestion_id=suggestion.pk).delete()
        return
    if topic.campaign_id != suggestion.campaign_id:
        raise ValidationError({"topic": _("这个方面不属于该建议所在的活动。")})
    TopicLabel.objects.update_or_create(
        suggestion_id=suggestion.pk,
        defaults={"campaign_id": suggestion.campaign_id, "topic": topic, "labelled_by": actor},
    )


@dataclass(frozen=True)
class RetrainOutcome:
    version: TopicModelVersion | None
    label_count: int
    topic_count: int
    reason: str = ""  # why no model was trained


def _labels(campaign_id: int) -> list[tuple[int, str, str]]:
    """(suggestion id, "title\ntext", topic name) of the campaign's staff labels."""
    labels = TopicLabel.objects.filter(campaign_id=campaign_id).exclude(
        suggestion__status__in=EXCLUDED_STATUSES
    )
    return [
        (pk, _model_text(title, text), name)
        for pk, title, text, name in labels.order_by("suggestion_id").values_list(
            "suggestion_id", "suggestion__title", "suggestion__text", "topic__name"
        )
    ]


def _model_text(title: str, text: str) -> str:
    # "title\nbody", as the library's split_title expects.
    return f"{title}\n{text}" if title else text


def topic_model_retrain(campaign_id: int) -> RetrainOutcome:
    """Train a new topic model of the campaign from staff labels and store it.

    Needs MIN_LABELS labels in MIN_TOPICS topics with MIN_PER_TOPIC labels each; the
    campaign's other suggestions shape the vocabulary. Returns the new version, or None
    with the reason when there are too few labels.
    """
    from zhongzhi.triage.topics.selftrain import train_campaign_model

    labels = _labels(campaign_id)
    per_topic: dict[str, int] = {}
    for _pk, _text, name in labels:
        per_topic[name] = per_topic.get(name, 0) + 1
    usable = {name for name, n in per_topic.items() if n >= MIN_PER_TOPIC}
    labels = [label for label in labels if label[2] in usable]
    if len(labels) < MIN_LABELS or len(usable) < MIN_TOPICS:
        return RetrainOutcome(
            None,
            len(labels),
            len(usable),
            _("至少需要在 %(topics)d 个方面中各标注 %(per)d 条、共 %(total)d 条意见建议。")
            % {"topics": MIN_TOPICS, "per": MIN_PER_TOPIC, "total": MIN_LABELS},
        )
    last = (
        TopicModelVersion.objects.filter(campaign_id=campaign_id)
        .order_by("-trained_at", "-pk")
        .values_list("trained_at", "label_count")
        .first()
    )
    changed_at = TopicLabel.objects.filter(campaign_id=campaign_id).aggregate(
        at=Max("labelled_at")
    )["at"]
    if last and last[1] == len(labels) and (changed_at is None or changed_at <= last[0]):
        return RetrainOutcome(None, len(labels), len(usable), _("标注没有变化，无需重新训练。"))
    labelled_ids = {pk for pk, _t, _n in labels}
    texts = [text for _pk, text, _n in labels]
    names = [name for _pk, _text, name in labels]
    unlabelled = [
        _model_text(title, text)
        for pk, title, text in Suggestion.objects.filter(campaign_id=campaign_id)
        .exclude(status__in=EXCLUDED_STATUSES)
        .order_by("pk")
        .values_list("pk", "title", "text")[: MAX_UNLABELLED + len(labelled_ids)]
        .iterator(chunk_size=READ_CHUNK)
        if pk not in labelled_ids
    ][:MAX_UNLABELLED]
    specs = [spec for _pk, spec in topic_specs(campaign_id)]
    # Self-trained on the campaign's other suggestions (``triage.topics.selftrain``).
    model = train_campaign_model(texts, names, unlabelled, topics=specs)
    macro_f1 = _cross_validated_f1(texts, names, unlabelled, specs)
    version = TopicModelVersion.objects.create(
        campaign_id=campaign_id,
        label_count=len(labels),
        topics=sorted(usable),
        macro_f1=macro_f1,
        archive=_pack(model),
    )
    return RetrainOutcome(version, len(labels), len(usable))


def _cross_validated_f1(
    texts: list[str], labels: list[str], unlabelled: list[str], specs: list[TopicSpec]
) -> float | None:
    """Macro-F1 of the arg-max topic over CV_FOLDS stratified folds; None when the
    labels are too many (slow) or too few per topic to split."""
    if len(texts) > MAX_CV_LABELS:
        return None
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from zhongzhi.triage.topics import TopicModel
    from zhongzhi.triage.topics.selftrain import CAMPAIGN_MODEL_PARAMS

    y = np.array(labels)
    _names, counts = np.unique(y, return_counts=True)
    if int(counts.min()) < CV_FOLDS:
        return None
    predicted = np.empty(len(texts), dtype=object)
    # A smaller vocabulary sample: the estimate needs the labels, not every word.
    sample = unlabelled[:2000]
    splitter = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=0)
    for train, test in splitter.split(np.zeros(len(y)), y):
        # Without the self-training round (twice the time): a slight underestimate.
        fold = TopicModel.train(
            [texts[i] for i in train],
            [labels[i] for i in train],
            sample,
            topics=specs,
            params=CAMPAIGN_MODEL_PARAMS,
        )
        guesses = fold.predict([texts[i] for i in test])
        for i, guess in zip(test.tolist(), guesses, strict=True):
            predicted[i] = guess.best_guess or guess.topic or ""
    return round(float(f1_score(y, predicted.astype(str), average="macro")), 4)
