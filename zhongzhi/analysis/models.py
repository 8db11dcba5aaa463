"""The shared near-duplicate index of a campaign, as two tables (see ``stores.py``).

These rows are derived data: ``rebuild_duplicate_index`` recreates them from the
campaign's suggestions at any time. A member is a suggestion's primary key, kept as a
plain integer (the triage library knows ids, not rows).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign


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
