"""Full-text search over suggestions that works for Chinese, as staff type it.

Chinese puts no spaces between words, so word tokenisers find nothing; both
databases index character trigrams instead, which find any substring of three or
more characters ("兴安支路" inside "关于兴安支路路面坑洼的建议"). What is indexed is a
suggestion's *document*: its title and text with letters and digits folded
(``intake/folding.py``: Traditional and Simplified, full and half width alike), that
is ``search_text`` where folding changed something and ``title || ' ' || text`` where
it did not (``search_text`` is "" then). Every term of the query is folded the same
way, so that 聲控燈 finds 声控灯 and ＡＢＣ finds abc:

- SQLite: a contentless FTS5 table ``intake_suggestion_fts`` (``tokenize='trigram'``)
  fed the document by triggers on ``intake_suggestion``;
- PostgreSQL: the document in a table of its own, ``intake_suggestion_search``, kept
  by triggers, with a ``pg_trgm`` GIN index used by ``LIKE`` / ``ILIKE`` (migration
  0013: in intake_suggestion itself, every screening decision rewrote the index).

Both are made by migrations (0005_search_folded_text, 0013 for PostgreSQL's table;
0002_search indexed the title and text unfolded). A query is split at whitespace and
every term must occur (AND).
Terms of one or two characters cannot be looked up in a trigram index; on SQLite
they fall back to a substring scan (``icontains``), on PostgreSQL the same ``ILIKE``
runs without the index. Other databases get ``icontains`` for every term.

SQLite drops a table's triggers when Django "remakes" the table, which it does for
most ``AlterField`` and for ``AddField`` with a default. `ensure_search_index` puts
them back (and rebuilds the index) after ``migrate``: connect it to
``post_migrate`` in ``IntakeConfig.ready``.
"""

from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from zhongzhi.intake.models import Suggestion
from zhongzhi.triage.normalise import fold_letters

MIN_INDEXED_LENGTH = 3  # a trigram index can only look up terms of three characters or more
MAX_TERMS = 8
MAX_TERM_LENGTH = 100
MAX_QUERY_LENGTH = 1000  # folded at most: eight terms of 100 characters and their spaces

FTS_TABLE = "intake_suggestion_fts"
SEARCH_TABLE = "intake_suggestion_search"  # PostgreSQL's (migration 0013)


def document_sql(row: str = "") -> str:
    """The indexed document in SQL, of ``row`` (``new.``, ``old.``, a quoted table and
    a dot, or "" for the row in scope); `folding.search_document` in Python."""
    return (
        f"(CASE WHEN {row}search_text = '' THEN {row}title || ' ' || {row}text"
        f" ELSE {row}search_text END)"
    )


# The same statements as migration 0005_search_folded_text; kept here to repair the
# triggers. A contentless table is told what to remove: the same document as added.
SQLITE_TRIGGERS = {
    "intake_suggestion_fts_insert": f"""
        CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_insert
        AFTER INSERT ON intake_suggestion BEGIN
            INSERT INTO {FTS_TABLE}(rowid, document) VALUES (new.id, {document_sql("new.")});
        END""",
    "intake_suggestion_fts_delete": f"""
        CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_delete
        AFTER DELETE ON intake_suggestion BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, document)
            VALUES ('delete', old.id, {document_sql("old.")});
        END""",
    "intake_suggestion_fts_update": f"""
        CREATE TRIGGER IF NOT EXISTS intake_suggestion_fts_update
        AFTER UPDATE OF title, text, search_text ON intake_suggestion BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, document)
            VALUES ('delete', old.id, {document_sql("old.")});
            INSERT INTO {FTS_TABLE}(rowid, document) VALUES (new.id, {document_sql("new.")});
        END""",
}
SQLITE_REBUILD = [
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')",
    f"INSERT INTO {FTS_TABLE}(rowid, document) SELECT id, {document_sql()} FROM intake_suggestion",
]


def fold_query(query: str) -> str:
    """What staff typed, folded as the stored texts are (聲控燈 -> 声控灯, ＡＢＣ -> abc)."""
    return fold_letters(query[:MAX_QUERY_LENGTH])


def search_terms(query: str) -> list[str]:
    """The distinct whitespace-separated terms of the folded query (full-width spaces
    count)."""
    terms: list[str] = []
    for term in fold_query(query).split():
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
    # The document, as Django lookups: the title or text where nothing was folded.
    unfolded = Q(search_text="") & (Q(title__icontains=term) | Q(text__icontains=term))
    return unfolded | Q(search_text__icontains=term)


def search_suggestions(queryset: QuerySet[Suggestion], query: str) -> QuerySet[Suggestion]:
    """Only the suggestions whose title or text contains every term of the query, both
    folded (`fold_query`)."""
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
    conditions = []
    patterns = []
    for term in terms:
        # A term with no letter that has a case (Chinese, digits) matches alike either
        # way, and LIKE checks the index's candidate rows in half the time of ILIKE.
        conditions.append(
            "document LIKE %s" if term.lower() == term.upper() else "document ILIKE %s"
        )
        patterns.append(_like_pattern(term))
    found = f"SELECT suggestion_id FROM {SEARCH_TABLE} WHERE {' AND '.join(conditions)}"
    return queryset.filter(pk__in=RawSQL(found, patterns))


def ensure_search_index(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``: put back SQLite triggers a table remake dropped, and reindex.

    A ``post_migrate`` receiver (it accepts the signal's keyword arguments). Does
    nothing on other databases, or when the search table is not the one of 0005 (not
    migrated yet, or migrated back below it).
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master"
            " WHERE name = %s OR type = 'trigger' AND name IN (%s, %s, %s)",
            [FTS_TABLE, *SQLITE_TRIGGERS],
        )
        present = {name: sql for name, sql in cursor.fetchall()}
        if "document" not in present.get(FTS_TABLE, ""):
            return
        if set(SQLITE_TRIGGERS) <= set(present):
            return
        for statement in SQLITE_TRIGGERS.values():
            cursor.execute(statement)
        for statement in SQLITE_REBUILD:
            cursor.execute(statement)
