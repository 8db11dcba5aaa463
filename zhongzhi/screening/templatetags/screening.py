"""Screening's pieces on other pages: the tabs with their counts, deadlines in words,
and the box on the campaign overview."""

import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from zhongzhi.campaigns.access import can_manage_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.screening.selectors import screening_counts

register = template.Library()


@register.inclusion_tag("screening/partials/tabs.html", takes_context=True)
def screening_tabs(context: dict[str, Any], campaign: Campaign, current: str) -> dict[str, Any]:
    user = context["request"].user
    return {
        "campaign": campaign,
        "current": current,
        # Over a list, counted as far as the list counts (共 1000+ 条); exact on the
        # campaign overview.
        "counts": screening_counts(user, campaign, capped=bool(current)),
        "can_assign": can_manage_campaign(user, campaign),
    }


@register.inclusion_tag("screening/partials/overview_box.html", takes_context=True)
def screening_box(context: dict[str, Any], campaign: Campaign) -> dict[str, Any]:
    return screening_tabs(context, campaign, "")


@register.simple_tag
def deadline(when: datetime.datetime) -> str:
    days = (timezone.localdate(when) - timezone.localdate()).days
    if when < timezone.now():
        text, css = _("已超时 %(days)d 天") % {"days": max(1, -days)}, "overdue"
    elif days == 0:
        text, css = _("今天到期"), "due"
    else:
        text, css = _("还剩 %(days)d 天") % {"days": days}, ""
    return format_html(
        '<span class="deadline {}" title="{}">{}</span>', css, timezone.localtime(when), text
    )
