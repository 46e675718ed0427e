from celery import shared_task

from . import services


@shared_task(name="ranking.tasks.rerank", ignore_result=True)
def rerank(full: bool = False) -> dict:
    """Beat runs this every RANKING_RERANK_INTERVAL (incremental) and nightly (full). Safe to
    run twice or concurrently: the second run finds the lock taken, or nothing left to change."""
    return services.rerank(full=full).as_dict()
