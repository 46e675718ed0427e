"""Candidate priors for reviews with no votes yet, measured offline on the evaluation's splits.

    .venv/bin/python bench/quality/evaluate.py --data finefood --seeds 1,2,3 --wipe \\
        --dump-reviews /tmp/finefood.json          # once: Candor's figures per review and seed
    .venv/bin/python bench/quality/prior_study.py --dump /tmp/finefood.json [--dump /tmp/musical.json]

No rerank here: the vote split of each seed is redone with evaluate.py's seeded coin
(metrics.holdout_split, checked against the dump), and every candidate is computed in Python from
ranking/scoring.py's constants and the dumped author levels (the one input that needs a rerank).
For the reviews no replayed vote reached that readers did vote on (the evaluation's "no-votes
prior" set), it prints Spearman of each candidate against the held-out helpful share and the
permutation p-value pooled over the seeds (metrics.permutation_p, as evaluate.py). For the
candidates that add a term to the quality score, it also redoes the most-helpful order of every
product (quality desc, id desc, as ranking.selectors.most_helpful_reviews) and reports NDCG@5 and
its paired difference with Wilson, as the evaluation does; levels are held at the dumped ones (the
term changes no vote weight, and reputation only through merit if it is put there).

Candidates: the current prior; body length; the digits in the body; agreement with the
product's consensus, 1 - |rating - product mean rating| / 4, with the mean over the product's
published reviews including the review itself, or excluding it (the other reviews; a product's
only review takes the neutral value below); and the current prior plus agreement at a few weights.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate as E  # noqa: E402  (sets Django up: scoring reads settings; no database is used)
import metrics as M  # noqa: E402

from ranking import scoring as S  # noqa: E402

RATING_SPAN = 4  # 5 stars - 1 star: agreement is 1 at the mean, 0 four stars away
WEIGHTS = (0.02, 0.05, 0.1, 0.2)  # of agreement in the quality score (W_CONTENT = 0.25, W_AUTHOR = 0.15)


def product_means(reviews: list[dict]) -> dict[int, tuple[float, int]]:
    """Per product: (sum of ratings, count) over its published reviews (every imported one)."""
    sums: dict[int, list] = defaultdict(lambda: [0.0, 0])
    for r in reviews:
        sums[r["product_id"]][0] += r["rating"]
        sums[r["product_id"]][1] += 1
    return {p: (s, n) for p, (s, n) in sums.items()}


def agreement(rating: int, rating_sum: float, count: int, *, include_self: bool, alone: float) -> float:
    """1 - |rating - consensus| / 4. include_self: the consensus is the mean of every published
    review of the product, this one included; otherwise of the others, and a product's only
    review takes `alone`."""
    if include_self:
        consensus = rating_sum / count
    elif count > 1:
        consensus = (rating_sum - rating) / (count - 1)
    else:
        return alone
    return 1 - abs(rating - consensus) / RATING_SPAN


def prior_without_agreement(r: dict) -> float:
    """The quality of a review with no votes before the agreement term: floor + content + author
    prior, from scoring.py's formula (the content and author prior as review_figures has them)."""
    figures = S.review_figures(
        helpful_weight=0.0,
        unhelpful_weight=0.0,
        body_length=r["body_length"],
        photos=0,
        author_level=r["author_level"],
        created_epoch=S.EPOCH_ORIGIN,
        rating=r["rating"],
    )
    return S.quality(0.0, figures.content, figures.author_prior, 0.0)


def check_split(rows: list[E.Row], reviews: list[dict], seed: int) -> None:
    """The dump's split is evaluate.py's seeded coin: redo it and compare."""
    by_index = {row.index: row for row in rows}
    for r in reviews:
        row = by_index[r["index"]]
        split = M.holdout_split(row.yes, row.total, seed=seed, key=f"{row.reviewer}:{row.asin}")
        if split != (r["ry"], r["rn"], r["hy"], r["hn"]):
            sys.exit(f"seed {seed}: review {r['index']} split {split} differs from the dump")


def ndcg_figures(reviews: list[dict], quality: dict[int, float]) -> list[float]:
    """NDCG@5 per product of Candor's most-helpful order under `quality` (review id -> score),
    over the product's reviews with held-out votes, as evaluate.per_product_metrics."""
    by_product: dict[int, list[dict]] = defaultdict(list)
    for r in reviews:
        by_product[r["product_id"]].append(r)
    out = []
    for items in by_product.values():
        ordered = sorted(items, key=lambda r: (quality[r["review_id"]], r["review_id"]), reverse=True)
        judged = [r for r in ordered if r["hy"] + r["hn"] > 0]
        if len(judged) < 2:
            continue
        out.append(M.ndcg_at_k([r["hy"] / (r["hy"] + r["hn"]) for r in judged], 5))
    return out


def wilson_ndcg(reviews: list[dict]) -> list[float]:
    wilson = {r["review_id"]: S.wilson_lower_bound(r["ry"], r["rn"]) for r in reviews}
    return ndcg_figures(reviews, wilson)


def study(dump: dict, rows: list[E.Row], *, alone: float) -> dict:
    index_rows = {row.index: row for row in rows}
    seeds = sorted(dump["seeds"], key=int)
    candidates: dict[str, list] = defaultdict(list)  # name -> [(scores, targets) per seed]
    ndcg: dict[str, list[float]] = defaultdict(list)  # name -> NDCG@5 per (seed, product)
    checked = 0
    for seed in seeds:
        reviews = dump["seeds"][seed]
        check_split(rows, reviews, int(seed))
        means = product_means(reviews)
        extra = {}
        for r in reviews:
            s, n = means[r["product_id"]]
            r["agree_incl"] = agreement(r["rating"], s, n, include_self=True, alone=alone)
            r["agree_excl"] = agreement(r["rating"], s, n, include_self=False, alone=alone)
            extra[r["review_id"]] = r
        unvoted = [r for r in reviews if r["ry"] + r["rn"] == 0 and r["hy"] + r["hn"] > 0]
        target = [r["hy"] / (r["hy"] + r["hn"]) for r in unvoted]
        prior = [prior_without_agreement(r) for r in unvoted]
        # The dumped quality of an unvoted review is Candor's prior: the Python form must agree,
        # with the agreement term (a dump of today's formula) or without it (one of the formula
        # before it, commit d471a94). Last stored digit: SQL and Python round alike.
        matches = {"without": 0, "with": 0}
        for r, p in zip(unvoted, prior, strict=True):
            matches["without"] += abs(r["quality"] - p) <= 3e-6
            matches["with"] += abs(r["quality"] - (p + S.W_AGREEMENT * r["agree_incl"])) <= 3e-6
        has_agreement = matches["with"] == len(unvoted)
        if not has_agreement and matches["without"] != len(unvoted):
            sys.exit(
                f"seed {seed}: the dumped qualities are not the Python prior, with or without agreement: {matches}"
            )
        checked += len(unvoted)

        def add(name: str, scores: list[float]) -> None:
            candidates[name].append((scores, target))  # noqa: B023 (used at once, per seed)

        add("Candor's prior (the run's quality)", [r["quality"] for r in unvoted])
        add("prior without agreement", prior)
        add("body length", [float(r["body_length"]) for r in unvoted])
        add("digits in the body", [float(sum(c.isdigit() for c in index_rows[r["index"]].body)) for r in unvoted])
        add("rating", [float(r["rating"]) for r in unvoted])
        for key, label in (("agree_incl", "incl. self"), ("agree_excl", "excl. self")):
            add(f"agreement ({label}) alone", [r[key] for r in unvoted])
            for w in WEIGHTS:
                add(f"prior + {w} x agreement ({label})", [p + w * r[key] for p, r in zip(prior, unvoted, strict=True)])
        # The most-helpful order of every product, today and with the term added to quality.
        # (the dumped quality less its agreement term, if it has one: the candidates add theirs)
        base = {r["review_id"]: r["quality"] - has_agreement * S.W_AGREEMENT * r["agree_incl"] for r in reviews}
        ndcg["Wilson"].extend(wilson_ndcg(reviews))
        ndcg["Candor (the run's quality)"].extend(
            ndcg_figures(reviews, {r["review_id"]: r["quality"] for r in reviews})
        )
        ndcg["without agreement"].extend(ndcg_figures(reviews, base))
        for key, label in (("agree_incl", "incl. self"), ("agree_excl", "excl. self")):
            for w in WEIGHTS:
                shifted = {i: q + w * extra[i][key] for i, q in base.items()}
                ndcg[f"+ {w} x agreement ({label})"].extend(ndcg_figures(reviews, shifted))
    prior_out = {}
    for name, groups in candidates.items():
        rho, p = M.permutation_p(groups, seed=E.BOOT_SEED)
        prior_out[name] = {
            "rho": rho,
            "p": p,
            "per_seed": [M.spearman(x, y) for x, y in groups],
            "n": [len(x) for x, _ in groups],
        }
    ndcg_out = {}
    for name, values in ndcg.items():
        diffs = [a - b for a, b in zip(values, ndcg["Wilson"], strict=True) if not (math.isnan(a) or math.isnan(b))]
        ndcg_out[name] = {
            "ndcg5": (M.mean(values), *M.bootstrap_ci(values, seed=E.BOOT_SEED)),
            "minus_wilson": (M.mean(diffs), *M.bootstrap_ci(diffs, seed=E.BOOT_SEED)),
        }
    return {"checked_priors": checked, "has_agreement": has_agreement, "prior": prior_out, "ndcg": ndcg_out}


def report(data: str, result: dict, *, alone: float) -> str:
    f = E.fmt
    lines = [
        f"### {data}: no-votes prior candidates (n per seed: {result['prior']['prior without agreement']['n']}; "
        f"a product's only review, excl. self: agreement {alone})",
        "",
        "| candidate | Spearman (mean over seeds) | one-sided permutation p | per seed |",
        "|---|---|---|---|",
    ]
    for name, r in result["prior"].items():
        lines.append(f"| {name} | {f(r['rho'])} | {f(r['p'], 4)} | {' / '.join(f(v) for v in r['per_seed'])} |")
    lines += ["", "| most-helpful order | NDCG@5 | minus Wilson |", "|---|---|---|"]
    for name, r in result["ndcg"].items():
        lines.append(f"| {name} | {f(r['ndcg5'])} | {f(r['minus_wilson'])} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump", type=Path, action="append", required=True, help="evaluate.py --dump-reviews output")
    parser.add_argument("--alone", type=float, default=0.5, help="agreement of a product's only review (excl. self)")
    parser.add_argument("--data-dir", type=Path, default=E.DATA_DIR)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()
    everything = {}
    for path in args.dump:
        dump = json.loads(path.read_text())
        rows = E.read_rows(args.data_dir / E.DATA[dump["data"]])
        result = study(dump, rows, alone=args.alone)
        everything[dump["data"]] = result
        print(report(dump["data"], result, alone=args.alone))
        print(
            f"({result['checked_priors']} dumped no-vote qualities equal the Python prior, "
            f"{'with' if result['has_agreement'] else 'without'} the agreement term)\n",
            file=sys.stderr,
        )
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1, default=str))


if __name__ == "__main__":
    main()
