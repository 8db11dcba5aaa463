"""Writes for suggestions: submit (from any channel), set the topic, +1. Routing and
screening decisions are zhongzhi.screening's."""

import datetime
import re
import unicodedata
from contextlib import nullcontext
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongzhi.activities.models import Activity
from zhongzhi.analysis.services import topic_label_set
from zhongzhi.analysis.tasks import schedule_topic_model_retrain
from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.intake.models import (
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    Channel,
    PlusOne,
    Suggestion,
    SuggestionCounter,
)
from zhongzhi.intake.receipt_codes import new_receipt_code
from zhongzhi.intake.selectors import suggestion_by_idempotency_key
from zhongzhi.org.models import Unit, User

# A mainland mobile (+86 optional), or a fixed line: area code optional (0 and two
# digits for 010 and 02x, 0 and three for the others, so that 11 or 12 digits in a
# row read one way only), a local number of 7 or 8 digits not starting with 0 or 1,
# and an optional extension after a separator ("-806", "转806", "ext 806").
_PHONE = re.compile(
    r"(?:\+?86[\s-]?)?(?P<mobile>1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})"
    r"|(?:\(?(?P<area>0(?:10|2\d|[3-9]\d\d))\)?[\s-]?)?"
    r"(?P<local>[2-9]\d{2,3}[\s-]?\d{4})"
    r"(?:\s*(?:-|转|分机|ext\.?|x|#)\s*(?P<extension>\d{1,6}))?",
    re.IGNORECASE,
)
_SEPARATORS = str.maketrans("", "", " \t-")
# Lazy: the residents' form shows it too, for a number too long to be one.
PHONE_ERROR = gettext_lazy(
    "请填写手机号（11 位，如 13800138000）或固定电话（如 0532-82881234，区号和分机号可不填）。"
)
# Line breaks and tabs are text; every other control character (Unicode category Cc:
# U+0000-U+001F and U+007F-U+009F) is refused. A regex: a per-character loop cost a
# submission 0.2 ms.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# `Channel.values` builds a new list on every call.
_CHANNELS = frozenset(Channel.values)


def clean_phone(raw: str) -> str:
    """A phone number normalised, or a ValidationError in Chinese.

    Mobiles as their 11 digits (``13800138000``); fixed lines as area code, local
    number and extension joined by dashes, each part that was given
    (``0532-82881234``, ``82881234``, ``0532-82881234-806``).
    """
    phone = unicodedata.normalize("NFKC", raw).strip()
    if not phone:
        return ""
    match = _PHONE.fullmatch(phone)
    if match is None:
        raise ValidationError({"submitter_phone": PHONE_ERROR})
    if mobile := match["mobile"]:
        return mobile.translate(_SEPARATORS)
    parts = (match["area"], match["local"].translate(_SEPARATORS), match["extension"])
    return "-".join(part for part in parts if part)


def clean_text(field: str, value: str, limit: int, *, required: bool) -> str:
    """The text stripped, or a ValidationError on `field`: missing, too long, control chars."""
    if required and not value.strip():
        raise ValidationError({field: _("请填写建议内容。")})
    if len(value) > limit:
        raise ValidationError(
            {
                field: _("内容太长：最多 %(limit)d 字，现在 %(count)d 字。")
                % {"limit": limit, "count": len(value)}
            }
        )
    if _CONTROL_CHARACTERS.search(value):
        raise ValidationError({field: _("内容含有无法显示的控制字符，请删除后再提交。")})
    return value.strip()


class NotCollecting(Exception):
    """A residents' channel used outside the campaign's days; `message` says when."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_campaign_collects(campaign: Campaign, day: datetime.date) -> None:
    """Residents' channels only: units and staff may record later what they collected."""
    if campaign.collects_on(day):
        return
    if day < campaign.start_date:
        raise NotCollecting(
            _("本次活动将于 %(date)s 开始征集建议，欢迎到时再来。")
            % {"date": formats.date_format(campaign.start_date)}
        )
    raise NotCollecting(
        _("本次活动已于 %(date)s 结束征集，感谢您的关注。已提交建议的，可凭回执号查询办理进展。")
        % {"date": formats.date_format(campaign.end_date)}
    )


def check_belongs_to_campaign(
    campaign: Campaign,
    topic: Topic | None,
    category: ParticipantCategory | None,
    unit: Unit | None,
    activity: Activity | None,
) -> None:
    if topic is not None and topic.campaign_id != campaign.pk:
        raise ValidationError({"topic": _("所选方面不属于这个活动。")})
    if category is not None and category.campaign_id != campaign.pk:
        raise ValidationError({"category": _("所选群体类别不属于这个活动。")})
    if unit is not None and not campaign.includes_unit(unit):
        raise ValidationError({"unit": _("所选单位不在这个活动的范围内。")})
    if activity is not None and activity.campaign_id != campaign.pk:
        raise ValidationError({"activity": _("所选活动不属于这个大讨论活动。")})


def suggestion_submit(
    *,
    campaign: Campaign,
    text: str,
    channel: str,
    title: str = "",
    topic: Topic | None = None,
    category: ParticipantCategory | None = None,
    unit: Unit | None = None,
    activity: Activity | None = None,
    submitter_name: str = "",
    submitter_phone: str = "",
    anonymous: bool = False,
    submitted_by: User | None = None,
    submitted_at: datetime.datetime | None = None,
    idempotency_key: str = "",
    number: int | None = None,
) -> tuple[Suggestion, bool]:
    """Record a suggestion and give it a receipt code and the campaign's next 编号.

    Returns (suggestion, created). With an idempotency key that was seen before in
    this campaign, nothing is written and the first suggestion comes back. A submission
    writes one row and bumps the campaign's counter, in one transaction: its history
    starts from the row itself (``suggestion_history``) and the background worker picks
    it up for triage (``index_new_suggestions``). A batch that saves many suggestions
    in one transaction may reserve their numbers at once
    (`suggestion_numbers_reserve`) and pass each one as `number`.
    """
    idempotency_key = idempotency_key.strip()[:80]
    if channel not in _CHANNELS:
        raise ValidationError({"channel": _("未知的渠道。")})
    check_belongs_to_campaign(campaign, topic, category, unit, activity)
    # Only the relations given: setting one to None costs as much as setting it.
    given = {
        "topic": topic,
        "category": category,
        "unit": unit,
        "activity": activity,
        "submitted_by": submitted_by,
    }
    suggestion = Suggestion(
        campaign=campaign,
        **{name: related for name, related in given.items() if related is not None},
        text=clean_text("text", text, MAX_TEXT_LENGTH, required=True),
        title=clean_text("title", title, MAX_TITLE_LENGTH, required=False),
        channel=channel,
        submitter_name="" if anonymous else clean_text("name", submitter_name, 50, required=False),
        submitter_phone=clean_phone(submitter_phone),
        anonymous=anonymous,
        submitted_at=submitted_at or timezone.now(),
        idempotency_key=idempotency_key,
    )
    try:
        return _insert(suggestion, number), True
    except IntegrityError:
        if not idempotency_key:
            raise
        # A retry, or another request with the same key that won the race: answer with
        # the suggestion the key made.
        earlier = suggestion_by_idempotency_key(campaign, idempotency_key)
        if earlier is None:
            raise
        return earlier, False


def _insert(suggestion: Suggestion, number: int | None) -> Suggestion:
    """Save with a fresh receipt code and the next 编号 (or `number`, reserved by the
    caller), trying again on the (one in 10¹¹) receipt-code collision."""
    one_statement = (
        number is None
        and connection.vendor == "postgresql"
        and suggestion.campaign_id in _COUNTED_CAMPAIGNS
    )
    for _attempt in range(5):
        suggestion.receipt_code = new_receipt_code()
        # The counter's update and the INSERT commit together, or neither does; inside
        # a caller's transaction (a batch, an activity) a savepoint keeps that
        # transaction usable when the insert fails.
        try:
            if one_statement:
                guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
                with guard:
                    _insert_numbered(suggestion)
                return suggestion
            with transaction.atomic():
                suggestion.number = (
                    number or suggestion_numbers_reserve(campaign_id=suggestion.campaign_id).start
                )
                suggestion.save(force_insert=True)
            _COUNTED_CAMPAIGNS.add(suggestion.campaign_id)
            return suggestion
        except IntegrityError:
            suggestion.pk = None
            if suggestion_by_idempotency_key(suggestion.campaign, suggestion.idempotency_key):
                raise
            _check_choices_still_exist(suggestion)
            # Perhaps no counter after all (its campaign's first suggestion since it
            # went missing): the next try takes the two-statement way, which makes one.
            _COUNTED_CAMPAIGNS.discard(suggestion.campaign_id)
            one_statement = False
    raise RuntimeError("could not allocate a unique receipt code")


# Campaigns this process has seen a counter for. On PostgreSQL their submissions are
# one statement (`_insert_numbered`) instead of four (BEGIN, UPDATE, INSERT, COMMIT):
# 0.3 ms of CPU and 0.5 ms of wall time less per submission.
_COUNTED_CAMPAIGNS: set[int] = set()


def _insert_numbered(suggestion: Suggestion) -> None:
    """PostgreSQL: bump the campaign's counter and insert with its number in one
    statement (a data-modifying WITH), atomic by itself. Values go through each
    field's own conversion, as with `save()`; without a counter the number is NULL and
    the insert fails (IntegrityError)."""
    meta = Suggestion._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key and f.attname != "number"]
    values = [f.get_db_prep_save(f.pre_save(suggestion, True), connection) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    sql = (  # names from the model, values bound
        f"WITH counted AS ({_RESERVE_NUMBERS})"
        f" INSERT INTO {quote(_SUGGESTIONS)} ({columns}, number)"
        f" VALUES ({', '.join(['%s'] * len(fields))}, (SELECT last_number FROM counted))"
        " RETURNING id, number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [1, suggestion.campaign_id, *values])
        suggestion.pk, suggestion.number = cursor.fetchone()
    suggestion._state.adding = False
    suggestion._state.db = connection.alias


def suggestion_numbers_reserve(*, campaign_id: int, count: int = 1) -> range:
    """The next `count` 编号 of the campaign, taken from its counter.

    Call it inside the transaction that saves the suggestions so numbered: the
    counter's row stays locked until that transaction ends (PostgreSQL; SQLite has one
    writer at a time anyway), so concurrent submissions get consecutive numbers one
    after the other, and a rollback gives the numbers back. One UPDATE … RETURNING; the
    counter is created on the campaign's first suggestion.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("suggestion numbers are reserved inside the saving transaction")
    if count < 1:
        return range(0)
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE_NUMBERS, [count, campaign_id])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(_CREATE_COUNTER, [campaign_id, campaign_id])
            cursor.execute(_RESERVE_NUMBERS, [count, campaign_id])
            row = cursor.fetchone()
    last = int(row[0])
    return range(last - count + 1, last + 1)


# Both databases speak UPDATE … RETURNING and INSERT … ON CONFLICT (SQLite ≥ 3.35).
_COUNTERS, _SUGGESTIONS = SuggestionCounter._meta.db_table, Suggestion._meta.db_table
_RESERVE_NUMBERS = (
    f"UPDATE {_COUNTERS} SET last_number = last_number + %s"
    " WHERE campaign_id = %s RETURNING last_number"
)
# Started from the numbers already given (none, but for a counter gone missing); when
# another transaction creates it at the same moment, that one wins and this one then
# waits for its row in the UPDATE.
_CREATE_COUNTER = (
    f"INSERT INTO {_COUNTERS} (campaign_id, last_number)"
    f" SELECT %s, COALESCE(MAX(number), 0) FROM {_SUGGESTIONS} WHERE campaign_id = %s"
    " ON CONFLICT (campaign_id) DO NOTHING"
)


def _check_choices_still_exist(suggestion: Suggestion) -> None:
    """A topic, category, unit or activity deleted since the form (or the cached choices,
    ``campaigns.selectors.campaign_choices``) offered it: a clear error, not a retry."""
    chosen = (
        ("topic", Topic, suggestion.topic_id, _("所选方面已被删除，请刷新页面后重新选择。")),
        (
            "category",
            ParticipantCategory,
            suggestion.category_id,
            _("所选群体类别已被删除，请刷新页面后重新选择。"),
        ),
        ("unit", Unit, suggestion.unit_id, _("所选单位已被删除，请刷新页面后重新选择。")),
        (
            "activity",
            Activity,
            suggestion.activity_id,
            _("所选活动已被删除，请刷新页面后重新选择。"),
        ),
    )
    for field, model, pk, message in chosen:
        if pk is not None and not model.objects.filter(pk=pk).exists():
            raise ValidationError({field: message})


@transaction.atomic
def suggestion_set_topic(*, suggestion: Suggestion, topic: Topic | None, actor: User) -> Suggestion:
    """Set (or clear, with None) the topic staff judged the suggestion to be about.

    Staff's choice is also a label for the campaign's topic model: it is recorded
    (``analysis.services.topic_label_set``) and the model retrains soon after, once
    for a run of labels (``schedule_topic_model_retrain`` is debounced).
    """
    if topic is not None and topic.campaign_id != suggestion.campaign_id:
        raise ValidationError({"topic": _("所选方面不属于这个活动。")})
    # The stored topic, not the page's: locked, so that two staff changing it at once
    # each record what they really replaced.
    before_id = (
        Suggestion.objects.select_for_update()
        .filter(pk=suggestion.pk)
        .values_list("topic_id", flat=True)
        .get()
    )
    Suggestion.objects.filter(pk=suggestion.pk).update(topic=topic)
    suggestion.topic = topic
    topic_label_set(suggestion=suggestion, topic=topic, actor=actor)
    if before_id != (topic.pk if topic else None):
        _record_topic_change(suggestion, Topic.objects.filter(pk=before_id).first(), topic, actor)
    transaction.on_commit(
        partial(schedule_topic_model_retrain, suggestion.campaign_id), robust=True
    )
    return suggestion


def _record_topic_change(
    suggestion: Suggestion, before: Topic | None, after: Topic | None, actor: User
) -> None:
    def state(topic: Topic | None) -> dict[str, object]:
        return {"topic_id": topic.pk if topic else None, "topic": topic.name if topic else ""}

    if before is None:
        note = _("方面定为“%(after)s”") % {"after": after.name if after else ""}
    elif after is None:
        note = _("方面由“%(before)s”改为未分类") % {"before": before.name}
    else:
        note = _("方面由“%(before)s”改为“%(after)s”") % {"before": before.name, "after": after.name}
    audit_record(
        action=AuditAction.TOPIC,
        target=suggestion,
        actor=actor,
        campaign=suggestion.campaign,
        unit=suggestion.unit,
        before=state(before),
        after=state(after),
        note=note,
    )


def suggestion_plus_one(*, suggestion: Suggestion, browser_id: str) -> bool:
    """Count a resident's +1 once per browser; False when this browser already did."""
    if not browser_id:
        return False
    try:
        with transaction.atomic():
            PlusOne.objects.create(suggestion=suggestion, browser_id=browser_id[:64])
            Suggestion.objects.filter(pk=suggestion.pk).update(plus_ones=F("plus_ones") + 1)
    except IntegrityError:
        return False
    return True
