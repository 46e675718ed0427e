"""Reads of the ranking: feeds, standings, product rankings, explanations. Web pages and the API
both call these; every list costs a fixed number of queries whatever its length."""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, connections, router
from django.db.models import Count, F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from accounts.models import User
from reviews.models import Category, Product, Review
from reviews.selectors import (
    CardRow,
    card_columns,
    read_card_rows,
    read_viewer_states,
    reviews_for_listing,
    viewer_state_columns,
    viewer_state_params,
)

from . import badges as badge_rules
from . import policy
from . import scoring as S
from .formula import FEATURED, FIGURE_COLUMNS, INPUT_COLUMNS, REVIEW, Term
from .levels import stored_cutoffs
from .models import CategoryStanding, ProductScore, ReviewerStanding, ReviewScore, TesterEvent
from .testers import tester_bar


def discover_feed(viewer: User | None, *, category_slug: str | None = None) -> QuerySet[Review]:
    """Published reviews ranked by the decayed "discover" score, best first.

    Ordered by (`discover_key` desc, `id` desc): `discover_key` is the stored score
    ln(quality) + created/tau, which only changes when the review itself changes, so together with
    the id it is a stable keyset for cursor pagination. Same select_related/prefetch as
    reviews.selectors.reviews_for_listing (plus `score`), so a page costs a fixed number of
    queries. Reviews appear here once the rerank job has scored them (within one interval).
    """
    qs = (
        reviews_for_listing(viewer)
        .filter(score__ranked=True)
        .select_related("score")
        .annotate(discover_key=F("score__discover"))
    )
    if category_slug:
        qs = qs.filter(score__category__slug=category_slug)
    return qs.order_by("-discover_key", "-id")


# Discover shows its author at most this many of their own reviews the rerank has not reached.
OWN_UNRANKED_SHOWN = 3


def own_unranked_reviews(viewer: User, *, category_slug: str | None = None) -> QuerySet[Review]:
    """The viewer's own published reviews that are not in the ranked feed yet (written, or
    published again, since the rerank last ran), newest first, at most OWN_UNRANKED_SHOWN.
    Discover shows them to their author at once, so a new review never seems lost for the minutes
    until the next rerank; everyone else sees them once it is ranked."""
    qs = _unranked(reviews_for_listing(viewer).filter(author=viewer), category_slug)
    return qs.order_by("-created_at", "-id")[:OWN_UNRANKED_SHOWN]


def own_unranked_rows_and_states(
    viewer: User, page_ids: list[int], *, category_slug: str | None = None
) -> tuple[list[CardRow], dict[int, dict]]:
    """own_unranked_reviews read as card rows (reviews.selectors.CardRow), and the viewer's vote
    and save on them and on the reviews `page_ids` (reviews.selectors.viewer_states), for the
    first page of a member's Discover, which asks on every one they open (and nearly always finds
    no unranked review): one fixed statement (_own_unranked_sql, built once per process) instead
    of two, or of an ORM query compiled per request. The same rows as the ORM's card rows of
    own_unranked_reviews and the same states as viewer_states (tests/reviews/test_member_pages.py)."""
    alias = router.db_for_read(Review)
    db = connections[alias]
    columns = card_columns(alias, ("created_at", "id"))
    states = viewer_state_params(viewer)
    params = [*states, viewer.pk, Review.Status.PUBLISHED, *([category_slug] if category_slug else [])]
    params += [OWN_UNRANKED_SHOWN, *(states if page_ids else []), *page_ids]
    with db.cursor() as cursor:
        cursor.execute(_own_unranked_sql(alias, bool(category_slug), len(page_ids)), params)
        rows = cursor.fetchall()
    width = columns.width
    # The page's reviews have no card columns (NULL id); a UNION keeps no order: sort here.
    own = read_card_rows(columns.convert([row[:width] for row in rows if row[0] is not None], db))
    own.sort(key=lambda row: row.position, reverse=True)
    return own, read_viewer_states(row[width:] for row in rows)


@functools.cache
def _own_unranked_sql(alias: str, in_category: bool, page_size: int) -> str:
    """own_unranked_reviews's condition (_unranked) as SQL: the author's published reviews with
    no score row or one not ranked, in the category given, newest first, each with its card
    columns and the viewer's state; then the viewer's state on the `page_size` reviews of the
    page, their card columns NULL."""
    columns = card_columns(alias, ("created_at", "id"))
    quote = columns.quote
    review, score = Review._meta, ReviewScore._meta
    product, category = Product._meta, Category._meta
    r = {
        name: f"r.{quote(review.get_field(name).column)}"
        for name in ("id", "author", "status", "product", "created_at")
    }
    in_slug = (
        f" AND {r['product']} IN (SELECT p.{quote(product.pk.column)} FROM {quote(product.db_table)} p "  # noqa: S608 # nosec B608 # model names only
        f"JOIN {quote(category.db_table)} c ON c.{quote(category.pk.column)} = p.{quote(product.get_field('category').column)} "
        f"WHERE c.{quote(category.get_field('slug').column)} = %s)"
        if in_category
        else ""
    )
    ranked = f"s.{quote(score.get_field('ranked').column)}"
    own = (
        f"SELECT {columns.select}, {viewer_state_columns()} FROM {columns.source} "  # noqa: S608 # nosec B608 # model names only
        f"LEFT JOIN {quote(score.db_table)} s ON s.{quote(score.get_field('review').column)} = {r['id']} "
        f"WHERE {r['author']} = %s AND {r['status']} = %s AND ({ranked} IS NULL OR NOT {ranked}){in_slug} "
        f"ORDER BY {r['created_at']} DESC, {r['id']} DESC LIMIT %s"
    )
    if not page_size:
        return own
    no_card = ", ".join(["NULL"] * columns.width)
    marks = ", ".join(["%s"] * page_size)
    return (
        f"SELECT * FROM ({own}) own UNION ALL "  # noqa: S608 # nosec B608 # model names only
        f"SELECT {no_card}, {viewer_state_columns()} FROM {quote(review.db_table)} r WHERE {r['id']} IN ({marks})"
    )


def _unranked(reviews: QuerySet[Review], category_slug: str | None) -> QuerySet[Review]:
    reviews = reviews.exclude(score__ranked=True)
    if category_slug:
        reviews = reviews.filter(product__category__slug=category_slug)
    return reviews


def most_helpful_reviews(product: Product, viewer: User | None = None) -> QuerySet[Review]:
    """The product's published reviews by the non-decayed quality score (`helpful_key` desc,
    `id` desc), with everything a card shows loaded."""
    return (
        reviews_for_listing(viewer)
        .filter(product=product, score__ranked=True)
        .select_related("score")
        .annotate(helpful_key=F("score__quality"))
        .order_by("-helpful_key", "-id")
    )


@dataclass(frozen=True)
class Badge:
    code: str  # top_1pct | top_5pct | top_10pct | category_expert | invited_tester
    label: str
    category: str | None = None  # category slug for per-category badges
    category_name: str | None = None
    rank: int | None = None


@dataclass(frozen=True)
class CategoryRank:
    category: str
    category_name: str
    reputation: float
    review_count: int
    rank: int | None
    is_expert: bool


@dataclass(frozen=True)
class Standing:
    """What a profile shows about a reviewer's standing."""

    user_id: int
    level: int
    reputation: float
    progress: S.LevelProgress
    overall_rank: int | None
    review_count: int
    recent_review_count: int
    vote_weight: float
    is_tester: bool
    tester_since: datetime | None
    badges: list[Badge] = field(default_factory=list)  # best first
    categories: list[CategoryRank] = field(default_factory=list)

    @property
    def best_badge(self) -> Badge | None:
        """The one badge shown next to the author's name."""
        return self.badges[0] if self.badges else None

    @property
    def more_badges(self) -> list[Badge]:
        """The others, folded behind a count on the profile."""
        return self.badges[1:]


def _badges(
    standing: ReviewerStanding | None, categories: list[CategoryStanding], populations: dict[int | None, int]
) -> list[Badge]:
    """The reviewer's badges, best first (ranking/badges.py): rank badges by share (overall before
    a category at the same share), then category expert, then invited tester. `populations` maps
    None (overall) and category ids to the number of reviewers with a ranked review there."""
    ranked: list[tuple[int, int, Badge]] = []
    others: list[Badge] = []
    if standing is not None and badge_rules.has_evidence(standing.review_count, standing.helpful_weight_received):
        pct = badge_rules.rank_percent(standing.overall_rank, populations.get(None, 0))
        if pct:
            ranked.append(
                (
                    pct,
                    0,
                    Badge(
                        f"top_{pct}pct",
                        _("Top %(percent)s%% of reviewers") % {"percent": pct},
                        rank=standing.overall_rank,
                    ),
                )
            )
    for cs in categories:
        pct = None
        if badge_rules.has_evidence(cs.review_count, cs.helpful_weight_received):
            pct = badge_rules.rank_percent(cs.rank, populations.get(cs.category_id, 0))
        if pct:
            badge = Badge(
                f"top_{pct}pct",
                _("Top %(percent)s%% in %(category)s") % {"percent": pct, "category": cs.category.name},
                category=cs.category.slug,
                category_name=cs.category.name,
                rank=cs.rank,
            )
            ranked.append((pct, 1, badge))
        if cs.is_expert:
            others.append(
                Badge(
                    "category_expert",
                    _("%(category)s expert") % {"category": cs.category.name},
                    category=cs.category.slug,
                    category_name=cs.category.name,
                )
            )
    if standing is not None and standing.is_tester:
        others.append(Badge("invited_tester", _("Invited tester")))
    ranked.sort(key=lambda item: (item[0], item[1]))  # stable: categories keep their reputation order
    return [badge for _, _, badge in ranked] + others


def _badge_populations(
    rows: dict[int, ReviewerStanding], per_category: dict[int, list[CategoryStanding]]
) -> dict[int | None, int]:
    """How many reviewers have a ranked review, overall (key None) and in each category where one
    of these users might earn a rank badge. Costs nothing when none of them could (no rank or not
    enough evidence), else two queries."""
    overall = any(
        s.overall_rank is not None and badge_rules.has_evidence(s.review_count, s.helpful_weight_received)
        for s in rows.values()
    )
    category_ids = {
        cs.category_id
        for standings in per_category.values()
        for cs in standings
        if cs.rank is not None and badge_rules.has_evidence(cs.review_count, cs.helpful_weight_received)
    }
    populations: dict[int | None, int] = {}
    if overall:
        populations[None] = ReviewerStanding.objects.filter(review_count__gt=0).count()
    if category_ids:
        populations.update(
            CategoryStanding.objects.filter(category_id__in=category_ids, review_count__gt=0)
            .values("category_id")
            .annotate(n=Count("user_id"))
            .values_list("category_id", "n")
        )
    return populations


def _standing(
    user_id: int,
    standing: ReviewerStanding | None,
    categories: list[CategoryStanding],
    cutoffs: dict[int, float],
    populations: dict[int | None, int],
) -> Standing:
    reputation = standing.reputation if standing else 0.0
    level = standing.level if standing else 1
    return Standing(
        user_id=user_id,
        level=level,
        reputation=reputation,
        progress=S.level_progress(reputation, level, cutoffs),
        overall_rank=standing.overall_rank if standing else None,
        review_count=standing.review_count if standing else 0,
        recent_review_count=standing.recent_review_count if standing else 0,
        vote_weight=standing.vote_weight if standing else S.level_vote_factor(1),
        is_tester=standing.is_tester if standing else False,
        tester_since=standing.tester_since if standing else None,
        badges=_badges(standing, categories, populations),
        categories=[
            CategoryRank(
                category=cs.category.slug,
                category_name=cs.category.name,
                reputation=cs.reputation,
                review_count=cs.review_count,
                rank=cs.rank,
                is_expert=cs.is_expert,
            )
            for cs in categories
        ],
    )


def standings_for(users: Iterable[User | int]) -> dict[int, Standing]:
    """Standing of many users, keyed by user id, in three queries (five when one of them may earn
    a rank badge: the populations). Users never ranked yet get level 1 and no badges."""
    ids = sorted({u if isinstance(u, int) else u.pk for u in users})
    rows = {s.user_id: s for s in ReviewerStanding.objects.filter(user_id__in=ids)}
    per_category: dict[int, list[CategoryStanding]] = {uid: [] for uid in ids}
    for cs in (
        CategoryStanding.objects.filter(user_id__in=ids)
        .select_related("category")
        .order_by("user_id", "-reputation", "category_id")
    ):
        per_category[cs.user_id].append(cs)
    cutoffs = stored_cutoffs()
    populations = _badge_populations(rows, per_category)
    return {uid: _standing(uid, rows.get(uid), per_category[uid], cutoffs, populations) for uid in ids}


def standing_for(user: User) -> Standing:
    """Level, reputation, progress to the next level (fraction and threshold), rank, badges and
    invited-tester status of one user."""
    return standings_for([user])[user.pk]


def tester_history(user: User) -> QuerySet[TesterEvent]:
    """The user's promotions, warnings and demotions, newest first, with reasons and figures."""
    return TesterEvent.objects.filter(user=user).order_by("-created_at", "-id")


def level_table() -> list[dict]:
    """The published level table: for each level, the reputation that reaches it whatever the
    community's size (min_reputation), the community route (the top `community_share` of active
    reviewers, whose reputation is now `community_min_reputation`, null while the community is
    too small, with at least `min_reviews` reviews and `min_helpful_weight` helpful votes), and
    what votes cast at that level count for."""
    cutoffs = stored_cutoffs()
    rules = {rule.level: rule for rule in S.LEVEL_RULES}
    table = []
    for index, threshold in enumerate(S.level_thresholds()):
        level = index + 1
        rule = rules.get(level)
        table.append(
            {
                "level": level,
                "min_reputation": threshold,
                "community_share": rule.share if rule else None,
                "community_min_reputation": cutoffs.get(level),
                "min_reviews": rule.min_reviews if rule else 0,
                "min_helpful_weight": rule.min_helpful_weight if rule else 0.0,
                "vote_weight": S.level_vote_factor(level),
            }
        )
    return table


def invited_tester_bar() -> dict:
    return tester_bar()


def category_ranking(category: Category, limit: int | None = None) -> QuerySet[Product]:
    """The category's ranked products, best first (@cosme style): the quality-weighted Bayesian
    average of ratings, products with at least scoring.PRODUCT_MIN_REVIEWS published
    reviews. Annotated with `rank`, ordered by (`rank`, `id`); `product.score` is loaded."""
    qs = (
        Product.objects.filter(score__category=category, score__category_rank__isnull=False)
        .select_related("brand", "category", "score")
        .annotate(rank=F("score__category_rank"))
        .order_by("rank", "id")
    )
    limit = limit if limit is not None else policy.PRODUCT_RANK_DEPTH
    return qs[:limit] if limit else qs


def category_ranking_queryset(category: Category) -> QuerySet[Product]:
    """category_ranking without the slice, for cursor pagination."""
    return category_ranking(category, limit=0)


def _stars(value: float | None) -> str:
    return f"{value or 0:.1f}★"


def _weighted_average(score: ProductScore) -> float:
    return score.weighted_rating_sum / score.weight_sum if score.weight_sum else 0.0


def _more_helpful_rates_higher(higher: ProductScore, lower: ProductScore) -> bool:
    """Why `higher` ranks above `lower` although its plain average is lower. Each review's rating
    counts by the review's quality, and the average is pulled toward the category's until there
    are enough reviews (scoring.bayesian_product_score): True when the quality weighting made the
    difference, False when the number of reviews did."""
    return _weighted_average(higher) >= _weighted_average(lower)


def _rating_from(score: ProductScore) -> str:
    return ngettext("%(stars)s from %(count)s review", "%(stars)s from %(count)s reviews", score.review_count) % {
        "stars": _stars(score.average_rating),
        "count": score.review_count,
    }


def _row_reason(product: Product, above: Product | None, below: Product | None) -> str:
    score = product.score
    own = _rating_from(score)
    if below is not None and round(below.score.average_rating or 0, 1) > round(score.average_rating or 0, 1):
        words = {"own": own, "other": _rating_from(below.score)}
        if _more_helpful_rates_higher(score, below.score):
            return (
                _(
                    "%(own)s, ranked above %(other)s: its most helpful, detailed reviews rate it higher, "
                    "and those count for more."
                )
                % words
            )
        return _("%(own)s, ranked above %(other)s: more reviews make the average surer.") % words
    if above is not None and round(above.score.average_rating or 0, 1) < round(score.average_rating or 0, 1):
        words = {"own": own, "other": _rating_from(above.score)}
        if not _more_helpful_rates_higher(above.score, score):
            return (
                _("%(own)s, ranked below %(other)s: its average rests on fewer reviews, so it is less sure yet.")
                % words
            )
        return _("%(own)s, ranked below %(other)s: the most helpful reviews of that one rate it higher.") % words
    if above is None:
        return _("The best average here, each review counted by how helpful readers found it.")
    if round(above.score.average_rating or 0, 1) == round(score.average_rating or 0, 1):
        return _("The same average as No. %(rank)s, whose reviews are a little more or more helpful.") % {
            "rank": product.rank - 1
        }
    return _("A lower average than No. %(rank)s.") % {"rank": product.rank - 1}


def explain_ranked_products(products: list[Product]) -> list[Product]:
    """Set `rank_reason` on each product of a category ranking (in rank order, `score` loaded):
    one line in words on why it sits where it is, naming the neighbour when a product with a
    lower average ranks above a higher one. No queries."""
    for index, product in enumerate(products):
        above = products[index - 1] if index else None
        below = products[index + 1] if index + 1 < len(products) else None
        product.rank_reason = _row_reason(product, above, below)
    return products


def product_rank(product: Product) -> tuple[int, Category] | None:
    """(rank, category) when the product is among the ranked top of its category, else None."""
    score = ProductScore.objects.filter(product=product, category_rank__isnull=False).select_related("category").first()
    return (score.category_rank, score.category) if score else None


def loaded_product_rank(product: Product) -> tuple[int, Category] | None:
    """product_rank() from the `score` (and its category) loaded with the product."""
    try:
        score = product.score
    except ProductScore.DoesNotExist:
        return None
    return (score.category_rank, score.category) if score.category_rank is not None else None


# The reader's words for the parts of the quality score the explanation shows. The declaration's
# labels stay plain English for docs/ranking.md; tests/i18n checks this table matches them.
TERM_LABELS = {
    # xgettext:no-python-format
    "helpfulness": gettext_lazy("Helpfulness (80% confidence lower bound)"),
    "content": gettext_lazy("Content"),
    "length_signal": pgettext_lazy("quality signal", "Length"),
    "photo_signal": pgettext_lazy("quality signal", "Photos"),
    "text_signal": gettext_lazy("Rating explained in text"),
    "author_prior": gettext_lazy("Author's standing"),
    "agreement": gettext_lazy("Agrees with the product's average rating"),
    "floor": pgettext_lazy("quality signal", "Base"),
}


def _component(term: Term, value: float, detail: str) -> dict:
    """One part of the quality score as the declaration names and weighs it (ranking.formula)."""
    weight = float(term.weight.value())
    return {
        "name": term.short,
        "label": str(TERM_LABELS.get(term.name, term.label)),
        "value": value,
        "weight": weight,
        "contribution": round(value * weight, S.ROUND_DIGITS),
        "detail": detail,
    }


def _components(score: ReviewScore, term: Term, details: dict[str, str]) -> dict:
    """`term`'s component, with its own weighted parts (content: length, photos, text)."""
    if term.stored:
        value = getattr(score, term.name)
    else:  # a constant or a figure computed in place (the base)
        stored = {name: getattr(score, name) for name in INPUT_COLUMNS + FIGURE_COLUMNS}
        value = REVIEW.evaluate(stored, [term.name])[term.name]
    component = _component(term, value, details.get(term.name, str(TERM_ABOUT.get(term.name, term.about))))
    if term.parts:
        component["parts"] = [_components(score, REVIEW.term(part), details) for part in term.parts]
    return component


# A part the explanation describes with its declared `about` (no figure of its own to show).
TERM_ABOUT = {
    "agreement": gettext_lazy(
        "How close its rating is to the product's average rating over its published reviews "
        "(this one included): 1 at the average, 0 four stars away (a prior before readers vote)."
    ),
}


def _fade_words(tau_hours: float) -> str:
    """How long the freshness boost lasts, as a reader would say it."""
    days = tau_hours / 24
    if days <= 2.5:
        return _("over a day or two")
    return _("over about %(days)s days") % {"days": round(days)}


def _age_words(review: Review, tau_hours: float) -> str:
    hours = max(0.0, (timezone.now() - review.created_at).total_seconds() / 3600)
    if hours < 1:
        return _("this one is under an hour old")
    if hours < 48:
        n = round(hours)
        age = ngettext("%(count)s hour", "%(count)s hours", n) % {"count": n}
    else:
        n = round(hours / 24)
        age = ngettext("%(count)s day", "%(count)s days", n) % {"count": n}
    if hours >= 3 * tau_hours:
        return _("this one is %(age)s old, so its boost has faded") % {"age": age}
    return _("this one is %(age)s old") % {"age": age}


def score_summary(review: Review, score: ReviewScore) -> str:
    """Why the review is ranked where it is, in a reader's words, from the actual inputs: the
    readers' votes, its length and photos, its author's level and its age. The numbers behind each
    part are in score_explanation()'s components."""
    helpful, unhelpful = review.helpful_count, review.not_helpful_count
    voted = helpful + unhelpful
    if voted:
        votes = ngettext(
            "Helpful to %(helpful)s of %(voted)s reader who voted",
            "Helpful to %(helpful)s of %(voted)s readers who voted",
            voted,
        ) % {"helpful": helpful, "voted": voted}
        if score.helpful_weight + score.unhelpful_weight < voted:
            votes += _(" (votes from new accounts count for less)")
    else:
        votes = _("No reader has voted on it yet, so it starts low until they do")
    if score.length_signal >= 0.6:
        length = _("detailed")
    elif score.text_signal:
        length = _("fairly short")
    else:
        length = _("very short")
    if score.photo_count:
        photos = ngettext("with %(count)s photo", "with %(count)s photos", score.photo_count) % {
            "count": score.photo_count
        }
    else:
        photos = _("no photos")
    tau_hours = S.DISCOVER_TAU_SECONDS / 3600
    parts = [
        votes,
        _("%(length)s, %(photos)s") % {"length": length, "photos": photos},
        _("written by a level %(level)s reviewer (reviewers whose reviews readers found helpful rank a little higher)")
        % {"level": score.author_level},
        _("new reviews get a boost that fades %(fade)s: %(age)s")
        % {"fade": _fade_words(tau_hours), "age": _age_words(review, tau_hours)},
    ]
    if score.is_featured():
        parts.append(_("a moderator has featured it for now"))
    # Translators: joins the parts of a review's ranking summary.
    return _("; ").join(parts) + _(".")


def score_explanation(review: Review) -> dict:
    """Why the review is ranked where it is: a `summary` in words, each component of its quality
    score with its weight and contribution, and the terms of its discover score."""
    score = ReviewScore.objects.filter(pk=review.pk).first()
    base = {
        "review_id": review.pk,
        "status": review.status,
        "helpful_count": review.helpful_count,
        "not_helpful_count": review.not_helpful_count,
    }
    if review.status != Review.Status.PUBLISHED:
        reason = _("Hidden and removed reviews are never ranked.")
        return {**base, "ranked": False, "reason": reason, "summary": reason, "components": []}
    if score is None or not score.ranked:
        minutes = round(settings.RANKING_RERANK_INTERVAL.total_seconds() / 60)
        reason = ngettext(
            "Not scored yet: rankings refresh every %(minutes)s minute.",
            "Not scored yet: rankings refresh every %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
        return {**base, "ranked": False, "reason": reason, "summary": reason, "components": []}
    total = score.helpful_weight + score.unhelpful_weight
    text_min = S.TEXT_MIN_CHARS
    # What each declared part means for this review (a part declared later reads its `about`).
    details = {
        "helpfulness": _("%(helpful)s of %(total)s weighted votes found it helpful")
        % {"helpful": f"{score.helpful_weight:g}", "total": f"{total:g}"}
        if total
        else _("no votes yet: confidence starts at zero"),
        "content": _("length, photos and text"),
        "length_signal": ngettext("%(count)s character", "%(count)s characters", score.body_length)
        % {"count": score.body_length},
        "photo_signal": ngettext("%(count)s photo", "%(count)s photos", score.photo_count)
        % {"count": score.photo_count},
        "text_signal": (_("at least %(count)s characters") if score.text_signal else _("under %(count)s characters"))
        % {"count": text_min},
        "author_prior": _("author at level %(level)s") % {"level": score.author_level},
        "floor": _("every ranked review starts here"),
    }
    quality = REVIEW.term("quality")
    components = [_components(score, REVIEW.term(part), details) for part in quality.parts]
    featured = score.is_featured()
    boost = FEATURED.evaluate({}, ["feature_boost"])["feature_boost"] if featured else 0.0
    age_term = score.discover - math.log(score.quality) - boost
    return {
        **base,
        "ranked": True,
        "summary": score_summary(review, score),
        "quality": score.quality,
        "discover": score.discover,
        "components": components,
        "helpful_weight": score.helpful_weight,
        "unhelpful_weight": score.unhelpful_weight,
        "discover_terms": {
            "log_quality": round(math.log(score.quality), S.ROUND_DIGITS),
            "age_term": round(age_term, S.ROUND_DIGITS),
            "feature_boost": round(boost, S.ROUND_DIGITS),
            "tau_hours": S.DISCOVER_TAU_SECONDS / 3600,
        },
        "featured_until": score.featured_until,
        "computed_at": score.updated_at,
        "formula": _("quality = %(sum)s; discover = ln(quality) + created / τ (+ feature boost)")
        % {"sum": " + ".join(f"{c['weight']:g} × {c['label'].lower()}" for c in components)},
    }


def ranking_digest() -> dict:
    """A fingerprint of the whole ranking (every score, standing, category standing and product
    score with its rank), to compare two runs over the same data, e.g. split against single."""
    queries = {
        "review_scores": "SELECT review_id, ranked, helpful_weight, unhelpful_weight, quality, discover, author_level "
        "FROM ranking_reviewscore ORDER BY review_id",
        "standings": "SELECT user_id, reputation, level, vote_weight, overall_rank, is_tester "
        "FROM ranking_reviewerstanding ORDER BY user_id",
        "category_standings": "SELECT user_id, category_id, reputation, review_count, is_expert, rank "
        "FROM ranking_categorystanding ORDER BY user_id, category_id",
        "product_scores": "SELECT product_id, review_count, bayesian_score, eligible, category_rank "
        "FROM ranking_productscore ORDER BY product_id",
    }
    digest = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql)
            hasher, rows = hashlib.sha256(), 0
            for row in cursor.fetchall():
                hasher.update(repr(row).encode())
                rows += 1
            digest[name] = f"{rows} rows {hasher.hexdigest()[:16]}"
    return digest
