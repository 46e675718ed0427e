from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.names import TOO_SIMILAR, name_key, name_problem, normalise_name, stored_key

from .names import BilingualName

# Beside `name` (the name as first given): the name in English and in Chinese, blank where it has
# none (reviews/names.py).
NAME_EN_HELP = _("The name in English, if it differs from the name above.")
NAME_ZH_HELP = _("The name in Chinese (简体中文), if it differs from the name above.")


class Category(BilingualName, models.Model):
    name = models.CharField(max_length=80, unique=True, verbose_name=_("name"))
    name_en = models.CharField(
        max_length=80, blank=True, default="", db_default="", verbose_name=_("English name"), help_text=NAME_EN_HELP
    )
    name_zh = models.CharField(
        max_length=80, blank=True, default="", db_default="", verbose_name=_("Chinese name"), help_text=NAME_ZH_HELP
    )
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))
    # People who said they care about this category (profile "interests").
    interested_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="interest_categories", blank=True, verbose_name=_("interested users")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Brand(BilingualName, models.Model):
    name = models.CharField(max_length=120, unique=True, verbose_name=_("name"))
    name_en = models.CharField(
        max_length=120, blank=True, default="", db_default="", verbose_name=_("English name"), help_text=NAME_EN_HELP
    )
    name_zh = models.CharField(
        max_length=120, blank=True, default="", db_default="", verbose_name=_("Chinese name"), help_text=NAME_ZH_HELP
    )
    slug = models.SlugField(max_length=120, unique=True, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    # A moderator verifies a brand before it may run tester campaigns.
    is_verified = models.BooleanField(default=False, verbose_name=_("is verified"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    # accounts.names.name_key(name), kept by save(): a new brand whose key is taken looks like an
    # existing brand and is refused. Brands that already collided when the column was added both
    # stay; the later one's key carries "#<id>", which no name_key can produce.
    name_key = models.TextField(editable=False, verbose_name=_("name key"))

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name_key"], name="brand_name_key_unique")]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = normalise_name(self.name)
        if Brand.objects.filter(name_key=name_key(self.name)).exclude(pk=self.pk).exists():
            raise ValidationError({"name": [TOO_SIMILAR]})
        problem = name_problem(self.name)
        if problem:
            raise ValidationError({"name": [problem]})

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "name" in update_fields:
            self.name_key = stored_key(self.name_key, self.name)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)


class BrandMembership(models.Model):
    """A brand account: a user who speaks for one brand. Joining is by invitation and consent
    (brands.services); owners invite and remove members, anyone may leave."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("brand"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_membership", verbose_name=_("user")
    )
    # The person who registered the brand, and whoever an owner makes one.
    is_owner = models.BooleanField(default=False, verbose_name=_("is owner"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("brand membership")
        verbose_name_plural = _("brand memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.brand}"


class Product(BilingualName, models.Model):
    # The description's limit, kept by every write path (reviews.services.product_create) and the
    # API; not a field option, which would only need a migration that changes nothing.
    DESCRIPTION_MAX_LENGTH = 5000

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products", verbose_name=_("brand"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    name = models.CharField(max_length=160, verbose_name=_("name"))
    name_en = models.CharField(
        max_length=160, blank=True, default="", db_default="", verbose_name=_("English name"), help_text=NAME_EN_HELP
    )
    name_zh = models.CharField(
        max_length=160, blank=True, default="", db_default="", verbose_name=_("Chinese name"), help_text=NAME_ZH_HELP
    )
    slug = models.SlugField(max_length=180, unique=True, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    image = models.ImageField(upload_to="products/%Y/%m/", blank=True, verbose_name=_("image"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="product_name_unique_per_brand")]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.brand.name} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("product-detail", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.SlugField(max_length=30, unique=True, allow_unicode=True, verbose_name=_("name"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")
        REMOVED = "removed", _("Removed")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("author")
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("product"))
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], verbose_name=_("rating")
    )
    title = models.CharField(max_length=120, verbose_name=_("title"))
    body = models.TextField(max_length=10_000, verbose_name=_("body"))
    # Kept by the database from the body: the rerank job reads every review's length each night,
    # and counting a million bodies' characters cost it ~2 s of one core. No verbose_name: altering
    # a generated field makes SQLite rebuild the review table, losing the triggers of 0011.
    body_length = models.GeneratedField(
        expression=Length("body"),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
    )
    tags = models.ManyToManyField(Tag, related_name="reviews", blank=True, verbose_name=_("tags"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED, verbose_name=_("status"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    # Set when the author edits the text; created_at never moves.
    edited_at = models.DateTimeField(null=True, blank=True, verbose_name=_("edited at"))
    # Set by the database whenever what the review's card shows or its ranking reads changes
    # (CHANGED_BY below), whoever writes: the card cache keys on it (reviews/cards.py) and the
    # rerank job finds what changed since its last run with one indexed range scan. Nobody sets
    # it by hand.
    changed_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("changed at"))

    # Counters shown to users. Only ever changed by atomic `F()` updates in services.py, in the
    # same transaction as the row they count.
    helpful_count = models.PositiveIntegerField(default=0, verbose_name=_("helpful count"))
    not_helpful_count = models.PositiveIntegerField(default=0, verbose_name=_("not helpful count"))
    comment_count = models.PositiveIntegerField(default=0, verbose_name=_("comment count"))
    save_count = models.PositiveIntegerField(default=0, verbose_name=_("save count"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "product"], name="one_review_per_author_per_product"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]
        # On PostgreSQL, migration 0007 adds "review_score_inputs", a covering index of the
        # columns the nightly rerank reads from every review.
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="review_feed_newest"),
            models.Index(fields=["product", "status", "-helpful_count"], name="review_product_helpful"),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    # The writes that set changed_at, kept by triggers that migration 0011 creates from these
    # lists (tests/reviews/test_changed_at.py checks they agree, and cover what a card shows and
    # what the ranking reads): an UPDATE of one of the review's CHANGED_BY columns; any photo or
    # tag added to, removed from or moved between reviews; a product's PRODUCT_SHOWN columns (its
    # reviews'); a tag renamed (its reviews'). An UPDATE of changed_at alone is left as written.
    CHANGED_BY = (
        "author_id",
        "product_id",
        "rating",
        "title",
        "body",
        "status",
        "created_at",
        "edited_at",
        "helpful_count",
        "not_helpful_count",
        "comment_count",
        "save_count",
    )
    PRODUCT_SHOWN = ("name", "slug", "brand_id", "category_id")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("review-detail", kwargs={"pk": self.pk})

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    def can_edit(self, user) -> bool:
        return user.is_authenticated and user.pk == self.author_id and self.status != self.Status.REMOVED

    def is_visible_to(self, user) -> bool:
        if self.status == self.Status.PUBLISHED:
            return True
        # A hidden review stays visible to its author (who is told why) and to moderators.
        return user.is_authenticated and (user.pk == self.author_id or user.is_moderator)


def photo_upload_to(instance: "ReviewPhoto", filename: str) -> str:
    return f"reviews/{timezone.now():%Y/%m}/{filename}"


class ReviewPhoto(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos", verbose_name=_("review"))
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    image = models.ImageField(upload_to=photo_upload_to, verbose_name=_("image"))
    thumbnail = models.ImageField(upload_to=photo_upload_to, verbose_name=_("thumbnail"))
    width = models.PositiveIntegerField(default=0, verbose_name=_("width"))
    height = models.PositiveIntegerField(default=0, verbose_name=_("height"))
    alt_text = models.CharField(max_length=200, blank=True, verbose_name=_("alt text"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="photo_position_unique"),
        ]
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")

    def __str__(self) -> str:
        return f"photo {self.position} of review {self.review_id}"


class HelpfulVote(models.Model):
    # No single-column indexes: "one_vote_per_user_per_review" serves lookups by voter and
    # "vote_review_cover" by review, and every index costs each vote its own write.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="helpful_votes",
        db_index=False,
        verbose_name=_("user"),
    )
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="votes", db_index=False, verbose_name=_("review")
    )
    helpful = models.BooleanField(verbose_name=_("helpful"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "review"], name="one_vote_per_user_per_review"),
        ]
        indexes = [
            models.Index(fields=["updated_at"], name="vote_updated_at"),
            # Covers the full rerank's ten-million-vote aggregate: an index-only scan in review
            # order, grouped as it streams, instead of a hash of a million groups.
            models.Index(fields=["review", "user"], include=["helpful"], name="vote_review_cover"),
        ]
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")

    def __str__(self) -> str:
        return f"{self.user} {'+' if self.helpful else '-'} {self.review_id}"


class VoteTally(models.Model):
    """How many votes one voter has cast on one author's reviews, kept exact by the vote services
    in the vote's own transaction (and by reviews.signals when a review is deleted).

    Ranking caps what one fan or rival can give an author and looks for serial voters; reading
    these few rows instead of grouping every vote by its review's author keeps that cheap.
    """

    # Both lookups are served by the two composite indexes below.
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("voter")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("author")
    )
    votes = models.IntegerField(default=0, verbose_name=_("votes"))
    helpful_votes = models.IntegerField(default=0, verbose_name=_("helpful votes"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["voter", "author"], name="one_tally_per_voter_author")]
        indexes = [
            models.Index(fields=["author", "voter"], name="tally_author_voter"),
            # Ranking caps a voter's weight on one author from 4 votes on (ranking.scoring.
            # PAIR_MIN_VOTES): the few such pairs are read through this small index.
            models.Index(fields=["voter", "author"], condition=models.Q(votes__gte=4), name="tally_repeat_voters"),
        ]
        verbose_name = _("vote tally")
        verbose_name_plural = _("vote tallies")

    def __str__(self) -> str:
        return f"{self.voter_id} -> {self.author_id}: {self.votes} ({self.helpful_votes} helpful)"


class Comment(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")
        REMOVED = "removed", _("Removed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments", verbose_name=_("review"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments", verbose_name=_("author")
    )
    body = models.TextField(max_length=2000, verbose_name=_("body"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED, verbose_name=_("status"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    edited_at = models.DateTimeField(null=True, blank=True, verbose_name=_("edited at"))

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["review", "created_at", "id"])]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.review_id}"

    def can_edit(self, user) -> bool:
        return user.is_authenticated and user.pk == self.author_id and self.status != self.Status.REMOVED


class Save(models.Model):
    """A review kept in a user's collection."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saves", verbose_name=_("user")
    )
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="saves", verbose_name=_("review"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "review"], name="save_once")]
        verbose_name = _("save")
        verbose_name_plural = _("saves")

    def __str__(self) -> str:
        return f"{self.user} saved {self.review_id}"
