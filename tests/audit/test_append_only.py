"""The audit log cannot be rewritten: the database itself refuses UPDATE and DELETE."""

import pytest
from django.db import DatabaseError, connection, transaction

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.audit.selectors import audit_entries_for
from zhongzhi.audit.services import audit_record
from zhongzhi.intake.models import Suggestion


@pytest.fixture
def entry(world: World) -> AuditEntry:
    suggestion = SuggestionFactory(campaign=world.campaign)
    return audit_record(
        action=AuditAction.ACCEPT,
        target=suggestion,
        actor=world.office,
        campaign=world.campaign,
        before={"status": "received"},
        after={"status": "accepted"},
        note="原始记录",
    )


def refused(sql: str, params: list[object]) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


def test_the_database_refuses_to_update_an_entry(entry: AuditEntry) -> None:
    assert refused("UPDATE audit_auditentry SET note = %s WHERE id = %s", ["改写", entry.pk])
    entry.refresh_from_db()
    assert entry.note == "原始记录"


def test_the_database_refuses_to_delete_an_entry(entry: AuditEntry) -> None:
    assert refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_orm_cannot_change_or_delete_entries_either(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(note="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).note == "原始记录"


def test_new_entries_are_still_added_and_read_in_order(world: World, entry: AuditEntry) -> None:
    suggestion = Suggestion.objects.get(pk=entry.target_id)
    later = audit_record(
        action=AuditAction.ADOPT,
        target=suggestion,
        actor=world.office,
        campaign=world.campaign,
    )
    assert [e.pk for e in audit_entries_for(suggestion)] == [entry.pk, later.pk]


def test_the_admin_offers_no_way_to_change_the_log(world: World, entry: AuditEntry) -> None:
    client = world.client_for(world.office)
    listing = client.get("/admin/audit/auditentry/")
    assert listing.status_code == 200
    page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="note"' not in page.content.decode()
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
