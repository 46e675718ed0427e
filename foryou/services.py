"""For You writes: interests, "show less", seen notes, reset; the refresh job (topic pools,
first-chance tiers, active people's candidate lists); and serving a page, which records the
scroll so the next page keeps the diversity window and never repeats a card (docs/foryou.md)."""

from __future__ import annotations

import base64
import binascii
import heapq
import logging
import re
import secrets
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, F, FloatField, OuterRef, Q, Subquery, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Follow, User
from ranking import scoring as ranking_scoring
from ranking.models import FraudFlag, ReviewScore
from reviews.models import Category, Comment, HelpfulVote, Product, Review, Save, Tag
from reviews.services import normalize_tags

from . import policy as P
from . import selectors as S
from .models import CandidateList, CoEngagement, FeedState, FirstChance, ShowLess, TagInterest, TopicPool
from .selectors import Item

logger = logging.getLogger(__name__)

MAX_INTEREST_TAGS = 30
MAX_SEEN_PER_CALL = 100


# --- what a person tells us ------------------------------------------------------------------------


def _state(user: User, *, lock: bool = False) -> FeedState:
    if lock:
        state = FeedState.objects.select_for_update().filter(user=user).first()
        if state is not None:
            return state
        FeedState.objects.get_or_create(user=user)
        return FeedState.objects.select_for_update().get(user=user)
    state, _ = FeedState.objects.get_or_create(user=user)
    return state


@transaction.atomic
def interests_set(*, user: User, categories: Sequence[Category], tags: Sequence[str]) -> list[Tag]:
    """Replace the person's interests (profile categories and For You #tags), count the
    interests step as done and rebuild their list, so the next page follows them. Unknown tags
    are refused (ValidationError on 'tags')."""
    names = normalize_tags(tags) if tags else []
    if len(names) > MAX_INTEREST_TAGS:
        raise ValidationError({"tags": [gettext("At most %(max)s tags.") % {"max": MAX_INTEREST_TAGS}]})
    found = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise ValidationError({"tags": [gettext("No review is tagged #%(tag)s yet.") % {"tag": missing[0]}]})
    _categories_set(user, categories)
    TagInterest.objects.filter(user=user).exclude(tag__name__in=names).delete()
    TagInterest.objects.bulk_create([TagInterest(user=user, tag=found[n]) for n in names], ignore_conflicts=True)
    state = _state(user, lock=True)
    state.onboarded_at = state.onboarded_at or timezone.now()
    state.save(update_fields=["onboarded_at"])
    candidates_build(user=user)
    return [found[n] for n in names]


def _categories_set(user: User, categories: Sequence[Category]) -> None:
    """The profile's interest categories (one list for the profile and For You). Only the
    relation is written: accounts.services.profile_update would also save the whole user row as
    loaded, undoing a suspension a moderator made meanwhile."""
    user.interest_categories.set(categories)


def onboarding_skip(*, user: User) -> None:
    """The interests step was skipped: not asked again."""
    FeedState.objects.get_or_create(user=user)
    FeedState.objects.filter(user=user, onboarded_at__isnull=True).update(onboarded_at=timezone.now())


SHOW_LESS_TARGETS = {
    ShowLess.Kind.AUTHOR: User.objects.filter(is_active=True),
    ShowLess.Kind.PRODUCT: Product.objects.all(),
    ShowLess.Kind.CATEGORY: Category.objects.all(),
}
NO_SUCH_TARGET = {
    ShowLess.Kind.AUTHOR: gettext_lazy("No such author."),
    ShowLess.Kind.PRODUCT: gettext_lazy("No such product."),
    ShowLess.Kind.CATEGORY: gettext_lazy("No such category."),
}


def show_less_add(*, user: User, kind: str, target_id: int) -> ShowLess:
    """Leave this author, product or category out of the person's feed, from the next page on."""
    if kind not in SHOW_LESS_TARGETS:
        raise ValidationError(
            {"kind": [gettext("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ShowLess.Kind.values)}]}
        )
    if not SHOW_LESS_TARGETS[kind].filter(pk=target_id).exists():
        raise ValidationError({"target": [NO_SUCH_TARGET[kind]]})
    if kind == ShowLess.Kind.AUTHOR and target_id == user.pk:
        raise ValidationError({"target": [gettext("Your own reviews are never in your For You.")]})
    row, _ = ShowLess.objects.get_or_create(user=user, kind=kind, target_id=target_id)
    return row


def show_less_remove(*, user: User, kind: str, target_id: int) -> bool:
    return ShowLess.objects.filter(user=user, kind=kind, target_id=target_id).delete()[0] > 0


def _minute(now: datetime) -> int:
    return int(now.timestamp()) // 60


def _seen_with(seen: list, review_ids: Iterable[int], now: datetime) -> list:
    """`seen` with `review_ids` (re)marked now, entries past SEEN_HIDDEN_FOR dropped, at most SEEN_KEPT."""
    fresh = set(review_ids)
    oldest = _minute(now - P.SEEN_HIDDEN_FOR)
    kept = [[rid, minute] for rid, minute in seen if minute >= oldest and rid not in fresh]
    kept += [[rid, _minute(now)] for rid in dict.fromkeys(review_ids)]
    return kept[-P.SEEN_KEPT :]


@transaction.atomic
def seen_mark(*, user: User, review_ids: Sequence[int], now: datetime | None = None) -> int:
    """Record cards the person scrolled past: they do not come back for SEEN_HIDDEN_FOR."""
    ids = [int(r) for r in review_ids]
    if len(ids) > MAX_SEEN_PER_CALL:
        raise ValidationError({"reviews": [gettext("At most %(max)s reviews per call.") % {"max": MAX_SEEN_PER_CALL}]})
    state = _state(user, lock=True)
    state.seen = _seen_with(state.seen, ids, now or timezone.now())
    state.save(update_fields=["seen"])
    return len(ids)


@transaction.atomic
def signals_reset(*, user: User, interests: bool = False) -> None:
    """Forget what For You learned: saves, votes and comments made before now stop counting,
    "show less" choices and seen notes are cleared and the list is rebuilt from what is left
    (follows stay: they are the person's own list of people). With `interests`, the chosen
    categories and #tags go too."""
    now = timezone.now()
    state = _state(user, lock=True)
    state.signals_reset_at = now
    state.seen, state.served, state.session = [], [], ""
    state.save(update_fields=["signals_reset_at", "seen", "served", "session"])
    ShowLess.objects.filter(user=user).delete()
    if interests:
        TagInterest.objects.filter(user=user).delete()
        _categories_set(user, [])
    candidates_build(user=user, now=now)


# --- topic pools ---------------------------------------------------------------------------------


def _liked_by(interested: Q, *, model) -> Subquery:
    """How many people matching `interested` found the review helpful (or saved it)."""
    rows = model.objects.filter(interested, review_id=OuterRef("review_id"))
    if model is HelpfulVote:
        rows = rows.filter(helpful=True)
    return Subquery(rows.values("review_id").annotate(n=Count("*")).values("n")[:1])


def _pool(queryset, size: int, liked: bool = False) -> list[list]:
    columns = ["review_id", "author_id", "product_id", "category_id", "discover"]
    if liked:
        columns.append("liked")
    rows = queryset.order_by("-discover", "-review_id").values_list(*columns)[:size]
    return [[*row] if liked else [*row, 0] for row in rows]


def pools_refresh(*, now: datetime | None = None, force: bool = False, keys: set[str] | None = None) -> int:
    """Rebuild the shared pools older than POOL_MAX_AGE: the global one, one per category (with
    how many people interested in it liked each review) and one per #tag someone follows. Reads
    only ranked reviews (ranking's ReviewScore); `keys`: only these. Returns how many were written."""
    now = now or timezone.now()
    fresh = (
        set()
        if force
        else set(TopicPool.objects.filter(refreshed_at__gte=now - P.POOL_MAX_AGE).values_list("key", flat=True))
    )
    ranked = ReviewScore.objects.filter(ranked=True)
    wanted: dict[str, object] = {"global": lambda: _pool(ranked, P.GLOBAL_POOL_SIZE)}
    for category_id in Category.objects.values_list("pk", flat=True):

        def category_pool(category_id=category_id):
            interested = Q(user__interest_categories=category_id)
            qs = ranked.filter(category_id=category_id).annotate(
                liked=Coalesce(_liked_by(interested, model=HelpfulVote), 0)
                + Coalesce(_liked_by(interested, model=Save), 0)
            )
            return _pool(qs, P.POOL_SIZE, liked=True)

        wanted[f"category:{category_id}"] = category_pool
    tag_ids = set(TagInterest.objects.values_list("tag_id", flat=True).distinct())
    tag_ids |= {int(k.partition(":")[2]) for k in keys or () if k.startswith("tag:")}
    for tag_id in tag_ids:
        wanted[f"tag:{tag_id}"] = lambda tag_id=tag_id: _pool(ranked.filter(review__tags=tag_id), P.POOL_SIZE)
    written = 0
    for key, build in wanted.items():
        if key in fresh or (keys is not None and key not in keys):
            continue
        TopicPool.objects.update_or_create(key=key, defaults={"items": build(), "refreshed_at": now})
        written += 1
    return written


# --- candidate lists --------------------------------------------------------------------------------


def _after_reset(user_field: str) -> Q:
    """Signals that still count: made after the person's last reset (if any)."""
    reset = f"{user_field}__foryou_state__signals_reset_at"
    return Q(**{f"{reset}__isnull": True}) | Q(created_at__gt=F(reset))


def _latest(queryset, user_field: str):
    """Each person's SEEDS_PER_KIND latest rows of `queryset`: (person, review_id, category_id)."""
    newest = Window(RowNumber(), partition_by=[F(user_field)], order_by=[F("created_at").desc(), F("pk").desc()])
    return (
        queryset.filter(_after_reset(user_field))
        .annotate(newest=newest)
        .filter(newest__lte=P.SEEDS_PER_KIND)
        .order_by(user_field, "newest")
        .values_list(user_field, "review_id", "review__product__category_id")
    )


def seeds_of(user_ids: Sequence[int]) -> dict[int, list[tuple[int, str, int]]]:
    """Each person's latest signals as (review_id, kind, category_id), newest first per kind:
    saves, comments on others' reviews, helpful votes (after a reset only newer ones). Three
    statements for everyone."""
    ids = list(user_ids)
    kinds = (
        (S.SAVED, _latest(Save.objects.filter(user_id__in=ids), "user_id")),
        (
            S.COMMENTED,
            _latest(
                Comment.objects.filter(author_id__in=ids, status=Comment.Status.PUBLISHED).exclude(
                    review__author_id=F("author_id")
                ),
                "author_id",
            ),
        ),
        (S.HELPFUL, _latest(HelpfulVote.objects.filter(user_id__in=ids, helpful=True), "user_id")),
    )
    seeds: dict[int, list[tuple[int, str, int]]] = {u: [] for u in ids}
    for kind, rows in kinds:
        for person, rid, category in rows:
            seeds[person].append((rid, kind, category))
    return seeds


def neighbours(seed_ids: Iterable[int], *, now: datetime) -> dict[int, list[list]]:
    """The co-engaged neighbours of these reviews (CoEngagement rows), building those missing or
    older than NEIGHBOURS_MAX_AGE set-based, NEIGHBOUR_SEEDS_PER_STATEMENT reviews a statement."""
    wanted = sorted(set(seed_ids))
    found: dict[int, list[list]] = {}
    for part in _chunks(wanted, 5000):
        found.update(
            CoEngagement.objects.filter(review_id__in=part, refreshed_at__gte=now - P.NEIGHBOURS_MAX_AGE).values_list(
                "review_id", "items"
            )
        )
    missing = [rid for rid in wanted if rid not in found]
    for part in _chunks(missing, P.NEIGHBOUR_SEEDS_PER_STATEMENT):
        built: dict[int, list[list]] = {rid: [] for rid in part}
        for seed, rid, people, author, product, category, discover in S.co_engaged(
            part, per_seed=P.NEIGHBOURS_PER_SEED
        ):
            built[seed].append([rid, people, author, product, category, round(discover, 6)])
        CoEngagement.objects.bulk_create(
            [CoEngagement(review_id=rid, items=items, refreshed_at=now) for rid, items in built.items()],
            update_conflicts=True,
            unique_fields=["review"],
            update_fields=["items", "refreshed_at"],
        )
        found.update(built)
    return found


def _chunks(values: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# What co-engagement adds to a candidate's discover score: ln(affinity) for each kind of seed and
# number of people (0..CO_ENGAGEMENT_CAP), worked out once rather than per candidate.
CO_ENGAGEMENT_LIFT = {
    kind: [
        S.affinity_score(0.0, 1 + P.CO_ENGAGEMENT_STEP * people * weight) for people in range(P.CO_ENGAGEMENT_CAP + 1)
    ]
    for kind, weight in P.SEED_WEIGHTS.items()
}


def _own_candidates(
    person: int,
    seeds: list[tuple[int, str, int]],
    near: dict[int, list[list]],
    followed: list[tuple],
    engaged: set[int],
) -> tuple[list[list], dict[str, float], list[int]]:
    """One person's list from their seeds' neighbours and followed authors' reviews: (packed items
    best first, at most LIST_SIZE; inferred category weights; the seed reviews, never shown)."""
    seed_kind: dict[int, str] = {}
    for rid, kind, _ in seeds:
        if rid not in seed_kind or P.SEED_WEIGHTS[kind] > P.SEED_WEIGHTS[seed_kind[rid]]:
            seed_kind[rid] = kind
    left_out = engaged | set(seed_kind)
    best: dict[int, list] = {}

    def offer(rid: int, author: int, product: int, category: int, score: float, reason: str, ref: int) -> None:
        if author == person or rid in left_out:
            return
        held = best.get(rid)
        if held is None or score > held[4]:
            best[rid] = [rid, author, product, category, score, reason, ref]

    for seed in _co_engagement_seeds(seeds):
        kind = seed_kind[seed]
        lift = CO_ENGAGEMENT_LIFT[kind]
        for rid, people, author, product, category, discover in near.get(seed, ()):
            offer(rid, author, product, category, discover + lift[min(people, P.CO_ENGAGEMENT_CAP)], kind, seed)
    following = S.affinity_score(0.0, P.FOLLOWING_AFFINITY)
    for rid, author, product, category, discover in followed:
        offer(rid, author, product, category, discover + following, S.FOLLOWING, author)
    items = heapq.nsmallest(P.LIST_SIZE, best.values(), key=lambda row: (-row[4], -row[0]))
    for row in items:
        row[4] = round(row[4], 6)
    counts = Counter(category for _, _, category in seeds)
    inferred = {str(c): round(min(1.0, n / P.INFERRED_FULL_AT), 3) for c, n in counts.items()}
    return items, inferred, list(seed_kind)


def lists_build(user_ids: Sequence[int], *, now: datetime, deadline: float | None = None) -> list[CandidateList]:
    """Build these people's own candidate lists together: their seeds (3 statements), the seeds'
    neighbours (kept per review, built when missing or old), their followed authors' best recent
    reviews (1), what they already voted on or saved (2), and one write for all; the shared pools
    their interests need exist afterwards. Stops after the person during whom `deadline`
    (time.monotonic()) passes; returns the lists written, in the order of `user_ids`."""
    ids = list(dict.fromkeys(int(u) for u in user_ids))
    if not ids:
        return []
    seeds = seeds_of(ids)
    near = neighbours((rid for person in ids for rid in _co_engagement_seeds(seeds[person])), now=now)
    followed: dict[int, list[tuple]] = {u: [] for u in ids}
    for follower, *row in S.followed_reviews(ids, since=now - timedelta(days=P.FOLLOWED_DAYS)):
        followed[follower].append(row)
    engaged: dict[int, set[int]] = {u: set() for u in ids}
    for model in (HelpfulVote, Save):
        for person, rid in model.objects.filter(user_id__in=ids).values_list("user_id", "review_id"):
            engaged[person].add(rid)
    rows = []
    for person in ids:
        items, inferred, seed_ids = _own_candidates(person, seeds[person], near, followed[person], engaged[person])
        rows.append(
            CandidateList(user_id=person, items=items, categories=inferred, excluded=seed_ids, refreshed_at=now)
        )
        if deadline is not None and time.monotonic() > deadline:
            break
    CandidateList.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["items", "categories", "excluded", "refreshed_at"],
    )
    _pools_ensure(rows, now=now)
    return rows


def _co_engagement_seeds(seeds: list[tuple[int, str, int]]) -> list[int]:
    """The seeds whose neighbours a list is built from: the first CO_ENGAGEMENT_SEEDS distinct
    reviews (saves first, then comments, then votes)."""
    return list(dict.fromkeys(rid for rid, _, _ in seeds))[: P.CO_ENGAGEMENT_SEEDS]


def _pools_ensure(rows: Sequence[CandidateList], *, now: datetime) -> None:
    """Build the pools these people's interests need that no run has built yet (an interest just
    chosen); the request merges only pools that exist."""
    ids = [row.user_id for row in rows]
    keys = {"global"}
    keys |= {f"category:{c}" for row in rows for c in row.categories}
    keys |= {
        f"category:{c}"
        for c in User.interest_categories.through.objects.filter(user_id__in=ids).values_list("category_id", flat=True)
    }
    keys |= {f"tag:{t}" for t in TagInterest.objects.filter(user_id__in=ids).values_list("tag_id", flat=True)}
    missing = keys - set(TopicPool.objects.filter(key__in=keys).values_list("key", flat=True))
    if missing:
        pools_refresh(now=now, keys=missing)


def candidates_build(*, user: User, now: datetime | None = None) -> CandidateList:
    """Rebuild one person's list now (after they set interests or reset; a first visit)."""
    return lists_build([user.pk], now=now or timezone.now())[0]


# --- first chance --------------------------------------------------------------------------------


def first_chance_refusal(
    *,
    body_length: int,
    author_active: bool,
    author_suspended: bool,
    author_flagged: bool,
    helpful_received: float | None,
    unhelpful_received: float | None,
    quality: float | None,
) -> str | None:
    """Why a new review gets no first chance (None: it does). Good standing: an active,
    unsuspended author named in no open or confirmed fraud flag, whose reviews readers have not
    mostly found unhelpful; and a note that is not low quality (too short, or scored below the floor)."""
    if not author_active or author_suspended:
        return "author suspended or banned"
    if author_flagged:
        return "author named in a fraud flag"
    helpful, unhelpful = helpful_received or 0.0, unhelpful_received or 0.0
    if helpful + unhelpful >= P.AUTHOR_MIN_FEEDBACK and helpful / (helpful + unhelpful) < P.AUTHOR_MIN_HELPFUL_SHARE:
        return "author's reviews mostly found unhelpful"
    if body_length < P.MIN_BODY_CHARS:
        return "too short"
    if quality is not None and quality < P.QUALITY_FLOOR:
        return "low quality"
    return None


def first_chance_enroll(*, now: datetime | None = None) -> int:
    """Give each published review newer than FIRST_CHANCE_MAX_AGE without a first-chance row one:
    ACTIVE at tier 0 if it and its author qualify (first_chance_refusal), else INELIGIBLE (not
    looked at again). Returns how many became ACTIVE."""
    now = now or timezone.now()
    new = (
        Review.objects.filter(
            status=Review.Status.PUBLISHED, created_at__gte=now - P.FIRST_CHANCE_MAX_AGE, first_chance__isnull=True
        )
        .annotate(flagged=Exists(S.flagged_authors()))
        .values_list(
            "pk",
            "author_id",
            "product__category_id",
            "body_length",
            "author__is_active",
            "author__suspended_until",
            "flagged",
            "author__standing__helpful_weight_received",
            "author__standing__unhelpful_weight_received",
            "score__quality",
            "score__ranked",
        )
    )
    rows, active = [], 0
    for rid, author, category, length, is_active, suspended_until, flagged, helpful, unhelpful, quality, ranked in new:
        refusal = first_chance_refusal(
            body_length=length or 0,
            author_active=is_active,
            author_suspended=suspended_until is not None and suspended_until > now,
            author_flagged=flagged,
            helpful_received=helpful,
            unhelpful_received=unhelpful,
            quality=quality if ranked else None,
        )
        status = FirstChance.Status.ACTIVE if refusal is None else FirstChance.Status.INELIGIBLE
        active += refusal is None
        rows.append(
            FirstChance(
                review_id=rid,
                category_id=category,
                author_id=author,
                status=status,
                entered_at=now,
                tier_changed_at=now,
            )
        )
    FirstChance.objects.bulk_create(rows, ignore_conflicts=True)
    return active


def _reader_weight(user_field: str) -> Case:
    """What one reader's reaction weighs: their vote weight (ranking's standing; 1 without one),
    times ranking's fraud factors (open flag: discounted; confirmed: nothing)."""
    flags = FraudFlag.objects.filter(accounts=OuterRef(f"{user_field}_id"))
    weight = Coalesce(F(f"{user_field}__standing__vote_weight"), Value(1.0), output_field=FloatField())
    return Case(
        When(
            Exists(flags.filter(status=FraudFlag.Status.CONFIRMED)),
            then=Value(ranking_scoring.FLAG_CONFIRMED_FACTOR) * weight,
        ),
        When(Exists(flags.filter(status=FraudFlag.Status.OPEN)), then=Value(ranking_scoring.FLAG_OPEN_FACTOR) * weight),
        default=weight,
        output_field=FloatField(),
    )


def first_chance_engagement(rows: Sequence[FirstChance]) -> dict[int, float]:
    """Weighted early engagement of these notes (ENGAGEMENT_WEIGHTS x reader weight): helpful
    votes, saves, comments (once per commenter) by others than the author, and follows of the
    author since the note entered its first chance (counted for each of the author's notes
    being shown). Four grouped queries whatever the number of notes."""
    ids = [r.review_id for r in rows]
    total: Counter = Counter()
    if not ids:
        return {}
    W = P.ENGAGEMENT_WEIGHTS
    grouped = (
        (
            HelpfulVote.objects.filter(review_id__in=ids, helpful=True).exclude(user_id=F("review__author_id")),
            "user",
            W["vote"],
        ),
        (Save.objects.filter(review_id__in=ids).exclude(user_id=F("review__author_id")), "user", W["save"]),
    )
    for qs, user_field, kind_weight in grouped:
        for rid, weight in (
            qs.values("review_id").annotate(w=Sum(_reader_weight(user_field))).values_list("review_id", "w")
        ):
            total[rid] += kind_weight * (weight or 0.0)
    commenters = (
        Comment.objects.filter(review_id__in=ids, status=Comment.Status.PUBLISHED)
        .exclude(author_id=F("review__author_id"))
        .values("review_id", "author_id")
        .distinct()
    )
    per_commenter = dict(
        User.objects.filter(pk__in={c["author_id"] for c in commenters})
        .annotate(w=_reader_weight_user())
        .values_list("pk", "w")
    )
    for c in commenters:
        total[c["review_id"]] += W["comment"] * per_commenter.get(c["author_id"], 0.0)
    by_author: dict[int, list[FirstChance]] = {}
    for row in rows:
        by_author.setdefault(row.author_id, []).append(row)
    earliest = min(r.entered_at for r in rows)
    follows = (
        Follow.objects.filter(followee_id__in=by_author, created_at__gte=earliest)
        .annotate(w=_reader_weight("follower"))
        .values_list("followee_id", "created_at", "w")
    )
    for author, created, weight in follows:
        for row in by_author[author]:
            if created >= row.entered_at:
                total[row.review_id] += W["follow"] * (weight or 0.0)
    return {rid: round(total[rid], 6) for rid in ids}


def _reader_weight_user() -> Case:
    """_reader_weight for a query on users themselves."""
    flags = FraudFlag.objects.filter(accounts=OuterRef("pk"))
    weight = Coalesce(F("standing__vote_weight"), Value(1.0), output_field=FloatField())
    return Case(
        When(
            Exists(flags.filter(status=FraudFlag.Status.CONFIRMED)),
            then=Value(ranking_scoring.FLAG_CONFIRMED_FACTOR) * weight,
        ),
        When(Exists(flags.filter(status=FraudFlag.Status.OPEN)), then=Value(ranking_scoring.FLAG_OPEN_FACTOR) * weight),
        default=weight,
        output_field=FloatField(),
    )


def first_chance_evaluate(*, now: datetime | None = None) -> int:
    """Move the notes being shown on: enough weighted engagement (TIER_PROMOTE_AT) lifts a note to
    the next tier (past the last: GRADUATED, left to the ranking); a note whose tier audience is
    used up without it, or older than FIRST_CHANCE_MAX_AGE, ENDS. Writes only rows that changed;
    returns how many moved to a wider tier."""
    now = now or timezone.now()
    rows = list(FirstChance.objects.filter(status=FirstChance.Status.ACTIVE).select_related("review"))
    engagement = first_chance_engagement(rows)
    changed, moved = [], 0
    for row in rows:
        before = (row.status, row.tier, row.engagement)
        row.engagement = engagement.get(row.review_id, 0.0)
        if row.engagement >= P.TIER_PROMOTE_AT[row.tier]:
            moved += 1
            row.tier_changed_at = now
            if row.tier + 1 >= len(P.TIER_AUDIENCE):
                row.status = FirstChance.Status.GRADUATED
            else:
                row.tier += 1
        elif row.impressions >= P.TIER_AUDIENCE[row.tier] or row.review.created_at < now - P.FIRST_CHANCE_MAX_AGE:
            row.status = FirstChance.Status.ENDED
        if (row.status, row.tier, row.engagement) != before:
            changed.append(row)
    FirstChance.objects.bulk_update(changed, ["status", "tier", "engagement", "tier_changed_at"])
    return moved


def first_chance_shown(review_ids: Sequence[int]) -> None:
    """Count one impression for each of these first-chance notes (served on a page)."""
    if review_ids:
        FirstChance.objects.filter(review_id__in=list(review_ids)).update(impressions=F("impressions") + 1)


# --- the refresh job -------------------------------------------------------------------------------


@dataclass
class RefreshResult:
    skipped: bool = False
    pools: int = 0
    enrolled: int = 0
    moved: int = 0
    people: int = 0
    user_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("user_ids")
        return data


LOCK_KEY = "foryou:refresh-lock"


def people_due(*, now: datetime, limit: int) -> list[int]:
    """Active people (For You opened within ACTIVE_DAYS) whose list is missing, older than
    LIST_MAX_AGE, or older than one of their own new signals (a save, a helpful vote, a comment or a
    follow made since); those with new signals first, then the oldest lists. Inactive people are
    never read."""
    refreshed = Subquery(CandidateList.objects.filter(user=OuterRef("user_id")).values("refreshed_at")[:1])
    states = FeedState.objects.filter(last_visit_at__gte=now - timedelta(days=P.ACTIVE_DAYS)).annotate(
        refreshed=refreshed
    )
    newer = (
        Q(Exists(Save.objects.filter(user=OuterRef("user_id"), created_at__gt=OuterRef("refreshed"))))
        | Q(Exists(HelpfulVote.objects.filter(user=OuterRef("user_id"), updated_at__gt=OuterRef("refreshed"))))
        | Q(Exists(Comment.objects.filter(author=OuterRef("user_id"), created_at__gt=OuterRef("refreshed"))))
        | Q(Exists(Follow.objects.filter(follower=OuterRef("user_id"), created_at__gt=OuterRef("refreshed"))))
    )
    due = states.filter(Q(refreshed__isnull=True) | Q(refreshed__lt=now - P.LIST_MAX_AGE) | newer).annotate(
        signalled=Case(When(newer, then=Value(0)), default=Value(1))
    )
    return list(
        due.order_by("signalled", F("refreshed").asc(nulls_first=True), "user_id").values_list("user_id", flat=True)[
            :limit
        ]
    )


def refresh(
    *, now: datetime | None = None, limit: int = P.REFRESH_BATCH, budget: float = P.REFRESH_BUDGET_SECONDS
) -> RefreshResult:
    """One run of the refresh job: stale topic pools, first-chance enrolment and tiers, then the
    candidate lists of up to `limit` active people who are due (people_due), most due first,
    BUILD_CHUNK at a time (lists_build), until `budget` seconds have gone (at least one is
    rebuilt); neighbours no list has needed for twice NEIGHBOURS_MAX_AGE are dropped. Takes a lock with an
    expiry (REFRESH_LOCK_SECONDS): a second run while one holds it is skipped."""
    now = now or timezone.now()
    token = secrets.token_hex(8)
    if not cache.add(LOCK_KEY, token, P.REFRESH_LOCK_SECONDS):
        return RefreshResult(skipped=True)
    try:
        result = RefreshResult()
        result.pools = pools_refresh(now=now)
        result.enrolled = first_chance_enroll(now=now)
        result.moved = first_chance_evaluate(now=now)
        due = people_due(now=now, limit=limit)
        deadline = time.monotonic() + budget
        for part in _chunks(due, P.BUILD_CHUNK):
            if result.user_ids and time.monotonic() > deadline:
                break
            result.user_ids += [row.user_id for row in lists_build(part, now=now, deadline=deadline)]
        CoEngagement.objects.filter(refreshed_at__lt=now - 2 * P.NEIGHBOURS_MAX_AGE).delete()
        result.people = len(result.user_ids)
        return result
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


# --- serving a page ---

SHOWABLE_ROUNDS = 3


def _arranged_showable(listed: list[Item], fresh: list[Item], *, now: datetime, **arrange) -> list[Item]:
    """selectors.arrange over the candidates that may be shown now (selectors.showable). Only the
    cards a page takes are checked, and the page is arranged again without any that may not be
    shown: arrange never looks past a card it skips, so the page is the one a check of every
    candidate first would give, for a query over a page's ids. After SHOWABLE_ROUNDS such rounds
    the rest are checked at once."""
    checked: set[int] = set()
    for _ in range(SHOWABLE_ROUNDS):
        page = S.arrange(listed, first_chance=fresh, **arrange)
        unchecked = {i.review_id for i in page} - checked
        if not unchecked:
            return page
        shown = S.showable(unchecked, now=now)
        checked |= shown
        refused = unchecked - shown
        listed = [i for i in listed if i.review_id not in refused]
        fresh = [i for i in fresh if i.review_id not in refused]
    shown = checked | S.showable({i.review_id for i in listed + fresh} - checked, now=now)
    listed = [i for i in listed if i.review_id in shown]
    fresh = [i for i in fresh if i.review_id in shown]
    return S.arrange(listed, first_chance=fresh, **arrange)


CURSOR_PATTERN = re.compile(r"^([0-9a-f]{10})\.([0-9]{1,5})$")


class BadCursor(ValueError):
    pass


def cursor_encode(session: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{session}.{offset}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[str, int]:
    """(session, offset) of a cursor this feed wrote; BadCursor for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor from None
    match = CURSOR_PATTERN.match(raw)
    if match is None or not 0 < int(match.group(2)) <= P.SERVED_KEPT:
        raise BadCursor
    return match.group(1), int(match.group(2))


@dataclass
class FeedPage:
    items: list[Item]
    reviews: list[Review]
    reasons: dict[int, S.Reason]
    next_cursor: str | None
    first_chance_ids: set[int]


def feed_page(
    *, user: User, cursor: str | None = None, page_size: int = P.PAGE_SIZE, now: datetime | None = None
) -> FeedPage:
    """The person's next For You page. Without a cursor a new scroll begins; with one, the cards
    served before it count as seen (the reader scrolled past them) and the page continues the
    scroll: no card twice, the diversity window spanning the page boundary. Filters at request
    time what the list may be minutes late on: "show less", seen notes, hidden or removed reviews,
    suspended or banned authors. Builds the list first if the person has none. Raises BadCursor."""
    now = now or timezone.now()
    position = cursor_decode(cursor) if cursor else None
    # The scroll's row stays locked only while the page is chosen and recorded; the cards are
    # read after the commit.
    with transaction.atomic():
        state = _state(user, lock=True)
        if position is None:
            session, offset, served = secrets.token_hex(5), 0, []
        else:
            session, offset = position
            served = state.served[:offset] if state.session == session else []
            if served:
                state.seen = _seen_with(state.seen, [row[0] for row in served], now)
        candidates = CandidateList.objects.filter(user=user).first() or candidates_build(user=user, now=now)
        wanted, less = S.what_they_told_us(user, candidates)
        hidden = S.seen_recently(state, now) | {row[0] for row in served} | set(candidates.excluded)

        me = user.pk

        def allowed(item: Item) -> bool:
            return not (
                item.review_id in hidden
                or item.author_id == me
                or item.author_id in less[ShowLess.Kind.AUTHOR]
                or item.product_id in less[ShowLess.Kind.PRODUCT]
                or item.category_id in less[ShowLess.Kind.CATEGORY]
            )

        own = map(Item.unpack, candidates.items)
        listed = [i for i in S.merged(own, *S.pools(S.pool_keys(wanted)).values()) if allowed(i)]
        fresh = [i for i in S.first_chance_pool(user, wanted, now=now) if allowed(i)]
        engaged = S.engaged_ids(user, [i.review_id for i in listed] + [i.review_id for i in fresh])
        page = _arranged_showable(
            [i for i in listed if i.review_id not in engaged],
            [i for i in fresh if i.review_id not in engaged],
            now=now,
            count=page_size,
            start=offset,
            window=[(row[1], row[2]) for row in served],
            shown_categories=[row[3] for row in served],
            targets=wanted.targets(),
        )
        served = served + [[i.review_id, i.author_id, i.product_id, i.category_id] for i in page]
        state.session, state.served = session, served[: P.SERVED_KEPT]
        if now - state.last_visit_at >= P.VISIT_RECORD_EVERY:
            state.last_visit_at = now
        state.save(update_fields=["session", "served", "last_visit_at", *(["seen"] if position else [])])
        shown_fresh = {i.review_id for i in page if i.reason == S.NEW}
        first_chance_shown(sorted(shown_fresh))
        end = offset + len(page)
        next_cursor = cursor_encode(session, end) if len(page) == page_size and end < P.SERVED_KEPT else None
    reviews = S.reviews_for_page(user, [i.review_id for i in page])
    by_id = {r.pk: r for r in reviews}
    page = [i for i in page if i.review_id in by_id]
    return FeedPage(page, reviews, S.reasons(page, by_id), next_cursor, shown_fresh)
