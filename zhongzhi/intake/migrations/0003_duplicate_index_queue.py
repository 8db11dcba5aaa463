from django.db import migrations, models


def drop_receipt_events(apps, schema_editor):  # type: ignore[no-untyped-def]
    # A suggestion's receipt is now read from its own row (submitted_at, submitted_by);
    # the 已受理 entries written at submission would show it twice.
    SuggestionEvent = apps.get_model("intake", "SuggestionEvent")
    SuggestionEvent.objects.filter(from_status="", to_status="received").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="suggestion",
            name="in_duplicate_index",
            field=models.BooleanField(
                db_default=False, default=False, editable=False, verbose_name="已进入查重索引"
            ),
        ),
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                condition=models.Q(("in_duplicate_index", False)),
                fields=["id"],
                name="suggestion_to_index",
            ),
        ),
        migrations.RunPython(drop_receipt_events, migrations.RunPython.noop),
    ]
