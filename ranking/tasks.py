from celery import shared_task

from . import services


@shared_task(name="ranking.tasks.rerank", ignore_result=True)
def rerank(full: bool = False) -> dict:
    """Beat runs this every RANKING_RERANK_INTERVAL (incremental) and nightly (full). Safe to
    run twice or concurrently: the second run finds the lock taken, or nothing left to change."""
    return services.rerank(full=full).as_dict()


@shared_task(name="ranking.tasks.rerank_split", ignore_result=True)
def rerank_split(parts: int = 2) -> str | None:
    """A full rerank spread over the ranking workers: one rerank_part task per review-id range;
    the part that completes the set enqueues rerank_finish. Returns the split's key."""
    return start_split(parts)


def start_split(parts: int) -> str | None:
    split = services.rerank_split_begin(parts=parts)
    if split is None:
        return None
    for low, high in split.ranges:
        rerank_part.delay(split.run_key, low, high)
    return split.run_key


@shared_task(name="ranking.tasks.rerank_part", ignore_result=True, acks_late=True)
def rerank_part(key: str, low: int, high: int) -> None:
    """Stage one id range (acks late: a worker lost mid-part has it redelivered; staging a range
    twice replaces its rows)."""
    try:
        last = services.rerank_stage_part(key=key, low=low, high=high)
    except Exception:
        services.rerank_split_abort(key=key)
        raise
    if last:
        rerank_finish.delay(key)


@shared_task(name="ranking.tasks.rerank_finish", ignore_result=True)
def rerank_finish(key: str) -> dict:
    return services.rerank_split_finish(key=key).as_dict()
