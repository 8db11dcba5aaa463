"""What the essays' services share: the office check, dates as text, removing a
stored file."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhongzhi.campaigns.access import can_manage_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.essays.models import Essay
from zhongzhi.org.models import User

logger = logging.getLogger(__name__)


def check_office(actor: User, campaign: Campaign) -> None:
    if not can_manage_campaign(actor, campaign):
        raise ValidationError(_("只有活动办公室可以进行这项操作。"))


def day_text(value: datetime.date) -> str:
    return f"{value:%Y-%m-%d}"


def delete_file(name: str) -> None:
    try:
        Essay._meta.get_field("file").storage.delete(name)  # type: ignore[attr-defined]
    except Exception:
        logger.exception("could not remove essay file %s", name)
