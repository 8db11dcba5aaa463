"""Who may manage API tokens, and what a token may do.

Coordinators and the office create and revoke tokens for the units they may change
(`org.access.changeable_units`). A token acts as its unit: it submits to campaigns
visible to that unit, files suggestions under units of its subtree, and reads the
suggestions about its subtree. The same 404 for "missing" and "not yours".
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from zhongzhi.api.errors import ApiNotFound
from zhongzhi.api.models import ApiToken
from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.receipt_codes import explain_receipt_code, parse_receipt_code
from zhongzhi.org.access import AnyUser, changeable_units
from zhongzhi.org.models import Unit


def token_units(user: AnyUser) -> QuerySet[Unit]:
    """Units this user may create tokens for."""
    return changeable_units(user)


def can_manage_tokens(user: AnyUser) -> bool:
    return token_units(user).exists()


def visible_tokens(user: AnyUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(unit__in=token_units(user))


def access_token(user: AnyUser, token_id: int) -> ApiToken:
    try:
        return visible_tokens(user).select_related("unit").get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise Http404 from None


def token_campaigns(token: ApiToken) -> QuerySet[Campaign]:
    """Campaigns visible to the token's unit: owned in its subtree, or at or above it."""
    owned_below = Q(owner_unit__path__startswith=token.unit.path)
    owned_above = Q(owner_unit_id__in=[*token.unit.ancestor_ids(), token.unit_id])
    return Campaign.objects.filter(owned_below | owned_above)


def access_campaign_for_token(token: ApiToken, campaign_id: int) -> Campaign:
    try:
        return token_campaigns(token).select_related("owner_unit").get(pk=campaign_id)
    except Campaign.DoesNotExist:
        raise Http404 from None


def token_unit_subtree(token: ApiToken) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=token.unit.path)


def token_default_unit(token: ApiToken, campaign: Campaign) -> Unit:
    """Where a token's suggestion goes when it names no unit: the deeper of the two."""
    if token.unit.is_in_subtree_of(campaign.owner_unit):
        return token.unit
    return campaign.owner_unit


def token_suggestions(token: ApiToken) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(unit__path__startswith=token.unit.path)


def access_suggestion_by_receipt(code: str) -> Suggestion:
    """Anyone with a receipt code may follow that one suggestion (and nothing personal)."""
    problem = explain_receipt_code(code)
    if problem is not None:
        raise ApiNotFound(problem)
    canonical = parse_receipt_code(code)
    suggestion = (
        Suggestion.objects.select_related("campaign", "topic", "merged_into")
        .filter(receipt_code=canonical)
        .first()
    )
    if suggestion is None:
        raise ApiNotFound(_("没有找到这个回执号，请核对后再试。"))
    return suggestion
