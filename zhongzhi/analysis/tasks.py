"""Background work of the triage layer (queue "triage")."""

from django.tasks import task

from zhongzhi.analysis.similarity import index_suggestion


@task(queue_name="triage")
def index_suggestion_task(suggestion_id: int) -> None:
    """Add a new suggestion to its campaign's duplicate index; safe to run twice."""
    index_suggestion(suggestion_id)
