"""What the screening services raise besides ValidationError."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """One row of a bulk action that cannot be done, and why."""

    receipt_code: str
    reason: str


class BulkRefused(Exception):
    """A bulk action refused as a whole: nothing was changed. ``refusals`` says which
    rows stood in the way and why."""

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__(f"{len(refusals)} rows refused")
        self.refusals = refusals


class Conflict(Exception):
    """Someone else changed the suggestion since the page was shown: decide again on
    fresh data. ``message`` says so in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
