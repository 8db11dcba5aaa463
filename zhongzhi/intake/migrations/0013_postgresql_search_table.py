"""PostgreSQL: the search document and its trigram index move out of intake_suggestion
into a table of their own, ``intake_suggestion_search`` (suggestion_id, document).

Why: the status, unit and version columns are indexed, so every screening decision is
a non-HOT update that re-inserts the row into *every* index of the table — the GIN
trigram index included, whose hundreds of trigrams a row (and pending-list flushes)
made a bulk decision on 1,000 rows take over 3 s. In a table of its own the document
changes only when the title or text does.

Triggers keep it: rows added (one statement-level insert with the statement's new rows,
so that a bulk insert is one more statement, not one per row), a title or text changed
(row level, only when it really changed), rows deleted, the table truncated. No foreign
key: Django's flush truncates intake_suggestion alone, and the truncate trigger clears
this table with it. SQLite keeps its FTS5 table (0005).
"""

from django.db import migrations

DOCUMENT = "(CASE WHEN {row}search_text = '' THEN {row}title || ' ' || {row}text ELSE {row}search_text END)"

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE intake_suggestion_search (
        suggestion_id bigint PRIMARY KEY,
        document text NOT NULL
    )""",
    f"""CREATE FUNCTION intake_suggestion_search_added() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO intake_suggestion_search (suggestion_id, document)
                SELECT id, {DOCUMENT.format(row="")} FROM added
            ON CONFLICT (suggestion_id) DO UPDATE SET document = EXCLUDED.document;
            RETURN NULL;
        END $$""",
    f"""CREATE FUNCTION intake_suggestion_search_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO intake_suggestion_search (suggestion_id, document)
                VALUES (NEW.id, {DOCUMENT.format(row="NEW.")})
            ON CONFLICT (suggestion_id) DO UPDATE SET document = EXCLUDED.document;
            RETURN NULL;
        END $$""",
    """CREATE FUNCTION intake_suggestion_search_removed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM intake_suggestion_search
                WHERE suggestion_id IN (SELECT id FROM removed);
            RETURN NULL;
        END $$""",
    """CREATE FUNCTION intake_suggestion_search_truncated() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE intake_suggestion_search;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER intake_suggestion_search_insert AFTER INSERT ON intake_suggestion
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION intake_suggestion_search_added()""",
    """CREATE TRIGGER intake_suggestion_search_update
        AFTER UPDATE OF title, text, search_text ON intake_suggestion
        FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title
            OR OLD.text IS DISTINCT FROM NEW.text
            OR OLD.search_text IS DISTINCT FROM NEW.search_text)
        EXECUTE FUNCTION intake_suggestion_search_changed()""",
    """CREATE TRIGGER intake_suggestion_search_delete AFTER DELETE ON intake_suggestion
        REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION intake_suggestion_search_removed()""",
    """CREATE TRIGGER intake_suggestion_search_truncate AFTER TRUNCATE ON intake_suggestion
        FOR EACH STATEMENT EXECUTE FUNCTION intake_suggestion_search_truncated()""",
    f"""INSERT INTO intake_suggestion_search (suggestion_id, document)
        SELECT id, {DOCUMENT.format(row="")} FROM intake_suggestion""",
    "DROP INDEX IF EXISTS intake_suggestion_search_trgm",
    # The index keeps its name: what the search's plan and the benchmarks look for.
    """CREATE INDEX intake_suggestion_search_trgm ON intake_suggestion_search
        USING gin (document gin_trgm_ops)""",
]

DROP = [
    "DROP TRIGGER IF EXISTS intake_suggestion_search_insert ON intake_suggestion",
    "DROP TRIGGER IF EXISTS intake_suggestion_search_update ON intake_suggestion",
    "DROP TRIGGER IF EXISTS intake_suggestion_search_delete ON intake_suggestion",
    "DROP TRIGGER IF EXISTS intake_suggestion_search_truncate ON intake_suggestion",
    "DROP FUNCTION IF EXISTS intake_suggestion_search_added()",
    "DROP FUNCTION IF EXISTS intake_suggestion_search_changed()",
    "DROP FUNCTION IF EXISTS intake_suggestion_search_removed()",
    "DROP FUNCTION IF EXISTS intake_suggestion_search_truncated()",
    "DROP TABLE IF EXISTS intake_suggestion_search",
    # 0005's index on the table's own expression, as it was.
    f"""CREATE INDEX IF NOT EXISTS intake_suggestion_search_trgm ON intake_suggestion
        USING gin ({DOCUMENT.format(row="")} gin_trgm_ops)""",
]


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("intake", "0012_dashboard_indexes")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
