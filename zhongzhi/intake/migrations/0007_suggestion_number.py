"""Staff's number for a suggestion (编号): 1, 2, 3 … in each campaign.

A counter per campaign (``SuggestionCounter``) and the column, filled for the rows
already there in the order they were saved (the primary key: a suggestion has no
creation time of its own, and ``submitted_at`` is the date written on a paper form
or the day of a meeting, often days before the row was saved), then each campaign's
counter set to its last number. 0008 makes the column required and unique per campaign.
"""

import django.db.models.deletion
from django.db import migrations, models

# Plain SQL that SQLite (≥ 3.33: UPDATE … FROM, window functions) and PostgreSQL share.
NUMBER_EXISTING = """
    UPDATE intake_suggestion SET number = numbered.n
    FROM (
        SELECT id, ROW_NUMBER() OVER (PARTITION BY campaign_id ORDER BY id) AS n
        FROM intake_suggestion
    ) AS numbered
    WHERE intake_suggestion.id = numbered.id
"""
SET_COUNTERS = """
    INSERT INTO intake_suggestioncounter (campaign_id, last_number)
    SELECT campaign_id, MAX(number) FROM intake_suggestion GROUP BY campaign_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_initial"),
        ("intake", "0006_to_assign_covering"),
    ]

    operations = [
        migrations.CreateModel(
            name="SuggestionCounter",
            fields=[
                (
                    "campaign",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="campaigns.campaign",
                    ),
                ),
                ("last_number", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "编号计数",
                "verbose_name_plural": "编号计数",
            },
        ),
        migrations.AddField(
            model_name="suggestion",
            name="number",
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name="编号"),
        ),
        migrations.RunSQL(NUMBER_EXISTING, migrations.RunSQL.noop, elidable=True),
        migrations.RunSQL(SET_COUNTERS, migrations.RunSQL.noop, elidable=True),
    ]
