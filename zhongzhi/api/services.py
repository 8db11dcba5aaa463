"""Writes for API tokens: create (the plain token is returned once), revoke, mark used."""

import datetime
import random
import secrets
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.api.models import TOKEN_PREFIX, ApiToken, IdempotencyRecord, hash_token
from zhongzhi.org.models import Unit, User

# Writing `last_used_at` on every request would turn each read into a write.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称，例如“社区小程序”。")})
    if len(name) > 80:
        raise ValidationError({"name": _("名称最多 80 字。")})
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise ValidationError({"name": _("名称含有无法显示的控制字符。")})
    return name


@transaction.atomic
def api_token_create(*, unit: Unit, name: str, created_by: User | None) -> tuple[ApiToken, str]:
    """A new token for `unit`. Returns (token, plain): show `plain` once; it is not kept."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        unit=unit,
        name=_clean_name(name),
        token_hash=hash_token(plain),
        prefix=plain[:10],
        created_by=created_by,
    )
    return token, plain


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token from working. Revoking twice keeps the first date."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_mark_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


# A retry comes within minutes or hours; a month later the key is long forgotten.
IDEMPOTENCY_KEEP = datetime.timedelta(days=30)
_PRUNE_CHANCE = 0.01


def idempotency_record_save(
    *, scope: str, key: str, request_hash: str, status_code: int, response: dict[str, Any]
) -> IdempotencyRecord:
    """Keep the first answer to a keyed write; now and then (one call in a hundred),
    forget records older than ``IDEMPOTENCY_KEEP`` so that the table does not grow
    for ever."""
    record = IdempotencyRecord.objects.create(
        scope=scope, key=key, request_hash=request_hash, status_code=status_code, response=response
    )
    if random.random() < _PRUNE_CHANCE:
        idempotency_records_prune()
    return record


def idempotency_records_prune(now: datetime.datetime | None = None) -> int:
    """Delete records older than ``IDEMPOTENCY_KEEP``; return how many."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_KEEP
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
