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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.analysis.models import HotIssue, SuggestionTriage, TopicLabel, TopicModelVersion
from zhongzhi.analysis.similarity import campaign_place_names
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
    "keywords",
    "score",
    "reasons",
    "triaged_at",
)
_ISSUE_AT: Final = _TRIAGE_COLUMNS.index("issue")


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
        kept_ids = _persisting_issue_ids(campaign_id, result)
        for index, old_pk in kept_ids.items():
            issues[position[index]].pk = old_pk
        # Clear the links first: deleting the issues then has nothing to SET_NULL.
        SuggestionTriage.objects.filter(campaign_id=campaign_id, issue__isnull=False).update(
            issue=None
        )
        HotIssue.objects.filter(campaign_id=campaign_id).delete()
        saved = HotIssue.objects.bulk_create(issues)
        issue_pk = {index: saved[at].pk for index, at in position.items()}
        kept = [values for values in rows if values[0] in existing]
        for values in kept:
            if values[_ISSUE_AT] is not None:
                values[_ISSUE_AT] = issue_pk.get(values[_ISSUE_AT])
        _upsert_triage(kept)
        # Rows of suggestions no longer triaged (marked invalid since, or deleted).
        SuggestionTriage.objects.filter(campaign_id=campaign_id, triaged_at__lt=now).delete()
    return {
        "groups": len(set(groups.values())),
        "topic_guesses": topic_guesses,
        "issues": len(issues),
    }


# Share of the larger of an old and a new issue that both must hold for the new one to
# keep the old id: one suggestion more or fewer keeps it, a split or a merge keeps it for
# the part that holds most of the members.
SAME_ISSUE_SHARE: Final = 0.5


def _persisting_issue_ids(campaign_id: int, result: TriageResult) -> dict[int, int]:
    """Library issue index -> id of the stored issue it continues (most members shared,
    each old id given once, the largest overlaps first)."""
    old: dict[int, set[int]] = {}
    links = SuggestionTriage.objects.filter(campaign_id=campaign_id, issue__isnull=False)
    for suggestion_id, issue_id in links.values_list("suggestion_id", "issue_id"):
        old.setdefault(issue_id, set()).add(suggestion_id)
    if not old:
        return {}
    old_of = {member: issue_id for issue_id, members in old.items() for member in members}
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
        if count >= SAME_ISSUE_SHARE * max(new[index], len(old[was])):
            kept[index] = was
            taken.add(was)
    return kept


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
    from zhongzhi.triage.topics import TopicModel

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
    model = TopicModel.train(texts, names, unlabelled, topics=specs)
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

    y = np.array(labels)
    _names, counts = np.unique(y, return_counts=True)
    if int(counts.min()) < CV_FOLDS:
        return None
    predicted = np.empty(len(texts), dtype=object)
    # A smaller vocabulary sample: the estimate needs the labels, not every word.
    sample = unlabelled[:2000]
    splitter = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=0)
    for train, test in splitter.split(np.zeros(len(y)), y):
        fold = TopicModel.train(
            [texts[i] for i in train], [labels[i] for i in train], sample, topics=specs
        )
        guesses = fold.predict([texts[i] for i in test])
        for i, guess in zip(test.tolist(), guesses, strict=True):
            predicted[i] = guess.best_guess or guess.topic or ""
    return round(float(f1_score(y, predicted.astype(str), average="macro")), 4)
