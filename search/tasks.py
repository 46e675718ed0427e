from datetime import datetime

from celery import shared_task

from . import services


@shared_task(name="search.tasks.quality_refresh", ignore_result=True)
def quality_refresh(since: str | None = None) -> int:
    """Copy review qualities into the search documents after a rerank (enqueued by
    search.signals once the run has committed, so the rerank's worker does not wait for it).
    Safe to run twice or concurrently: it writes only documents whose quality differs."""
    return services.quality_refresh(since=datetime.fromisoformat(since) if since else None)
