"""Reads of the audit log. Callers check access to the object first: an entry is shown
to whoever may see what it is about."""

from django.db.models import Model, QuerySet

from zhongzhi.audit.models import AuditEntry
from zhongzhi.audit.services import target_type


def audit_entries_for(target: Model) -> QuerySet[AuditEntry]:
    """Every entry about one object, oldest first, with who made it."""
    return (
        AuditEntry.objects.filter(target_type=target_type(target), target_id=target.pk)
        .select_related("actor", "unit")
        .order_by("at", "pk")
    )
