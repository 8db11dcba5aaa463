"""Typed request and response bodies of the API (they make the OpenAPI schema)."""

import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from zhongzhi.intake.models import MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, Channel, SuggestionStatus
from zhongzhi.intake.receipt_codes import EXAMPLE_CODE
from zhongzhi.rectification.models import RatingLevel, SecondLookState

# Ids above this are refused by validation, before they reach a database that would overflow.
MAX_ID = 2**53
MAX_BATCH = 500
# Dates outside this range cannot be turned into timestamps in every database.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(9000, 12, 31)

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class StrictSchema(BaseModel):
    """An input body: unknown fields are refused, so that a typo does not pass silently.

    A plain pydantic model: ninja's `Schema` adds a wrapping validator for reading Django
    objects, which request bodies never are (it cost a submission about 0.1 ms).
    """

    model_config = ConfigDict(extra="forbid")


class SuggestionIn(StrictSchema):
    text: str = Field(
        ..., max_length=MAX_TEXT_LENGTH, description="建议内容，必填，最多 5000 字。原样保存。"
    )
    title: str = Field("", max_length=MAX_TITLE_LENGTH, description="标题，可不填。")
    topic_id: Id | None = Field(None, description="方面（主题）的 id，见 GET /campaigns/{id}。")
    topic: str | None = Field(None, max_length=60, description="方面名称，可代替 topic_id。")
    category_id: Id | None = Field(None, description="群体类别的 id。")
    category: str | None = Field(None, max_length=60, description="群体类别名称。")
    unit_code: str | None = Field(
        None, max_length=32, description="涉及单位的编码；须在活动（及令牌单位）的范围内。"
    )
    submitter_name: str = Field("", description="姓名，可不填；匿名时不保存。")
    submitter_phone: str = Field(
        "",
        description="联系电话，可不填：11 位手机号（+86 可带可不带），或固定电话"
        "（0532-82881234、82881234、0532-82881234-806）；只有负责回复的人可见。",
    )
    anonymous: bool = Field(False, description="匿名：不保存姓名。")


class BatchItemIn(SuggestionIn):
    channel: Channel = Field(Channel.API, description="渠道，默认 api。")


class BatchIn(StrictSchema):
    items: list[BatchItemIn] = Field(
        ..., min_length=1, max_length=MAX_BATCH, description="1 至 500 条建议，全部有效才保存。"
    )


class SubmitOut(BaseModel):  # built from a dict: no need for `Schema`'s ORM reading
    receipt_code: str = Field(..., description=f"回执号，形如 {EXAMPLE_CODE}（示例）。")
    status: SuggestionStatus
    status_label: str
    submitted_at: datetime.datetime


class BatchItemOut(Schema):
    index: int
    receipt_code: str
    # None only in answers replayed from before numbers were given.
    number: int | None = Field(None, description="编号：建议在活动内的流水号（工作人员用）。")


class BatchOut(Schema):
    count: int
    items: list[BatchItemOut]


class ErrorOut(Schema):
    detail: str = Field(..., description="中文说明。")
    errors: dict[str, object] | None = Field(
        None, description="按字段列出的问题；批量提交时 items 列出每条有误建议的 index。"
    )


class NamedRef(Schema):
    id: int
    name: str


class CampaignOut(Schema):
    id: int
    name: str
    theme: str
    start_date: datetime.date
    end_date: datetime.date
    topics: list[NamedRef]
    categories: list[NamedRef]


class TimelineEntry(Schema):
    date: datetime.date
    status: SuggestionStatus
    status_label: str


class SecondLookOut(Schema):
    state: SecondLookState
    state_label: str
    result: str | None = Field(None, description="回访情况；回访后才有。")
    done_on: datetime.date | None = None


class RatingOut(Schema):
    """The resident's rating of the answer (the comment stays inside: it may be personal)."""

    level: RatingLevel
    level_label: str
    rated_on: datetime.date
    second_look: SecondLookOut | None = Field(None, description="评价为不满意时，办理单位的回访。")


class RatingIn(StrictSchema):
    level: RatingLevel = Field(
        ..., description="satisfied 满意、fairly 基本满意、dissatisfied 不满意。"
    )
    comment: str = Field("", max_length=500, description="意见，可不填，最多 500 字。")


class ReceiptOut(Schema):
    """What a resident sees with a receipt code: nothing personal."""

    receipt_code: str
    campaign: str
    status: SuggestionStatus
    status_label: str
    topic: str | None
    submitted_on: datetime.date
    timeline: list[TimelineEntry]
    answer: str | None
    can_rate: bool = Field(..., description="已答复、尚未评价时为 true：可以 POST 评价。")
    rating: RatingOut | None = None


class SuggestionFilters(Schema):
    campaign: Id | None = Field(None, description="活动 id")
    status: SuggestionStatus | None = None
    topic: Id | None = Field(None, description="方面 id")
    channel: Channel | None = None
    unit: Id | None = Field(None, description="单位 id，含其下级单位")
    submitted_from: datetime.date | None = Field(
        None, ge=EARLIEST_DATE, le=LATEST_DATE, description="提交日期起（含）"
    )
    submitted_to: datetime.date | None = Field(
        None, ge=EARLIEST_DATE, le=LATEST_DATE, description="提交日期止（含）"
    )
    q: str | None = Field(None, max_length=100, description="在标题、内容中查找；或回执号、编号")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class SuggestionOut(Schema):
    id: int
    receipt_code: str
    number: int = Field(..., description="编号：建议在活动内的流水号（工作人员用）。")
    campaign_id: int
    title: str
    text: str
    topic_id: int | None
    topic: str | None
    category: str | None
    unit_id: int | None
    unit_code: str | None
    unit: str | None
    channel: Channel
    channel_label: str
    status: SuggestionStatus
    status_label: str
    submitter_name: str
    submitter_phone: str = Field(
        ...,
        description="只对负责办理（须回电）的人完整显示，"
        "其他人看到的是 138****5678、0532-****1234。",
    )
    anonymous: bool
    plus_ones: int
    answer: str
    submitted_at: datetime.datetime


class SuggestionPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[SuggestionOut]
