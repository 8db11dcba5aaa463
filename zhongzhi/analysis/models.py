"""The shared near-duplicate index of a campaign, as two tables (see ``stores.py``),
and what triage found (``SuggestionTriage``, ``HotIssue``), with the topic labels staff
gave and the topic models trained on them.

The index rows are derived data: ``rebuild_duplicate_index`` recreates them from the
campaign's suggestions at any time. A member is a suggestion's primary key, kept as a
plain integer (the triage library knows ids, not rows).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.models import User


class DuplicateBucketEntry(models.Model):
    """One canonical suggestion in one LSH / anchor / exact-text bucket.

    A bucket holds at most ``bucket_cap`` members, numbered 0, 1, … in the order they
    were appended. The primary key (campaign, key, position) is both the lookup index
    and the guard that a bucket never holds two members at the same place, so two
    processes that raced past the lock could not overfill it silently.
    """

    pk = models.CompositePrimaryKey("campaign", "key", "position")
    # db_index=False: the primary key starts with the campaign already. Nothing
    # references these rows, so CASCADE is Django's one-statement "fast delete".
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
    )
    key = models.BigIntegerField(_("桶"))
    position = models.PositiveSmallIntegerField(_("位置"))
    member = models.BigIntegerField(_("意见建议编号"))

    class Meta:
        verbose_name = _("查重索引桶")
        verbose_name_plural = _("查重索引桶")

    def __str__(self) -> str:
        return f"{self.key}[{self.position}] = {self.member}"


class DuplicateDigest(models.Model):
    """The sorted shingle hashes of a canonical suggestion, for exact verification."""

    pk = models.CompositePrimaryKey("campaign", "member")
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
    )
    member = models.BigIntegerField(_("意见建议编号"))
    digest = models.BinaryField(_("指纹"))

    class Meta:
        verbose_name = _("查重指纹")
        verbose_name_plural = _("查重指纹")

    def __str__(self) -> str:
        return f"{self.member} ({len(self.digest)} B)"


# --- triage results -------------------------------------------------------------------
#
# Written by ``services.campaign_triage`` from the triage library's batch result, all of
# a campaign at once; derived data like the index above (run triage again to rebuild).


class HotIssue(models.Model):
    """A hot issue of a campaign: many suggestions, from several places, about one thing.

    A campaign's hot issues are replaced as a whole by every triage run, in one
    transaction; ``rank`` 1 is the hottest. An issue that keeps most of its members
    keeps its id (``services._persisting_issue_ids``).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="hot_issues"
    )
    rank = models.PositiveIntegerField(_("排名"))
    label = models.CharField(_("名称"), max_length=200)
    representative = models.ForeignKey(
        Suggestion,
        verbose_name=_("代表性建议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    size = models.PositiveIntegerField(_("建议数"), default=0)
    likes = models.PositiveIntegerField(_("附议数"), default=0)
    places = models.JSONField(_("涉及地点"), default=list, blank=True)
    groups = models.JSONField(_("涉及人群"), default=list, blank=True)
    units = models.JSONField(_("涉及单位"), default=list, blank=True)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    heat = models.FloatField(_("热度"), default=0.0)
    # A few sentences of the members as written (the hottest issues only).
    summary = models.TextField(_("摘要"), blank=True)
    first_at = models.DateTimeField(_("最早提交"), null=True, blank=True)
    last_at = models.DateTimeField(_("最近提交"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("热点问题")
        verbose_name_plural = _("热点问题")
        ordering = ["campaign", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "rank"], name="hot_issue_unique_rank")
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.label}"


class SuggestionTriage(models.Model):
    """What triage found about one suggestion: its duplicate group, topic guess, hot
    issue, keywords and how concrete and actionable it is (score, with reasons)."""

    suggestion = models.OneToOneField(
        Suggestion,
        verbose_name=_("意见建议"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="triage",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="+"
    )
    # The primary key of the group's canonical (first) suggestion: stable across runs.
    group = models.BigIntegerField(_("重复组"))
    canonical = models.BooleanField(_("组内首条"), default=True)
    group_size = models.PositiveIntegerField(_("组内条数"), default=1)
    topic_guess = models.ForeignKey(
        Topic,
        verbose_name=_("推测方面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topic_confidence = models.FloatField(_("推测把握"), default=0.0)
    topic_evidence = models.JSONField(_("推测依据"), default=list, blank=True)
    issue = models.ForeignKey(
        HotIssue,
        verbose_name=_("热点问题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    # The issue the clustering put it in, before staff edits (``HotIssueEdit``): what
    # the next run matches its issues against, so that an issue continues under its id
    # whatever staff merged or took out.
    auto_issue = models.BigIntegerField(_("自动归入的热点问题"), null=True, blank=True)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    score = models.FloatField(_("可办性评分"), default=0.0)
    reasons = models.JSONField(_("评分理由"), default=list, blank=True)
    triaged_at = models.DateTimeField(_("分析时间"))

    class Meta:
        verbose_name = _("分流结果")
        verbose_name_plural = _("分流结果")
        indexes = [
            models.Index(fields=["campaign", "group"], name="triage_campaign_group"),
            models.Index(fields=["campaign", "score"], name="triage_campaign_score"),
            # The screening queue: one row per group (its canonical), best score first.
            models.Index(fields=["campaign", "canonical", "score"], name="triage_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} · {self.group}"


class HotIssueEditKind(models.TextChoices):
    RENAME = "rename", _("改名")
    MERGE = "merge", _("合并")
    REMOVE = "remove", _("移出")


class HotIssueEdit(models.Model):
    """A change staff made to a campaign's hot issues, which every later triage run
    applies again on top of what the clustering finds (``services._apply_edits``):

    * ``rename``: issue ``issue_id`` is called ``label``;
    * ``merge``: issue ``other_id`` is part of issue ``issue_id`` (whatever continues
      ``other_id`` in a later run is shown as ``issue_id``);
    * ``remove``: ``suggestion`` (and its copies) is not a member of issue ``issue_id``.

    Issue ids are plain integers: the rows of ``HotIssue`` are replaced by every run
    (keeping their ids while most members stay), and a merged issue has no row at all.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=HotIssueEditKind.choices)
    issue_id = models.BigIntegerField(_("热点问题编号"))
    other_id = models.BigIntegerField(_("并入的问题编号"), null=True, blank=True)
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("意见建议"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    label = models.CharField(_("名称"), max_length=200, blank=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now=True)

    class Meta:
        verbose_name = _("热点问题调整")
        verbose_name_plural = _("热点问题调整")
        indexes = [models.Index(fields=["campaign", "kind"], name="hot_issue_edit_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.issue_id}"


class HotIssueMove(models.Model):
    """Where a hot issue that no longer exists went: merged by staff into another, or
    dissolved by a triage run, its members now mostly in ``to_id`` (None: in no issue).
    A link to the old id leads there, with a note."""

    from_id = models.BigIntegerField(_("原热点问题编号"), primary_key=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="+"
    )
    to_id = models.BigIntegerField(_("现热点问题编号"), null=True, blank=True)
    label = models.CharField(_("原名称"), max_length=200, blank=True)
    merged = models.BooleanField(_("由工作人员合并"), default=False)
    at = models.DateTimeField(_("时间"), auto_now=True)

    class Meta:
        verbose_name = _("热点问题去向")
        verbose_name_plural = _("热点问题去向")

    def __str__(self) -> str:
        return f"{self.from_id} → {self.to_id}"


class TopicLabel(models.Model):
    """A topic staff gave a suggestion while screening: the training data of the
    campaign's topic model. (A topic chosen by a resident or an import is not a label.)"""

    suggestion = models.OneToOneField(
        Suggestion,
        verbose_name=_("意见建议"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="topic_label",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("方面"), on_delete=models.CASCADE, related_name="+"
    )
    labelled_by = models.ForeignKey(
        User,
        verbose_name=_("标注人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    labelled_at = models.DateTimeField(_("标注时间"), auto_now=True)

    class Meta:
        verbose_name = _("方面标注")
        verbose_name_plural = _("方面标注")

    def __str__(self) -> str:
        return f"{self.suggestion_id} → {self.topic_id}"


class TopicModelVersion(models.Model):
    """One trained topic model of a campaign; triage uses the newest."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="topic_models",
    )
    trained_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    label_count = models.PositiveIntegerField(_("标注数"))
    topics = models.JSONField(_("方面"), default=list)
    # Macro-F1 of a 3-fold cross-validation on the labels; None when not measured.
    macro_f1 = models.FloatField(_("宏平均 F1"), null=True, blank=True)
    # ``TopicModel.save`` writes a directory (JSON + npz, no pickle); kept as a tar.gz.
    archive = models.BinaryField(_("模型文件"))

    class Meta:
        verbose_name = _("方面模型")
        verbose_name_plural = _("方面模型")
        ordering = ["campaign", "-trained_at", "-pk"]
        get_latest_by = ["trained_at", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.trained_at:%Y-%m-%d %H:%M}"
