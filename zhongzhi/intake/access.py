"""Who may see, change and call back which suggestions.

The office of a campaign and the leaders above it see all its suggestions (routed or
not); every other role sees those
about a unit in their scope (`org.access.visible_units`); coordinators and the
office change them. A phone number is personal data: only those who change a
suggestion (and so must call back) see it unmasked.
"""

import re

from django.db.models import Q, QuerySet
from django.http import Http404

from zhongzhi.campaigns.access import managed_campaigns, overseen_campaigns
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.access import AnyUser, changeable_units, visible_units

# A fixed line as stored: [area code-]local number[-extension].
_FIXED_LINE = re.compile(r"(0\d{2,3}-)?([2-9]\d{2,3})(\d{4})(?:-(\d{1,6}))?")


def visible_suggestions(user: AnyUser) -> QuerySet[Suggestion]:
    if not user.is_authenticated:
        return Suggestion.objects.none()
    if user.is_superuser:
        return Suggestion.objects.all()
    in_overseen_campaign = Q(campaign__in=overseen_campaigns(user))
    about_visible_unit = Q(unit__in=visible_units(user))
    return Suggestion.objects.filter(in_overseen_campaign | about_visible_unit)


def changeable_suggestions(user: AnyUser) -> QuerySet[Suggestion]:
    if not user.is_authenticated:
        return Suggestion.objects.none()
    if user.is_superuser:
        return Suggestion.objects.all()
    in_managed_campaign = Q(campaign__in=managed_campaigns(user))
    about_changeable_unit = Q(unit__in=changeable_units(user))
    return Suggestion.objects.filter(in_managed_campaign | about_changeable_unit)


def access_suggestion(user: AnyUser, suggestion_id: int, *, for_change: bool = False) -> Suggestion:
    suggestions = changeable_suggestions(user) if for_change else visible_suggestions(user)
    try:
        return suggestions.select_related("campaign", "topic", "category", "unit").get(
            pk=suggestion_id
        )
    except Suggestion.DoesNotExist:
        raise Http404 from None


def can_see_phone(user: AnyUser, suggestion: Suggestion) -> bool:
    return changeable_suggestions(user).filter(pk=suggestion.pk).exists()


def mask_phone(phone: str) -> str:
    """138****5678, 0532-****1234: enough to recognise, not enough to call.

    A fixed line (as `clean_phone` stores it) keeps its area code and the last four
    digits of its local number; the rest of the local number and any extension are
    starred.
    """
    if fixed_line := _FIXED_LINE.fullmatch(phone):
        area, hidden, last, extension = fixed_line.groups()
        masked = f"{area or ''}{'*' * len(hidden)}{last}"
        return f"{masked}-{'*' * len(extension)}" if extension else masked
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
