"""`zhongzhi worker`: the background process: the task queue plus the suggestion follower.

The task queue is django-tasks-db's `db_worker` (Excel imports, triage runs, exports).
Beside it a thread follows new suggestions (`analysis.tasks.follow_new_suggestions`):
a submission only writes its row, and this thread, a second or two later, adds it to
the campaign's duplicate index and schedules the campaign's triage. Another thread
looks once a minute whether the day's deadline sweep is due
(`rectification.tasks.schedule_deadlines`; once a day however many workers run).
"""

import logging
import os
import threading
import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger("zhongzhi.worker")

# Seconds between two looks for new suggestions when the last one found none.
FOLLOW_INTERVAL = 2.0
# Seconds between two looks whether the daily deadline sweep is due.
SCHEDULE_INTERVAL = 60.0
# Added to the worker's niceness (ZHONGZHI_WORKER_NICE; 0 keeps the parent's).
DEFAULT_NICE = 10


def repeat_forever(
    stop: threading.Event, step: Callable[[], object], interval: float, what: str
) -> None:
    """Call ``step`` until stopped, waiting ``interval`` after a call that found nothing."""
    while not stop.is_set():
        found: object = None
        try:
            close_old_connections()
            found = step()
        except Exception:
            # The database may be busy or restarting: log, wait, try again.
            logger.exception("%s failed", what)
        finally:
            connections.close_all()
        if not found:
            stop.wait(interval)


def follow_forever(stop: threading.Event, interval: float = FOLLOW_INTERVAL) -> None:
    from zhongzhi.analysis.tasks import follow_new_suggestions

    repeat_forever(stop, follow_new_suggestions, interval, "following new suggestions")


def schedule_forever(stop: threading.Event, interval: float = SCHEDULE_INTERVAL) -> None:
    from zhongzhi.rectification.tasks import schedule_deadlines

    repeat_forever(stop, schedule_deadlines, interval, "scheduling the deadline sweep")


class Command(DbWorkerCommand):
    help = "运行后台任务（Excel 导入、分流）并跟进新提交的建议（查重索引、安排分流）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-follow",
            action="store_true",
            help="不跟进新提交的建议（另有一个 worker 跟进时）",
        )

    # db_worker's handle names each of its options; this one passes them all through.
    def handle(self, *args: Any, no_follow: bool = False, **options: Any) -> None:  # type: ignore[override]
        # Background work yields the CPU to people's requests: under a burst of
        # submissions the worker falls behind for a while, the site does not slow down.
        niceness = int(os.environ.get("ZHONGZHI_WORKER_NICE", str(DEFAULT_NICE)))
        if niceness:
            os.nice(niceness)
        stop = threading.Event()
        if not no_follow:
            follower = threading.Thread(
                target=follow_forever, args=(stop,), name="suggestion-follower", daemon=True
            )
            follower.start()
        threading.Thread(
            target=schedule_forever, args=(stop,), name="daily-scheduler", daemon=True
        ).start()
        started = time.monotonic()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            logger.info("worker stopped after %.0f s", time.monotonic() - started)
