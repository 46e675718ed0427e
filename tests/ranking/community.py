"""Random communities for the parity test (tests/ranking/test_parity.py), and the Python oracle
that computes, from their rows alone, every figure the rerank stores.

The generator builds a small community through the services (votes, withdrawals, edits,
suspensions, bans, features, a moderator's decision on a fraud flag) and factories (users,
products, reviews, photos, as tests/ranking/conftest.py does), from one seeded random.Random, so a
failing example is replayed from its seed.

The oracle reads the rows (users, reviews, photos, votes, the fraud flags' links and statuses,
features, the stored category priors) and computes, with ranking.scoring's functions, each vote
weight, each review's score figures, each reviewer's and each (reviewer, category) standing, the
category priors and each product's score. Levels settle as the engine's settle does: a level
change re-weighs that reviewer's votes and re-scores their reviews' prior, up to SETTLE_ROUNDS
rounds; what a run leaves unsettled is reported (`Expected.leftover`).

What is history rather than formula, the oracle takes as the engine left it and checks apart:
which votes are linked to a fraud flag (`expected_flag_links` checks a full run's serial-voting
links), and the level each reviewer had before the run (the settle starts from it).
"""

from __future__ import annotations

import inspect
import math
import random
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from moderation import services as moderation
from ranking import policy
from ranking import scoring as S
from ranking import services as ranking_services
from ranking.engine import PRODUCT_SCORE_COLUMNS
from ranking.engine.standings import SETTLE_ROUNDS  # a level change settles this many rounds a run
from ranking.formula import FIGURE_COLUMNS
from ranking.models import (
    CategoryStanding,
    CategoryStats,
    FlaggedVote,
    FraudFlag,
    ProductScore,
    RerankPending,
    ReviewerStanding,
    ReviewScore,
    VotePair,
)
from reviews import services as review_services
from reviews.models import Category, HelpfulVote, Product, Review, ReviewPhoto
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory, UserFactory

# Whether the review formula reads the review's agreement with its product's average rating.
AGREEMENT = "product_average_rating" in inspect.signature(S.review_figures).parameters

# Body lengths on both sides of the content signals' thresholds (scoring.TEXT_MIN_CHARS and the
# length scale), and far from them.
BODY_LENGTHS = (0, 1, S.TEXT_MIN_CHARS - 1, S.TEXT_MIN_CHARS, S.TEXT_MIN_CHARS + 1, 250, 599, 600, 601, 1500, 4000)
# Review ages in whole days; each review adds 2 to 20 hours. None of these days holds a boundary
# the figures read (the 90-day recent window, the 365-day old-review line), so a second between
# two runs never moves a figure.
REVIEW_AGE_DAYS = (0, 2, 17, 44, 101, 212, 400)
# Account ages: young (under scoring.YOUNG_ACCOUNT_DAYS) or seasoned, a day or more from the line.
YOUNG_AGE_DAYS = (0, 1, 3, 5)
SEASONED_AGE_DAYS = (9, 30, 200, 800)
# The level bars a run may use: the deployed ones, and lower ones under which a small community
# climbs several levels (so that level changes, the author prior and re-weighed votes settle).
LEVEL_BARS = {
    "deployed": None,
    "low": [0, 1, 2, 3.5, 5, 7, 10, 14, 20, 30],
    "very low": [0, 0.4, 0.9, 1.5, 2.2, 3, 4, 5.5, 7, 9],
    # (Close together: a vote's weight moves a reviewer across several bars, so level changes can
    # outlast a run's settle rounds and be left for the next run.)
    "crowded": [0, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.7, 1.9],
}
# A vote linked to several flags counts at its strongest flag's status (a dismissed flag leaves
# it whole): the strongest first.
FLAG_STRENGTH = (FraudFlag.Status.CONFIRMED, FraudFlag.Status.OPEN)
# A random voter casts at most this many votes on one author's reviews, so that the only voters
# over the cap are the fans (who write nothing): no two accounts can form a vote ring, which
# only full runs detect (its flags are history an incremental run cannot share).
CASUAL_VOTES_PER_AUTHOR = S.VOTER_AUTHOR_CAP


def body_of(length: int, seed: int = 0) -> str:
    words = ("Solid", "grip,", "fades", "after", "a", "month;", "fits", "well.", "Battery", "lasts.")
    text, i = [], seed
    while sum(len(w) + 1 for w in text) <= length:
        text.append(words[i % len(words)])
        i += 1
    body = " ".join(text)[:length]
    # review_update strips the body: never end on a space.
    return body[:-1] + "x" if body.endswith(" ") else body


# --- the generator ---------------------------------------------------------------------------


@dataclass
class World:
    """What the generator built: the rows it changes later, and the shape it keeps."""

    rng: random.Random
    moderator: User
    users: list[User]
    fans: dict[int, int]  # fan's user id -> the author whose reviews they vote on
    categories: list
    products: list[Product]
    reviews: list[Review] = field(default_factory=list)
    log: list[str] = field(default_factory=list)  # what was done, for a failure's message

    def note(self, text: str) -> None:
        self.log.append(text)


def _aged(days: float, rng: random.Random) -> datetime:
    now = timezone.now().replace(microsecond=0)
    return now - timedelta(days=days, hours=rng.uniform(2, 20))


def _new_user(rng: random.Random, *, young: bool | None = None) -> User:
    young = rng.random() < 0.3 if young is None else young
    ages = YOUNG_AGE_DAYS if young else SEASONED_AGE_DAYS
    return UserFactory(date_joined=_aged(rng.choice(ages), rng))


def _new_review(world: World, author: User, product: Product) -> Review:
    rng = world.rng
    length = rng.choice(BODY_LENGTHS)
    # Whole seconds: SQLite's julianday() keeps milliseconds only, and the discover figure reads
    # the creation time to the microsecond.
    review = ReviewFactory(
        author=author,
        product=product,
        rating=rng.randint(1, 5),
        body=body_of(length, rng.randrange(10)),
        created_at=_aged(rng.choice(REVIEW_AGE_DAYS), rng),
    )
    for position in range(rng.choice((0, 0, 1, 2, 3, 4, 5))):
        ReviewPhoto.objects.create(review=review, position=position, image="x.jpg", thumbnail="x.jpg")
    world.reviews.append(review)
    world.note(f"review {review.pk} by {author.pk} on {product.pk}: {length} chars, rating {review.rating}")
    return review


def _votes_on_author(voter_id: int, author_id: int) -> int:
    return HelpfulVote.objects.filter(user_id=voter_id, review__author_id=author_id).count()


def _can_vote(voter: User, review: Review) -> bool:
    voter.refresh_from_db(fields=["suspended_until", "is_active"])
    return (
        voter.pk != review.author_id
        and not voter.is_suspended
        and Review.objects.filter(pk=review.pk, status=Review.Status.PUBLISHED).exists()
    )


def _cast(world: World, voter: User, review: Review, helpful: bool) -> bool:
    if not _can_vote(voter, review):
        return False
    if voter.pk not in world.fans and _votes_on_author(voter.pk, review.author_id) >= CASUAL_VOTES_PER_AUTHOR:
        if not HelpfulVote.objects.filter(user=voter, review=review).exists():
            return False
    review_services.vote_cast(user=voter, review=review, helpful=helpful)
    world.note(f"vote by {voter.pk} on {review.pk}: {'helpful' if helpful else 'not helpful'}")
    return True


def build_community(rng: random.Random) -> World:
    """A community of 5-15 members (some young), a moderator, 2-3 categories, 6-10 products,
    5-30 reviews, casual votes, 0-2 fans voting on one author's reviews (over the voter/author
    cap; at once, which the rerank flags as serial voting, or spread over days, which it does
    not), then suspensions, a ban, hidden and removed reviews and a feature."""
    moderator = UserFactory(is_superuser=True, date_joined=_aged(400, rng))
    users = [_new_user(rng) for _ in range(rng.randint(5, 15))]
    categories = [CategoryFactory() for _ in range(rng.randint(2, 3))]
    products = [ProductFactory(category=rng.choice(categories)) for _ in range(rng.randint(6, 10))]
    fan_count = rng.choice((0, 1, 1, 2))
    fans = users[:fan_count]
    writers = users[fan_count:]
    # One prolific writer (the fans' target), the others a few reviews each.
    prolific = writers[0]
    world = World(rng, moderator, users, {fan.pk: prolific.pk for fan in fans}, categories, products)
    for product in rng.sample(products, rng.randint(5, len(products))):
        _new_review(world, prolific, product)
    target = rng.randint(5, 30)
    for _attempt in range(200):
        if len(world.reviews) >= target:
            break
        author, product = rng.choice(writers), rng.choice(products)
        if not Review.objects.filter(author=author, product=product).exists():
            _new_review(world, author, product)
    voters = [*users, moderator]
    for review in world.reviews:
        for voter in rng.sample(voters, rng.randint(0, len(voters))):
            if voter.pk not in world.fans and rng.random() < 0.6:
                _cast(world, voter, review, rng.random() < 0.7)
    if rng.random() < 0.4:
        # A chain: each writer's vote on the next one's review, so that a level change travels
        # (a new level, a new vote weight, the next writer's reputation, their level ...).
        chain = [w for w in writers if any(r.author_id == w.pk for r in world.reviews)]
        rng.shuffle(chain)
        for voter, author in zip(chain, chain[1:], strict=False):
            _cast(world, voter, next(r for r in world.reviews if r.author_id == author.pk), True)
    for fan in fans:
        mine = [r for r in world.reviews if r.author_id == prolific.pk]
        spread = rng.random() < 0.25
        for index, review in enumerate(rng.sample(mine, rng.randint(3, len(mine)))):
            if _cast(world, fan, review, rng.random() < 0.85) and spread:
                # Thirty hours apart: over the cap, but never SERIAL_VOTES_PER_DAY in a day.
                HelpfulVote.objects.filter(user=fan, review=review).update(
                    created_at=timezone.now() - timedelta(hours=30 * (index + 1))
                )
    for review in rng.sample(world.reviews, rng.randint(0, 3)):
        status = rng.choice((Review.Status.HIDDEN, Review.Status.REMOVED))
        review_services.review_status_set(review=review, status=status)
        world.note(f"review {review.pk} {status}")
    for member in rng.sample(users, rng.randint(0, 2)):
        _suspend_or_ban(world, member)
    published = [r for r in world.reviews if r.status == Review.Status.PUBLISHED]
    for review in rng.sample(published, min(len(published), rng.randint(0, 2))):
        _feature(world, review)
    return world


def _suspend_or_ban(world: World, member: User) -> None:
    member.refresh_from_db()
    if world.rng.random() < 0.7:
        moderation.user_suspend(user=member, moderator=world.moderator, days=world.rng.randint(1, 30), reason="test")
        world.note(f"user {member.pk} suspended")
    elif member.is_active:
        moderation.user_ban(user=member, moderator=world.moderator, reason="test")
        world.note(f"user {member.pk} banned")


def _feature(world: World, review: Review) -> None:
    ranking_services.review_feature(
        review=review, moderator=world.moderator, until=timezone.now() + timedelta(days=world.rng.randint(1, 5))
    )
    world.note(f"review {review.pk} featured")


def _live_reviews(world: World) -> list[Review]:
    return list(Review.objects.filter(pk__in=[r.pk for r in world.reviews]))


def apply_changes(world: World, count: int) -> None:
    """`count` random changes after a first rerank, each through the path a member or moderator
    takes: votes cast, changed and withdrawn (a fan moving a vote to another review of the same
    author among them), edits of the text and rating, photos added and removed, reviews hidden,
    restored, deleted and written (by a new account too), suspensions lifted and set, a ban, a
    moderator's decision on a flag, features set and ended, a product moved to another category."""
    rng = world.rng
    for _ in range(count):
        kind = rng.choice(CHANGES)
        kind(world)


def _change_vote_new(world: World) -> None:
    reviews = _live_reviews(world)
    if reviews:
        _cast(
            world,
            world.rng.choice([*world.users, world.moderator]),
            world.rng.choice(reviews),
            world.rng.random() < 0.7,
        )


def _change_vote_flip(world: World) -> None:
    votes = list(HelpfulVote.objects.filter(review__in=_live_reviews(world)).select_related("user", "review"))
    if votes:
        vote = world.rng.choice(votes)
        _cast(world, vote.user, vote.review, not vote.helpful)


def _change_vote_withdraw(world: World) -> None:
    votes = list(HelpfulVote.objects.filter(review__in=_live_reviews(world)).select_related("user", "review"))
    if votes:
        vote = world.rng.choice(votes)
        review_services.vote_remove(user=vote.user, review=vote.review)
        world.note(f"vote by {vote.user_id} on {vote.review_id} withdrawn")


def _change_fan_moves_a_vote(world: World) -> None:
    """A fan withdraws one vote on their author and casts one on another of the author's reviews:
    the pair's count stays, its votes change."""
    for fan_id, author_id in world.fans.items():
        fan = User.objects.get(pk=fan_id)
        voted = list(HelpfulVote.objects.filter(user=fan, review__author_id=author_id).select_related("review"))
        free = list(
            Review.objects.filter(author_id=author_id, status=Review.Status.PUBLISHED).exclude(
                pk__in=[v.review_id for v in voted]
            )
        )
        if voted and free and _can_vote(fan, free[0]):
            gone = world.rng.choice(voted)
            review_services.vote_remove(user=fan, review=gone.review)
            world.note(f"fan {fan_id} withdrew the vote on {gone.review_id}")
            _cast(world, fan, world.rng.choice(free), True)
            return


def _change_edit(world: World) -> None:
    reviews = [r for r in _live_reviews(world) if r.status != Review.Status.REMOVED]
    if not reviews:
        return
    review = world.rng.choice(reviews)
    if review.author.is_suspended:
        return
    changes = {}
    if world.rng.random() < 0.7:
        changes["body"] = body_of(world.rng.choice(BODY_LENGTHS[1:]), world.rng.randrange(10))
    if world.rng.random() < 0.5:
        changes["rating"] = world.rng.randint(1, 5)
    if changes:
        review_services.review_update(review=review, editor=review.author, **changes)
        world.note(f"review {review.pk} edited: {sorted(changes)}")


def _change_photo(world: World) -> None:
    reviews = [r for r in _live_reviews(world) if r.status != Review.Status.REMOVED]
    if not reviews:
        return
    review = world.rng.choice(reviews)
    photos = list(review.photos.all())
    if photos and world.rng.random() < 0.5:
        review_services.review_delete_photo(photo=world.rng.choice(photos), user=review.author)
        world.note(f"review {review.pk} lost a photo")
    elif len(photos) < settings.PHOTOS_PER_REVIEW_MAX:
        position = max((p.position for p in photos), default=-1) + 1
        ReviewPhoto.objects.create(review=review, position=position, image="x.jpg", thumbnail="x.jpg")
        world.note(f"review {review.pk} gained a photo")


def _change_status(world: World) -> None:
    reviews = _live_reviews(world)
    if reviews:
        review = world.rng.choice(reviews)
        status = world.rng.choice(Review.Status.values)
        review_services.review_status_set(review=review, status=status)
        world.note(f"review {review.pk} {status}")


def _change_delete(world: World) -> None:
    reviews = _live_reviews(world)
    if len(reviews) > 1:
        review = world.rng.choice(reviews)
        pk = review.pk
        review_services.review_delete(review=review, user=review.author)
        world.note(f"review {pk} deleted")


def _change_new_review(world: World) -> None:
    rng = world.rng
    if rng.random() < 0.4:
        author = _new_user(rng)
        world.users.append(author)
        world.note(f"new user {author.pk}")
    else:
        author = rng.choice([u for u in world.users if u.pk not in world.fans])
    product = rng.choice(world.products)
    if not Review.objects.filter(author=author, product=product).exists():
        review = _new_review(world, author, product)
        for voter in rng.sample(world.users, min(3, len(world.users))):
            if voter.pk not in world.fans:
                _cast(world, voter, review, rng.random() < 0.7)


def _change_member(world: World) -> None:
    member = world.rng.choice(world.users)
    member.refresh_from_db()
    if member.is_suspended:
        moderation.user_unsuspend(user=member, moderator=world.moderator, reason="test")
        world.note(f"user {member.pk} unsuspended")
    elif not member.is_active:
        moderation.user_unban(user=member, moderator=world.moderator, reason="test")
        world.note(f"user {member.pk} unbanned")
    else:
        _suspend_or_ban(world, member)


def _change_flag(world: World) -> None:
    flags = list(FraudFlag.objects.all())
    if flags:
        flag = world.rng.choice(flags)
        status = world.rng.choice([s for s in FraudFlag.Status.values if s != flag.status])
        ranking_services.fraud_flag_resolve(flag=flag, moderator=world.moderator, status=status)
        world.note(f"flag {flag.key} {status}")


def _change_feature(world: World) -> None:
    featured = list(ReviewScore.objects.filter(featured_until__isnull=False).select_related("review"))
    if featured and world.rng.random() < 0.5:
        score = world.rng.choice(featured)
        ranking_services.review_unfeature(review=score.review, moderator=world.moderator)
        world.note(f"review {score.review_id} unfeatured")
        return
    published = [r for r in _live_reviews(world) if r.status == Review.Status.PUBLISHED]
    if published:
        _feature(world, world.rng.choice(published))


def _change_product_category(world: World) -> None:
    product = world.rng.choice(world.products)
    product.refresh_from_db()
    others = [c for c in world.categories if c.pk != product.category_id]
    if others:
        Product.objects.filter(pk=product.pk).update(category=world.rng.choice(others))
        world.note(f"product {product.pk} moved")


CHANGES = (
    _change_vote_new,
    _change_vote_new,
    _change_vote_new,
    _change_vote_flip,
    _change_vote_withdraw,
    _change_fan_moves_a_vote,
    _change_edit,
    _change_edit,
    _change_photo,
    _change_status,
    _change_delete,
    _change_new_review,
    _change_member,
    _change_flag,
    _change_feature,
    _change_product_category,
)


# --- the oracle's inputs ---------------------------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    date_joined: datetime
    is_active: bool
    suspended_until: datetime | None


@dataclass(frozen=True)
class ReviewRow:
    author_id: int
    product_id: int
    category_id: int
    status: str
    rating: int
    body_length: int
    photos: int
    created_at: datetime
    featured_until: datetime | None


@dataclass(frozen=True)
class VoteRow:
    id: int
    user_id: int
    review_id: int
    helpful: bool
    created_at: datetime


@dataclass
class Inputs:
    """Every row the formula reads, as the database holds it now."""

    users: dict[int, UserRow]
    reviews: dict[int, ReviewRow]
    votes: list[VoteRow]
    products: dict[int, int]  # product -> category
    categories: list[int]
    flag_status: dict[int, str]  # vote -> status of its strongest open or confirmed flag
    stored_levels: dict[int, int]  # each standing's level before the run (no standing: 1)
    stored_priors: dict[int, float]  # each category's prior mean before the run
    stored_sums: dict[int, tuple[float, float]]  # each score row's weighted sums after the run (see summed)


@dataclass(frozen=True)
class Before:
    """What a run starts from that it changes: the levels and the category priors."""

    levels: dict[int, int]
    priors: dict[int, float]
    flag_links: set[int]
    products: dict[int, dict]  # each product's stored score (PRODUCT_TERMS)


def read_before() -> Before:
    return Before(
        levels=dict(ReviewerStanding.objects.values_list("user_id", "level")),
        priors=dict(CategoryStats.objects.values_list("category_id", "mean_rating")),
        flag_links=set(FlaggedVote.objects.values_list("vote_id", flat=True)),
        products=_rows(ProductScore, "product_id", PRODUCT_TERMS),
    )


def read_inputs(before: Before) -> Inputs:
    """The rows as they are after a run (the votes' flags included: a run links votes to the
    flags it raises) with the levels and priors `before` it."""
    featured = dict(ReviewScore.objects.values_list("review_id", "featured_until"))
    photos: dict[int, int] = defaultdict(int)
    for review_id in ReviewPhoto.objects.values_list("review_id", flat=True):
        photos[review_id] += 1
    products = dict(Product.objects.values_list("id", "category_id"))
    reviews = {
        pk: ReviewRow(author, product, products[product], status, rating, length, photos[pk], created, featured.get(pk))
        for pk, author, product, status, rating, length, created in Review.objects.values_list(
            "id", "author_id", "product_id", "status", "rating", "body_length", "created_at"
        )
    }
    flags: dict[int, set[str]] = defaultdict(set)
    for vote_id, status in FlaggedVote.objects.values_list("vote_id", "flag__status"):
        flags[vote_id].add(status)
    strongest = {
        vote_id: next(s for s in FLAG_STRENGTH if s in statuses)
        for vote_id, statuses in flags.items()
        if statuses & set(FLAG_STRENGTH)
    }
    return Inputs(
        users={
            pk: UserRow(joined, active, until)
            for pk, joined, active, until in User.objects.values_list(
                "id", "date_joined", "is_active", "suspended_until"
            )
        },
        reviews=reviews,
        votes=[
            VoteRow(*row)
            for row in HelpfulVote.objects.values_list("id", "user_id", "review_id", "helpful", "created_at")
        ],
        products=products,
        categories=sorted(Category.objects.values_list("id", flat=True)),
        flag_status=strongest,
        stored_levels=before.levels,
        stored_priors=before.priors,
        stored_sums={
            pk: (hw, uw)
            for pk, hw, uw in ReviewScore.objects.values_list("review_id", "helpful_weight", "unhelpful_weight")
        },
    )


def lone_review_quality(body_length: int, rating: int) -> float:
    """The quality of a review with no votes and no photos, by a level-1 author, alone on its
    product."""
    agreement = {"rating": rating, "product_average_rating": float(rating)} if AGREEMENT else {}
    return S.review_figures(
        helpful_weight=0,
        unhelpful_weight=0,
        body_length=body_length,
        photos=0,
        author_level=1,
        created_epoch=0.0,
        **agreement,
    ).quality


# A review's weighted vote sum can be exactly halfway between two 6th decimals: the factors are
# binary-friendly (a young voter's 0.25 x level 1's 0.6 x a cap of 3/8 x an open flag's 0.25 is
# 0.0140625), so the stored figure rounds up or down by the last bits of a floating-point sum
# whose order SQL leaves open (PostgreSQL's plan decides it). Either neighbour is the formula's
# value rounded, so for exactly such a sum the oracle takes the one the engine stored (and goes on
# from it: the standings and products sum the stored figure). A sum is a tie when it lies within
# TIE_SLACK millionths (1e-12) of a half: far above the floating-point noise of these sums
# (~1e-15), far below the distance of any other sum of these factors.
TIE_SLACK = 1e-6


def summed(value: float, stored: float | None, ties: set) -> float:
    """A review's weighted vote sum for review_figures: `value` (the oracle's floating-point sum)
    or, when it is a tie at the 6th decimal and the engine stored one of its two neighbours,
    that one (noted in `ties`)."""
    scaled = value * 10**S.ROUND_DIGITS
    below = math.floor(scaled)
    if stored is None or abs(scaled - below - 0.5) > TIE_SLACK:
        return value
    neighbours = {below / 10**S.ROUND_DIGITS, (below + 1) / 10**S.ROUND_DIGITS}
    if stored in neighbours:
        ties.add(value)
        return stored
    return value


# --- fraud signals ------------------------------------------------------------------------------


def serial_votes(inputs: Inputs) -> dict[tuple[int, int], set[int]]:
    """Votes in serial-voting bursts, by (voter, author): SERIAL_VOTES_PER_DAY or more votes of
    one voter on one author's reviews within SERIAL_WINDOW_SECONDS (a sliding window)."""
    by_pair: dict[tuple[int, int], list[tuple[float, int]]] = defaultdict(list)
    for vote in inputs.votes:
        author = inputs.reviews[vote.review_id].author_id
        by_pair[(vote.user_id, author)].append((vote.created_at.timestamp(), vote.id))
    found = {}
    for pair, votes in by_pair.items():
        if len(votes) < S.SERIAL_VOTES_PER_DAY:
            continue
        flagged = set()
        for end, _ in votes:
            window = [vote_id for at, vote_id in votes if end - S.SERIAL_WINDOW_SECONDS < at <= end]
            if len(window) >= S.SERIAL_VOTES_PER_DAY:
                flagged.update(window)
        if flagged:
            found[pair] = flagged
    return found


def expected_flag_links(inputs: Inputs, linked_before: set[int]) -> set[int]:
    """The votes a full run leaves linked to a flag: those linked before (links stay while the
    vote does) and every vote in a serial-voting burst, but for a pair whose flag a moderator
    dismissed (the detection leaves it alone)."""
    dismissed = {
        key for key in FraudFlag.objects.filter(status=FraudFlag.Status.DISMISSED).values_list("key", flat=True)
    }
    existing = {vote.id for vote in inputs.votes}
    links = linked_before & existing
    for (voter, author), votes in serial_votes(inputs).items():
        if f"serial:{voter}:{author}" not in dismissed:
            links |= votes
    return links


# --- the oracle --------------------------------------------------------------------------------


@dataclass
class Expected:
    scores: dict[int, dict]
    standings: dict[int, dict]
    category_standings: dict[tuple[int, int], dict]
    category_priors: dict[int, dict]
    products: dict[int, dict]
    leftover: set[int]  # reviewers whose level change the run left for the next one
    rounds: int  # settle rounds the run needed
    ties: int = 0  # weighted vote sums at a rounding tie, taken as the engine rounded them (see summed)


def _young(user: UserRow, now: datetime) -> bool:
    return user.date_joined > now - timedelta(days=S.YOUNG_ACCOUNT_DAYS)


def _inactive_or_suspended(user: UserRow, now: datetime) -> bool:
    return not user.is_active or (user.suspended_until is not None and user.suspended_until > now)


def _scores(
    inputs: Inputs, now: datetime, weight_level: dict[int, int], prior_level: dict[int, int], ties: set
) -> dict[int, dict]:
    weights = {
        uid: S.vote_weight(
            young=_young(user, now),
            inactive_or_suspended=_inactive_or_suspended(user, now),
            level=weight_level.get(uid, 1),
        )
        for uid, user in inputs.users.items()
    }
    on_author: dict[tuple[int, int], int] = defaultdict(int)
    for vote in inputs.votes:
        on_author[(vote.user_id, inputs.reviews[vote.review_id].author_id)] += 1
    # As the SQL sums them: every vote at its voter's weight, plus a correction for the few capped
    # or flagged ones (what the vote counts at a weight of 1, less 1, times the weight).
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for vote in inputs.votes:
        weight = weights[vote.user_id]
        factor = S.vote_value(
            voter_weight=1.0,
            pair_votes=on_author[(vote.user_id, inputs.reviews[vote.review_id].author_id)],
            flag_status=inputs.flag_status.get(vote.id),
        )
        column = 0 if vote.helpful else 1
        sums[vote.review_id][column] += weight
        if factor != 1.0:
            sums[vote.review_id][column + 2] += weight * (factor - 1)
    published: dict[int, list[int]] = defaultdict(list)
    for review in inputs.reviews.values():
        if review.status == Review.Status.PUBLISHED:
            published[review.product_id].append(review.rating)
    scores = {}
    for pk, review in inputs.reviews.items():
        plain_h, plain_u, fix_h, fix_u = sums[pk]
        level = prior_level.get(review.author_id, 1)
        featured = review.featured_until is not None and review.featured_until > now
        agreement = {}
        if AGREEMENT:
            # (Agreement with the product's average rating, where the formula has the term.)
            agreement = {
                "rating": review.rating,
                "product_average_rating": S.product_average_rating(published[review.product_id], review.rating),
            }
        figure_inputs = {
            "helpful_weight": summed(plain_h + fix_h, inputs.stored_sums.get(pk, (None, None))[0], ties),
            "unhelpful_weight": summed(plain_u + fix_u, inputs.stored_sums.get(pk, (None, None))[1], ties),
            "body_length": review.body_length,
            "photos": review.photos,
            "author_level": level,
            "featured": featured,
            **agreement,
        }
        figures = S.review_figures(created_epoch=review.created_at.timestamp(), **figure_inputs)
        scores[pk] = {
            "product_id": review.product_id,
            "category_id": review.category_id,
            "author_id": review.author_id,
            "rating": review.rating,
            "ranked": review.status == Review.Status.PUBLISHED,
            "body_length": review.body_length,
            "photo_count": review.photos,
            "author_level": level,
            **asdict(figures),
            "featured": featured,
        }
    return scores


def _points(score: dict, created_at: datetime, now: datetime) -> float:
    recent = created_at >= now - timedelta(days=S.RECENT_REVIEW_DAYS)
    return S.review_points(score["helpful_weight"], score["unhelpful_weight"], score["merit"], recent=recent)


def _reputation(points: float) -> float:
    """A reputation (overall or in one category) from the sum of its review points: never below 0."""
    return S.reputation(points)


def _standings(inputs: Inputs, now: datetime, scores: dict[int, dict], level: dict[int, int]) -> dict[int, dict]:
    """Each reviewer's standing from the scores, a reviewer at `level` keeping it within the hysteresis."""
    recent = now - timedelta(days=policy.TESTER_RECENT_DAYS)
    rows: dict[int, list] = defaultdict(list)
    for pk, score in scores.items():
        if score["ranked"]:
            rows[score["author_id"]].append((pk, score))
    active = sum(1 for uid in inputs.users if rows.get(uid))
    assert active < S.LEVEL_MIN_COMMUNITY, "the oracle covers communities whose level route is the absolute one"
    standings = {}
    for uid in inputs.users:
        mine = rows.get(uid, [])
        created = [inputs.reviews[pk].created_at for pk, _ in mine]
        points = S.rnd(sum(_points(score, inputs.reviews[pk].created_at, now) for pk, score in mine))
        reputation = S.rnd(_reputation(points))
        helpful = S.rnd(sum(score["helpful_weight"] for _, score in mine))
        standings[uid] = {
            "reputation": reputation,
            "review_count": len(mine),
            "recent_review_count": sum(1 for at in created if at >= recent),
            "helpful_weight_received": helpful,
            "unhelpful_weight_received": S.rnd(sum(score["unhelpful_weight"] for _, score in mine)),
            "review_points": points,
            "level": S.level_for(reputation, len(mine), helpful, cutoffs={}, previous=level[uid]),
        }
    return standings


def oracle(inputs: Inputs, now: datetime, *, category_priors_refreshed: bool) -> Expected:
    """Every stored figure after a run at `now` over `inputs`. The settle starts from the levels
    stored before the run (every vote weight and author prior at those levels), and each round
    re-weighs the votes and re-reads the prior of the reviewers whose level the last round
    changed, as ranking.engine's settle does; `category_priors_refreshed`: a full run refreshes
    the category priors the product scores use, an incremental run uses the stored ones."""
    ties: set[float] = set()
    level = {uid: inputs.stored_levels.get(uid, 1) for uid in inputs.users}
    weight_level, prior_level = dict(level), dict(level)
    scores = _scores(inputs, now, weight_level, prior_level, ties)
    standings = _standings(inputs, now, scores, level)
    changed = {uid for uid, st in standings.items() if st["level"] != level[uid]}
    rounds = 0
    while changed and rounds < SETTLE_ROUNDS:
        rounds += 1
        for uid in changed:
            weight_level[uid] = prior_level[uid] = standings[uid]["level"]
        level = {uid: st["level"] for uid, st in standings.items()}
        scores = _scores(inputs, now, weight_level, prior_level, ties)
        standings = _standings(inputs, now, scores, level)
        changed = {uid for uid, st in standings.items() if st["level"] != level[uid]}
    for uid, st in standings.items():
        user = inputs.users[uid]
        st["vote_weight"] = S.vote_weight(
            young=_young(user, now), inactive_or_suspended=_inactive_or_suspended(user, now), level=weight_level[uid]
        )

    by_pair: dict[tuple[int, int], list] = defaultdict(list)
    by_product: dict[int, list] = defaultdict(list)
    by_category: dict[int, list] = defaultdict(list)
    for pk, score in scores.items():
        if score["ranked"]:
            by_pair[(score["author_id"], score["category_id"])].append((pk, score))
            by_product[score["product_id"]].append(score)
            by_category[score["category_id"]].append(score)
    category_standings = {}
    for (uid, cid), mine in by_pair.items():
        points = S.rnd(sum(_points(score, inputs.reviews[pk].created_at, now) for pk, score in mine))
        reputation = _reputation(points)
        category_standings[(uid, cid)] = {
            "reputation": reputation,
            "review_count": len(mine),
            "helpful_weight_received": S.rnd(sum(score["helpful_weight"] for _, score in mine)),
            "review_points": points,
            "is_expert": len(mine) >= policy.EXPERT_MIN_REVIEWS and reputation >= policy.EXPERT_MIN_REPUTATION,
        }
    priors = {}
    for cid in inputs.categories:
        rows = by_category.get(cid, [])
        weight = sum(score["quality"] for score in rows)
        rated = sum(score["quality"] * score["rating"] for score in rows)
        priors[cid] = {
            "mean_rating": S.rnd(rated / weight) if weight > 0 else S.rnd(S.DEFAULT_CATEGORY_MEAN),
            "review_weight": S.rnd(weight),
            "review_count": len(rows),
        }
    products = {}
    for pid, cid in inputs.products.items():
        rows = by_product.get(pid, [])
        weight = S.rnd(sum(score["quality"] for score in rows))
        rated = S.rnd(sum(score["quality"] * score["rating"] for score in rows))
        if category_priors_refreshed:
            mean = priors[cid]["mean_rating"]
        else:
            mean = inputs.stored_priors.get(cid, S.DEFAULT_CATEGORY_MEAN)
        products[pid] = {
            "category_id": cid,
            "review_count": len(rows),
            "average_rating": S.rnd(sum(s["rating"] for s in rows) / len(rows)) if rows else None,
            "weight_sum": weight,
            "weighted_rating_sum": rated,
            "bayesian_score": S.rnd(S.bayesian_product_score(weight, rated, mean)),
            "eligible": len(rows) >= S.PRODUCT_MIN_REVIEWS,
        }
    return Expected(scores, standings, category_standings, priors, products, changed, rounds, len(ties))


# --- what the engine stored ---------------------------------------------------------------------

# Every stored figure of a score row: its inputs and each term the declaration stores.
SCORE_TERMS = (
    "product_id",
    "category_id",
    "author_id",
    "rating",
    "ranked",
    "body_length",
    "photo_count",
    "author_level",
    "helpful_weight",
    "unhelpful_weight",
    *FIGURE_COLUMNS,
)
STANDING_TERMS = (
    "vote_weight",
    "level",
    "reputation",
    "review_count",
    "recent_review_count",
    "helpful_weight_received",
    "unhelpful_weight_received",
    "review_points",
)
CATEGORY_STANDING_TERMS = ("reputation", "review_count", "helpful_weight_received", "review_points", "is_expert")
PRIOR_TERMS = ("mean_rating", "review_weight", "review_count")
PRODUCT_TERMS = tuple(PRODUCT_SCORE_COLUMNS)


@dataclass
class Stored:
    scores: dict[int, dict]
    standings: dict[int, dict]
    category_standings: dict[tuple[int, int], dict]
    category_priors: dict[int, dict]
    products: dict[int, dict]
    pairs: dict[tuple[int, int], tuple[int, int]]
    flag_links: set[int]
    pending_levels: set[int]


def _rows(model, key, terms) -> dict:
    keys = (key,) if isinstance(key, str) else key
    out = {}
    for row in model.objects.values(*keys, *terms):
        k = row[keys[0]] if len(keys) == 1 else tuple(row[name] for name in keys)
        out[k] = {term: row[term] for term in terms}
    return out


def read_stored() -> Stored:
    standings = _rows(ReviewerStanding, "user_id", STANDING_TERMS)
    for st in standings.values():
        # A standing created for a voter by an incremental run is summed once it has reviews
        # (review_points NULL until then: nothing to sum, the engine leaves it).
        if st["review_points"] is None and st["review_count"] == 0:
            st["review_points"] = 0.0
    return Stored(
        scores=_rows(ReviewScore, "review_id", SCORE_TERMS),
        standings=standings,
        category_standings=_rows(CategoryStanding, ("user_id", "category_id"), CATEGORY_STANDING_TERMS),
        category_priors=_rows(CategoryStats, "category_id", PRIOR_TERMS),
        products=_rows(ProductScore, "product_id", PRODUCT_TERMS),
        pairs={
            (v, a): (n, h)
            for v, a, n, h in VotePair.objects.values_list("voter_id", "author_id", "votes", "helpful_votes")
        },
        flag_links=set(FlaggedVote.objects.values_list("vote_id", flat=True)),
        pending_levels=set(
            RerankPending.objects.filter(reason=RerankPending.Reason.LEVEL_CHANGED).values_list("user_id", flat=True)
        ),
    )


def expected_pairs(inputs: Inputs) -> dict[tuple[int, int], tuple[int, int]]:
    """The voter/author pairs over the cap (ranking_votepair), counted from the votes."""
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for vote in inputs.votes:
        pair = counts[(vote.user_id, inputs.reviews[vote.review_id].author_id)]
        pair[0] += 1
        pair[1] += int(vote.helpful)
    return {pair: (n, h) for pair, (n, h) in counts.items() if n >= S.PAIR_MIN_VOTES}


def differences(
    table: str,
    expected: dict,
    stored: dict,
    terms,
    *,
    names: tuple[str, str] = ("engine", "oracle"),
) -> list[str]:
    """Every (row, term) where the stored figure is not the expected one, in words."""
    out = []
    for key in sorted(set(expected) | set(stored), key=repr):
        if key not in stored:
            out.append(f"{table} {key}: missing (expected {expected[key]})")
            continue
        if key not in expected:
            out.append(f"{table} {key}: unexpected row {stored[key]}")
            continue
        for term in terms:
            want, got = expected[key][term], stored[key][term]
            if want != got:
                out.append(f"{table} {key} {term}: {names[0]} {got!r} != {names[1]} {want!r}")
    return out
