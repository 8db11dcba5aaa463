"""The daily deadline sweep in the background.

``deadlines_daily`` is thin and idempotent: it sweeps for a day, and a second run the
same day finds nothing new. ``schedule_deadlines`` is what the worker calls every
minute: from ``ZHONGZHI_DEADLINES_HOUR`` on it enqueues the day's sweep, once a day
whatever the number of workers (``cache.add`` is atomic in every cache backend).
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.tasks import task
from django.utils import timezone

from zhongzhi.essays.services import essays_sweep
from zhongzhi.rectification.services.deadlines import sweep_deadlines


@task()
def deadlines_daily(day: str | None = None) -> dict[str, object]:
    today = datetime.date.fromisoformat(day) if day else None
    summary = sweep_deadlines(today).as_dict()
    # The essays' reminders ride on the same daily run (``essays.services.essays_sweep``).
    summary["essay_reminders"] = essays_sweep(today)
    return summary


def schedule_deadlines(now: datetime.datetime | None = None) -> bool:
    """Enqueue today's sweep if its hour has come and nobody enqueued it yet."""
    local = timezone.localtime(now)
    if local.hour < settings.ZHONGZHI_DEADLINES_HOUR:
        return False
    today = local.date()
    key = f"zz:deadlines-daily:{today.isoformat()}"
    if not cache.add(key, 1, timeout=2 * 24 * 3600):
        return False
    try:
        deadlines_daily.enqueue(today.isoformat())
    except Exception:
        cache.delete(key)  # the next minute tries again
        raise
    return True
