"""For You against global Discover on a community with planted tastes (issue 27's evidence).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7 REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/foryou/evaluate.py --people 500 --reviews 5000 --wipe
    env -u REDIS_URL DATABASE_URL=sqlite:////tmp/foryou_bench.sqlite3 \\
        .venv/bin/python bench/foryou/evaluate.py --wipe

The database of DATABASE_URL is WIPED (migrated first, then flushed): the script refuses one
holding accounts it did not create unless --wipe is given.

1. Community: people who each like a few categories and a few authors; authors with a skill
   that sets their reviews' quality (body length follows it); engagement (helpful votes, saves,
   comments, a few "not helpful" votes on poor reviews, follows of liked authors) drawn from
   those tastes times quality, with a share of pure noise (popular anywhere). Some people chose
   their categories at sign-up. Set-based bulk inserts, then ranking's full rerank.
2. Holdout: a seeded share of each person's engaged reviews is never inserted. The refresh job
   (foryou.services.refresh, what foryou.tasks.refresh calls) builds every list; each person's
   first page comes from foryou.services.feed_page (what GET /api/v1/for-you/ serves) and
   Discover's from ranking.selectors.discover_feed. recall@20 and NDCG@20 (binary gain) against
   the held-out reviews, means over people with 95% bootstrap intervals (and of the paired
   difference).
3. First vote within an hour: new reviews arrive over an hour of simulated time; readers open
   their For You page every few minutes (Poisson visits) and vote by their tastes; the refresh
   job and the incremental rerank run every 5 simulated minutes. Run twice from the same start:
   with foryou.policy.FIRST_CHANCE_SLOTS as shipped and patched to () (no first-chance slots).
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import platform
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
# Test settings: a fast password hasher and eager tasks; nothing here is served.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Follow, User  # noqa: E402
from accounts.names import name_key  # noqa: E402
from foryou import policy  # noqa: E402
from foryou import selectors as foryou_selectors  # noqa: E402
from foryou import services as foryou  # noqa: E402
from foryou.models import CandidateList, FeedState  # noqa: E402
from ranking import scoring  # noqa: E402
from ranking.models import ReviewScore  # noqa: E402
from ranking.selectors import discover_feed  # noqa: E402
from ranking.services import rerank  # noqa: E402
from reviews.models import Brand, Category, Comment, HelpfulVote, Product, Review, Save  # noqa: E402
from reviews.services import review_create, vote_cast, vote_tally_recount  # noqa: E402

PREFIX = "fy"  # every account the harness creates
K = 20
BOOT_SEED = 2027
WORDS = (
    "texture absorbs quickly lasting finish shade matte dewy gentle scent fragrance skin hair "
    "battery screen sound comfortable sturdy value packaging refill daily travel sensitive oily "
    "dry layer primer wash rinse apply results week month compared previous honestly"
).split()
# Taste: what one person's liking of a review is made of (engagement and the simulated readers).
LIKED_CATEGORY, LIKED_AUTHOR, ELSEWHERE = 1.0, 3.0, 0.05
NOISE_SHARE = 0.15  # of engagement drawn from everything, by quality only


@dataclass
class World:
    now: datetime
    people: list[int] = field(default_factory=list)
    authors: list[int] = field(default_factory=list)
    likes_cat: dict[int, set[int]] = field(default_factory=dict)
    likes_author: dict[int, set[int]] = field(default_factory=dict)
    review: dict[int, tuple[int, int, float]] = field(default_factory=dict)  # id -> (author, category, quality)
    author_home: dict[int, list[int]] = field(default_factory=dict)
    engaged: dict[int, set[int]] = field(default_factory=dict)  # inserted positive engagement
    held: dict[int, set[int]] = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    products: dict[int, list[int]] = field(default_factory=dict)  # category -> product ids


def taste(world: World, person: int, review_id: int) -> float:
    author, category, quality = world.review[review_id]
    affinity = ELSEWHERE + LIKED_CATEGORY * (category in world.likes_cat[person])
    affinity += LIKED_AUTHOR * (author in world.likes_author[person])
    return affinity * quality**1.5


def body(rng: random.Random, length: int) -> str:
    words, size = [], 0
    while size < length:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length].strip() or "fine"


def weighted_sample(rng: random.Random, items: list[int], weights: list[float], k: int) -> list[int]:
    """k items without replacement, chance proportional to weight (Efraimidis-Spirakis keys)."""
    keyed = [(rng.random() ** (1.0 / w), i) for i, w in zip(items, weights, strict=True) if w > 0]
    keyed.sort(reverse=True)
    return [i for _, i in keyed[:k]]


def wipe(allow_foreign: bool) -> None:
    call_command("migrate", verbosity=0)
    foreign = User.objects.exclude(username__startswith=PREFIX).count()
    if foreign and not allow_foreign:
        sys.exit(
            f"database {connection.settings_dict['NAME']!r} holds {foreign} other accounts; pass --wipe to flush it"
        )
    call_command("flush", interactive=False, verbosity=0)


def build(args, now: datetime) -> World:
    """The community at `now`, minus the held-out engagement, ranked by a full rerank."""
    rng = random.Random(f"{args.seed}:world")
    world = World(now=now)
    categories = Category.objects.bulk_create(
        [Category(name=f"Topic {c}", name_en=f"Topic {c}", slug=f"topic-{c}") for c in range(args.categories)]
    )
    cat_ids = [c.pk for c in categories]
    brands = Brand.objects.bulk_create(
        [Brand(name=f"Maker {c}", slug=f"maker-{c}", name_key=name_key(f"Maker {c}")) for c in range(len(cat_ids))]
    )
    n_products = max(len(cat_ids) * 5, args.reviews // 3)
    products = Product.objects.bulk_create(
        [
            Product(
                brand=brands[p % len(brands)], category_id=cat_ids[p % len(cat_ids)], name=f"Item {p}", slug=f"i-{p}"
            )
            for p in range(n_products)
        ]
    )
    for p in products:
        world.products.setdefault(p.category_id, []).append(p.pk)
    joined = now - timedelta(days=400)
    users = User.objects.bulk_create(
        [
            User(
                username=f"{PREFIX}{n}", username_key=name_key(f"{PREFIX}{n}"), password="!", date_joined=joined
            )  # unusable password: nobody signs in as a generated person
            for n in range(args.people)
        ],
        batch_size=1000,
    )
    world.people = [u.pk for u in users]
    # Categories' popularity is skewed (Zipf), as is how much each author writes.
    cat_weight = [1.0 / (i + 1) ** 0.7 for i in range(len(cat_ids))]
    world.authors = rng.sample(world.people, max(10, args.people * 3 // 10))
    skill = {a: rng.betavariate(2, 2) for a in world.authors}
    output = {a: 1.0 / (i + 1) ** 0.8 for i, a in enumerate(world.authors)}
    for a in world.authors:
        world.author_home[a] = rng.sample(cat_ids, 2) if rng.random() < 0.4 else [rng.choices(cat_ids, cat_weight)[0]]
    history = timedelta(days=60)
    rows, qualities, used = [], [], set()
    writers = rng.choices(world.authors, [output[a] for a in world.authors], k=args.reviews * 8)
    for author in writers:
        if len(rows) == args.reviews:
            break
        category = rng.choice(world.author_home[author])
        product = rng.choice(world.products[category])
        if (author, product) in used:  # one review per author and product: try another
            product = rng.choice(world.products[category])
            if (author, product) in used:
                continue
        used.add((author, product))
        quality = min(1.0, max(0.02, 0.65 * skill[author] + 0.35 * rng.random()))
        created = now - history * rng.random() ** 1.3
        qualities.append(quality)
        rows.append(
            Review(
                author_id=author,
                product_id=product,
                rating=rng.randint(1, 5),
                title=f"Notes on item {product}",
                body=body(rng, int(30 + 1400 * quality * rng.uniform(0.5, 1.2))),
                created_at=created,
                changed_at=created,
            )
        )
    reviews = Review.objects.bulk_create(rows, batch_size=1000)
    cat_of_product = {p.pk: p.category_id for p in products}
    created_at = {}
    for r, row, q in zip(reviews, rows, qualities, strict=True):
        world.review[r.pk] = (r.author_id, cat_of_product[r.product_id], q)
        created_at[r.pk] = row.created_at
    review_ids = list(world.review)

    # Tastes: a few categories (skewed to popular ones) and a few authors writing in them.
    by_cat: dict[int, list[int]] = {}
    for a in world.authors:
        for c in world.author_home[a]:
            by_cat.setdefault(c, []).append(a)
    for person in world.people:
        liked = set()
        while len(liked) < rng.choice((2, 2, 3)):
            liked.add(rng.choices(cat_ids, cat_weight)[0])
        world.likes_cat[person] = liked
        pool = [a for c in liked for a in by_cat.get(c, []) if a != person]
        authors = set()
        for _ in range(3):
            if pool and rng.random() < 0.85:
                authors.add(rng.choices(pool, [output[a] + 0.05 for a in pool])[0])
            else:
                authors.add(rng.choice([a for a in world.authors if a != person]))
        world.likes_author[person] = authors

    hold = random.Random(f"{args.seed}:holdout")
    votes, saves, comments, follows, chosen = [], [], [], [], []
    n_held = 0
    for person in world.people:
        k = min(150, max(5, int(rng.lognormvariate(math.log(args.engagement), 0.6))))
        own = {r for r, (a, _, _) in world.review.items() if a == person}
        items = [r for r in review_ids if r not in own]
        tasted = weighted_sample(rng, items, [taste(world, person, r) for r in items], int(k * (1 - NOISE_SHARE)))
        noise = weighted_sample(rng, items, [world.review[r][2] ** 1.5 for r in items], k - len(tasted))
        engaged = list(dict.fromkeys(tasted + noise))
        held = {r for r in engaged if hold.random() < args.holdout} if len(engaged) >= 5 else set()
        world.held[person] = held
        world.engaged[person] = set(engaged) - held
        n_held += len(held)
        for r in engaged:
            if r in held:
                continue
            at = created_at[r] + (now - created_at[r]) * rng.random()
            kinds = [rng.random() < 0.8, rng.random() < 0.35, rng.random() < 0.1]
            if not any(kinds):
                kinds[0] = True
            if kinds[0]:
                votes.append(HelpfulVote(user_id=person, review_id=r, helpful=True, created_at=at, updated_at=at))
            if kinds[1]:
                saves.append(Save(user_id=person, review_id=r, created_at=at))
            if kinds[2]:
                comments.append(Comment(author_id=person, review_id=r, body=body(rng, 60), created_at=at))
        # A few "not helpful" votes on poor reviews in their categories.
        poor = [r for r in items if world.review[r][1] in world.likes_cat[person] and r not in set(engaged)]
        for r in weighted_sample(rng, poor, [(1 - world.review[r][2]) ** 3 for r in poor], max(1, k // 10)):
            at = created_at[r] + (now - created_at[r]) * rng.random()
            votes.append(HelpfulVote(user_id=person, review_id=r, helpful=False, created_at=at, updated_at=at))
        for a in world.likes_author[person]:
            if rng.random() < 0.5:
                follows.append(
                    Follow(follower_id=person, followee_id=a, created_at=now - timedelta(days=rng.random() * 60))
                )
        if rng.random() < args.chose_share:
            chosen += [
                Category.interested_users.through(category_id=c, user_id=person) for c in world.likes_cat[person]
            ]
    HelpfulVote.objects.bulk_create(votes, batch_size=2000)
    Save.objects.bulk_create(saves, batch_size=2000)
    Comment.objects.bulk_create(comments, batch_size=2000)
    Follow.objects.bulk_create(follows, batch_size=2000)
    Category.interested_users.through.objects.bulk_create(chosen, batch_size=2000)

    def counted(model, **where):
        rows = model.objects.filter(review_id=OuterRef("pk"), **where).values("review_id").annotate(n=Count("*"))
        return Coalesce(Subquery(rows.values("n")[:1], output_field=IntegerField()), Value(0))

    Review.objects.update(
        helpful_count=counted(HelpfulVote, helpful=True),
        not_helpful_count=counted(HelpfulVote, helpful=False),
        save_count=counted(Save),
        comment_count=counted(Comment),
    )
    Review.objects.update(changed_at=Subquery(Review.objects.filter(pk=OuterRef("pk")).values("created_at")[:1]))
    vote_tally_recount()
    world.counts = {
        "people": len(world.people),
        "authors": len(world.authors),
        "reviews": len(reviews),
        "helpful_votes": sum(v.helpful for v in votes),
        "unhelpful_votes": sum(not v.helpful for v in votes),
        "saves": len(saves),
        "comments": len(comments),
        "follows": len(follows),
        "chose_interests": len({c.user_id for c in chosen}),
        "held_out": n_held,
    }
    return world


def reranked(now: datetime) -> float:
    began = time.monotonic()
    result = rerank(full=True, now=now)
    if result.skipped:
        sys.exit(f"rerank skipped: {result.reason}")
    return time.monotonic() - began


def visit(people: list[int], now: datetime) -> None:
    """These people opened For You lately: the refresh job keeps their lists."""
    FeedState.objects.bulk_create(
        [FeedState(user_id=p, last_visit_at=now - timedelta(hours=1), onboarded_at=now) for p in people],
        batch_size=2000,
    )


# --- metrics ---------------------------------------------------------------------------------------


def recall_ndcg(ranked: list[int], relevant: set[int], k: int = K) -> tuple[float, float]:
    top = ranked[:k]
    hits = [1.0 if r in relevant else 0.0 for r in top]
    dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return sum(hits) / len(relevant), dcg / ideal


def bootstrap(values: list[float], reps: int, seed: int) -> tuple[float, float, float]:
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(reps))
    return sum(values) / n, means[int(0.025 * reps)], means[int(0.975 * reps) - 1]


def fmt(ci: tuple[float, float, float]) -> str:
    return f"{ci[0]:.3f} [{ci[1]:.3f}, {ci[2]:.3f}]"


def merged_list(user: User, own: CandidateList | None) -> list[list]:
    """The candidates a page is drawn from, as feed_page merges them: the person's own list and
    the shared pools of their interests, less their signals and what they voted on or saved."""
    if own is None:
        return []
    items = foryou_selectors.merged(
        map(foryou_selectors.Item.unpack, own.items),
        *foryou_selectors.pools(foryou_selectors.pool_keys(foryou_selectors.interests(user, own))).values(),
    )
    left_out = set(own.excluded) | foryou_selectors.engaged_ids(user, [i.review_id for i in items])
    return [i.packed() for i in items if i.review_id not in left_out and i.author_id != user.pk]


def quality_eval(world: World, args) -> dict:
    began = time.monotonic()
    result = foryou.refresh(now=world.now, limit=10**6, budget=10**6)
    refresh_s = time.monotonic() - began
    users = User.objects.in_bulk(world.people)
    methods = ("foryou", "discover", "discover_unseen", "oracle", "list_no_fresh")
    per = {m: {"recall": [], "ndcg": []} for m in methods}
    # Diagnostic: the person's candidate list ordered without the prior's freshness term
    # (score - created/tau = ln(quality) + ln(affinity) + a constant), no diversity or mix.
    created = dict(ReviewScore.objects.values_list("review_id", "created_at"))
    lists = CandidateList.objects.in_bulk(field_name="user_id")
    quality_mass = sum(q**1.5 for _, _, q in world.review.values())
    people = [p for p in world.people if world.held[p]]
    page_ms = []
    for person in people:
        user = users[person]
        t = time.monotonic()
        page = foryou.feed_page(user=user, now=world.now)
        page_ms.append((time.monotonic() - t) * 1000)
        mine = [i.review_id for i in page.items]
        shown = list(discover_feed(user).values_list("id", flat=True)[: K + len(world.engaged[person]) + 50])
        own_or_engaged = world.engaged[person] | {r for r, (a, _, _) in world.review.items() if a == person}
        # The ceiling: the planted chance of engaging (taste share plus noise share), unseen first.
        taste_mass = sum(taste(world, person, r) for r in world.review)
        chance = {
            r: (1 - NOISE_SHARE) * taste(world, person, r) / taste_mass + NOISE_SHARE * q**1.5 / quality_mass
            for r, (_, _, q) in world.review.items()
            if r not in own_or_engaged
        }
        orders = {
            "oracle": sorted(chance, key=chance.get, reverse=True)[:K],
            "foryou": mine,
            "list_no_fresh": [
                row[0]
                for row in sorted(
                    merged_list(user, lists.get(person)),
                    key=lambda row: row[4] - created[row[0]].timestamp() / scoring.DISCOVER_TAU_SECONDS,
                    reverse=True,
                )
            ][:K],
            "discover": shown[:K],
            "discover_unseen": [r for r in shown if r not in own_or_engaged][:K],
        }
        for method, order in orders.items():
            recall, ndcg = recall_ndcg(order, world.held[person])
            per[method]["recall"].append(recall)
            per[method]["ndcg"].append(ndcg)
    out = {"people_scored": len(people), "refresh_s": round(refresh_s, 1), "lists_built": result.people}
    page_ms.sort()
    out["page_ms_p50"] = round(page_ms[len(page_ms) // 2], 1)
    for metric in ("recall", "ndcg"):
        for method in per:
            out[f"{method}_{metric}"] = bootstrap(per[method][metric], args.boot, BOOT_SEED)
        for base in ("discover", "discover_unseen", "oracle"):
            diff = [a - b for a, b in zip(per["foryou"][metric], per[base][metric], strict=True)]
            out[f"diff_{base}_{metric}"] = bootstrap(diff, args.boot, BOOT_SEED + 1)
    return out


# --- first vote within an hour ------------------------------------------------------------------------


def simulate(world: World, args, *, first_chance: bool) -> dict:
    """New reviews arrive over an hour; readers visit For You (Poisson, every --visit-minutes on
    average) and vote on each card by their tastes; refresh job and incremental rerank every 5
    minutes. Returns the share of new reviews with a vote within an hour of their creation."""
    saved_slots = policy.FIRST_CHANCE_SLOTS
    policy.FIRST_CHANCE_SLOTS = saved_slots if first_chance else ()
    try:
        return _simulate(world, args)
    finally:
        policy.FIRST_CHANCE_SLOTS = saved_slots


def _simulate(world: World, args) -> dict:
    rng = random.Random(f"{args.seed}:sim")
    start = world.now + timedelta(minutes=1)
    span = timedelta(minutes=60)
    end = start + span + timedelta(minutes=61)
    readers = rng.sample(world.people, min(args.readers, len(world.people)))  # the people fresh_world made active
    users = User.objects.in_bulk(world.people)
    events: list[tuple[datetime, int, str, int]] = []  # (time, order, kind, who)
    for n in range(args.new_reviews):
        events.append((start + span * rng.random(), 1, "review", n))
    for reader in readers:
        t = start + timedelta(minutes=rng.expovariate(1 / args.visit_minutes))
        while t < end:
            events.append((t, 2, "visit", reader))
            t += timedelta(minutes=rng.expovariate(1 / args.visit_minutes))
    tick = start
    while tick < end:
        events.append((tick, 0, "job", 0))
        tick += timedelta(minutes=5)
    events.sort()
    new: dict[int, datetime] = {}
    first_vote: dict[int, datetime] = {}
    impressions: dict[int, int] = {}
    job_s = page_s = 0.0
    pages = 0
    for at, _, kind, who in events:
        if kind == "job":
            began = time.monotonic()
            rerank(now=at)
            foryou.refresh(now=at)
            job_s += time.monotonic() - began
        elif kind == "review":
            author = rng.choice(world.authors)
            category = rng.choice(world.author_home[author])
            product = Product.objects.create(
                brand=Brand.objects.order_by("pk").first(),
                category_id=category,
                name=f"New item {who}",
                slug=f"new-item-{who}",
            )
            quality = rng.betavariate(2, 2)
            review = review_create(
                author=users[author],
                product=product,
                rating=rng.randint(1, 5),
                title=f"New on item {product.pk}",
                body=body(rng, int(90 + 1200 * quality * rng.uniform(0.5, 1.2))),
            )
            Review.objects.filter(pk=review.pk).update(created_at=at, changed_at=at)
            world.review[review.pk] = (author, category, quality)
            new[review.pk] = at
        else:
            began = time.monotonic()
            page = foryou.feed_page(user=users[who], now=at)
            page_s += time.monotonic() - began
            pages += 1
            for item in page.items:
                rid = item.review_id
                if rid in new:
                    impressions[rid] = impressions.get(rid, 0) + 1
                # The same taste as the engagement: how likely this reader finds the card helpful.
                if rng.random() < args.vote_rate * taste(world, who, rid):
                    with transaction.atomic():
                        vote = vote_cast(user=users[who], review=Review.objects.get(pk=rid), helpful=True)
                        HelpfulVote.objects.filter(pk=vote.pk).update(created_at=at, updated_at=at)
                    if rid in new and rid not in first_vote:
                        first_vote[rid] = at
    within = [rid for rid, at in new.items() if rid in first_vote and first_vote[rid] - at <= timedelta(hours=1)]
    minutes = sorted((first_vote[r] - new[r]).total_seconds() / 60 for r in within)
    # Interval over the new reviews (Wilson, 95%).
    n, k = len(new), len(within)
    share = k / n if n else 0.0
    z = 1.96
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return {
        "new_reviews": n,
        "voted_within_hour": k,
        "share": (share, max(0.0, centre - half), min(1.0, centre + half)),
        "median_minutes_to_first_vote": round(minutes[len(minutes) // 2], 1) if minutes else None,
        "new_with_impression": sum(1 for r in new if impressions.get(r)),
        "pages": pages,
        "page_ms_mean": round(page_s / max(1, pages) * 1000, 1),
        "jobs_s": round(job_s, 1),
    }


def fresh_world(args, now: datetime, *, active: int | None = None) -> tuple[World, dict]:
    """A new community; `active` people (seeded choice; everyone without it) opened For You lately."""
    began = time.monotonic()
    wipe(args.wipe)
    with transaction.atomic():
        world = build(args, now)
    load_s = time.monotonic() - began
    rerank_s = reranked(now)
    people = world.people if active is None else random.Random(f"{args.seed}:sim").sample(world.people, active)
    visit(people, now)
    return world, {"load_s": round(load_s, 1), "rerank_s": round(rerank_s, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--reviews", type=int, default=5000)
    parser.add_argument("--categories", type=int, default=12)
    parser.add_argument("--engagement", type=float, default=30.0, help="median engaged reviews per person")
    parser.add_argument("--holdout", type=float, default=0.2, help="share of each person's engaged reviews held out")
    parser.add_argument("--chose-share", type=float, default=0.6, help="people who chose categories at sign-up")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--boot", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--new-reviews", type=int, default=40)
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--visit-minutes", type=float, default=20.0)
    parser.add_argument("--vote-rate", type=float, default=0.35, help="vote chance per unit of taste")
    parser.add_argument("--skip-sim", action="store_true")
    parser.add_argument("--wipe", action="store_true", help="flush a database holding other accounts")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # eager Celery tasks log every run

    began = time.monotonic()
    now = timezone.now().replace(microsecond=0)
    vendor = connection.vendor
    print(f"For You evaluation on {vendor} ({platform.node()}), seed {args.seed}, {os.getloadavg()[0]:.2f} load")
    world, timings = fresh_world(args, now)
    print("community:", world.counts, timings, flush=True)
    q = quality_eval(world, args)
    print(
        f"refresh: {q['lists_built']} lists in {q['refresh_s']} s; first page p50 {q['page_ms_p50']} ms; "
        f"{q['people_scored']} people scored"
    )
    print(f"{'':16}{'recall@20':>28}{'NDCG@20':>28}")
    for method in ("foryou", "discover", "discover_unseen", "oracle", "list_no_fresh"):
        print(f"{method:16}{fmt(q[f'{method}_recall']):>28}{fmt(q[f'{method}_ndcg']):>28}")
    for base in ("discover", "discover_unseen", "oracle"):
        print(f"{'- ' + base:16}{fmt(q[f'diff_{base}_recall']):>28}{fmt(q[f'diff_{base}_ndcg']):>28}  (For You minus)")
    if not args.skip_sim:
        for first_chance in (True, False):
            world, _ = fresh_world(args, now, active=min(args.readers, args.people))
            s = simulate(world, args, first_chance=first_chance)
            label = f"first-chance slots {policy.FIRST_CHANCE_SLOTS if first_chance else '()'}"
            print(
                f"{label}: {s['voted_within_hour']}/{s['new_reviews']} new reviews voted within an hour = "
                f"{fmt(s['share'])}; median {s['median_minutes_to_first_vote']} min; "
                f"{s['new_with_impression']} shown at least once; {s['pages']} pages ({s['page_ms_mean']} ms mean); "
                f"jobs {s['jobs_s']} s",
                flush=True,
            )
    print(f"total {time.monotonic() - began:.0f} s, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
