from django.db import migrations


def set_unlogged(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Counters live a minute and may be lost in a crash; without WAL each request's
    # count does not wait for a disk flush. PostgreSQL only (SQLite has no such thing).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratecounter SET UNLOGGED")


def set_logged(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratecounter SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_rate_counter")]

    operations = [migrations.RunPython(set_unlogged, set_logged)]
