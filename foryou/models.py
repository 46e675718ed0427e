"""For You data: what a person told us (tag interests, "show less"), what they have seen, the
candidate lists the refresh job keeps for active people, the shared topic pools those lists are
made from, and the first-chance tiers of new reviews (docs/foryou.md).

Category interests are the profile's `User.interest_categories` (reviews.Category), not a copy.
Lists are stored packed (one JSON row per person or topic): the request reads one row, not
hundreds, and an inactive person has no row to keep fresh.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models import Category, Review, Tag


class PackedJSONField(models.JSONField):
    """A JSONField that bulk_create writes as one parameter per row: on PostgreSQL Django would
    otherwise send the column as one array (UNNEST), escaping every long JSON text into an array
    literal, which costs more than building the lists."""

    def get_placeholder(self, value, compiler, connection) -> str:
        return "%s"


class TagInterest(models.Model):
    """A #tag a person follows in For You (chosen at sign-up or later)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="foryou_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="foryou_tag_interest_once")]
        indexes = [models.Index(fields=["tag"], name="foryou_tag_interest_tag")]

    def __str__(self) -> str:
        return f"{self.user_id} likes #{self.tag_id}"


class ShowLess(models.Model):
    """ "Show less like this": the feed leaves out this author, product or category for the person."""

    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        PRODUCT = "product", _("Product")
        CATEGORY = "category", _("Category")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="foryou_show_less")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    target_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "target_id"], name="foryou_show_less_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: less {self.kind} {self.target_id}"


class FeedState(models.Model):
    """One row per person who opened For You: what they have seen lately, the page session they
    are scrolling, and when they last came (the refresh job keeps lists only for recent visitors)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="foryou_state"
    )
    # [[review_id, minute], ...] oldest first, at most services.SEEN_KEPT; minute = epoch // 60.
    seen = models.JSONField(default=list, blank=True)
    # The scroll the cursor continues: its token and the cards served so far, in order, as
    # [[review_id, author_id, product_id], ...] (the diversity window spans page boundaries).
    session = models.CharField(max_length=16, blank=True, default="")
    served = models.JSONField(default=list, blank=True)
    last_visit_at = models.DateTimeField(default=timezone.now)
    # Interests step after sign-up done or skipped (the web asks once).
    onboarded_at = models.DateTimeField(null=True, blank=True)
    # Saves, votes and comments before this no longer count as signals (a reset).
    signals_reset_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["last_visit_at"], name="foryou_state_visit")]

    def __str__(self) -> str:
        return f"For You state of {self.user_id}"


class CandidateList(models.Model):
    """A person's own candidates (co-engagement with their signals, people they follow), best
    first, as the refresh job last built them: [[review_id, author_id, product_id, category_id,
    score, reason, ref], ...] (selectors.Item). The request merges them with the shared topic pools
    of the person's interests. `categories` maps a category id (text) to the person's inferred
    interest weight; `excluded`: the signal reviews (saved, voted, commented) the list was built
    from, never shown back."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="foryou_candidates"
    )
    items = PackedJSONField(default=list, blank=True)
    categories = models.JSONField(default=dict, blank=True)
    excluded = models.JSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{len(self.items)} candidates for {self.user_id}"


class CoEngagement(models.Model):
    """A review's co-engaged neighbours, kept by the refresh job for the reviews active people's
    lists are built from (shared by everyone who saved, voted on or commented on it):
    [[review_id, people, author_id, product_id, category_id, discover], ...], most people first,
    at most policy.NEIGHBOURS_PER_SEED. Rebuilt when older than policy.NEIGHBOURS_MAX_AGE."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, primary_key=True, related_name="+")
    items = PackedJSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["refreshed_at"], name="foryou_coengagement_age")]

    def __str__(self) -> str:
        return f"{len(self.items)} neighbours of {self.review_id}"


class TopicPool(models.Model):
    """The best ranked reviews of one topic, shared by everyone interested in it: key
    "category:<id>", "tag:<id>" or "global"; items [[review_id, author_id, product_id,
    category_id, discover, liked_by_interested], ...]."""

    key = models.CharField(max_length=40, unique=True)
    items = models.JSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"pool {self.key} ({len(self.items)})"


class FirstChance(models.Model):
    """A new review's first-chance audience: shown to interest-matched readers up to its tier's
    audience; enough weighted early engagement moves it to the next (wider) tier."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Being shown")
        GRADUATED = "graduated", _("Passed every tier")
        ENDED = "ended", _("Audience used up or too old")
        INELIGIBLE = "ineligible", _("Author or note not eligible")

    review = models.OneToOneField(Review, on_delete=models.CASCADE, primary_key=True, related_name="first_chance")
    # Copied from the review so the request's pool query needs no join through the product.
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", db_index=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    tier = models.PositiveSmallIntegerField(default=0)
    impressions = models.PositiveIntegerField(default=0)
    engagement = models.FloatField(default=0.0)
    entered_at = models.DateTimeField(default=timezone.now)
    tier_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["category", "tier", "impressions"],
                condition=Q(status="active"),
                name="foryou_first_chance_pool",
            ),
        ]

    def __str__(self) -> str:
        return f"first chance of {self.review_id}: tier {self.tier} ({self.status})"
