"""Reminders to those who have not handed in (a draft is not handed in), through the
notification centre: the office's button, and the daily run."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.essays.models import EssayAssignment
from zhongzhi.essays.selectors import NOT_SUBMITTED
from zhongzhi.essays.services.common import check_office, day_text
from zhongzhi.notifications.models import NotificationKind
from zhongzhi.notifications.services import notify_many
from zhongzhi.org.models import User

# The daily sweep reminds a writer who has not handed in this many days before the
# due date, and once more the day after it.
DUE_SOON_DAYS = 3


@transaction.atomic
def essays_remind(*, campaign: Campaign, actor: User) -> int:
    """The office's button: tell everyone on the list who has not handed in (a draft
    is not handed in) through the notification centre."""
    check_office(actor, campaign)
    pending = EssayAssignment.objects.filter(NOT_SUBMITTED, campaign=campaign)
    return _remind(campaign, list(pending.select_related("writer")), actor, clock.today())


def essays_sweep(today: datetime.date | None = None) -> int:
    """The daily sweep's part (``rectification.tasks.deadlines_daily``): remind those
    not handed in ``DUE_SOON_DAYS`` before their due date and the day after it. A
    second run the same day finds nobody new (``reminded_on``), nor does a day the
    office already pressed the button."""
    day = today or clock.today()
    pending = (
        EssayAssignment.objects.filter(NOT_SUBMITTED)
        .filter(
            Q(due_date=day + datetime.timedelta(days=DUE_SOON_DAYS))
            | Q(due_date=day - datetime.timedelta(days=1))
        )
        .exclude(reminded_on=day)
        .select_related("writer", "campaign")
        .order_by("campaign_id", "pk")
    )
    by_campaign: dict[int, list[EssayAssignment]] = {}
    for a in pending:
        by_campaign.setdefault(a.campaign_id, []).append(a)
    sent = 0
    with transaction.atomic():
        for rows in by_campaign.values():
            sent += _remind(rows[0].campaign, rows, None, day)
    return sent


def _remind(
    campaign: Campaign, pending: list[EssayAssignment], actor: User | None, day: datetime.date
) -> int:
    url = reverse("essays:mine", args=[campaign.pk])
    sent = 0
    for due, group in _by_due(pending).items():
        text = (
            _("请提交心得体会：%(campaign)s，截止日期 %(due)s（已逾期）。")
            if due < day
            else _("请提交心得体会：%(campaign)s，截止日期 %(due)s。")
        ) % {"campaign": campaign.name, "due": day_text(due)}
        sent += notify_many(
            [a.writer for a in group], kind=NotificationKind.ESSAY, text=text, url=url
        )
    EssayAssignment.objects.filter(pk__in=[a.pk for a in pending]).update(reminded_on=day)
    audit_record(
        action=AuditAction.ESSAY_REMIND,
        target=campaign,
        actor=actor,
        campaign=campaign,
        after={"reminded": sent},
    )
    return sent


def _by_due(assignments: Iterable[EssayAssignment]) -> dict[datetime.date, list[EssayAssignment]]:
    groups: dict[datetime.date, list[EssayAssignment]] = {}
    for a in assignments:
        groups.setdefault(a.due_date, []).append(a)
    return groups
