"""Rectification's pieces on other pages: the tabs with their counts, a measure's
state and deadline in words, and a suggestion's problem."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from zhongzhi.campaigns.access import can_manage_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.intake.access import changeable_suggestions
from zhongzhi.intake.models import Suggestion
from zhongzhi.rectification.models import Measure
from zhongzhi.rectification.selectors import measure_counts, problem_counts, problem_of
from zhongzhi.rectification.selectors_ratings import rating_of
from zhongzhi.rectification.services.problems import ELIGIBLE

register = template.Library()


@register.inclusion_tag("rectification/partials/tabs.html", takes_context=True)
def rectification_tabs(context: dict[str, Any], campaign: Campaign, current: str) -> dict[str, Any]:
    """The tabs with their counts; a list page that counted already passes its own
    (``problem_counts`` / ``measure_counts`` in its context) so nothing is counted twice."""
    user = context["request"].user
    return {
        "campaign": campaign,
        "current": current,
        "problems": context.get("problem_counts") or problem_counts(user, campaign),
        "measures": context.get("measure_counts") or measure_counts(user, campaign),
        "may_set_deadlines": can_manage_campaign(user, campaign),
    }


@register.simple_tag
def measure_deadline(measure: Measure) -> str:
    """完成时限 with how far off it is, for measures still being worked on."""
    day = f"{measure.deadline:%Y-%m-%d}"
    if not measure.is_open:
        return format_html("<span>{}</span>", day)
    days = (measure.deadline - clock.today()).days
    if days < 0:
        text, css = _("逾期 %(days)d 天") % {"days": -days}, "overdue"
    elif days == 0:
        text, css = _("今天到期"), "due"
    else:
        text, css = _("还剩 %(days)d 天") % {"days": days}, "due" if days <= 3 else ""
    return format_html('{} <span class="deadline {}">{}</span>', day, css, text)


@register.inclusion_tag("rectification/partials/due_badge.html")
def measure_due(measure: Measure) -> dict[str, Any]:
    """The sweep's verdict on a measure still being worked on: 即将到期 or 逾期N天, and
    its escalation step."""
    return {"measure": measure, "days_overdue": measure.days_overdue(clock.today())}


@register.inclusion_tag("rectification/partials/suggestion_problem.html", takes_context=True)
def suggestion_problem(context: dict[str, Any], suggestion: Suggestion) -> dict[str, Any]:
    """On a suggestion's page: the problem it is part of, or the button that makes one."""
    problem = problem_of(suggestion)
    may_make = (
        problem is None
        and suggestion.status in ELIGIBLE
        and changeable_suggestions(context["request"].user).filter(pk=suggestion.pk).exists()
    )
    return {
        "problem": problem,
        "suggestion": suggestion,
        "may_make": may_make,
        "rating": rating_of(suggestion),
    }
