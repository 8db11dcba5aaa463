from django.db import migrations

from zhongzhi.audit import triggers


def create(apps, schema_editor):
    for statement in triggers.statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in triggers.statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
