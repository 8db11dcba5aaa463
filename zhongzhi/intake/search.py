"""Full-text search over suggestions that works for Chinese.

Chinese puts no spaces between words, so word tokenisers find nothing; both
databases index character trigrams instead, which find any substring of three or
more characters ("兴安支路" inside "关于兴安支路路面坑洼的建议"):

- SQLite: an FTS5 table ``intake_suggestion_fts`` (``tokenize='trigram'``) whose
  content is ``intake_suggestion`` itself, kept in sync by triggers;
- PostgreSQL: a ``pg_trgm`` GIN index on ``title || ' ' || text``, used by ``ILIKE``.

Both are made by migration 0002_search. A query is split at whitespace and every
term must occur (AND). Terms of one or two characters cannot be looked up in a
trigram index; on SQLite they fall back to a substring scan (``icontains``), on
PostgreSQL the same ``ILIKE`` runs without the index. Other databases get
``icontains`` for every term.

SQLite drops a table's triggers when Django "remakes" the table, which it does for
most ``AlterField`` and for ``AddField`` with a default. `ensure_search_index` puts
them back (and rebuilds the index) after ``migrate``: connect it to
``post_migrate`` in ``IntakeConfig.ready``.
"""

from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields import BooleanField

from zhongzhi.intake.models import Suggestion

MIN_INDEXED_LENGTH = 3  # a trigram index can only look up terms of three characters or more
MAX_TERMS = 8
MAX_TERM_LENGTH = 100

FTS_TABLE = "intake_suggestion_fts"

# The same statements as migration 0002_search; kept here to repair the triggers.
SQLITE_TRIGGERS = {
    "intake_suggestion_fts_insert": f"""
        CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_insert
        AFTER INSERT ON intake_suggestion BEGIN
            INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
        END""",
    "intake_suggestion_fts_delete": f"""
        CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_delete
        AFTER DELETE ON intake_suggestion BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
        END""",
    "intake_suggestion_fts_update": f"""
        CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_update
        AFTER UPDATE OF title, text ON intake_suggestion BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
        END""",
}


def search_terms(query: str) -> list[str]:
    """The distinct whitespace-separated terms of a query (full-width spaces count)."""
    terms: list[str] = []
    for term in query.split():
        term = term[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _fts5_phrase(term: str) -> str:
    # A double-quoted FTS5 string is matched literally: no operators, no syntax errors.
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _substring(term: str) -> Q:
    return Q(title__icontains=term) | Q(text__icontains=term)


def search_suggestions(queryset: QuerySet[Suggestion], query: str) -> QuerySet[Suggestion]:
    """Only the suggestions whose title or text contains every term of the query."""
    terms = search_terms(query)
    if not terms:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        return _search_sqlite(queryset, terms)
    if vendor == "postgresql":
        return _search_postgresql(queryset, terms)
    for term in terms:
        queryset = queryset.filter(_substring(term))
    return queryset


def _search_sqlite(queryset: QuerySet[Suggestion], terms: list[str]) -> QuerySet[Suggestion]:
    indexed = [term for term in terms if len(term) >= MIN_INDEXED_LENGTH]
    if indexed:
        match = " AND ".join(_fts5_phrase(term) for term in indexed)
        queryset = queryset.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        )
    for term in terms:
        if len(term) < MIN_INDEXED_LENGTH:
            queryset = queryset.filter(_substring(term))
    return queryset


def _search_postgresql(queryset: QuerySet[Suggestion], terms: list[str]) -> QuerySet[Suggestion]:
    # Exactly the indexed expression of 0002_search, or PostgreSQL will not use the index.
    table = connections[queryset.db].ops.quote_name(Suggestion._meta.db_table)
    document = f'({table}."title" || \' \' || {table}."text")'
    for term in terms:
        queryset = queryset.filter(
            RawSQL(f"{document} ILIKE %s", [_like_pattern(term)], output_field=BooleanField())
        )
    return queryset


def ensure_search_index(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``: put back SQLite triggers a table remake dropped, and reindex.

    A ``post_migrate`` receiver (it accepts the signal's keyword arguments). Does
    nothing on other databases, or when the search table is not there (not migrated
    yet, or migrated back below 0002).
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master"
            " WHERE name = %s OR type = 'trigger' AND name IN (%s, %s, %s)",
            [FTS_TABLE, *SQLITE_TRIGGERS],
        )
        present = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE not in present or present >= set(SQLITE_TRIGGERS):
            return
        for statement in SQLITE_TRIGGERS.values():
            cursor.execute(statement)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
