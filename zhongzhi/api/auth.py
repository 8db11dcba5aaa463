"""How API callers prove who they are.

- `ApiTokenAuth`: `Authorization: Bearer <token>`, a unit's token (see `api.access`).
  `request.auth` is the `ApiToken`.
- `StaffSessionAuth`: the signed-in staff member in the browser (Django's session,
  with CSRF on writes). `request.auth` is the `User`.
"""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from zhongzhi.api.models import ApiToken, hash_token
from zhongzhi.api.services import api_token_mark_used
from zhongzhi.org.models import User

# Longer than any token we issue; anything longer is refused without hashing.
_MAX_TOKEN_LENGTH = 200


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        token = token.strip()
        if not token or len(token) > _MAX_TOKEN_LENGTH:
            return None
        found = (
            ApiToken.objects.select_related("unit")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            return None
        api_token_mark_used(token=found)
        return found


class StaffSessionAuth(SessionAuth):
    """A signed-in account; what it sees is scoped by `intake.access`."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if isinstance(user, User) and user.is_active and not user.must_change_password:
            return user
        return None


api_token_auth = ApiTokenAuth()
staff_session_auth = StaffSessionAuth()
