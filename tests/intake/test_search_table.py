"""PostgreSQL keeps the search document in a table of its own (migration 0013), so that
a screening decision does not rewrite the trigram index: its triggers follow every
insert, text change and deletion, and leave it alone on a status change."""

import pytest
from django.db import connection

from tests.conftest import World
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.intake.search import SEARCH_TABLE, search_suggestions
from zhongzhi.intake.services import suggestion_submit

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps its FTS5 table (0005)"
)


def _document(pk: int) -> tuple[str, int] | None:
    with connection.cursor() as cursor:
        # xmin: the transaction that last wrote the row; unchanged when nothing was.
        cursor.execute(
            f"SELECT document, xmin::text::bigint FROM {SEARCH_TABLE} WHERE suggestion_id = %s",
            [pk],
        )
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1])


def test_the_document_follows_the_text_and_not_the_status(world: World) -> None:
    suggestion, _ = suggestion_submit(
        campaign=world.campaign, text="兴安支路路灯不亮", channel="online", title="路灯"
    )
    written = _document(suggestion.pk)
    assert written is not None and "兴安支路路灯不亮" in written[0]
    Suggestion.objects.filter(pk=suggestion.pk).update(status=SuggestionStatus.ACCEPTED)
    assert _document(suggestion.pk) == written
    # A whole-row save that leaves the text as it was does not write it either.
    Suggestion.objects.get(pk=suggestion.pk).save()
    assert _document(suggestion.pk) == written

    Suggestion.objects.filter(pk=suggestion.pk).update(text="聲控燈壞了", search_text="声控灯坏了")
    assert _document(suggestion.pk)[0] == "声控灯坏了"  # type: ignore[index]
    assert list(search_suggestions(Suggestion.objects.all(), "聲控燈")) == [
        Suggestion.objects.get(pk=suggestion.pk)
    ]
    assert not search_suggestions(Suggestion.objects.all(), "兴安支路").exists()


def test_bulk_inserts_and_deletes_are_followed(world: World) -> None:
    made = [
        suggestion_submit(campaign=world.campaign, text=f"第{n}条：井盖松动", channel="online")[0]
        for n in range(3)
    ]
    assert search_suggestions(Suggestion.objects.all(), "井盖松动").count() == 3
    Suggestion.objects.filter(pk__in=[s.pk for s in made[:2]]).delete()
    assert _document(made[0].pk) is None and _document(made[2].pk) is not None
