"""A suggestion's text in a staff list, as the viewer may read it."""

from django import template

from zhongzhi.intake.access import mask_phones_in_text, reads_phones_in_lists
from zhongzhi.org.access import AnyUser

register = template.Library()


@register.filter
def as_read_by(text: str, user: AnyUser) -> str:
    """``{{ suggestion.text|as_read_by:request.user|truncatechars:90 }}``: phone numbers
    in the text masked for those who do not call residents back."""
    return text if reads_phones_in_lists(user) else mask_phones_in_text(text)
