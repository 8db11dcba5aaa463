"""API tokens that units' systems use, and the stored answers to idempotent batch requests."""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongzhi.org.models import Unit, User

TOKEN_PREFIX = "zz_"


def hash_token(plain: str) -> str:
    """The SHA-256 we keep instead of the token itself (it is random, so no salt is needed)."""
    return hashlib.sha256(plain.encode("utf-8", "surrogatepass")).hexdigest()


class ApiToken(models.Model):
    """A unit's key to the API. It acts as its unit: only that unit's subtree."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("名称"), max_length=80, help_text=_("用在哪个系统，例如“社区小程序”。")
    )
    # Only a SHA-256 of the token is kept; the token itself is shown once, at creation.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so that a coordinator can tell which token a system uses.
    prefix = models.CharField(_("令牌开头"), max_length=12, editable=False)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`, replayed on a retry.

    `scope` says whose key it is ("token:12"), so that two units choosing the same
    key never see each other's answers; `request_hash` catches a key reused for a
    different request.
    """

    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=80)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} · {self.key}"
