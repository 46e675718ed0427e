"""Ranking data. Everything here is derived from reviews, votes and accounts by the rerank job
(ranking.services.rerank) except what moderators decide: fraud-flag status and features.

Other apps reach these rows through the reverse accessors (`review.score`,
`user.standing`, `product.score`) without importing this app.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models import Category, HelpfulVote, Product, Review

from .formula import FIGURE_COLUMNS


def _score_figures(name: str, *, stored: bool, doc: str) -> type[models.Model]:
    """An abstract model with one FloatField per figure of the declared review formula
    (ranking.formula.FIGURE_COLUMNS): a figure added there becomes a column of both score tables
    with the next migration. `stored`: the live table's fields default to 0 (a score row is
    created before it is computed); the staging table's have no default."""
    fields = {
        column: models.FloatField(default=0.0, db_default=0.0) if stored else models.FloatField()
        for column in FIGURE_COLUMNS
    }
    meta = type("Meta", (), {"abstract": True})
    return type(name, (models.Model,), {"__module__": __name__, "__doc__": doc, "Meta": meta, **fields})


ScoreFigures = _score_figures("ScoreFigures", stored=True, doc="A review's stored score figures.")
StagedFigures = _score_figures("StagedFigures", stored=False, doc="A staged review's score figures.")


class ReviewScore(ScoreFigures):
    """A review's score and every component behind it (see ranking/scoring.py)."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, primary_key=True, related_name="score")
    # Copied from the review so the feed indexes and the reputation and product aggregates need no
    # join with the (wide) reviews table; refreshed whenever the review is re-scored.
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", db_index=False)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", db_index=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField()
    # Published when last computed; hidden and removed reviews are never ranked.
    ranked = models.BooleanField(default=False, db_default=False)
    helpful_weight = models.FloatField(default=0.0, db_default=0.0)
    unhelpful_weight = models.FloatField(default=0.0, db_default=0.0)
    body_length = models.PositiveIntegerField(default=0, db_default=0)
    photo_count = models.PositiveSmallIntegerField(default=0, db_default=0)
    author_level = models.PositiveSmallIntegerField(default=1, db_default=1)
    # The mean rating of the product's published reviews, for the agreement figure.
    product_average_rating = models.FloatField(default=0.0, db_default=0.0)
    # The figures (ScoreFigures): helpfulness ... quality, the "most helpful" order (no decay), and
    # discover, the "discover" order: ln(quality) + created/tau (+ feature boost). It changes only
    # when the review changes, so it is a stable keyset for pagination.
    # A moderator's feature: boosts `discover` until it expires.
    featured_until = models.DateTimeField(null=True, blank=True)
    featured_changed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, db_default=models.functions.Now())

    class Meta:
        indexes = [
            models.Index(fields=["-discover", "-review"], condition=Q(ranked=True), name="score_discover"),
            models.Index(
                fields=["category", "-discover", "-review"], condition=Q(ranked=True), name="score_discover_category"
            ),
            # Covering: a product's score aggregates (count, ratings, quality sums) read the index
            # alone, not one score row per review.
            models.Index(
                fields=["product", "-quality", "-review"],
                include=["rating"],
                condition=Q(ranked=True),
                name="score_most_helpful",
            ),
            # Covering: reputation and category standings are sums of these columns per author
            # (and category), read from the index in that order instead of the score rows.
            models.Index(
                fields=["author", "category"],
                include=["created_at", "helpful_weight", "unhelpful_weight", "merit"],
                condition=Q(ranked=True),
                name="score_author",
            ),
            models.Index(fields=["featured_until"], condition=Q(featured_until__isnull=False), name="score_featured"),
            models.Index(
                fields=["featured_changed_at"],
                condition=Q(featured_changed_at__isnull=False),
                name="score_feature_changed",
            ),
        ]

    def __str__(self) -> str:
        return f"score of review {self.review_id}: {self.quality:.3f}"

    def save(self, *args, **kwargs):
        # The copied columns always mirror the review (the rerank refreshes them in SQL).
        review = self.review
        self.product_id = self.product_id or review.product_id
        self.category_id = self.category_id or review.product.category_id
        self.author_id = self.author_id or review.author_id
        self.created_at = self.created_at or review.created_at
        self.rating = self.rating or review.rating
        super().save(*args, **kwargs)

    def is_featured(self, now=None) -> bool:
        return self.featured_until is not None and self.featured_until > (now or timezone.now())


class ReviewerStanding(models.Model):
    """A member's reputation, level, ranks, vote weight and invited-tester status."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="standing"
    )
    reputation = models.FloatField(default=0.0, db_default=0.0)
    level = models.PositiveSmallIntegerField(default=1, db_default=1)
    # The highest level the reviewer has been told about; a rerank that lifts `level` above it
    # sends the level-up notification (once, even if the level falls and rises again).
    announced_level = models.PositiveSmallIntegerField(default=1, db_default=1)
    # What this member's own votes count for (see scoring.py, "Vote weights").
    vote_weight = models.FloatField(default=1.0, db_default=1.0)
    review_count = models.PositiveIntegerField(default=0, db_default=0)
    recent_review_count = models.PositiveIntegerField(default=0, db_default=0)
    helpful_weight_received = models.FloatField(default=0.0, db_default=0.0)
    unhelpful_weight_received = models.FloatField(default=0.0, db_default=0.0)
    # The sum of the reviews' points, before the floor at zero: a scoped
    # rerank moves it by what the changed score rows add and take. NULL until a run computes it.
    review_points = models.FloatField(null=True, blank=True)
    # Exact rank among all reviewers, kept for the top policy.REVIEWER_RANK_DEPTH.
    overall_rank = models.PositiveIntegerField(null=True, blank=True)
    is_tester = models.BooleanField(default=False, db_default=False)
    tester_since = models.DateTimeField(null=True, blank=True)
    # Consecutive full runs (spaced by policy.TESTER_FAILURE_SPACING_HOURS) below the bar.
    tester_failures = models.PositiveSmallIntegerField(default=0, db_default=0)
    tester_last_failure_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, db_default=models.functions.Now())

    class Meta:
        # No index on reputation: an update of the figures (most of the rerank's writes here) is
        # then a HOT update that enters no index; the full run sorts the top for the ranks.
        indexes = [
            models.Index(fields=["overall_rank"], condition=Q(overall_rank__isnull=False), name="standing_ranked"),
            models.Index(fields=["user"], condition=Q(is_tester=True), name="standing_testers"),
            # The level-ups not yet announced (ranking.levels): a few rows, read after each run
            # that changed standings instead of a scan of every standing.
            models.Index(fields=["user"], condition=Q(level__gt=F("announced_level")), name="standing_unannounced"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: level {self.level}, {self.reputation:.1f}"


class CategoryStanding(models.Model):
    """A member's reputation within one category (for per-category badges and experts)."""

    # Indexed on keys only ("category_standing_once", "category_standing_ranked"): an update of
    # the figures, the rerank's most frequent write, is then a HOT update that enters no index.
    # The full run sorts each category's top for its ranks (Engine.category_ranks).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="category_standings", db_index=False
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", db_index=False)
    reputation = models.FloatField(default=0.0)
    review_count = models.PositiveIntegerField(default=0)
    helpful_weight_received = models.FloatField(default=0.0)
    is_expert = models.BooleanField(default=False)
    rank = models.PositiveIntegerField(null=True, blank=True)
    # The sum of the reviews' points before the floor at zero (reputation); NULL until a rerank
    # has summed it. Scoped reruns move it by the differences of the changed score rows.
    review_points = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="category_standing_once")]
        indexes = [
            models.Index(fields=["category", "rank"], condition=Q(rank__isnull=False), name="category_standing_ranked"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.category_id}: {self.reputation:.1f}"


class CategoryStats(models.Model):
    """The prior for the category's product ranking (refreshed by the full rerank)."""

    category = models.OneToOneField(Category, on_delete=models.CASCADE, primary_key=True, related_name="ranking_stats")
    mean_rating = models.FloatField(default=3.0, db_default=3.0)
    review_weight = models.FloatField(default=0.0, db_default=0.0)
    review_count = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("category stats")
        verbose_name_plural = _("category stats")  # not Django's "category statss"

    def __str__(self) -> str:
        return f"{self.category_id}: mean {self.mean_rating:.2f}"


class ProductScore(models.Model):
    """A product's quality-weighted Bayesian rating and its rank in its category."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, primary_key=True, related_name="score")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", db_index=False)
    review_count = models.PositiveIntegerField(default=0, db_default=0)
    average_rating = models.FloatField(null=True, blank=True)
    weight_sum = models.FloatField(default=0.0, db_default=0.0)
    weighted_rating_sum = models.FloatField(default=0.0, db_default=0.0)
    bayesian_score = models.FloatField(default=0.0, db_default=0.0)
    eligible = models.BooleanField(default=False, db_default=False)
    # Exact rank in the category, kept for the top policy.PRODUCT_RANK_DEPTH.
    category_rank = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, db_default=models.functions.Now())

    class Meta:
        # No index on a figure (ranking 0014): the rerank's updates of the figures are HOT
        # updates that enter no index; the ranks come from a sort of each category's top.
        indexes = [
            models.Index(
                fields=["category", "category_rank"], condition=Q(category_rank__isnull=False), name="product_ranked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.bayesian_score:.3f}"


class VotePair(models.Model):
    """How many votes one voter cast on one author's reviews, kept only beyond the cap
    (scoring.PAIR_MIN_VOTES). Drives the per-voter-per-author cap and the fraud signals."""

    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    votes = models.PositiveIntegerField()
    helpful_votes = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["voter", "author"], name="vote_pair_once")]
        indexes = [models.Index(fields=["author"], name="vote_pair_author")]

    def __str__(self) -> str:
        return f"{self.voter_id} -> {self.author_id}: {self.votes}"


class FraudFlag(models.Model):
    """A vote-fraud signal with its evidence, for moderators. Votes linked to an open flag are
    discounted; to a confirmed one, excluded."""

    class Kind(models.TextChoices):
        SERIAL_VOTING = "serial_voting", _("Serial voting")
        VOTE_RING = "vote_ring", _("Vote ring")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Identifies the signal so re-detection updates the same flag: serial:<voter>:<author>,
    # ring:<sorted member ids>.
    key = models.CharField(max_length=300, unique=True)
    # The accounts whose votes are suspicious (the voter; every ring member).
    accounts = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="fraud_flags")
    evidence = models.JSONField(default=dict)
    vote_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped when the evidence or the status changes; the rerank re-scores the flagged votes.
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="fraud_flag_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.status}) {self.key}"


class FlaggedVote(models.Model):
    flag = models.ForeignKey(FraudFlag, on_delete=models.CASCADE, related_name="flagged_votes")
    vote = models.ForeignKey(HelpfulVote, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["flag", "vote"], name="flagged_vote_once")]
        indexes = [models.Index(fields=["vote"], name="flagged_vote_vote")]

    def __str__(self) -> str:
        return f"vote {self.vote_id} in flag {self.flag_id}"


class RerankRun(models.Model):
    """One successful (or failed) run of the rerank job. The last successful run's start is the
    watermark of the next incremental run."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full")
        INCREMENTAL = "incremental", _("Incremental")

    class Status(models.TextChoices):
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    # Changes after this instant were read (the previous run's start minus the overlap).
    since = models.DateTimeField(null=True, blank=True)
    changes = models.JSONField(default=dict)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "-started_at"], name="rerank_run_last")]

    def __str__(self) -> str:
        return f"{self.kind} run at {self.started_at:%Y-%m-%d %H:%M:%S} ({self.status})"


class RerankState(models.Model):
    """One row (pk 1): the rerank job's run lock and its record of full runs. Kept in the
    database, not in Redis, so that a rerank runs whenever the database is up (a stopped or full
    Redis used to stop every run).

    The lock keeps two runs, and a split full run's parts and final step, from overlapping; it
    expires (RANKING_LOCK_TIMEOUT) so a killed run holds it for that long at most (on PostgreSQL
    it is taken over at once when no run holds the job's advisory lock). `full_started_at` is
    the start of the last full run begun; with no finished full RerankRun since, that run was
    killed or failed, and an incremental run does the full run's work instead."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    lock_holder = models.CharField(max_length=32, blank=True, default="")
    lock_expires_at = models.DateTimeField(null=True, blank=True)
    full_started_at = models.DateTimeField(null=True, blank=True)
    # Full runs begun since the last one that finished: retries of a full run that keeps failing
    # wait longer each time, so incremental runs go on in between.
    full_attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"rerank state (lock: {self.lock_holder or 'free'}, last full run begun {self.full_started_at})"


class RerankPending(models.Model):
    """Work the next incremental run must pick up that no timestamp reveals: a deleted review
    (its author's reputation and its product's score must be recomputed), a level change
    whose consequences a run could not finish propagating, a moderator's decision that
    changes what a member's votes weigh (a suspension lifted, a ban, an unban), or a product
    moved to another category (its score is counted again in its new category)."""

    class Reason(models.TextChoices):
        REVIEW_DELETED = "review_deleted", _("Review deleted")
        LEVEL_CHANGED = "level_changed", _("Level changed")
        VOTER_CHANGED = "voter_changed", _("Vote weight changed")
        # Written by the trigger ranking_product_move (ranking 0021): a product with no review has
        # no score row to carry its new category to the next incremental run.
        PRODUCT_MOVED = "product_moved", _("Product moved to another category")

    reason = models.CharField(max_length=16, choices=Reason.choices)
    user_id = models.BigIntegerField(null=True, blank=True)
    product_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.reason}: user {self.user_id}, product {self.product_id}"


class VoteEvent(models.Model):
    """A vote cast, changed or withdrawn since the last rerank, written by a database trigger on
    reviews_helpfulvote (ranking 0015) so that every path that writes votes records one. Each run
    takes (and deletes) the events its snapshot sees: an incremental run adds a new vote's weight
    to its review's stored sums instead of summing all of that review's votes again."""

    class Kind(models.TextChoices):
        INSERT = "insert", _("Vote cast")
        UPDATE = "update", _("Vote changed")
        DELETE = "delete", _("Vote withdrawn")

    # Plain ids, no foreign keys: the vote (or its review) may be gone when the run reads this.
    vote_id = models.BigIntegerField()
    review_id = models.BigIntegerField()
    user_id = models.BigIntegerField()
    helpful = models.BooleanField()
    kind = models.CharField(max_length=6, choices=Kind.choices)
    # The voter's vote weight and the VoteWeightVersion when the vote was written (ranking 0017),
    # read together: while the version is still current, the weight is too, and the run need not
    # look the voter's standing up. NULL: no standing (or no version row) then.
    weight = models.FloatField(null=True, blank=True)
    weight_version = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} of vote {self.vote_id} on review {self.review_id}"


class VoteWeightVersion(models.Model):
    """One row: a number that every change of any voter's vote weight moves on, in the same
    transaction (a trigger on the standings, ranking 0017). A vote event that read the current
    version read the current weight of its voter."""

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"vote weights, version {self.version}"


class ReviewChange(models.Model):
    """A review whose ranking inputs changed since the last rerank: created, edited (product,
    author, date, rating, status, text length), a photo added or removed, or its product moved to
    another category. Written by database triggers (ranking 0016), so no path (the services, the
    admin, a bulk update) changes an input unseen. Each run takes (and deletes) the rows its
    snapshot sees; an incremental run reads those reviews' inputs again and keeps, for a review in
    scope only for its votes, the inputs its score row holds."""

    # A plain id, no foreign key: the review may be gone when the run reads this.
    review_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"change to review {self.review_id}"


class TesterEvent(models.Model):
    """A promotion to invited tester, a warning, or a demotion, with the reason and the figures
    behind it. Shown to the reviewer."""

    class Kind(models.TextChoices):
        PROMOTED = "promoted", _("Promoted to invited tester")
        WARNED = "warned", _("Below the tester bar (warning)")
        DEMOTED = "demoted", _("Invited-tester status ended")

    class Reason(models.TextChoices):
        MET_BAR = "met_bar", _("Met the invited-tester bar")
        BELOW_BAR = "below_bar", _("Below the invited-tester bar")
        BELOW_BAR_REPEATED = "below_bar_repeated", _("Below the bar on consecutive full reranks")
        OVERDUE_INVITES = "overdue_invites", _("Invited reviews overdue")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tester_events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=24, choices=Reason.choices)
    figures = models.JSONField(default=dict)
    run = models.ForeignKey(RerankRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="tester_events")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="tester_event_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} ({self.reason})"


class StagedPart(models.Model):
    """One id range of a split full rerank, computed by one worker (ranking.tasks.rerank_part).

    A split run stages each range's review scores in StagedScore from its own snapshot; the
    final step (one transaction) recomputes whatever changed after the earliest part began,
    writes the ranking and deletes the staging rows, so readers still see one consistent ranking.
    """

    run_key = models.CharField(max_length=32, db_index=True)
    low_id = models.BigIntegerField()  # inclusive
    high_id = models.BigIntegerField()  # exclusive
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    rows = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run_key", "low_id"], name="one_staged_part_per_range")]

    def __str__(self) -> str:
        return f"{self.run_key} [{self.low_id}, {self.high_id})"


class StagedScore(StagedFigures):
    """A review's score as one part of a split full rerank computed it (see StagedPart). Scratch
    space: UNLOGGED on PostgreSQL, no foreign keys or indexes, emptied by the run's final step."""

    run_key = models.CharField(max_length=32)
    review_id = models.BigIntegerField()
    product_id = models.BigIntegerField()
    category_id = models.BigIntegerField()
    author_id = models.BigIntegerField()
    created_at = models.DateTimeField()
    rating = models.SmallIntegerField()
    ranked = models.BooleanField()
    helpful_weight = models.FloatField()
    unhelpful_weight = models.FloatField()
    body_length = models.IntegerField()
    photo_count = models.IntegerField()
    author_level = models.IntegerField()
    product_average_rating = models.FloatField()
    # The figures (StagedFigures); discover before a feature boost (added when the score is written).

    def __str__(self) -> str:
        return f"{self.run_key}: review {self.review_id}"


class SplitRun(models.Model):
    """A full rerank split across workers: created with the rerank lock taken; each part counts
    itself done here, and the part that completes the count enqueues the final step. (A Celery
    chord would need a result backend; this latch needs only the database.)"""

    run_key = models.CharField(max_length=32, unique=True)
    parts = models.PositiveSmallIntegerField()
    parts_done = models.PositiveSmallIntegerField(default=0)
    ranges = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"split run {self.run_key} ({self.parts_done}/{self.parts})"
