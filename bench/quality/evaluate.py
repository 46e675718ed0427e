"""Ranking quality against real readers: Amazon reviews with their real helpful votes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7 \\
        .venv/bin/python bench/quality/evaluate.py --data musical --seeds 1,2,3 --wipe

For each seed, in the (flushed) database of DATABASE_URL: import the data file through Candor's
services, hold out half of each review's votes by a seeded coin, replay the other half from
ordinary voter accounts, run the full rerank, and score Candor against the held-out half.
See bench/quality/README.md for what each figure means. The database is WIPED: the script
refuses one holding accounts it did not create unless --wipe is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
# Test settings: a fast password hasher and eager tasks; nothing here is served.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import metrics as M  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.names import name_key  # noqa: E402
from accounts.services import user_register  # noqa: E402
from ranking import scoring  # noqa: E402
from ranking.models import ReviewerStanding, ReviewScore  # noqa: E402
from ranking.selectors import most_helpful_reviews  # noqa: E402
from ranking.services import rerank  # noqa: E402
from reviews.models import Brand, Category, HelpfulVote, Product, Review  # noqa: E402
from reviews.services import product_create, review_create, vote_cast  # noqa: E402

DATA = {
    "musical": "amazon_musical_instruments_5core_a.csv",
    "finefood": "amazon_finefood_sample.csv",
}
DATA_DIR = ROOT.parent / "shared" / "data"
PREFIX = "q"  # every account the harness creates: "qr<n>" reviewers, "qv<n>" voters
IMPORTED: dict = {}  # counts of the last import, reported again for the seeds that reuse it
BOOT_SEED = 20_30  # bootstrap and permutation draws: fixed, independent of the holdout seeds


@dataclass
class Row:
    """One review of the file, with its vote split and, after the run, Candor's figures."""

    index: int
    reviewer: str
    asin: str
    rating: int
    title: str
    body: str
    at: datetime
    yes: int
    total: int
    ry: int = 0
    rn: int = 0
    hy: int = 0
    hn: int = 0
    review_id: int | None = None
    author_id: int | None = None
    quality: float = 0.0
    body_length: int = 0
    author_level: int = 1
    product_id: int | None = None

    @property
    def held(self) -> int:
        return self.hy + self.hn

    @property
    def replayed(self) -> int:
        return self.ry + self.rn

    @property
    def held_fraction(self) -> float:
        return self.hy / self.held

    @property
    def wilson_replayed(self) -> float:
        return scoring.wilson_lower_bound(self.ry, self.rn)


@dataclass
class SeedResult:
    seed: int
    seconds: float
    counts: dict = field(default_factory=dict)
    per_product: dict = field(default_factory=dict)  # method -> metric -> [value per product]
    reviewers: dict = field(default_factory=dict)
    prior_pairs: dict = field(default_factory=dict)  # name -> (scores, targets)
    reviews: list = field(default_factory=list)  # per review: the figures prior_study.py reads
    levels: Counter = field(default_factory=Counter)
    testers: list = field(default_factory=list)


def read_rows(path: Path) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for index, raw in enumerate(csv.DictReader(handle)):
            summary, text = raw["summary"].strip(), raw["reviewText"].strip()
            # Candor needs a title and a body: 4 Musical reviews have no text, so their summary
            # is the body too; over-long fields are cut to Candor's limits (5 titles, 1 body).
            rows.append(
                Row(
                    index=index,
                    reviewer=raw["reviewerID"],
                    asin=raw["asin"],
                    rating=int(float(raw["overall"])),
                    title=(summary or text[:60])[: Review._meta.get_field("title").max_length],
                    body=(text or summary)[: Review._meta.get_field("body").max_length],
                    at=datetime.fromtimestamp(int(raw["unixReviewTime"]), tz=UTC),
                    yes=int(raw["helpful_yes"]),
                    total=int(raw["helpful_total"]),
                )
            )
    return rows


def wipe(allow_foreign: bool) -> None:
    foreign = User.objects.exclude(username__startswith=PREFIX).count()
    if foreign and not allow_foreign:
        sys.exit(
            f"database {connection.settings_dict['NAME']!r} holds {foreign} other accounts; pass --wipe to flush it"
        )
    call_command("flush", interactive=False, verbosity=0)


def reset_votes() -> None:
    """Back to the state right after the import, on PostgreSQL: no votes, no voters, no ranking
    state, no notifications. The import itself is deterministic, so this equals a fresh import
    (--reimport checks that by doing one for every seed) at a fraction of the time."""
    from django.apps import apps

    ranking_tables = [model._meta.db_table for model in apps.get_app_config("ranking").get_models()]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_review SET helpful_count = 0, not_helpful_count = 0")
        cursor.execute(
            "TRUNCATE reviews_helpfulvote, reviews_votetally, accounts_notification, "
            f"{', '.join(ranking_tables)} RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE %s", [f"{PREFIX}v%"])


def import_data(rows: list[Row], *, data: str) -> dict:
    """Reviewers, products and reviews through the services; dates set afterwards (the services
    stamp "now"). Returns counts, including reviews the services refused."""
    category = Category.objects.create(name=data.title(), slug=data)
    brand = Brand.objects.create(name="Amazon import", slug="amazon-import")
    first_review: dict[str, datetime] = {}
    for row in rows:
        first_review[row.reviewer] = min(row.at, first_review.get(row.reviewer, row.at))
    users: dict[str, User] = {}
    for n, reviewer in enumerate(sorted(first_review)):
        users[reviewer] = user_register(username=f"{PREFIX}r{n}", password="quality-eval-pass-1")
    products: dict[str, Product] = {}
    refused = Counter()
    dated: list[Review] = []
    for row in sorted(rows, key=lambda r: (r.at, r.index)):
        product = products.get(row.asin)
        if product is None:
            product = products[row.asin] = product_create(brand=brand, category=category, name=row.asin)
        try:
            review = review_create(
                author=users[row.reviewer], product=product, rating=row.rating, title=row.title, body=row.body
            )
        except ValidationError as error:
            refused[next(iter(error.message_dict))] += 1  # e.g. the same reviewer twice on one product
            continue
        row.review_id, row.author_id = review.pk, review.author_id
        review.created_at = review.changed_at = row.at
        dated.append(review)
    Review.objects.bulk_update(dated, ["created_at", "changed_at"], batch_size=1000)
    for reviewer, user in users.items():
        user.date_joined = first_review[reviewer] - timedelta(days=30)
    User.objects.bulk_update(list(users.values()), ["date_joined"], batch_size=1000)
    return {
        "reviews": len(dated),
        "refused": dict(refused),
        "reviewers": len(users),
        "products": len(products),
    }


def replay_votes(rows: list[Row], *, seed: int, start: datetime, end: datetime) -> dict:
    """Replay each review's replay half from a pool of plain voter accounts (no reviews: level 1,
    joined long before the first review, so never "young").

    Voters are dealt round-robin per author from an author-specific offset, and the pool is
    larger than the most votes any one author receives, so a voter votes at most once on any
    author's reviews: the voter-per-author cap and the serial-voting signal never fire, as for
    Amazon's anonymous readers, and no vote of a review goes to the same voter twice."""
    kept = [row for row in rows if row.review_id is not None]
    per_author = Counter()
    for row in kept:
        row.ry, row.rn, row.hy, row.hn = M.holdout_split(
            row.yes, row.total, seed=seed, key=f"{row.reviewer}:{row.asin}"
        )
        per_author[row.author_id] += row.replayed
    pool_size = max(50, max(per_author.values(), default=0) + 1)
    joined = start - timedelta(days=60)
    User.objects.bulk_create(
        [
            User(
                username=f"{PREFIX}v{n}",
                username_key=name_key(f"{PREFIX}v{n}"),
                password="!",  # unusable: nobody signs in as a replay voter
                date_joined=joined,
            )
            for n in range(pool_size)
        ],
        batch_size=1000,
    )
    voters = list(User.objects.filter(username__startswith=f"{PREFIX}v").order_by("id"))
    rng = random.Random(f"{seed}:dates")
    offsets = {author: rng.randrange(pool_size) for author in per_author}
    dealt = Counter()
    dated = []
    reviews = Review.objects.in_bulk([row.review_id for row in kept])
    for row in sorted(kept, key=lambda r: r.review_id):
        review = reviews[row.review_id]
        ballots = [True] * row.ry + [False] * row.rn
        rng.shuffle(ballots)
        span = max(0.0, (end - row.at).total_seconds() - 3600)
        for helpful in ballots:
            voter = voters[(offsets[row.author_id] + dealt[row.author_id]) % pool_size]
            dealt[row.author_id] += 1
            vote = vote_cast(user=voter, review=review, helpful=helpful)
            # A reader votes some time between the review and the end of the data.
            vote.created_at = vote.updated_at = row.at + timedelta(seconds=rng.random() * span)
            dated.append(vote)
    HelpfulVote.objects.bulk_update(dated, ["created_at", "updated_at"], batch_size=1000)
    return {"voters": pool_size, "votes_replayed": len(dated), "votes_held_out": sum(r.held for r in kept)}


def per_product_metrics(rows: list[Row], products: dict[int, list[int]]) -> dict:
    """NDCG@5 and Kendall tau-b per product over its reviews with held-out votes (their gain,
    the held-out helpful share, is known), in Candor's most-helpful order and the baselines'."""
    by_id = {row.review_id: row for row in rows if row.review_id is not None}
    out = {m: {"ndcg5": [], "tau": []} for m in ("candor", "wilson", "raw_count")}
    for candor_order in products.values():
        judged = [by_id[i] for i in candor_order if by_id[i].held > 0]
        if len(judged) < 2:
            continue
        gains = [r.held_fraction for r in judged]
        position = {r.review_id: p for p, r in enumerate(judged)}  # Candor's order, best first
        orders = {
            "candor": judged,
            "wilson": M.order_by_score(judged, lambda r: r.wilson_replayed, lambda r: r.review_id),
            "raw_count": M.order_by_score(judged, lambda r: r.ry, lambda r: r.review_id),
        }
        scores = {
            "candor": [-position[r.review_id] for r in judged],
            "wilson": [r.wilson_replayed for r in judged],
            "raw_count": [float(r.ry) for r in judged],
        }
        for method, ordered in orders.items():
            out[method]["ndcg5"].append(M.ndcg_at_k([r.held_fraction for r in ordered], 5))
            out[method]["tau"].append(M.kendall_tau_b(scores[method], gains))
    return out


def run_seed(rows: list[Row], *, data: str, seed: int, allow_foreign: bool, reimport: bool) -> SeedResult:
    began = time.monotonic()
    for row in rows:
        row.ry = row.rn = row.hy = row.hn = 0
    if reimport:
        wipe(allow_foreign)
        for row in rows:
            row.review_id = row.author_id = None
    else:
        reset_votes()
    start = min(r.at for r in rows)
    end = max(r.at for r in rows) + timedelta(days=1)
    # One transaction for the load (each service call nests as a savepoint): one commit to wait
    # for instead of ~20k.
    with transaction.atomic():
        if reimport:
            IMPORTED.clear()
            IMPORTED.update(import_data(rows, data=data))
        counts = {**IMPORTED, "fresh_import": reimport}
        counts["import_s"] = round(time.monotonic() - began, 1)
        counts.update(replay_votes(rows, seed=seed, start=start, end=end))
        counts["load_s"] = round(time.monotonic() - began, 1)
    # The rerank's "now" is the day after the last review: the community as it stood then
    # (recent reviews, activity periods and the tester window are measured from it).
    result = rerank(full=True, now=end)
    if result.skipped:
        sys.exit(f"rerank skipped: {result.reason}")
    counts["rerank_ms"] = round(sum(result.step_ms.values()))
    kept = [row for row in rows if row.review_id is not None]
    scores = {
        s["review_id"]: s
        for s in ReviewScore.objects.values("review_id", "product_id", "quality", "body_length", "author_level")
    }
    for row in kept:
        score = scores[row.review_id]
        row.quality, row.body_length = score["quality"], score["body_length"]
        row.author_level, row.product_id = score["author_level"], score["product_id"]
    products = {
        product.pk: list(most_helpful_reviews(product).values_list("id", flat=True))
        for product in Product.objects.all()
    }
    out = SeedResult(seed=seed, seconds=0.0, counts=counts)
    out.per_product = per_product_metrics(kept, products)

    # Reviewers: reputation vs the helpful votes readers gave them in the held-out half.
    standings = {s.user_id: s for s in ReviewerStanding.objects.all()}
    by_author: dict[int, list[Row]] = defaultdict(list)
    for row in kept:
        by_author[row.author_id].append(row)
    names = dict(User.objects.filter(id__in=by_author).values_list("id", "username"))
    figures = []
    for author, written in by_author.items():
        standing = standings.get(author)
        figures.append(
            {
                "author": names[author],
                "reviews": len(written),
                "reputation": standing.reputation if standing else 0.0,
                "level": standing.level if standing else 1,
                "tester": bool(standing and standing.is_tester),
                "held_helpful": sum(r.hy for r in written),
                "seen_helpful": sum(r.ry for r in written),
            }
        )
    active = [f for f in figures if f["reviews"] >= 5]

    def top(items: list[dict], key: str) -> list[str]:
        return [f["author"] for f in sorted(items, key=lambda f: (-f[key], f["author"]))]

    truth = top(active, "held_helpful")
    out.reviewers = {
        "n": len(active),
        "spearman_reputation": M.spearman([f["reputation"] for f in active], [f["held_helpful"] for f in active]),
        "spearman_seen": M.spearman([f["seen_helpful"] for f in active], [f["held_helpful"] for f in active]),
        "top20_reputation": M.top_k_overlap(top(active, "reputation"), truth, 20),
        "top20_seen": M.top_k_overlap(top(active, "seen_helpful"), truth, 20),
    }
    # Levels of every reviewer, and whether the top 5% by held-out helpful votes reach level 5.
    out.levels = Counter(f["level"] for f in figures)
    ranked = sorted(figures, key=lambda f: (-f["held_helpful"], f["author"]))
    top5 = ranked[: max(1, math.ceil(len(ranked) * 0.05))]
    out.reviewers["top5pct_level5_share"] = sum(f["level"] >= 5 for f in top5) / len(top5)
    population = [f["held_helpful"] for f in figures]
    out.testers = [round(M.percentile_rank(f["held_helpful"], population), 1) for f in figures if f["tester"]]

    # The no-votes prior: reviews no replayed vote reached, that readers did vote on.
    unvoted = [row for row in kept if row.replayed == 0 and row.held > 0]
    target = [row.held_fraction for row in unvoted]
    out.prior_pairs = {
        "candor_prior": ([row.quality for row in unvoted], target),
        "body_length": ([float(row.body_length) for row in unvoted], target),
    }
    out.reviews = [
        {
            "index": row.index,
            "review_id": row.review_id,
            "product_id": row.product_id,
            "rating": row.rating,
            "body_length": row.body_length,
            "author_level": row.author_level,
            "quality": row.quality,
            "ry": row.ry,
            "rn": row.rn,
            "hy": row.hy,
            "hn": row.hn,
        }
        for row in kept
    ]
    out.seconds = time.monotonic() - began
    return out


def summarise(results: list[SeedResult]) -> dict:
    """Per-seed figures and the pooled ones (pooled: every product or pair of every seed)."""
    summary: dict = {"seeds": [r.seed for r in results], "per_seed": [], "pooled": {}}
    for r in results:
        seed_figures = {"seed": r.seed, "seconds": round(r.seconds, 1), **r.counts}
        for method, values in r.per_product.items():
            seed_figures[f"ndcg5_{method}"] = M.mean(values["ndcg5"])
            seed_figures[f"tau_{method}"] = M.mean(values["tau"])
        seed_figures["products_judged"] = len(r.per_product["candor"]["ndcg5"])
        seed_figures.update({k: v for k, v in r.reviewers.items()})
        for name, (x, y) in r.prior_pairs.items():
            seed_figures[f"prior_{name}"] = M.spearman(x, y)
        seed_figures["prior_n"] = len(r.prior_pairs["candor_prior"][0])
        seed_figures["testers"] = len(r.testers)
        seed_figures["tester_percentiles"] = r.testers
        seed_figures["levels"] = dict(sorted(r.levels.items()))
        summary["per_seed"].append(seed_figures)
    pooled = summary["pooled"]
    for metric in ("ndcg5", "tau"):
        for method in ("candor", "wilson", "raw_count"):
            values = [v for r in results for v in r.per_product[method][metric]]
            pooled[f"{metric}_{method}"] = (M.mean(values), *M.bootstrap_ci(values, seed=BOOT_SEED))
        for baseline in ("wilson", "raw_count"):
            diffs = [
                a - b
                for r in results
                for a, b in zip(r.per_product["candor"][metric], r.per_product[baseline][metric], strict=True)
                if not (math.isnan(a) or math.isnan(b))
            ]
            pooled[f"{metric}_candor_minus_{baseline}"] = (M.mean(diffs), *M.bootstrap_ci(diffs, seed=BOOT_SEED))
    for key in ("spearman_reputation", "spearman_seen", "top20_reputation", "top20_seen", "top5pct_level5_share"):
        pooled[key] = M.mean([r.reviewers[key] for r in results])
    pooled["reviewers_5plus"] = results[0].reviewers["n"]
    for name in ("candor_prior", "body_length"):
        pooled[f"prior_{name}"] = M.permutation_p([r.prior_pairs[name] for r in results], seed=BOOT_SEED)
    pooled["testers"] = M.mean([len(r.testers) for r in results])
    tester_percentiles = [p for r in results for p in r.testers]
    pooled["testers_in_top10pct"] = (
        sum(p >= 90 for p in tester_percentiles) / len(tester_percentiles) if tester_percentiles else None
    )
    levels = Counter()
    for r in results:
        levels.update(r.levels)
    pooled["levels"] = {level: round(n / len(results), 1) for level, n in sorted(levels.items())}
    return summary


def fmt(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, tuple):
        return f"{value[0]:.{digits}f} [{value[1]:.{digits}f}, {value[2]:.{digits}f}]"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def report(summary: dict, data: str) -> str:
    p = summary["pooled"]
    lines = [
        f"### {data} (seeds {', '.join(map(str, summary['seeds']))}; pooled, 95% bootstrap CI over products)",
        "",
        "| what | Candor | Wilson of replayed votes | raw helpful count |",
        "|---|---|---|---|",
        f"| NDCG@5 of the most-helpful order | {fmt(p['ndcg5_candor'])} | {fmt(p['ndcg5_wilson'])} | {fmt(p['ndcg5_raw_count'])} |",
        f"| Kendall tau-b of that order | {fmt(p['tau_candor'])} | {fmt(p['tau_wilson'])} | {fmt(p['tau_raw_count'])} |",
        f"| Candor minus baseline, NDCG@5 | | {fmt(p['ndcg5_candor_minus_wilson'])} | {fmt(p['ndcg5_candor_minus_raw_count'])} |",
        f"| Candor minus baseline, tau | | {fmt(p['tau_candor_minus_wilson'])} | {fmt(p['tau_candor_minus_raw_count'])} |",
        "",
        "| what | Candor | baseline |",
        "|---|---|---|",
        f"| reputation vs held-out helpful votes, Spearman ({p['reviewers_5plus']} reviewers with >= 5 reviews) "
        f"| {fmt(p['spearman_reputation'])} | helpful votes seen: {fmt(p['spearman_seen'])} |",
        f"| top 20 by reputation in the top 20 by held-out helpful votes | {fmt(p['top20_reputation'], 1)} of 20 "
        f"| helpful votes seen: {fmt(p['top20_seen'], 1)} |",
        f"| no-votes prior vs held-out helpful share, Spearman (mean over seeds), one-sided permutation p "
        f"| {fmt(p['prior_candor_prior'][0])} (p = {fmt(p['prior_candor_prior'][1], 4)}) "
        f"| body length: {fmt(p['prior_body_length'][0])} (p = {fmt(p['prior_body_length'][1], 4)}) |",
        f"| invited testers (mean per seed); share in the top 10% by held-out helpful votes "
        f"| {fmt(p['testers'], 1)}; {fmt(p['testers_in_top10pct'], 2)} | |",
        f"| top 5% of reviewers by held-out helpful votes at level >= 5 | {fmt(p['top5pct_level5_share'], 2)} | |",
        f"| reviewers per level (mean per seed) | {', '.join(f'L{k}: {v}' for k, v in p['levels'].items())} | |",
        "",
        "Per seed:",
        "",
        "| seed | s | reviews (refused) | votes replayed / held out | voters | products judged | NDCG@5 C / W / raw "
        "| tau C / W / raw | rep. rho / seen | top-20 rep. / seen | prior rho / length (n) | testers (percentiles) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summary["per_seed"]:
        lines.append(
            f"| {s['seed']} | {s['seconds']} | {s['reviews']} ({sum(s['refused'].values())}) "
            f"| {s['votes_replayed']} / {s['votes_held_out']} | {s['voters']} | {s['products_judged']} "
            f"| {fmt(s['ndcg5_candor'])} / {fmt(s['ndcg5_wilson'])} / {fmt(s['ndcg5_raw_count'])} "
            f"| {fmt(s['tau_candor'])} / {fmt(s['tau_wilson'])} / {fmt(s['tau_raw_count'])} "
            f"| {fmt(s['spearman_reputation'])} / {fmt(s['spearman_seen'])} "
            f"| {s['top20_reputation']} / {s['top20_seen']} "
            f"| {fmt(s['prior_candor_prior'])} / {fmt(s['prior_body_length'])} ({s['prior_n']}) "
            f"| {s['testers']} {s['tester_percentiles'] or ''} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", choices=sorted(DATA), required=True)
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated holdout seeds")
    parser.add_argument("--wipe", action="store_true", help="flush the database even if it holds other accounts")
    parser.add_argument(
        "--reimport",
        action="store_true",
        help="flush and import again for every seed (default: import once, then reset votes and ranking)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--dump-reviews",
        type=Path,
        help="also write every review's figures per seed to this file (JSON; read by prior_study.py)",
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    if connection.vendor != "postgresql":
        print(f"note: running on {connection.vendor}; production runs PostgreSQL", file=sys.stderr)
    call_command("migrate", verbosity=0)
    rows = read_rows(args.data_dir / DATA[args.data])
    began = time.monotonic()
    results = []
    for n, seed in enumerate(seeds):
        fresh = n == 0 or args.reimport or connection.vendor != "postgresql"
        results.append(run_seed(rows, data=args.data, seed=seed, allow_foreign=args.wipe, reimport=fresh))
        print(f"seed {seed}: {results[-1].seconds:.1f} s {results[-1].counts}", file=sys.stderr, flush=True)
    summary = summarise(results)
    wall = time.monotonic() - began
    load = os.getloadavg()
    header = (
        f"Machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; wall time {wall:.0f} s for {len(seeds)} seeds; "
        f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}.\n"
    )
    print(header)
    print(report(summary, args.data))
    if args.json:
        args.json.write_text(json.dumps({"header": header, **summary}, indent=1, default=str))
    if args.dump_reviews:
        dump = {"data": args.data, "header": header, "seeds": {r.seed: r.reviews for r in results}}
        args.dump_reviews.write_text(json.dumps(dump))


if __name__ == "__main__":
    main()
