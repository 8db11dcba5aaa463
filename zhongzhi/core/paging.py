"""Pages of the staff lists that neither count nor skip every row.

A campaign of 151,681 suggestions made each list page count all of its rows (a
``COUNT(*)`` over the campaign on every request) and fetch a deep page by reading
and dropping every wide row before it. Staff need a total to a few digits and the way
to the next page, so a list counts at most `CAP` rows (or as many as the asked page
needs) and says "共 1000+ 条"; a page's rows are found by their ids first, ordered
by the ordering's own columns only, then fetched by id (`page_rows`).

Every paged staff list goes through `paginate`.
"""

from collections.abc import Sequence
from math import ceil
from typing import Any, Protocol, cast

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.utils.functional import cached_property

CAP = 1000  # rows counted at most for the total a list shows

PageNumber = int | float | str | None  # as the query string gives it


class CountsAtMost(Protocol):
    """A list that is not a queryset (the screening queue's two parts) but counts
    its rows up to a limit and gives slices."""

    def count_at_most(self, limit: int) -> int: ...
    def __getitem__(self, index: slice) -> Sequence[Any]: ...


def count_at_most(rows: QuerySet[Any] | CountsAtMost, limit: int) -> int:
    """How many rows there are, but no more than `limit`: the database stops there."""
    if isinstance(rows, QuerySet):
        return rows.order_by()[:limit].count()
    return rows.count_at_most(limit)


def page_rows[M: Model](rows: QuerySet[M], start: int, stop: int) -> list[M]:
    """``rows[start:stop]`` in the same order: the ids first (the ordering's columns
    and the key only, which an index can often give alone), then those rows by id
    with everything the queryset selects."""
    ids = list(rows.values_list("pk", flat=True)[start:stop])
    if not ids:
        return []
    found = rows.order_by().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


class CappedPaginator(Paginator):
    """A Paginator whose `count` stops one row past `limit`: at least `CAP`, and
    more when a later page is asked for (page 100 of 50 counts 5,001 rows). When
    there are more, `capped` is true and the labels say "1000+"."""

    def __init__(self, object_list: QuerySet[Any] | CountsAtMost, per_page: int) -> None:
        super().__init__(cast(Any, object_list), per_page)
        self.rows = object_list
        self.limit = CAP

    def _asked(self, number: PageNumber) -> None:
        try:
            asked = int(cast(Any, number))
        except (TypeError, ValueError):
            return
        self.limit = max(self.limit, asked * self.per_page)

    def get_page(self, number: PageNumber) -> Page:
        self._asked(number)
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        # One row past the limit says whether there are more.
        return count_at_most(self.rows, self.limit + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.limit

    @property
    def count_label(self) -> str:
        """The total as a list shows it: "999", "1000", "1000+"."""
        return f"{self.limit}+" if self.capped else str(self.count)

    @property
    def num_pages_label(self) -> str:
        return f"{ceil(self.limit / self.per_page)}+" if self.capped else str(self.num_pages)

    def page(self, number: PageNumber) -> Page:
        valid = self.validate_number(cast(Any, number))
        bottom = (valid - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.rows
        shown = page_rows(rows, bottom, top) if isinstance(rows, QuerySet) else rows[bottom:top]
        return Page(shown, valid, self)


def paginate(rows: QuerySet[Any] | CountsAtMost, number: PageNumber, per_page: int) -> Page:
    """The asked page of a staff list (the last one when it is past the end, the
    first when it is no number), its paginator capped."""
    return CappedPaginator(rows, per_page).get_page(number)
