"""Deletions cascade to votes without the vote services: keep VoteTally and the reviews'
counters exact, and mark the reviews changed for the rerank, when a review or an account goes.
A product moved to another category (admin) marks its reviews changed too: their scores carry
the category, which the category feeds and rankings read.

Also the caches this app's rows appear in: the page cache (config/pagecache.py) and the card
cache (reviews/cards.py) start a new generation when a review, or a row its card shows, changes."""

from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from config import localcache, pagecache

from . import cards
from .models import Brand, Category, HelpfulVote, Product, Review, ReviewPhoto, Tag, VoteTally
from .services import review_changed


def review_votes_leave_tally(sender, instance: Review, **kwargs) -> None:
    tally, vote = VoteTally._meta.db_table, HelpfulVote._meta.db_table
    with connection.cursor() as cursor:
        # One statement for all the review's voters; runs in the deletion's transaction.
        cursor.execute(
            f"UPDATE {tally} SET votes = {tally}.votes - g.n, helpful_votes = {tally}.helpful_votes - g.h "  # noqa: S608 # nosec B608 # model table names
            f"FROM (SELECT user_id, COUNT(*) AS n, SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS h FROM {vote} "
            f"WHERE review_id = %s GROUP BY user_id) g WHERE {tally}.voter_id = g.user_id AND {tally}.author_id = %s",
            [instance.pk, instance.author_id],
        )
    VoteTally.objects.filter(author_id=instance.author_id, votes__lte=0).delete()


def voter_leaves_counters(sender, instance, **kwargs) -> None:
    """A deleted account's votes go by cascade: take them out of the reviews' counters and mark
    those reviews changed, so the next incremental rerank rescores them."""
    review, vote = Review._meta.db_table, HelpfulVote._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {review} SET helpful_count = {review}.helpful_count - g.h, "  # noqa: S608 # nosec B608 # model table names
            f"not_helpful_count = {review}.not_helpful_count - g.n, changed_at = %s "
            f"FROM (SELECT review_id, SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS h, "
            f"SUM(CASE WHEN helpful THEN 0 ELSE 1 END) AS n FROM {vote} WHERE user_id = %s GROUP BY review_id) g "
            f"WHERE {review}.id = g.review_id",
            [timezone.now(), instance.pk],
        )


def product_notes_category_move(sender, instance: Product, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    stored = Product.objects.filter(pk=instance.pk).values_list("category_id", flat=True).first()
    instance._category_moved = stored is not None and stored != instance.category_id


def product_category_moved(sender, instance: Product, created=False, raw=False, **kwargs) -> None:
    if not created and not raw and getattr(instance, "_category_moved", False):
        instance._category_moved = False
        Review.objects.filter(product=instance).update(changed_at=timezone.now())


def connect() -> None:
    from django.contrib.auth import get_user_model

    pre_delete.connect(review_votes_leave_tally, sender=Review, dispatch_uid="reviews-votes-leave-tally")
    pre_save.connect(product_notes_category_move, sender=Product, dispatch_uid="reviews-product-category-move")
    post_save.connect(product_category_moved, sender=Product, dispatch_uid="reviews-product-category-moved")
    pre_delete.connect(voter_leaves_counters, sender=get_user_model(), dispatch_uid="reviews-voter-leaves-counters")
    # The category menu every page shows is kept per process (reviews.selectors.categories).
    forget_categories = localcache.forgetting("categories")
    post_save.connect(forget_categories, sender=Category, dispatch_uid="reviews-categories-saved", weak=False)
    post_delete.connect(forget_categories, sender=Category, dispatch_uid="reviews-categories-deleted", weak=False)
    connect_caches()


def connect_caches() -> None:
    # Sent once the review's transaction has committed.
    review_changed.connect(pagecache.invalidate_now, dispatch_uid="pagecache-review-changed")
    for model in (Review, ReviewPhoto):
        name = model.__name__
        post_save.connect(pagecache.invalidate_on_commit, sender=model, dispatch_uid=f"pagecache-save-{name}")
        post_delete.connect(pagecache.invalidate_on_commit, sender=model, dispatch_uid=f"pagecache-delete-{name}")
    # The card cache: rows saved outside the services (the admin, scripts), which do not bump the
    # review's changed_at (reviews/cards.py).
    for model in (Review, ReviewPhoto, Product, Brand, Category, Tag):
        post_save.connect(cards.saved_outside_services, sender=model, dispatch_uid=f"cards-save-{model.__name__}")
