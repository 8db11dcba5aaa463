"""Every API error is JSON: `{"detail": "中文信息", "errors": {...}}` with a 4xx status.

`errors` maps a field to its messages (`{"text": ["请填写建议内容。"]}`); for a batch
it holds `items`, one entry per bad item with its `index` (from 0) and its errors.
"""

import logging
from typing import Any

import pydantic
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from zhongzhi.intake.services import NotCollecting

logger = logging.getLogger("zhongzhi.api")

# The body parameter of every operation is called `payload`; it is left out of paths.
BODY_PARAM = "payload"


class ApiNotFound(Http404):
    """A 404 whose message (Chinese) is shown to the caller."""


class BatchInvalid(Exception):
    """One or more items of a batch are invalid; nothing was saved."""

    def __init__(self, item_errors: list[dict[str, Any]]) -> None:
        self.item_errors = item_errors
        super().__init__(item_errors)


class IdempotencyConflict(Exception):
    """An Idempotency-Key that was used before for a different request."""


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("必填，不能缺少。"),
        "string_type": _("应为文本。"),
        "int_type": _("应为整数。"),
        "int_parsing": _("应为整数。"),
        "int_from_float": _("应为整数。"),
        "bool_type": _("应为 true 或 false。"),
        "bool_parsing": _("应为 true 或 false。"),
        "date_type": _("应为日期，例如 2026-09-01。"),
        "date_parsing": _("应为日期，例如 2026-09-01。"),
        "date_from_datetime_parsing": _("应为日期，例如 2026-09-01。"),
        "date_from_datetime_inexact": _("应为日期，例如 2026-09-01。"),
        "list_type": _("应为列表。"),
        "dict_type": _("应为 JSON 对象。"),
        "model_type": _("应为 JSON 对象。"),
        "model_attributes_type": _("应为 JSON 对象。"),
        "extra_forbidden": _("未知的字段。"),
        "json_invalid": _("不是有效的 JSON。"),
        "string_pattern_mismatch": _("格式不正确。"),
        "literal_error": _("不是允许的取值。"),
        "enum": _("不是允许的取值。"),
    }
    if kind == "string_too_long":
        return _("太长：最多 %(limit)s 字。") % {"limit": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("太短：至少 %(limit)s 字。") % {"limit": ctx.get("min_length")}
    if kind == "too_long":
        return _("太多：最多 %(limit)s 条。") % {"limit": ctx.get("max_length")}
    if kind == "too_short":
        return _("太少：至少 %(limit)s 条。") % {"limit": ctx.get("min_length")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("不能小于 %(limit)s。") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("不能大于 %(limit)s。") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind == "value_error" and ctx.get("error"):
        # Raised by our own validators, in Chinese.
        return str(ctx["error"])
    return messages.get(kind, _("格式不正确。"))


def _field_path(loc: tuple[Any, ...] | list[Any]) -> list[Any]:
    parts = list(loc)
    source = parts.pop(0) if parts else ""
    if source == "body" and parts and parts[0] == BODY_PARAM:
        parts.pop(0)
    return parts


def schema_errors(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Pydantic's errors as {field: [messages]}, batch items grouped by index."""
    fields: dict[str, list[str]] = {}
    items: dict[int, dict[str, list[str]]] = {}
    for error in errors:
        path = _field_path(error.get("loc", ()))
        message = _pydantic_message(error)
        if len(path) >= 2 and path[0] == "items" and isinstance(path[1], int):
            field = ".".join(str(part) for part in path[2:]) or "item"
            items.setdefault(path[1], {}).setdefault(field, []).append(message)
        else:
            field = ".".join(str(part) for part in path) or "body"
            fields.setdefault(field, []).append(message)
    result: dict[str, Any] = dict(fields)
    if items:
        # Messages about the list itself (too long...) move aside for the per-item ones.
        if list_level := result.pop("items", None):
            result.setdefault("body", []).extend(list_level)
        result["items"] = [{"index": index, "errors": items[index]} for index in sorted(items)]
    return result


def _is_item_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)


def django_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {"body": list(error.messages)}


def batch_detail(item_errors: list[dict[str, Any]]) -> str:
    indexes = "、".join(str(entry["index"]) for entry in item_errors[:20])
    if len(item_errors) > 20:
        indexes += "……"
    return _("有 %(count)d 条建议有误（index：%(indexes)s），整批未保存，请修改后重新提交。") % {
        "count": len(item_errors),
        "indexes": indexes,
    }


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = schema_errors(exc.errors)
        if _is_item_list(errors.get("items")):
            detail = batch_detail(errors["items"])
        else:
            field, messages = next(iter(errors.items()))
            detail = _("提交的内容有误：%(field)s %(message)s") % {
                "field": field,
                "message": messages[0],
            }
        return respond(request, 422, detail, errors=errors)

    @api.exception_handler(DjangoValidationError)
    def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = django_errors(exc)
        first = next((messages[0] for messages in errors.values() if messages), "")
        return respond(request, 422, first or _("提交的内容有误。"), errors=errors)

    @api.exception_handler(BatchInvalid)
    def on_batch_invalid(request: HttpRequest, exc: BatchInvalid) -> HttpResponse:
        detail = batch_detail(exc.item_errors)
        return respond(request, 422, detail, errors={"items": exc.item_errors})

    @api.exception_handler(IdempotencyConflict)
    def on_idempotency_conflict(request: HttpRequest, exc: IdempotencyConflict) -> HttpResponse:
        detail = _("这个 Idempotency-Key 已用于另一个不同的请求；新的请求请换一个新的键。")
        return respond(request, 422, detail, errors={"Idempotency-Key": [detail]})

    @api.exception_handler(NotCollecting)
    def on_not_collecting(request: HttpRequest, exc: NotCollecting) -> HttpResponse:
        return respond(request, 409, exc.message, errors={"campaign": [exc.message]})

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        if isinstance(exc, ApiNotFound) and exc.args:
            return respond(request, 404, str(exc.args[0]))
        return respond(request, 404, _("没有找到，或您无权查看。"))

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, Throttled):
            # django-ninja adds Retry-After to this answer.
            seconds = int(exc.wait or 60)
            detail = _("请求太频繁，请 %(seconds)d 秒后再试。") % {"seconds": seconds}
            return respond(request, 429, detail)
        if isinstance(exc, AuthenticationError):
            response = respond(
                request, 401, _("需要登录，或提供有效的接口令牌（Authorization: Bearer …）。")
            )
            response["WWW-Authenticate"] = 'Bearer realm="zhongzhi"'
            return response
        if exc.status_code == 400 and isinstance(exc.__cause__, Exception):
            # The body could not be read: not JSON, or not UTF-8.
            return respond(request, 400, _("请求内容不是有效的 JSON（UTF-8 编码）。"))
        if exc.status_code == 403:
            return respond(request, 403, _("CSRF 校验失败，请刷新页面后再试。"))
        return respond(request, exc.status_code, exc.message)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, _("请求太大，请分成几批提交。"))

    @api.exception_handler(SuspiciousOperation)
    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return respond(request, 400, _("请求无法处理。"))

    @api.exception_handler(ValueError)
    def on_value_error(request: HttpRequest, exc: ValueError) -> HttpResponse:
        # E.g. a NUL character that PostgreSQL refuses: the caller's input, not our fault.
        logger.warning("API request refused: %r", exc)
        return respond(request, 400, _("请求内容有误，无法处理。"))

    @api.exception_handler(pydantic.ValidationError)
    def on_bad_response(request: HttpRequest, exc: pydantic.ValidationError) -> HttpResponse:
        # Input errors arrive as ninja's ValidationError; this one is our answer failing
        # its own schema: a bug, not the caller's fault (and not a ValueError to excuse).
        return on_unexpected(request, exc)

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # As Django would for a view: log it, tell error reporting (and the test client).
        logger.error("API error on %s", request.path, exc_info=exc)
        got_request_exception.send(sender=None, request=request)
        return respond(request, 500, _("服务器出错了，请稍后再试。"))
