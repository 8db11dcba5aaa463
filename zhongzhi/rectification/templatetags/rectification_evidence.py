"""``{% load rectification_evidence %}``: the short type name of an evidence file."""

from django import template

from zhongzhi.rectification.services.evidence import badge_for

register = template.Library()


@register.filter
def evidence_badge(content_type: str) -> str:
    """ "Word", "Excel", "PDF"… for a document's content type."""
    return badge_for(content_type)
