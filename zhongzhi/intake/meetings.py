"""Symposiums (座谈会) and the suggestions recorded at them: the quick-entry page.

A coordinator enters the symposium once (name, date, place) and then one row per
suggestion (speaker's category, topic, text); `meeting_record` saves the symposium (an
`activities.Activity` of the campaign's 座谈会 kind) and every row through
`suggestion_submit` (channel 座谈会, unit = the activity's unit) in one transaction:
any bad row and nothing is saved. Given an existing `activity` (a forum, a symposium
recorded on the activity form), only the rows are added to it.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.activities.models import Activity
from zhongzhi.activities.services import symposium_kind
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.intake.models import Channel, Suggestion
from zhongzhi.intake.paper_form import entry_units
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.org.models import Unit, User

# Suggestions recorded at a meeting are dated from this hour of its day, a second apart
# so that they list in the order they were said.
_FIRST_SPEAKER_AT = datetime.time(9, 0)


@dataclass(frozen=True)
class MeetingRow:
    text: str
    category: ParticipantCategory | None = None
    topic: Topic | None = None


class MeetingEntryError(ValidationError):
    """What is wrong with a symposium entry: `meeting` holds errors of the header fields
    (keyed by field name), `rows` the ValidationError of each bad row by its index."""

    def __init__(
        self, meeting: dict[str, list[str]], rows: dict[int, ValidationError] | None = None
    ) -> None:
        self.meeting = meeting
        self.rows = rows or {}
        messages = [m for ms in meeting.values() for m in ms]
        messages += [m for error in self.rows.values() for m in error.messages]
        super().__init__(messages or [_("录入有误。")])


def _row_key(token: str, index: int) -> str:
    return f"meeting:{token}:{index + 1}"


@transaction.atomic
def meeting_record(
    *,
    campaign: Campaign,
    unit: Unit,
    name: str,
    held_on: datetime.date,
    rows: Sequence[MeetingRow],
    recorded_by: User | None,
    place: str = "",
    entry_token: str = "",
    activity: Activity | None = None,
) -> tuple[Activity, bool]:
    """Save a symposium and its suggestions; (activity, created). With `activity`, the
    suggestions are added to it and the header arguments are not used.

    `entry_token` identifies one filling-in of the page: the same token sent again
    (a double click, a retried request) returns the meeting saved the first time.
    Raises MeetingEntryError and saves nothing when the header or any row is wrong.
    """
    token = entry_token.strip()[:40]
    if token:
        earlier = (
            Suggestion.objects.filter(campaign=campaign, idempotency_key=_row_key(token, 0))
            .select_related("activity")
            .first()
        )
        if earlier is not None and earlier.activity is not None:
            return earlier.activity, False

    created = activity is None
    if activity is None:
        meeting = Activity(
            campaign=campaign,
            unit=unit,
            kind=symposium_kind(campaign),
            name=name.strip(),
            held_on=held_on,
            place=place.strip(),
            recorded_by=recorded_by,
        )
    else:
        meeting = activity
        unit, held_on = activity.unit, activity.held_on
    problems: dict[str, list[str]] = {}
    try:
        meeting.full_clean(exclude=["recorded_by"])
    except ValidationError as error:
        problems = error.message_dict
    if meeting.campaign_id != campaign.pk:
        problems.setdefault("name", []).append(_("这个活动不属于所选的大讨论活动。"))
    if held_on and held_on > timezone.localdate():
        problems.setdefault("held_on", []).append(_("会议日期不能晚于今天。"))
    outside_campaign = not campaign.includes_unit(unit)
    outside_scope = (
        recorded_by is not None
        and not entry_units(recorded_by, campaign).filter(pk=unit.pk).exists()
    )
    if outside_campaign or outside_scope:
        problems.setdefault("unit", []).append(_("所选单位不存在或不在您的管理范围内。"))
    if not rows:
        problems.setdefault(NON_FIELD_ERRORS, []).append(_("请至少录入一条建议。"))
    if problems:
        raise MeetingEntryError(problems)

    if created:
        meeting.save()
    first = timezone.make_aware(datetime.datetime.combine(held_on, _FIRST_SPEAKER_AT))
    now = timezone.now()
    # Rows added to an activity later list after those it has.
    said_before = 0 if created else meeting.suggestions.count()
    row_errors: dict[int, ValidationError] = {}
    for index, row in enumerate(rows, start=said_before):
        try:
            suggestion_submit(
                campaign=campaign,
                text=row.text,
                channel=Channel.SYMPOSIUM,
                topic=row.topic,
                category=row.category,
                unit=unit,
                activity=meeting,
                submitted_by=recorded_by,
                submitted_at=min(first + datetime.timedelta(seconds=index), now),
                idempotency_key=_row_key(token, index) if token else "",
            )
        except ValidationError as error:
            row_errors[index - said_before] = error
    if row_errors:
        raise MeetingEntryError({}, row_errors)  # rolls the meeting back too
    return meeting, created


# --- Reads ------------------------------------------------------------------------


def meeting_suggestions(activity: Activity) -> QuerySet[Suggestion]:
    return activity.suggestions.select_related("category", "topic").order_by("submitted_at", "pk")
