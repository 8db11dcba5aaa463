"""Writes for jobs. A task calls `job_start`, `job_progress` as it goes, then
`job_succeed` or `job_fail`; the page polls `core:job` for the progress bar."""

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhongzhi.core.models import Job, JobState
from zhongzhi.org.models import User


def job_create(
    *, owner: User, kind: str, input_bytes: bytes | None = None, filename: str = ""
) -> Job:
    job = Job.objects.create(owner=owner, kind=kind)
    if input_bytes is not None:
        job.input_file.save(filename or f"job-{job.pk}.bin", ContentFile(input_bytes), save=True)
    return job


def job_start(job_id: int, *, total: int = 0, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(state=JobState.RUNNING, total=total, message=message)


def job_progress(job_id: int, done: int, total: int) -> None:
    Job.objects.filter(pk=job_id).update(done=done, total=total)


def progress_reporter(job_id: int, every: int = 100) -> Callable[[int, int], None]:
    """A progress callback that writes at most every `every` items (and the last)."""
    last = {"done": -every}

    def report(done: int, total: int) -> None:
        if done - last["done"] >= every or done == total:
            last["done"] = done
            job_progress(job_id, done, total)

    return report


def _finish(job_id: int, state: str, message: str, result: dict[str, Any]) -> None:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        job.state, job.message, job.result = state, message, result
        job.finished_at = timezone.now()
        if state == JobState.SUCCEEDED:
            job.done = job.total
        if job.input_file:
            job.input_file.delete(save=False)
        job.save()


def job_succeed(job_id: int, *, message: str, result: dict[str, Any] | None = None) -> None:
    _finish(job_id, JobState.SUCCEEDED, message, result or {})


def job_fail(job_id: int, *, message: str, result: dict[str, Any] | None = None) -> None:
    _finish(job_id, JobState.FAILED, message, result or {})
