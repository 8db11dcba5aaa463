"""Trigram search over suggestion titles and texts (see zhongzhi/intake/search.py).

SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+), external content
= intake_suggestion, kept in sync by triggers. PostgreSQL: a pg_trgm GIN index on
the expression the search filters on. Other databases: nothing (substring scan).
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS intake_suggestion_fts USING fts5(
        title, text, content='intake_suggestion', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_insert
        AFTER INSERT ON intake_suggestion BEGIN
            INSERT INTO intake_suggestion_fts(rowid, title, text)
            VALUES (new.id, new.title, new.text);
        END""",
    """CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_delete
        AFTER DELETE ON intake_suggestion BEGIN
            INSERT INTO intake_suggestion_fts(intake_suggestion_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
        END""",
    """CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_update
        AFTER UPDATE OF title, text ON intake_suggestion BEGIN
            INSERT INTO intake_suggestion_fts(intake_suggestion_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO intake_suggestion_fts(rowid, title, text)
            VALUES (new.id, new.title, new.text);
        END""",
    # Index the rows that are already there.
    "INSERT INTO intake_suggestion_fts(intake_suggestion_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS intake_suggestion_fts_insert",
    "DROP TRIGGER IF EXISTS intake_suggestion_fts_delete",
    "DROP TRIGGER IF EXISTS intake_suggestion_fts_update",
    "DROP TABLE IF EXISTS intake_suggestion_fts",
]
POSTGRESQL_FORWARD = [
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS intake_suggestion_search_trgm ON intake_suggestion
        USING gin ((title || ' ' || text) gin_trgm_ops)""",
]
POSTGRESQL_BACKWARD = [
    # The extension stays: other indexes may use it.
    "DROP INDEX IF EXISTS intake_suggestion_search_trgm",
]

FORWARD = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}
BACKWARD = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}


def forwards(apps, schema_editor):
    for statement in FORWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in BACKWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
