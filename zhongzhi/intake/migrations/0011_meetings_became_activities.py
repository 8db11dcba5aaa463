"""Meetings are activities now (activities 0002 copied them): Suggestion.meeting and
Meeting go. On SQLite removing the column remakes the table, which drops the staff
search's triggers: they are put back at the end, as in 0008."""

from django.db import migrations


def restore_search_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhongzhi.intake.search import ensure_search_index

    ensure_search_index(schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0010_suggestion_activity'),
        ('activities', '0002_meetings_to_activities'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='suggestion',
            name='meeting',
        ),
        migrations.DeleteModel(
            name='Meeting',
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop, elidable=True),
    ]
