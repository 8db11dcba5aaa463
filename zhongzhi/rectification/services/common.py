"""Checks every rectification write shares."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.intake.services import clean_text
from zhongzhi.org.models import Unit


def required_text(field: str, value: str, limit: int, message: str) -> str:
    value = clean_text(field, value or "", limit, required=False)
    if not value:
        raise ValidationError({field: message})
    return value


def check_deadline(
    campaign: Campaign, deadline: datetime.date | None, field: str = "deadline"
) -> None:
    """A deadline falls between today and the campaign's last day."""
    if deadline is None:
        raise ValidationError({field: _("请填写完成时限。")})
    today = clock.today()
    if deadline < today:
        raise ValidationError(
            {field: _("完成时限不能早于今天（%(today)s）。") % {"today": f"{today:%Y-%m-%d}"}}
        )
    if deadline > campaign.end_date:
        raise ValidationError(
            {
                field: _("完成时限不能晚于活动结束日期（%(end)s）。")
                % {"end": f"{campaign.end_date:%Y-%m-%d}"}
            }
        )


def check_unit_in_campaign(campaign: Campaign, unit: Unit, field: str) -> None:
    if not campaign.includes_unit(unit):
        raise ValidationError({field: _("“%(unit)s”不是本活动的单位。") % {"unit": unit.name}})


def lock_campaign(campaign: Campaign) -> None:
    """Numbers are given out one writer at a time per campaign (SQLite writes are
    serial anyway; PostgreSQL waits on the campaign's row)."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk").first()
