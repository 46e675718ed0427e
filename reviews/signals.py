"""Deletions cascade to votes without the vote services: keep VoteTally and the reviews'
counters exact when a review or an account goes (the database then marks those reviews changed
for the rerank: Review.changed_at is kept by triggers, reviews/models.py).

Also the caches this app's rows appear in: the page cache (config/pagecache.py) starts a new
generation when a review or a photo changes; the card cache (reviews/cards.py) when a brand or a
category is saved (what a card shows of a review's own rows is in its key)."""

from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_delete

from config import pagecache

from . import cards, selectors, sitecache
from .models import Brand, Category, HelpfulVote, Product, Review, ReviewPhoto, VoteTally
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
    """A deleted account's votes go by cascade: take them out of the reviews' counters (which
    marks those reviews changed, so the next incremental rerank rescores them)."""
    review, vote = Review._meta.db_table, HelpfulVote._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {review} SET helpful_count = {review}.helpful_count - g.h, "  # noqa: S608 # nosec B608 # model table names
            f"not_helpful_count = {review}.not_helpful_count - g.n "
            f"FROM (SELECT review_id, SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS h, "
            f"SUM(CASE WHEN helpful THEN 0 ELSE 1 END) AS n FROM {vote} WHERE user_id = %s GROUP BY review_id) g "
            f"WHERE {review}.id = g.review_id",
            [instance.pk],
        )


def connect() -> None:
    from django.contrib.auth import get_user_model

    pre_delete.connect(review_votes_leave_tally, sender=Review, dispatch_uid="reviews-votes-leave-tally")
    pre_delete.connect(voter_leaves_counters, sender=get_user_model(), dispatch_uid="reviews-voter-leaves-counters")
    # The category menu every page shows is kept in the Django cache (reviews.selectors.categories).
    forget_categories = sitecache.forgetting(selectors.CATEGORIES)
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
    # The card cache: a brand's name, a category's slug and a product's English and Chinese names
    # show on cards but are in no review's changed_at (reviews/cards.py).
    for model in (Brand, Category, Product):
        post_save.connect(cards.shown_row_saved, sender=model, dispatch_uid=f"cards-save-{model.__name__}")
