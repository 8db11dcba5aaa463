"""Every suggestion has its 编号 (0007 filled them), one per number in a campaign.

Its own migration, so that PostgreSQL alters the table in a transaction of its own,
after the one that filled the column. On SQLite both operations remake the table,
which drops the staff search's triggers: they are put back at the end (the
``post_migrate`` repair, `search.ensure_search_index`, would too, but only for a
``migrate`` command, and only after every later migration).
"""

from django.db import migrations, models


def restore_search_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhongzhi.intake.search import ensure_search_index

    ensure_search_index(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0007_suggestion_number"),
    ]

    operations = [
        migrations.AlterField(
            model_name="suggestion",
            name="number",
            field=models.PositiveIntegerField(editable=False, verbose_name="编号"),
        ),
        migrations.AddConstraint(
            model_name="suggestion",
            constraint=models.UniqueConstraint(
                fields=("campaign", "number"), name="suggestion_unique_number"
            ),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop, elidable=True),
    ]
