from celery import shared_task

from . import services


@shared_task(name="foryou.tasks.refresh", ignore_result=True)
def refresh() -> dict:
    """Beat runs this every FORYOU_REFRESH_INTERVAL: stale topic pools, first-chance tiers, and the
    candidate lists of active people who are due. Safe to run twice or concurrently: a second run
    finds the lock taken and does nothing."""
    return services.refresh().as_dict()
