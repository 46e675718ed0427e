"""Keep VoteTally exact when a review's votes go with it (deleted by its author, a moderator, an
admin or with the author's account): the cascade deletes the votes without the vote services."""

from django.db import connection
from django.db.models.signals import pre_delete

from .models import HelpfulVote, Review, VoteTally


def review_votes_leave_tally(sender, instance: Review, **kwargs) -> None:
    tally, vote = VoteTally._meta.db_table, HelpfulVote._meta.db_table
    with connection.cursor() as cursor:
        # One statement for all the review's voters; runs in the deletion's transaction.
        cursor.execute(
            f"UPDATE {tally} SET votes = {tally}.votes - g.n, helpful_votes = {tally}.helpful_votes - g.h "  # noqa: S608 - model table names
            f"FROM (SELECT user_id, COUNT(*) AS n, SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS h FROM {vote} "
            f"WHERE review_id = %s GROUP BY user_id) g WHERE {tally}.voter_id = g.user_id AND {tally}.author_id = %s",
            [instance.pk, instance.author_id],
        )
    VoteTally.objects.filter(author_id=instance.author_id, votes__lte=0).delete()


def connect() -> None:
    pre_delete.connect(review_votes_leave_tally, sender=Review, dispatch_uid="reviews-votes-leave-tally")
