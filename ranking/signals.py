"""A deleted review leaves nothing behind for the incremental rerank to find by timestamp, so
remember its author and product until the next run recomputes them.

A rerank that changed something starts a new page-cache generation (config/pagecache.py): the
cached first pages show the new order."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from config import pagecache
from reviews.models import Review

from .models import RerankPending
from .services import rerank_committed

# Sent once the rerank's transaction has committed.
rerank_committed.connect(pagecache.invalidate_now, dispatch_uid="pagecache-rerank")


@receiver(post_delete, sender=Review, dispatch_uid="ranking-review-deleted")
def review_deleted(sender, instance: Review, **kwargs) -> None:
    RerankPending.objects.create(
        reason=RerankPending.Reason.REVIEW_DELETED, user_id=instance.author_id, product_id=instance.product_id
    )
