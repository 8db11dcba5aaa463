"""The staff search looks up folded text (zhongzhi/intake/search.py, intake/folding.py).

A column ``search_text``: the title and text with letters and digits folded
(Traditional and Simplified, full and half width alike) where that changes them,
else "" (most texts); filled here for the rows already there. The trigram index moves
onto the *document*, ``search_text`` or else ``title || ' ' || text``: on SQLite a
contentless FTS5 table fed by triggers (a view as external content would break
Django's table remakes), on PostgreSQL a GIN index on the same expression.

The old index is dropped first, so that filling the column does not also update it;
the new one is built once the column is full. Backwards: the 0002_search index again.
"""

from django.db import migrations

import zhongzhi.intake.folding

BATCH = 2000

OLD_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS intake_suggestion_fts_insert",
    "DROP TRIGGER IF EXISTS intake_suggestion_fts_delete",
    "DROP TRIGGER IF EXISTS intake_suggestion_fts_update",
    "DROP TABLE IF EXISTS intake_suggestion_fts",
]
OLD_SQLITE_CREATE = [
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
    "INSERT INTO intake_suggestion_fts(intake_suggestion_fts) VALUES ('rebuild')",
]
NEW_SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS intake_suggestion_fts USING fts5(
        document, content='', tokenize='trigram'
    )""",
    """CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_insert
        AFTER INSERT ON intake_suggestion BEGIN
            INSERT INTO intake_suggestion_fts(rowid, document) VALUES (
                new.id,
                (CASE WHEN new.search_text = '' THEN new.title || ' ' || new.text
                    ELSE new.search_text END)
            );
        END""",
    """CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_delete
        AFTER DELETE ON intake_suggestion BEGIN
            INSERT INTO intake_suggestion_fts(intake_suggestion_fts, rowid, document) VALUES (
                'delete',
                old.id,
                (CASE WHEN old.search_text = '' THEN old.title || ' ' || old.text
                    ELSE old.search_text END)
            );
        END""",
    """CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_update
        AFTER UPDATE OF title, text, search_text ON intake_suggestion BEGIN
            INSERT INTO intake_suggestion_fts(intake_suggestion_fts, rowid, document) VALUES (
                'delete',
                old.id,
                (CASE WHEN old.search_text = '' THEN old.title || ' ' || old.text
                    ELSE old.search_text END)
            );
            INSERT INTO intake_suggestion_fts(rowid, document) VALUES (
                new.id,
                (CASE WHEN new.search_text = '' THEN new.title || ' ' || new.text
                    ELSE new.search_text END)
            );
        END""",
    """INSERT INTO intake_suggestion_fts(rowid, document)
        SELECT id, (CASE WHEN search_text = '' THEN title || ' ' || text ELSE search_text END)
        FROM intake_suggestion""",
]
OLD_POSTGRESQL_DROP = ["DROP INDEX IF EXISTS intake_suggestion_search_trgm"]
OLD_POSTGRESQL_CREATE = [
    """CREATE INDEX IF NOT EXISTS intake_suggestion_search_trgm ON intake_suggestion
        USING gin ((title || ' ' || text) gin_trgm_ops)""",
]
NEW_POSTGRESQL_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS intake_suggestion_search_trgm ON intake_suggestion
        USING gin (
            (CASE WHEN search_text = '' THEN title || ' ' || text ELSE search_text END) gin_trgm_ops
        )""",
]
# The same drop statements serve for the new index, whose names are the old ones'.
DROP = {"sqlite": OLD_SQLITE_DROP, "postgresql": OLD_POSTGRESQL_DROP}
OLD_CREATE = {"sqlite": OLD_SQLITE_CREATE, "postgresql": OLD_POSTGRESQL_CREATE}
NEW_CREATE = {"sqlite": NEW_SQLITE_CREATE, "postgresql": NEW_POSTGRESQL_CREATE}


def _run(statements, schema_editor):  # type: ignore[no-untyped-def]
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_old_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(DROP, schema_editor)


def create_old_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(OLD_CREATE, schema_editor)


def create_new_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(NEW_CREATE, schema_editor)


def drop_new_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(DROP, schema_editor)


def fold_existing_rows(apps, schema_editor):  # type: ignore[no-untyped-def]
    """search_text for every row folding changes, in id order, a batch at a time."""
    connection = schema_editor.connection
    postgresql = connection.vendor == "postgresql"
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id, title, text FROM intake_suggestion WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            folded = zhongzhi.intake.folding.search_documents((row[1], row[2]) for row in rows)
            changed = [(row[0], text) for row, text in zip(rows, folded, strict=True) if text]
            if not changed:
                continue
            if postgresql:
                cursor.execute(
                    "UPDATE intake_suggestion AS s SET search_text = v.folded"
                    " FROM unnest(%s::bigint[], %s::text[]) AS v(id, folded) WHERE s.id = v.id",
                    [[pk for pk, _text in changed], [text for _pk, text in changed]],
                )
            else:
                cursor.executemany(
                    "UPDATE intake_suggestion SET search_text = %s WHERE id = %s",
                    [(text, pk) for pk, text in changed],
                )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_screening"),
    ]

    operations = [
        migrations.RunPython(drop_old_index, create_old_index, elidable=False),
        migrations.AddField(
            model_name="suggestion",
            name="search_text",
            field=zhongzhi.intake.folding.SearchTextField(
                blank=True, db_default="", default="", editable=False, verbose_name="检索文本"
            ),
        ),
        migrations.RunPython(fold_existing_rows, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_new_index, drop_new_index, elidable=False),
    ]
