"""Every meeting (intake.Meeting) becomes an activity of kind 座谈会 with the same id,
and its suggestions point at that activity: nothing is lost. The campaigns that had
meetings get the default kinds. Reversible: the activities of kind 座谈会 that came
from meetings go back to meetings."""

from django.core.management.color import no_style
from django.db import migrations
from django.db.models import F

# The default kinds as `services.DEFAULT_KINDS` had them when this migration was written.
DEFAULT_KINDS = [
    ("座谈会", "symposium"),
    ("论坛", "forum"),
    ("宣讲", "lecture"),
    ("学习", "study"),
    ("调研走访", "research_visit"),
    ("会议", "meeting"),
    ("其他", "other"),
]


def meetings_to_activities(apps, schema_editor):  # type: ignore[no-untyped-def]
    Meeting = apps.get_model("intake", "Meeting")
    Suggestion = apps.get_model("intake", "Suggestion")
    Activity = apps.get_model("activities", "Activity")
    ActivityKind = apps.get_model("activities", "ActivityKind")
    symposium_of = {}
    for campaign_id in Meeting.objects.values_list("campaign_id", flat=True).distinct():
        for order, (name, base) in enumerate(DEFAULT_KINDS):
            kind, _created = ActivityKind.objects.get_or_create(
                campaign_id=campaign_id, name=name, defaults={"order": order, "base": base}
            )
            if base == "symposium":
                symposium_of[campaign_id] = kind
    for meeting in Meeting.objects.order_by("pk").iterator():
        Activity.objects.create(
            pk=meeting.pk,
            campaign_id=meeting.campaign_id,
            unit_id=meeting.unit_id,
            kind=symposium_of[meeting.campaign_id],
            name=meeting.name,
            held_on=meeting.held_on,
            place=meeting.place,
            recorded_by_id=meeting.recorded_by_id,
            created_at=meeting.created_at,
        )
    Suggestion.objects.filter(meeting__isnull=False).update(activity_id=F("meeting_id"))
    # Ids were given explicitly: the sequence (PostgreSQL) moves past them.
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Activity]):
            cursor.execute(sql)


def activities_to_meetings(apps, schema_editor):  # type: ignore[no-untyped-def]
    Meeting = apps.get_model("intake", "Meeting")
    Suggestion = apps.get_model("intake", "Suggestion")
    Activity = apps.get_model("activities", "Activity")
    for activity in Activity.objects.filter(kind__base="symposium").order_by("pk").iterator():
        Meeting.objects.create(
            pk=activity.pk,
            campaign_id=activity.campaign_id,
            unit_id=activity.unit_id,
            name=activity.name,
            held_on=activity.held_on,
            place=activity.place,
            recorded_by_id=activity.recorded_by_id,
        )
    Suggestion.objects.filter(activity__kind__base="symposium").update(
        meeting_id=F("activity_id")
    )
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Meeting]):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("intake", "0010_suggestion_activity"),
    ]

    operations = [migrations.RunPython(meetings_to_activities, activities_to_meetings)]
