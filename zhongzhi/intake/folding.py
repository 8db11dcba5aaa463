"""What the staff search compares: a suggestion's title and text, folded.

Staff type 聲控燈 or ＡＢＣ; residents write 声控灯 or abc (or the other way round).
Both sides go through ``triage.normalise.fold_letters``: letters and digits folded
one for one (Traditional -> Simplified, full -> half width, compatibility forms),
everything else left as it is, so that any word of the text can still be found
(``normalise`` itself also drops greetings and thanks and turns long numbers into
``#``, which a search must not do).

- The stored side is ``Suggestion.search_text`` (a `SearchTextField`): the folded
  "title text" where folding changes it, else "" -- most texts are Simplified with
  half-width letters and digits already (98% of the TIPDM messages), so the column
  costs next to nothing, and the search index reads the title and text themselves
  for those rows (``intake/search.py``). The field computes itself whenever a row is
  written through the ORM (``save()``, ``bulk_create``, ``paper_form``'s prepared
  INSERT all call ``pre_save``): a submission stays one INSERT, and folding a text
  costs about 10 µs of Python. A queryset ``update()`` of the title or text must set
  ``search_text=search_document(title, text)`` too.
- The query side is ``search.search_terms``, which folds what staff typed alike.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Model

from zhongzhi.triage.normalise import fold_letters, fold_letters_many


def search_document(title: str, text: str) -> str:
    """The title and text folded, or "" when folding changes nothing (the index then
    reads the title and text themselves: the same words)."""
    document = f"{title} {text}"
    folded = fold_letters(document)
    return "" if folded == document else folded


def search_documents(rows: Iterable[tuple[str, str]]) -> list[str]:
    """`search_document` of many (title, text) pairs at once."""
    documents = [f"{title} {text}" for title, text in rows]
    return [
        "" if folded == document else folded
        for document, folded in zip(documents, fold_letters_many(documents), strict=True)
    ]


def fill_search_text(objects: Iterable[Any]) -> None:
    """Fold a batch of unsaved suggestions at once, ahead of a bulk insert.

    ``pre_save`` keeps a value filled here (or by itself) as long as the title and text
    are still the very strings it was folded from; anything else is folded again.
    """
    objects = list(objects)
    for obj, folded in zip(
        objects, search_documents((obj.title, obj.text) for obj in objects), strict=True
    ):
        obj.search_text = folded
        obj._search_text_of = (obj.title, obj.text)


class SearchTextField(models.TextField):
    """The title and text of the row folded for search (`search_document`), set from
    them each time the row is saved; never edited, never shown."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: Model, add: bool) -> str:
        title, text = model_instance.title, model_instance.text  # type: ignore[attr-defined]
        source = getattr(model_instance, "_search_text_of", None)
        if source is not None and source[0] is title and source[1] is text:
            return str(getattr(model_instance, self.attname))
        value = search_document(title, text)
        setattr(model_instance, self.attname, value)
        # Django asks twice for one INSERT: the second time costs nothing.
        model_instance._search_text_of = (title, text)  # type: ignore[attr-defined]
        return value
