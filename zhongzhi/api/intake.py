"""The intake router: submit one suggestion or a batch, read a receipt, list suggestions.

Views are thin: parse the typed body, check access, call `intake.services`, answer.
Writes accept an `Idempotency-Key` header: a retry answers with the first result
(200 and the header `Idempotent-Replayed: true`) and never creates a second
suggestion.
"""

import datetime
import hashlib
import json
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Header, Query, Router, Status

from zhongzhi.api import access as api_access
from zhongzhi.api.auth import api_token_auth, staff_session_auth
from zhongzhi.api.errors import ApiNotFound, BatchInvalid, IdempotencyConflict
from zhongzhi.api.models import ApiToken, IdempotencyRecord
from zhongzhi.api.ratelimit import FixedWindowThrottle
from zhongzhi.api.ratings import rating_out
from zhongzhi.api.schemas import (
    BatchIn,
    BatchOut,
    CampaignOut,
    ErrorOut,
    Id,
    ReceiptOut,
    SubmitOut,
    SuggestionFilters,
    SuggestionIn,
    SuggestionPage,
)
from zhongzhi.api.services import idempotency_record_save
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.campaigns.selectors import CHOICES_SECONDS, CampaignChoices, campaign_choices
from zhongzhi.core import clock
from zhongzhi.intake import access as intake_access
from zhongzhi.intake.models import Channel, Suggestion, SuggestionStatus
from zhongzhi.intake.receipt_codes import EXAMPLE_CODE, format_receipt_code, parse_receipt_code
from zhongzhi.intake.selectors import public_timeline, suggestion_number_in
from zhongzhi.intake.services import (
    check_campaign_collects,
    suggestion_numbers_reserve,
    suggestion_submit,
)
from zhongzhi.org.models import Unit, User, unit_code_validator
from zhongzhi.rectification.selectors_ratings import receipt_rating

router = Router(tags=["意见建议"])

IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    description="可选。1 至 80 个可见 ASCII 字符（建议用 UUID）；同一个键重试时返回第一次的结果。",
)

ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}

_IDEMPOTENCY_KEY = re.compile("[!-~]{1,80}")  # visible ASCII
# Service error fields → the API's field names.
_FIELD_NAMES = {"name": "submitter_name", "unit": "unit_code", "meeting": "body"}


# --- helpers --------------------------------------------------------------------


def _clean_key(raw: str | None) -> str:
    key = (raw or "").strip()
    if not key:
        return ""
    if not _IDEMPOTENCY_KEY.fullmatch(key):
        message = _("Idempotency-Key 应为 1 至 80 个可见 ASCII 字符，建议用 UUID。")
        raise ValidationError({"Idempotency-Key": message})
    return key


def _api_errors(error: ValidationError) -> dict[str, list[str]]:
    if not hasattr(error, "error_dict"):
        return {"body": list(error.messages)}
    return {_FIELD_NAMES.get(field, field): msgs for field, msgs in error.message_dict.items()}


def _has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in value)


# Lazy: translated only for an error message, not on every submission.
_TOPIC, _CATEGORY = gettext_lazy("方面"), gettext_lazy("群体类别")
_STATUS_LABELS = dict(SuggestionStatus.choices)  # status -> lazy label


class _CampaignChoices:
    """A campaign's topics and categories, picked by id or name (``campaign_choices``)."""

    def __init__(self, choices: CampaignChoices) -> None:
        self.topics = choices.topics
        self.categories = choices.categories

    @staticmethod
    def _pick(
        choices: list[Any], field: str, by_id: int | None, by_name: str | None, label: Any
    ) -> Any:
        chosen = None
        if by_id is not None:
            chosen = next((choice for choice in choices if choice.pk == by_id), None)
            if chosen is None:
                raise ValidationError(
                    {
                        f"{field}_id": _("这个活动没有 id 为 %(id)s 的%(label)s。")
                        % {"id": by_id, "label": label}
                    }
                )
        if by_name is not None and by_name.strip():
            name = by_name.strip()
            named = next((choice for choice in choices if choice.name == name), None)
            if named is None:
                raise ValidationError(
                    {
                        field: _("这个活动没有名为“%(name)s”的%(label)s。")
                        % {"name": name, "label": label}
                    }
                )
            if chosen is not None and chosen != named:
                raise ValidationError(
                    {field: _("%(label)s的 id 与名称不一致。") % {"label": label}}
                )
            chosen = named
        return chosen

    def topic(self, by_id: int | None, by_name: str | None) -> Topic | None:
        picked: Topic | None = self._pick(self.topics, "topic", by_id, by_name, _TOPIC)
        return picked

    def category(self, by_id: int | None, by_name: str | None) -> ParticipantCategory | None:
        picked: ParticipantCategory | None = self._pick(
            self.categories, "category", by_id, by_name, _CATEGORY
        )
        return picked


class _Units:
    """Looks up units by code within `units`, with one query for a whole batch."""

    def __init__(self, units: QuerySet[Unit], codes: list[str | None]) -> None:
        wanted = {code.strip() for code in codes if code and self._well_formed(code.strip())}
        self.by_code = {unit.code: unit for unit in units.filter(code__in=wanted)} if wanted else {}

    @staticmethod
    def _well_formed(code: str) -> bool:
        try:
            unit_code_validator(code)
        except ValidationError:
            return False
        return True

    def get(self, code: str | None) -> Unit | None:
        if code is None or not code.strip():
            return None
        code = code.strip()
        if not self._well_formed(code):
            raise ValidationError({"unit_code": _("单位编码格式不正确。")})
        if code not in self.by_code:
            message = _("没有编码为 %(code)s 的单位，或它不在可提交的范围内。") % {"code": code}
            raise ValidationError({"unit_code": message})
        return self.by_code[code]


def _submit_out(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "receipt_code": format_receipt_code(suggestion.receipt_code),
        "status": suggestion.status,
        # get_status_display() would translate every choice to find this one.
        "status_label": str(_STATUS_LABELS[suggestion.status]),
        "submitted_at": suggestion.submitted_at,
    }


def _public_campaign(campaign_id: int, *, max_age: float = CHOICES_SECONDS) -> CampaignChoices:
    choices = campaign_choices(campaign_id, max_age=max_age)
    if choices is None:
        raise ApiNotFound(_("没有找到这个活动。"))
    return choices


# --- public: campaign, submit, receipt ---------------------------------------------


@router.get(
    "/campaigns/{campaign_id}",
    response={200: CampaignOut, 404: ErrorOut, 429: ErrorOut},
    throttle=FixedWindowThrottle("receipt"),
    summary="活动的方面与群体类别（公开）",
)
def campaign_read(request: HttpRequest, campaign_id: Id) -> dict[str, Any]:
    public = _public_campaign(campaign_id)
    campaign, choices = public.campaign, _CampaignChoices(public)
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "theme": campaign.theme,
        "start_date": campaign.start_date,
        "end_date": campaign.end_date,
        "topics": [{"id": t.pk, "name": t.name} for t in choices.topics],
        "categories": [{"id": c.pk, "name": c.name} for c in choices.categories],
    }


@router.post(
    "/campaigns/{campaign_id}/suggestions",
    response={200: SubmitOut, 201: SubmitOut, 409: ErrorOut, **ERRORS},
    throttle=FixedWindowThrottle("submit"),
    summary="提交一条建议（公开，按客户端限流）",
    description=(
        "成功返回 201 和回执号；用同一个 Idempotency-Key 重试返回 200 和同一个回执号。"
        "活动的起止日期之外返回 409（尚未开始或已结束征集）。"
    ),
)
def suggestion_submit_public(
    request: HttpRequest,
    response: HttpResponse,
    campaign_id: Id,
    payload: SuggestionIn,
    idempotency_key: str | None = IdempotencyKey,
) -> Status[dict[str, Any]]:
    public = _public_campaign(campaign_id)
    campaign, choices = public.campaign, _CampaignChoices(public)
    check_campaign_collects(campaign, clock.today())
    key = _clean_key(idempotency_key)
    try:
        suggestion, created = suggestion_submit(
            campaign=campaign,
            text=payload.text,
            title=payload.title,
            channel=Channel.API,
            topic=choices.topic(payload.topic_id, payload.topic),
            category=choices.category(payload.category_id, payload.category),
            unit=(
                _Units(Unit.objects.all(), [payload.unit_code]).get(payload.unit_code)
                if payload.unit_code
                else None
            ),
            submitter_name=payload.submitter_name,
            submitter_phone=payload.submitter_phone,
            anonymous=payload.anonymous,
            idempotency_key=key,
        )
    except ValidationError as error:
        raise ValidationError(_api_errors(error)) from error
    if not created:
        # The unique key, not a look-up first, finds a retry: one statement per submit.
        if suggestion.text != payload.text.strip():
            raise IdempotencyConflict
        response["Idempotent-Replayed"] = "true"
    return Status(201 if created else 200, _submit_out(suggestion))


@router.get(
    "/receipts/{code}",
    response={200: ReceiptOut, 404: ErrorOut, 429: ErrorOut},
    throttle=FixedWindowThrottle("receipt"),
    summary="按回执号查看办理进度（公开，不含个人信息）",
    description=(
        f"回执号不区分大小写，可带或不带短横线（示例：{EXAMPLE_CODE}、"
        f"{EXAMPLE_CODE.lower().replace('-', '')}）。回执号本身不对时，404 的 detail "
        "说明是位数、字符还是校验位不对。"
    ),
)
def receipt_read(request: HttpRequest, code: str) -> dict[str, Any]:
    suggestion = api_access.access_suggestion_by_receipt(code)
    events = public_timeline(suggestion)
    handled = suggestion.merged_into or suggestion  # a merged one shares its answer
    receipt = receipt_rating(suggestion)
    return {
        "receipt_code": format_receipt_code(suggestion.receipt_code),
        "campaign": suggestion.campaign.name,
        "status": handled.status,
        "status_label": handled.get_status_display(),
        "topic": suggestion.topic.name if suggestion.topic else None,
        "submitted_on": timezone.localdate(suggestion.submitted_at),
        "timeline": [
            {
                "date": timezone.localdate(event.at),
                "status": event.to_status,
                "status_label": event.to_status_label,
            }
            for event in events
        ],
        "answer": handled.answer or None,
        # Each receipt rates its own suggestion, merged or not (services.ratings).
        "can_rate": receipt.can_rate,
        "rating": rating_out(receipt.rating),
    }


# --- units: batch ---------------------------------------------------------------


def _request_hash(campaign: Campaign, payload: BatchIn) -> str:
    canonical = json.dumps(
        {"campaign": campaign.pk, "payload": payload.model_dump(mode="json")},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _replay(scope: str, key: str, request_hash: str) -> dict[str, Any] | None:
    record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise IdempotencyConflict
    stored: dict[str, Any] = record.response
    return stored


def _save_batch(token: ApiToken, campaign: Campaign, payload: BatchIn) -> dict[str, Any]:
    """Submit every item, or none: any invalid item rolls the whole batch back."""
    # Read afresh: a deleted topic would only fail at the batch's final commit.
    choices = _CampaignChoices(_public_campaign(campaign.pk, max_age=0))
    units = _Units(api_access.token_unit_subtree(token), [item.unit_code for item in payload.items])
    default_unit = api_access.token_default_unit(token, campaign)
    saved: list[dict[str, Any]] = []
    item_errors: list[dict[str, Any]] = []
    # The batch's 编号 in one update: every item is saved, or the batch rolls back.
    numbers = suggestion_numbers_reserve(campaign_id=campaign.pk, count=len(payload.items))
    for index, item in enumerate(payload.items):
        try:
            suggestion, _created = suggestion_submit(
                campaign=campaign,
                text=item.text,
                title=item.title,
                channel=item.channel,
                topic=choices.topic(item.topic_id, item.topic),
                category=choices.category(item.category_id, item.category),
                unit=units.get(item.unit_code) or default_unit,
                submitter_name=item.submitter_name,
                submitter_phone=item.submitter_phone,
                anonymous=item.anonymous,
                number=numbers[len(saved)],
            )
        except ValidationError as error:
            item_errors.append({"index": index, "errors": _api_errors(error)})
            continue
        saved.append(
            {
                "index": index,
                "receipt_code": format_receipt_code(suggestion.receipt_code),
                "number": suggestion.number,
            }
        )
    if item_errors:
        raise BatchInvalid(item_errors)
    return {"count": len(saved), "items": saved}


@router.post(
    "/campaigns/{campaign_id}/suggestions/batch",
    response={200: BatchOut, 201: BatchOut, 401: ErrorOut, 413: ErrorOut, **ERRORS},
    auth=api_token_auth,
    throttle=FixedWindowThrottle("batch"),
    summary="单位批量提交建议（接口令牌）",
    description=(
        "最多 500 条，全部有效才保存；有误时返回 422，errors.items 列出每条有误建议的 index"
        "（从 0 起）和原因。用同一个 Idempotency-Key 重试返回第一次的结果，不会重复保存。"
    ),
)
def suggestion_batch(
    request: HttpRequest,
    response: HttpResponse,
    campaign_id: Id,
    payload: BatchIn,
    idempotency_key: str | None = IdempotencyKey,
) -> Status[dict[str, Any]]:
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)
    campaign = api_access.access_campaign_for_token(token, campaign_id)
    key = _clean_key(idempotency_key)
    scope = f"token:{token.pk}"
    request_hash = _request_hash(campaign, payload)
    if key and (stored := _replay(scope, key, request_hash)) is not None:
        response["Idempotent-Replayed"] = "true"
        return Status(200, stored)
    try:
        with transaction.atomic():
            body = _save_batch(token, campaign, payload)
            if key:
                idempotency_record_save(
                    scope=scope, key=key, request_hash=request_hash, status_code=201, response=body
                )
    except IntegrityError:
        # A parallel retry with the same key committed first: answer with its result.
        if key and (stored := _replay(scope, key, request_hash)) is not None:
            response["Idempotent-Replayed"] = "true"
            return Status(200, stored)
        raise
    return Status(201, body)


# --- staff and units: the scoped list ----------------------------------------------


def _scoped_suggestions(caller: ApiToken | User) -> QuerySet[Suggestion]:
    if isinstance(caller, ApiToken):
        return api_access.token_suggestions(caller)
    # TODO: switch to `intake.selectors` (filters and Chinese search) when it lands.
    return intake_access.visible_suggestions(caller)


def _filter(suggestions: QuerySet[Suggestion], filters: SuggestionFilters) -> QuerySet[Suggestion]:
    if filters.campaign is not None:
        suggestions = suggestions.filter(campaign_id=filters.campaign)
    if filters.status is not None:
        suggestions = suggestions.filter(status=filters.status)
    if filters.topic is not None:
        suggestions = suggestions.filter(topic_id=filters.topic)
    if filters.channel is not None:
        suggestions = suggestions.filter(channel=filters.channel)
    if filters.unit is not None:
        unit = Unit.objects.filter(pk=filters.unit).first()
        suggestions = (
            suggestions.filter(unit__path__startswith=unit.path) if unit else suggestions.none()
        )
    if filters.submitted_from is not None:
        start = datetime.datetime.combine(filters.submitted_from, datetime.time.min)
        suggestions = suggestions.filter(submitted_at__gte=timezone.make_aware(start))
    if filters.submitted_to is not None:
        end = datetime.datetime.combine(filters.submitted_to, datetime.time.min)
        end += datetime.timedelta(days=1)
        suggestions = suggestions.filter(submitted_at__lt=timezone.make_aware(end))
    if filters.q:
        q = filters.q.strip()
        if _has_control_characters(q):
            raise ValidationError({"q": _("查找内容含有无法显示的控制字符。")})
        condition = Q(text__icontains=q) | Q(title__icontains=q)
        if code := parse_receipt_code(q):
            condition |= Q(receipt_code=code)
        if (number := suggestion_number_in(q)) is not None:
            condition |= Q(number=number)
        suggestions = suggestions.filter(condition)
    return suggestions


@router.get(
    "/suggestions",
    response={200: SuggestionPage, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=[api_token_auth, staff_session_auth],
    throttle=FixedWindowThrottle("list"),
    summary="查看范围内的建议（接口令牌或已登录的工作人员）",
    description=(
        "只列出调用者范围内的建议：令牌是其单位及下级单位；工作人员按其角色。"
        "手机号只对负责办理的人完整显示。"
    ),
)
def suggestion_list(request: HttpRequest, filters: Query[SuggestionFilters]) -> dict[str, Any]:
    caller = getattr(request, "auth", None)
    assert isinstance(caller, ApiToken | User)
    suggestions = _filter(_scoped_suggestions(caller), filters)
    suggestions = suggestions.select_related("topic", "category", "unit").order_by(
        "-submitted_at", "-pk"
    )
    count = suggestions.count()
    offset = (filters.page - 1) * filters.page_size
    page = list(suggestions[offset : offset + filters.page_size])
    phone_visible: set[int] = set()
    if isinstance(caller, User) and page:
        phone_visible = set(
            intake_access.changeable_suggestions(caller)
            .filter(pk__in=[s.pk for s in page])
            .values_list("pk", flat=True)
        )
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [_suggestion_out(s, show_phone=s.pk in phone_visible) for s in page],
    }


def _suggestion_out(suggestion: Suggestion, *, show_phone: bool) -> dict[str, Any]:
    phone = suggestion.submitter_phone
    return {
        "id": suggestion.pk,
        "receipt_code": format_receipt_code(suggestion.receipt_code),
        "number": suggestion.number,
        "campaign_id": suggestion.campaign_id,
        "title": suggestion.title,
        "text": suggestion.text,
        "topic_id": suggestion.topic_id,
        "topic": suggestion.topic.name if suggestion.topic else None,
        "category": suggestion.category.name if suggestion.category else None,
        "unit_id": suggestion.unit_id,
        "unit_code": suggestion.unit.code if suggestion.unit else None,
        "unit": suggestion.unit.name if suggestion.unit else None,
        "channel": suggestion.channel,
        "channel_label": suggestion.get_channel_display(),
        "status": suggestion.status,
        "status_label": suggestion.get_status_display(),
        "submitter_name": suggestion.submitter_name,
        "submitter_phone": phone if show_phone else intake_access.mask_phone(phone),
        "anonymous": suggestion.anonymous,
        "plus_ones": suggestion.plus_ones,
        "answer": suggestion.answer,
        "submitted_at": suggestion.submitted_at,
    }
