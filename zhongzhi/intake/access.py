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

from zhongzhi.campaigns.access import (
    can_manage_campaign,
    managed_campaign_ids,
    overseen_campaign_ids,
    oversees_campaign,
)
from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.access import (
    CHANGE_ROLES,
    AnyUser,
    changeable_unit_ids,
    roles_in,
    visible_unit_ids,
)

# A fixed line as stored: [area code-]local number[-extension].
_FIXED_LINE = re.compile(r"(0\d{2,3}-)?([2-9]\d{2,3})(\d{4})(?:-(\d{1,6}))?")

# Phone numbers inside a text (`mask_phones_in_text`), matched on the text with its
# full-width forms made half-width (one character for one, so positions still hold):
# - a mobile: 11 digits from 13-19, alone (not inside a longer run of digits);
# - a fixed line with its area code (0 and two digits for 010 and 02x, 0 and three
#   for the others, as `services.clean_phone` reads them) and a local number of 7 or
#   8 digits from 2-9: 10 to 12 digits that begin with 0, which no date (2026-10-15),
#   amount, house number or receipt code (9 symbols) is;
# - a local number alone (82881234: an amount, an order number, a date 20261015 as
#   much as a phone) only where it cannot be anything else: right after 电话, 座机,
#   联系 … (with a colon, 是 or 为 between), or followed by an extension (转806).
# The extension, wherever given, is masked too.
_AREA = r"\(?0(?:10|2\d|[3-9]\d\d)\)?"
_LOCAL = r"[2-9]\d{2,3}[ \-]?\d{4}"
_PHONE_WORD = (
    r"(?:固定电话|联系电话|办公电话|电话|座机|固话|热线|联系方式|联系|致电|拨打|tel|phone)"
    r"(?:号码|号)?"
)
_EXTENSION = r"\s*(?:转|分机|ext\.?)\s*"
_PHONES_IN_TEXT = re.compile(
    r"(?<!\d)(?P<mobile>1[3-9]\d[ \-]?\d{4}[ \-]?\d{4})(?!\d)"
    rf"|(?<!\d){_AREA}[ \-—]?(?P<local>{_LOCAL})"
    rf"(?:(?:{_EXTENSION}|\s*(?:-|x|#)\s*)(?P<extension>\d{{1,6}}))?(?![0-9A-Za-z])"
    rf"|{_PHONE_WORD}\s*(?:[:：]|是|为)?\s*(?P<said>{_LOCAL})"
    rf"(?:{_EXTENSION}(?P<said_extension>\d{{1,6}}))?(?![0-9A-Za-z])"
    rf"|(?<![0-9A-Za-z\-])(?P<dialled>{_LOCAL}){_EXTENSION}(?P<dialled_extension>\d{{1,6}})"
    r"(?![0-9A-Za-z])",
    re.IGNORECASE,
)
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def visible_suggestions(user: AnyUser) -> QuerySet[Suggestion]:
    if not user.is_authenticated:
        return Suggestion.objects.none()
    if user.is_superuser:
        return Suggestion.objects.all()
    in_overseen_campaign = Q(campaign_id__in=overseen_campaign_ids(user))
    about_visible_unit = Q(unit_id__in=visible_unit_ids(user))
    return Suggestion.objects.filter(in_overseen_campaign | about_visible_unit)


def changeable_suggestions(user: AnyUser) -> QuerySet[Suggestion]:
    if not user.is_authenticated:
        return Suggestion.objects.none()
    if user.is_superuser:
        return Suggestion.objects.all()
    in_managed_campaign = Q(campaign_id__in=managed_campaign_ids(user))
    about_changeable_unit = Q(unit_id__in=changeable_unit_ids(user))
    return Suggestion.objects.filter(in_managed_campaign | about_changeable_unit)


def campaign_suggestions(
    user: AnyUser, campaign: Campaign, *, for_change: bool = False
) -> QuerySet[Suggestion]:
    """The campaign's suggestions the user may see (or change). Its office (and its
    leaders, reading) have them all, which their roles tell without a query: then no
    scope is tested row by row."""
    whole = can_manage_campaign(user, campaign) if for_change else oversees_campaign(user, campaign)
    if whole:
        return Suggestion.objects.filter(campaign=campaign)
    rows = changeable_suggestions(user) if for_change else visible_suggestions(user)
    return rows.filter(campaign=campaign)


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


def reads_phones_in_lists(user: AnyUser) -> bool:
    """Whether numbers inside the texts of a list are shown whole to this user: to
    those who act on suggestions (the office, coordinators), who see in a list only
    what they may change or what their office oversees; leaders, supervisors,
    reviewers and staff read them masked. A single suggestion's page asks
    `can_see_phone` of that suggestion instead."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(roles_in(user) & CHANGE_ROLES)


def mask_phones_in_text(text: str) -> str:
    """Phone numbers inside a suggestion's text masked as `mask_phone` masks the one
    given (138****5678, 0532-****1234, 0532-****1234-***), before others read it.

    Everything else is left as written, separators included (the text keeps its
    length); what is not surely a phone number (`_PHONES_IN_TEXT`) is not touched.
    """
    characters = list(text)
    for match in _PHONES_IN_TEXT.finditer(text.translate(_HALF_WIDTH)):
        if match["mobile"]:
            _star_digits(characters, match.span("mobile"), keep_first=3, keep_last=4)
            continue
        for local in ("local", "said", "dialled"):
            if match[local]:
                _star_digits(characters, match.span(local), keep_first=0, keep_last=4)
        for extension in ("extension", "said_extension", "dialled_extension"):
            if match[extension]:
                _star_digits(characters, match.span(extension), keep_first=0, keep_last=0)
    return "".join(characters)


def _star_digits(
    characters: list[str], span: tuple[int, int], *, keep_first: int, keep_last: int
) -> None:
    """Star the digits of characters[span] but the first and last few."""
    positions = [i for i in range(*span) if characters[i].translate(_HALF_WIDTH).isdigit()]
    for i in positions[keep_first : len(positions) - keep_last]:
        characters[i] = "*"


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
