"""One-time downloads of files made for one user: marked workbooks, new passwords.

The file waits in the shared cache (a database table, so every server process sees
it) under an unguessable token, for one user, and is gone after the first download.
"""

import secrets

from django.core.cache import cache
from django.http import Http404

from zhongzhi.org.models import User

_TTL_SECONDS = 30 * 60


def offer_download(*, user: User, content: bytes, filename: str) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(f"download:{token}", (user.pk, filename, content), _TTL_SECONDS)
    return token


def take_download(*, user: User, token: str) -> tuple[str, bytes]:
    key = f"download:{token}"
    kept = cache.get(key)
    if kept is None or kept[0] != user.pk:
        raise Http404
    cache.delete(key)
    return kept[1], kept[2]
