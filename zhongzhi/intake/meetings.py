"""Meetings (座谈会) and the suggestions recorded at them.

A coordinator enters the meeting once (name, date, place) and then one row per
suggestion (speaker's category, topic, text); `meeting_record` saves the meeting and
every row through `suggestion_submit` (channel 座谈会, unit = the meeting's unit) in
one transaction: any bad row and nothing is saved.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.campaigns.access import can_manage_campaign
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.intake.models import Channel, Meeting, Suggestion
from zhongzhi.intake.paper_form import access_entry_campaign, entry_units
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.org.access import AnyUser, visible_units
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
    """What is wrong with a meeting entry: `meeting` holds errors of the header fields
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
) -> tuple[Meeting, bool]:
    """Save a meeting and its suggestions; (meeting, created).

    `entry_token` identifies one filling-in of the page: the same token sent again
    (a double click, a retried request) returns the meeting saved the first time.
    Raises MeetingEntryError and saves nothing when the header or any row is wrong.
    """
    token = entry_token.strip()[:40]
    if token:
        earlier = (
            Suggestion.objects.filter(campaign=campaign, idempotency_key=_row_key(token, 0))
            .select_related("meeting")
            .first()
        )
        if earlier is not None and earlier.meeting is not None:
            return earlier.meeting, False

    meeting = Meeting(
        campaign=campaign,
        unit=unit,
        name=name.strip(),
        held_on=held_on,
        place=place.strip(),
        recorded_by=recorded_by,
    )
    problems: dict[str, list[str]] = {}
    try:
        meeting.full_clean(exclude=["recorded_by"])
    except ValidationError as error:
        problems = error.message_dict
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

    meeting.save()
    first = timezone.make_aware(datetime.datetime.combine(held_on, _FIRST_SPEAKER_AT))
    now = timezone.now()
    row_errors: dict[int, ValidationError] = {}
    for index, row in enumerate(rows):
        try:
            suggestion_submit(
                campaign=campaign,
                text=row.text,
                channel=Channel.SYMPOSIUM,
                topic=row.topic,
                category=row.category,
                unit=unit,
                meeting=meeting,
                submitted_by=recorded_by,
                submitted_at=min(first + datetime.timedelta(seconds=index), now),
                idempotency_key=_row_key(token, index) if token else "",
            )
        except ValidationError as error:
            row_errors[index] = error
    if row_errors:
        raise MeetingEntryError({}, row_errors)  # rolls the meeting back too
    return meeting, True


# --- Reads ------------------------------------------------------------------------


def campaign_meetings(user: AnyUser, campaign: Campaign) -> QuerySet[Meeting]:
    """The campaign's meetings this user sees (all for its office, else those of units
    in their scope), newest first, each with `suggestion_count`."""
    meetings = Meeting.objects.filter(campaign=campaign)
    if not can_manage_campaign(user, campaign):
        meetings = meetings.filter(unit__in=visible_units(user))
    return (
        meetings.select_related("unit", "recorded_by")
        .annotate(suggestion_count=Count("suggestions"))
        .order_by("-held_on", "-pk")
    )


def access_meeting(user: AnyUser, meeting_id: int) -> Meeting:
    """A meeting whose campaign the user may enter suggestions for, in their scope; else 404."""
    meeting = Meeting.objects.filter(pk=meeting_id).only("campaign_id").first()
    if meeting is None:
        raise Http404
    campaign = access_entry_campaign(user, meeting.campaign_id)
    found = campaign_meetings(user, campaign).filter(pk=meeting_id).first()
    if found is None:
        raise Http404
    return found


def meeting_suggestions(meeting: Meeting) -> QuerySet[Suggestion]:
    return meeting.suggestions.select_related("category", "topic").order_by("submitted_at", "pk")
