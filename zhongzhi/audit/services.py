"""Writes to the audit log. Services of other apps call these inside their own
transaction, so an entry exists exactly when the change it records does."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from zhongzhi.audit.models import AuditEntry
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.bulk import insert_many
from zhongzhi.org.models import Unit, User


def target_type(model: Model | type[Model]) -> str:
    return model._meta.label_lower


@dataclass
class Entry:
    """One entry to record; ``audit_record_many`` writes a list of them in one insert.
    ``target`` may be the model with ``target_pk`` the row's key, when a bulk caller
    has only ids (the deadline sweep's thousands of steps)."""

    action: str
    target: Model | type[Model]
    actor: User | None
    campaign: Campaign | None
    unit: Unit | None = None
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    target_pk: int | None = None

    def row(self) -> AuditEntry:
        return AuditEntry(
            action=self.action,
            target_type=target_type(self.target),
            target_id=self.target.pk if self.target_pk is None else self.target_pk,
            actor=self.actor,
            campaign=self.campaign,
            unit=self.unit,
            before=self.before,
            after=self.after,
            note=self.note,
        )


def audit_record(
    *,
    action: str,
    target: Model,
    actor: User | None,
    campaign: Campaign | None,
    unit: Unit | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    entry = Entry(action, target, actor, campaign, unit, before or {}, after or {}, note).row()
    entry.save(force_insert=True)
    return entry


def audit_record_many(entries: Iterable[Entry]) -> int:
    """Many entries in one prepared statement (thousands on the deadline sweep's day)."""
    return insert_many([entry.row() for entry in entries])
