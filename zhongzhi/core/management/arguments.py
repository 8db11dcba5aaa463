"""Argument types shared by the management commands."""

import datetime

from django.core.management.base import CommandError


def iso_day(value: str) -> datetime.date:
    """A YYYY-MM-DD argument, or a CommandError in Chinese."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期应写作 YYYY-MM-DD：{value}") from None
