"""Suggestion.activity (the activity where it was said; meetings move there in
activities 0002) and the coverage matrix's index. On SQLite adding a foreign key
remakes the table, which drops the staff search's triggers: they are put back at the
end, as in 0008."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def restore_search_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhongzhi.intake.search import ensure_search_index

    ensure_search_index(schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0001_initial'),
        ('campaigns', '0003_routing_defaults'),
        ('intake', '0009_unit_scope_index'),
        ('org', '0003_membership_granted_by_groups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='suggestion',
            name='activity',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='suggestions', to='activities.activity', verbose_name='活动'),
        ),
        migrations.AddIndex(
            model_name='suggestion',
            index=models.Index(fields=['campaign', 'category', 'topic', 'unit', 'status'], name='suggestion_coverage'),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop, elidable=True),
    ]
