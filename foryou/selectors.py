"""For You reads: a person's interests, co-engagement between reviews (set-based SQL, the same
on PostgreSQL and SQLite), the first-chance pool, which candidates may still be shown, the
arrangement of a page (diversity caps, category mix, first-chance slots), the cards' reasons,
and related notes."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Follow, User
from ranking.models import FraudFlag, ReviewScore
from reviews.models import Category, HelpfulVote, Review, Save, Tag
from reviews.selectors import categories as all_categories
from reviews.selectors import reviews_for_listing

from . import policy as P
from .models import CandidateList, FeedState, FirstChance, ShowLess, TagInterest, TopicPool

# Why a card is there. Stored in the lists as these codes; the text is made when a page is drawn.
SAVED, HELPFUL, COMMENTED = "saved", "helpful", "commented"
FOLLOWING, LIKED_BY_INTEREST, CATEGORY, TAG, POPULAR, NEW = (
    "following",
    "liked_by_interest",
    "category",
    "tag",
    "popular",
    "new",
)
REASON_KINDS = (SAVED, HELPFUL, COMMENTED, FOLLOWING, LIKED_BY_INTEREST, CATEGORY, TAG, POPULAR, NEW)


@dataclass(frozen=True)
class Item:
    """One candidate: a review, what the diversity and show-less rules look at, its score and
    the signal that put it there (`ref`: the seed review, followed author, category or tag id;
    for NEW, the author's level)."""

    review_id: int
    author_id: int
    product_id: int
    category_id: int
    score: float
    reason: str
    ref: int

    def packed(self) -> list:
        return [self.review_id, self.author_id, self.product_id, self.category_id, self.score, self.reason, self.ref]

    @classmethod
    def unpack(cls, row: Sequence) -> Item:
        return cls(int(row[0]), int(row[1]), int(row[2]), int(row[3]), float(row[4]), str(row[5]), int(row[6]))


def affinity_score(discover: float, affinity: float) -> float:
    """The candidate's score: the quality prior (discover = ln(quality) + created/tau) plus the log
    of how strongly the person's signals point at it (capped)."""
    return round(discover + math.log(max(1.0, min(affinity, P.AFFINITY_MAX))), 6)


# --- interests and show-less -------------------------------------------------------------------


@dataclass(frozen=True)
class Interests:
    categories: frozenset[int]  # chosen (profile interests)
    tags: frozenset[int]
    inferred: dict[int, float]  # category id -> weight (0..1] from engagement

    @property
    def matched_categories(self) -> frozenset[int]:
        """Categories a first-chance note may be shown in: chosen, or engaged with enough."""
        return self.categories | {c for c, w in self.inferred.items() if w >= 0.4}

    def targets(self) -> dict[int, float] | None:
        """Category -> share of the cards (the rest, DISCOVERY_SHARE, goes to other categories);
        None when the person has no interests at all (one list, best first)."""
        weights = {c: w for c, w in self.inferred.items()}
        for c in self.categories:
            weights[c] = max(1.0, weights.get(c, 0.0))
        total = sum(weights.values())
        if not total:
            return None
        return {c: (1 - P.DISCOVERY_SHARE) * w / total for c, w in weights.items()}


CHOSEN, FOLLOWED_TAG = "chosen", "tag"  # row kinds of what_they_told_us besides ShowLess kinds


def what_they_told_us(user: User, candidates: CandidateList | None = None) -> tuple[Interests, dict[str, set[int]]]:
    """The person's interests (chosen categories, #tags, and the categories their list inferred)
    and their "show less" choices, by one statement."""
    chosen = User.interest_categories.through
    sql = f"""
        SELECT %s, category_id FROM {chosen._meta.db_table} WHERE user_id = %s
        UNION ALL SELECT %s, tag_id FROM {TagInterest._meta.db_table} WHERE user_id = %s
        UNION ALL SELECT kind, target_id FROM {ShowLess._meta.db_table} WHERE user_id = %s
    """  # noqa: S608  # nosec B608 - table names from the models, values as parameters
    found: dict[str, set[int]] = {kind: set() for kind in (CHOSEN, FOLLOWED_TAG, *ShowLess.Kind.values)}
    with connection.cursor() as cursor:
        cursor.execute(sql, [CHOSEN, user.pk, FOLLOWED_TAG, user.pk, user.pk])
        for kind, target in cursor.fetchall():
            found[kind].add(int(target))
    inferred = {int(k): float(v) for k, v in (candidates.categories if candidates else {}).items()}
    wanted = Interests(frozenset(found.pop(CHOSEN)), frozenset(found.pop(FOLLOWED_TAG)), inferred)
    return wanted, found


def interests(user: User, candidates: CandidateList | None = None) -> Interests:
    return what_they_told_us(user, candidates)[0]


def seen_recently(state: FeedState | None, now: datetime) -> set[int]:
    if state is None:
        return set()
    since = int((now - P.SEEN_HIDDEN_FOR).timestamp()) // 60
    return {int(rid) for rid, minute in state.seen if minute >= since}


# --- co-engagement -------------------------------------------------------------------------------


def co_engaged(seed_ids: Sequence[int], *, per_seed: int, exclude_user_id: int = 0) -> list[tuple]:
    """Reviews found helpful or saved by the people who found a seed helpful or saved it: rows
    (seed_id, review_id, people, author_id, product_id, category_id, discover), for each seed its
    `per_seed` with most people (then best discover), grouped by seed. Set-based: one statement
    whatever the number of seeds. Only ranked reviews (published when last scored) other than the
    seed; each seed contributes its ENGAGERS_PER_SEED latest engagers (a popular seed does not fan
    out to everyone); `exclude_user_id` is not counted."""
    seeds = [int(s) for s in seed_ids]
    if not seeds:
        return []
    vote, save, score = HelpfulVote._meta.db_table, Save._meta.db_table, ReviewScore._meta.db_table
    marks = ", ".join(["%s"] * len(seeds))
    # Table names come from the models, values are parameters.
    sql = f"""
        WITH seed_engagement AS (
            SELECT user_id, review_id, created_at FROM {vote} WHERE helpful = %s AND review_id IN ({marks})
            UNION ALL
            SELECT user_id, review_id, created_at FROM {save} WHERE review_id IN ({marks})
        ),
        engagers AS (
            SELECT user_id, review_id AS seed_id FROM (
                SELECT user_id, review_id,
                       ROW_NUMBER() OVER (PARTITION BY review_id ORDER BY last_at DESC, user_id) AS rn
                FROM (SELECT user_id, review_id, MAX(created_at) AS last_at
                      FROM seed_engagement GROUP BY user_id, review_id) latest
            ) numbered
            WHERE rn <= %s AND user_id <> %s
        ),
        pairs AS (
            SELECT e.seed_id, v.review_id FROM engagers e
            JOIN {vote} v ON v.user_id = e.user_id AND v.helpful = %s AND v.review_id <> e.seed_id
            UNION ALL
            SELECT e.seed_id, s.review_id FROM engagers e
            JOIN {save} s ON s.user_id = e.user_id AND s.review_id <> e.seed_id
            WHERE NOT EXISTS (
                SELECT 1 FROM {vote} sv WHERE sv.user_id = s.user_id AND sv.review_id = s.review_id AND sv.helpful = %s
            )
        ),
        counted AS (
            SELECT seed_id, review_id, COUNT(*) AS people FROM pairs GROUP BY seed_id, review_id
        ),
        numbered AS (
            SELECT c.seed_id, c.review_id, c.people, sc.author_id, sc.product_id, sc.category_id, sc.discover,
                   ROW_NUMBER() OVER (
                       PARTITION BY c.seed_id ORDER BY c.people DESC, sc.discover DESC, c.review_id DESC
                   ) AS rank
            FROM counted c
            JOIN {score} sc ON sc.review_id = c.review_id AND sc.ranked = %s
        )
        SELECT seed_id, review_id, people, author_id, product_id, category_id, discover
        FROM numbered WHERE rank <= %s
        ORDER BY seed_id, rank
    """  # noqa: S608  # nosec B608 - table names from the models, values as parameters
    params = [True, *seeds, *seeds, P.ENGAGERS_PER_SEED, exclude_user_id, True, True, True, per_seed]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def followed_reviews(user_ids: Sequence[int], *, since: datetime) -> list[tuple]:
    """The best recent ranked reviews of the people each of `user_ids` follows: rows (follower_id,
    review_id, author_id, product_id, category_id, discover), at most FOLLOWED_REVIEWS a follower.
    One statement for all of them."""
    ids = [int(u) for u in user_ids]
    if not ids:
        return []
    follow, score = Follow._meta.db_table, ReviewScore._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    sql = f"""
        SELECT follower_id, review_id, author_id, product_id, category_id, discover FROM (
            SELECT f.follower_id, s.review_id, s.author_id, s.product_id, s.category_id, s.discover,
                   ROW_NUMBER() OVER (
                       PARTITION BY f.follower_id ORDER BY s.discover DESC, s.review_id DESC
                   ) AS rank
            FROM {follow} f
            JOIN {score} s ON s.author_id = f.followee_id
            WHERE f.follower_id IN ({marks}) AND s.ranked = %s AND s.created_at >= %s
        ) numbered
        WHERE rank <= %s
    """  # noqa: S608  # nosec B608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, True, since, P.FOLLOWED_REVIEWS])
        return [tuple(row) for row in cursor.fetchall()]


# --- topic pools as candidates -------------------------------------------------------------------


def pool_keys(wanted: Interests) -> list[str]:
    """The shared pools a person's feed is merged from: everyone's, their chosen and inferred
    categories', their #tags'."""
    categories = sorted(wanted.categories | set(wanted.inferred))
    return ["global", *(f"category:{c}" for c in categories), *(f"tag:{t}" for t in sorted(wanted.tags))]


def pool_candidates(key: str, rows: Sequence[Sequence]) -> list[Item]:
    """A pool's reviews as candidates: scored with the pool's affinity and reason, the same for
    everyone who gets the pool."""
    kind, _, ref = key.partition(":")
    out = []
    for rid, author, product, category, discover, liked in rows:
        if kind == "global":
            affinity, reason, about = P.POPULAR_AFFINITY, POPULAR, 0
        elif kind == "tag":
            affinity, reason, about = P.TAG_AFFINITY, TAG, int(ref)
        elif liked:
            affinity, reason, about = (
                P.LIKED_BY_INTEREST_AFFINITY + P.LIKED_STEP * min(liked, 4),
                LIKED_BY_INTEREST,
                int(ref),
            )
        else:
            affinity, reason, about = P.CATEGORY_AFFINITY, CATEGORY, int(ref)
        out.append(Item(rid, author, product, category, affinity_score(discover, affinity), reason, about))
    return out


# Each process keeps the pools it has read, scored, until the job rewrites them: a pool row's
# refreshed_at is read with every page, and a changed one is read again (docs/foryou.md).
_pools_seen: dict[str, tuple[datetime, list[Item]]] = {}
POOLS_KEPT = 1000


def pools(keys: Sequence[str]) -> dict[str, list[Item]]:
    """The pools `keys` as scored candidates (missing pools are left out): one query for their
    versions, a second only for pools rewritten since this process last read them."""
    versions = dict(TopicPool.objects.filter(key__in=keys).values_list("key", "refreshed_at"))
    stale = [k for k, at in versions.items() if k not in _pools_seen or _pools_seen[k][0] != at]
    if stale:
        if len(_pools_seen) > POOLS_KEPT:
            _pools_seen.clear()
        for key, at, rows in TopicPool.objects.filter(key__in=stale).values_list("key", "refreshed_at", "items"):
            _pools_seen[key] = (at, pool_candidates(key, rows))
    return {k: _pools_seen[k][1] for k in versions if k in _pools_seen}


def merged(own: Iterable[Item], *groups: Iterable[Item]) -> list[Item]:
    """One candidate per review, the strongest signal behind it, best first."""
    best: dict[int, Item] = {}
    for group in (own, *groups):
        for item in group:
            held = best.get(item.review_id)
            if held is None or item.score > held.score:
                best[item.review_id] = item
    return sorted(best.values(), key=lambda i: (-i.score, -i.review_id))


# --- what may be shown now -----------------------------------------------------------------------


def flagged_authors() -> QuerySet:
    """Accounts named in an open or confirmed fraud flag."""
    return FraudFlag.objects.filter(
        accounts=OuterRef("author_id"), status__in=[FraudFlag.Status.OPEN, FraudFlag.Status.CONFIRMED]
    )


def showable(review_ids: Iterable[int], *, now: datetime | None = None) -> set[int]:
    """Those of `review_ids` that may be shown now: published, by an active (not banned) author
    who is not suspended. Read at request time: the lists may be minutes old."""
    ids = list(review_ids)
    if not ids:
        return set()
    now = now or timezone.now()
    return set(
        Review.objects.filter(pk__in=ids, status=Review.Status.PUBLISHED, author__is_active=True)
        .exclude(author__suspended_until__gt=now)
        .values_list("pk", flat=True)
    )


def first_chance_pool(user: User, wanted: Interests, *, now: datetime | None = None) -> list[Item]:
    """New reviews in their first-chance tiers that this reader may be shown: interest-matched
    (category or #tag) below WIDE_TIER, anyone's at it; with audience left in their tier; by an
    author in good standing now. Fewest impressions first, so each note gets its audience."""
    now = now or timezone.now()
    audience_left = Q()
    for tier, audience in enumerate(P.TIER_AUDIENCE):
        audience_left |= Q(tier=tier, impressions__lt=audience)
    matched = Q(tier__gte=P.WIDE_TIER)
    if wanted.matched_categories:
        matched |= Q(category_id__in=wanted.matched_categories)
    if wanted.tags:
        matched |= Q(
            Exists(Review.tags.through.objects.filter(review_id=OuterRef("review_id"), tag_id__in=wanted.tags))
        )
    # The order and most filters are on the first-chance rows alone; the joins (published, author
    # active and not suspended, level) are checked for the first few in order, more when some fail,
    # rather than for every row before the sort.
    ordered = (
        FirstChance.objects.filter(audience_left, matched, status=FirstChance.Status.ACTIVE)
        .exclude(author_id=user.pk)
        .exclude(Exists(flagged_authors()))
        .order_by("impressions", "-entered_at", "-review_id")
        .values_list("review_id", "author_id", "category_id")
    )
    step = P.FIRST_CHANCE_POOL * 2
    out: list[Item] = []
    for start in range(0, 20 * step, step):
        rows = list(ordered[start : start + step])
        shown = {
            rid: (product, level)
            for rid, product, level in Review.objects.filter(
                pk__in=[r[0] for r in rows], status=Review.Status.PUBLISHED, author__is_active=True
            )
            .exclude(author__suspended_until__gt=now)
            .values_list("pk", "product_id", "author__standing__level")
        }
        for rid, aid, cid in rows:
            if rid in shown and len(out) < P.FIRST_CHANCE_POOL:
                product, level = shown[rid]
                out.append(Item(rid, aid, product, cid, 0.0, NEW, level or 1))
        if len(out) >= P.FIRST_CHANCE_POOL or len(rows) < step:
            break
    return out


def engaged_ids(user: User, review_ids: Iterable[int]) -> set[int]:
    """Those of `review_ids` the person has already voted on or saved (not shown again). Reads the
    person's votes and saves by their own index (a range as long as their history), not one probe
    per candidate."""
    ids = set(review_ids)
    if not ids:
        return set()
    voted = HelpfulVote.objects.filter(user=user).values_list("review_id", flat=True)
    saved = Save.objects.filter(user=user).values_list("review_id", flat=True)
    return ids & set(voted.order_by().union(saved.order_by(), all=True))


# --- arranging a page ------------------------------------------------------------------------------


def fits(item: Item, window: Sequence[tuple[int, int]]) -> bool:
    """Whether `item` may follow `window` (the previous DIVERSITY_WINDOW - 1 cards' (author,
    product)) without a third card of one author or product in any DIVERSITY_WINDOW."""
    recent = window[-(P.DIVERSITY_WINDOW - 1) :]
    authors = sum(1 for a, _ in recent if a == item.author_id)
    products = sum(1 for _, p in recent if p == item.product_id)
    return authors < P.DIVERSITY_MAX_SAME and products < P.DIVERSITY_MAX_SAME


def arrange(
    candidates: Sequence[Item],
    *,
    count: int,
    start: int,
    window: Sequence[tuple[int, int]] = (),
    shown_categories: Sequence[int] = (),
    targets: dict[int, float] | None = None,
    first_chance: Sequence[Item] = (),
) -> list[Item]:
    """The next `count` cards from `candidates` (best first, already filtered), at positions
    `start`...: every card keeps the diversity caps over the cards before it (`window`, oldest
    first); positions FIRST_CHANCE_SLOTS (mod DIVERSITY_WINDOW) take the next fitting first-chance
    note; the others go to the category whose share of the cards so far (`shown_categories`
    counted in) lags its target most, categories outside `targets` sharing DISCOVERY_SHARE (new
    notes fill in only when nothing else fits). Fewer than `count` cards when nothing left fits."""
    other = -1
    buckets: dict[int, list[Item]] = {}
    for item in candidates:
        key = item.category_id if targets is None or item.category_id in targets else other
        if targets is None:
            key = 0
        buckets.setdefault(key, []).append(item)
    shares = {0: 1.0} if targets is None else {**targets, other: P.DISCOVERY_SHARE}
    shown: Counter = Counter()
    for category in shown_categories:
        shown[0 if targets is None else (category if category in targets else other)] += 1
    picked: list[Item] = []
    taken: set[int] = set()
    window = list(window)
    fresh = list(first_chance)

    def take(pool: list[Item]) -> Item | None:
        for index, item in enumerate(pool):
            if item.review_id in taken:
                continue
            if fits(item, window):
                del pool[index]
                return item
        return None

    position = start
    while len(picked) < count:
        item = None
        if position % P.DIVERSITY_WINDOW in P.FIRST_CHANCE_SLOTS and fresh:
            item = take(fresh)
        if item is None:
            order = sorted(
                (key for key in buckets if key in shares),
                key=lambda key: ((shown[key] + 1) / shares[key], -shares[key]),
            )
            for key in order:
                item = take(buckets[key])
                if item is not None:
                    bucket = key
                    break
            if item is None:
                # Nothing else left that fits: a new note rather than an early end.
                item = take(fresh)
                if item is None:
                    break
            else:
                shown[bucket] += 1
        picked.append(item)
        taken.add(item.review_id)
        window.append((item.author_id, item.product_id))
        position += 1
    return picked


# --- reasons -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    kind: str
    text: str
    review_id: int | None = None  # the seed review (saved, helpful, commented)
    review_title: str | None = None
    author: str | None = None  # username (following)
    category: str | None = None  # slug
    tag: str | None = None
    level: int | None = None


def reasons(items: Sequence[Item], reviews: dict[int, Review]) -> dict[int, Reason]:
    """Each card's reason in the reader's words, true to the signal that put it there: the seed
    review's title, the followed author's name, the category or tag, the author's level. Two
    queries at most (seed titles, tag names)."""
    seed_ids = {i.ref for i in items if i.reason in (SAVED, HELPFUL, COMMENTED)}
    titles = dict(Review.objects.filter(pk__in=seed_ids).values_list("pk", "title")) if seed_ids else {}
    tag_ids = {i.ref for i in items if i.reason == TAG}
    tags = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name")) if tag_ids else {}
    cats = {c.pk: c for c in all_categories()}
    out: dict[int, Reason] = {}
    for item in items:
        review = reviews.get(item.review_id)
        kind, ref = item.reason, item.ref
        if kind in (SAVED, HELPFUL, COMMENTED):
            title = titles.get(ref) or gettext("a review")
            text = {
                SAVED: gettext("Because you saved %(title)s"),
                HELPFUL: gettext("Because you found %(title)s helpful"),
                COMMENTED: gettext("Because you commented on %(title)s"),
            }[kind] % {"title": title}
            out[item.review_id] = Reason(kind, text, review_id=ref, review_title=title)
        elif kind == FOLLOWING and review is not None:
            name = review.author.public_name
            out[item.review_id] = Reason(
                kind, gettext("From %(name)s, whom you follow") % {"name": name}, author=review.author.username
            )
        elif kind in (LIKED_BY_INTEREST, CATEGORY) and ref in cats:
            category = cats[ref]
            text = (
                gettext("Popular with people who like %(category)s")
                if kind == LIKED_BY_INTEREST
                else gettext("Highly rated in %(category)s, one of your interests")
            ) % {"category": category.name}
            out[item.review_id] = Reason(kind, text, category=category.slug)
        elif kind == TAG and ref in tags:
            out[item.review_id] = Reason(
                kind, gettext("Highly rated in #%(tag)s, which you follow") % {"tag": tags[ref]}, tag=tags[ref]
            )
        elif kind == NEW:
            out[item.review_id] = Reason(kind, gettext("New from a Lv%(level)s reviewer") % {"level": ref}, level=ref)
        else:
            out[item.review_id] = Reason(POPULAR, gettext("Popular on Candor"))
    return out


def reviews_for_page(viewer: User, review_ids: Sequence[int]) -> list[Review]:
    """The cards' reviews, in the page's order, with everything a card shows (fixed queries)."""
    found = {r.pk: r for r in reviews_for_listing(viewer).filter(pk__in=list(review_ids))}
    return [found[rid] for rid in review_ids if rid in found]


# --- related notes ---------------------------------------------------------------------------------

WORD = re.compile(r"\w{4,}", re.UNICODE)
RELATED_SHOWN = 6


def related_reviews(review: Review, viewer: User | None = None, *, limit: int = RELATED_SHOWN) -> list[Review]:
    """ "More like this": reviews co-engaged with `review` (people who found it helpful or saved it
    also found these helpful or saved them), then, so a new note has neighbours from its first
    minute, the same product's, those sharing a #tag, and those in its category whose title shares
    a word with its title, best quality first. Published, by active, unsuspended authors only."""
    order: list[int] = [row[1] for row in co_engaged([review.pk], per_seed=limit * 3)]
    base = (
        ReviewScore.objects.filter(ranked=True)
        .exclude(review_id=review.pk)
        .exclude(author_id=review.author_id)
        .order_by("-quality", "-review_id")
    )
    if len(order) < limit:
        order += list(base.filter(product_id=review.product_id).values_list("review_id", flat=True)[:limit])
    if len(order) < limit * 2:
        tag_ids = list(review.tags.values_list("pk", flat=True))
        if tag_ids:
            order += list(base.filter(review__tags__in=tag_ids).values_list("review_id", flat=True)[: limit * 2])
    if len(order) < limit * 2:
        words = sorted({w.lower() for w in WORD.findall(review.title)}, key=len, reverse=True)[:4]
        if words:
            similar = Q()
            for word in words:
                similar |= Q(review__title__icontains=word)
            category_id = review.product.category_id
            order += list(
                base.filter(similar, category_id=category_id).values_list("review_id", flat=True)[: limit * 2]
            )
    unique = [rid for rid in dict.fromkeys(order) if rid != review.pk]
    allowed = showable(unique)
    wanted = [rid for rid in unique if rid in allowed][:limit]
    found = {r.pk: r for r in reviews_for_listing(viewer).filter(pk__in=wanted)}
    return [found[rid] for rid in wanted if rid in found]


def category_names() -> dict[int, Category]:
    return {c.pk: c for c in all_categories()}
