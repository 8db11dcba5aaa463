"""Per-client rate limits for the API: fixed-window counters shared by every server
process (`core.ratelimit`: a client's first few requests counted in the process, then
one upsert now and then).

The client is the remote address. Behind a proxy that we trust
(`ZHONGZHI_TRUSTED_PROXY = True`), it is the last address of `X-Forwarded-For`, the
one our proxy saw; earlier entries are whatever the client chose to send.

Limits can be changed with `ZHONGZHI_API_RATE_LIMITS = {"submit": (30, 60), ...}`
(requests, seconds). A 429 answer carries `Retry-After`.
"""

import hashlib
import math
import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from zhongzhi.api.models import ApiToken
from zhongzhi.core.ratelimit import count_request

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "submit": (30, 60),  # public single submissions per client
    "receipt": (120, 60),  # receipt-code reads per client (codes must stay unguessable)
    "rate": (20, 60),  # residents' ratings per client
    "batch": (30, 60),  # batch submissions per token
    "list": (120, 60),  # staff list reads per token or account
}


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR") or ""
    if getattr(settings, "ZHONGZHI_TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return remote


def client_identity(request: HttpRequest) -> str:
    """A token, then a signed-in account, then the client address."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiToken):
        return f"token:{auth.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"addr:{client_address(request)}"


def limit_for(scope: str) -> tuple[int, int]:
    limits = getattr(settings, "ZHONGZHI_API_RATE_LIMITS", {})
    return limits.get(scope, DEFAULT_LIMITS[scope])


def clock() -> float:
    """Seconds since the epoch; tests replace it to stay inside one window."""
    return time.time()


def hit(scope: str, identity: str) -> tuple[bool, int]:
    """Count one request; (allowed, seconds until the window ends)."""
    limit, window = limit_for(scope)
    now = clock()
    window_index = int(now // window)
    retry_after = max(1, math.ceil((window_index + 1) * window - now))
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    allowed, _ends_in = count_request(
        f"api:{scope}:{window}:{digest}", limit=limit, window=window, now=now
    )
    return allowed, retry_after


class FixedWindowThrottle(BaseThrottle):
    """A django-ninja throttle: runs after authentication, before the body is read.

    Stateless between requests (the wait is computed from the clock), so one
    instance serves every thread.
    """

    def __init__(self, scope: str) -> None:
        if scope not in DEFAULT_LIMITS:
            raise ValueError(f"unknown rate-limit scope {scope!r}")
        self.scope = scope

    def allow_request(self, request: HttpRequest) -> bool:
        allowed, _retry_after = hit(self.scope, client_identity(request))
        return allowed

    def wait(self) -> float | None:
        _limit, window = limit_for(self.scope)
        now = clock()
        return max(1.0, (int(now // window) + 1) * window - now)
