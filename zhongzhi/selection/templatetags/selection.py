from django import template

register = template.Library()


@register.filter
def score_for(values: dict[int, int], criterion_id: int) -> int | None:
    """The score a reviewer gave on one criterion: ``row.values|score_for:c.pk``."""
    return values.get(criterion_id)
