"""A deleted review leaves nothing behind for the incremental rerank to find by timestamp, so
remember its author and product until the next run recomputes them."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from reviews.models import Review

from .models import RerankPending


@receiver(post_delete, sender=Review, dispatch_uid="ranking-review-deleted")
def review_deleted(sender, instance: Review, **kwargs) -> None:
    RerankPending.objects.create(
        reason=RerankPending.Reason.REVIEW_DELETED, user_id=instance.author_id, product_id=instance.product_id
    )
