"""The ratings router: a resident rates the answer to their suggestion with its receipt
code (满意 / 基本满意 / 不满意), once; the receipt (``GET /receipts/{code}``) shows the
rating and, after 不满意, the unit's second look. Thin: ``rectification.services.ratings``
checks and writes, as for the receipt page."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from zhongzhi.api import access as api_access
from zhongzhi.api.errors import ApiNotFound
from zhongzhi.api.ratelimit import FixedWindowThrottle
from zhongzhi.api.schemas import ErrorOut, RatingIn, RatingOut
from zhongzhi.rectification.models import Rating, SecondLook, SecondLookState
from zhongzhi.rectification.services.ratings import (
    RatingRefused,
    ReceiptNotFound,
    rating_submit,
)

router = Router(tags=["满意度评价"])


def rating_out(rating: Rating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    try:
        second_look: SecondLook | None = rating.second_look
    except SecondLook.DoesNotExist:
        second_look = None
    done = second_look is not None and second_look.state == SecondLookState.DONE
    return {
        "level": rating.level,
        "level_label": rating.get_level_display(),
        "rated_on": timezone.localdate(rating.at),
        "second_look": (
            None
            if second_look is None
            else {
                "state": second_look.state,
                "state_label": second_look.get_state_display(),
                "result": second_look.result if done else None,
                "done_on": (
                    timezone.localdate(second_look.done_at)
                    if done and second_look.done_at
                    else None
                ),
            }
        ),
    }


@router.post(
    "/receipts/{code}/rating",
    response={201: RatingOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    throttle=FixedWindowThrottle("rate"),
    summary="按回执号评价答复（公开，按客户端限流）",
    description=(
        "已答复的建议可评价一次：satisfied 满意、fairly 基本满意、dissatisfied 不满意，"
        "意见可不填（最多 500 字）。合并到其他建议的，评价的是自己回执号的这一条。"
        "还没有答复或已经评价过时返回 409，detail 说明原因；评价为不满意时，"
        "办理单位会回访，回访情况显示在回执中。"
    ),
)
def rating_submit_public(
    request: HttpRequest, code: str, payload: RatingIn
) -> Status[dict[str, Any] | None]:
    suggestion = api_access.access_suggestion_by_receipt(code)
    try:
        rating = rating_submit(
            receipt_code=suggestion.receipt_code, level=payload.level, comment=payload.comment
        )
    except ReceiptNotFound as missing:  # deleted in between
        raise ApiNotFound(missing.message) from None
    except RatingRefused as refused:
        raise HttpError(409, refused.message) from None
    return Status(201, rating_out(rating))
