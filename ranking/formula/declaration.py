# SQL here is assembled only from the names and constants declared in this package, scoring.py and
# settings, and from SQL fragments the engine passes in; no value from outside is ever inlined.
# ruff: noqa: S608
"""The ranking formula, declared: every term of a review's score, a vote's weight, reputation and
the product and category figures, each once (see the package docstring)."""

from __future__ import annotations

from .language import (
    FLAG,
    INT,
    Formula,
    Input,
    Num,
    Param,
    Ref,
    Term,
    exp,
    greatest,
    least,
    ln,
    lookup,
    rnd,
    sqrt,
    weighted_sum,
    when,
)

# --- the declaration --------------------------------------------------------------------------
# Review columns an input reads. A change to any of them is recorded by the triggers of ranking
# 0016 (reviews, photos, products) or 0015/0017 (votes); ranking's own tables (a standing's level)
# change only inside a run, which settles them.
REVIEW_TABLE, PRODUCT_TABLE, PHOTO_TABLE, VOTE_TABLE = (
    "reviews_review",
    "reviews_product",
    "reviews_reviewphoto",
    "reviews_helpfulvote",
)
_VOTES_READ = (f"{VOTE_TABLE}.review_id", f"{VOTE_TABLE}.user_id", f"{VOTE_TABLE}.helpful")

hw, uw = Ref("helpful_weight"), Ref("unhelpful_weight")
votes = Term("votes", "Weighted votes", hw + uw, stored=False)
share = Term("share", "Share of helpful votes", hw / votes.ref, stored=False)
_n, _p, _z = votes.ref, share.ref, Param("WILSON_Z")
_z2 = _z * _z

wilson = Term(
    "wilson",
    "Share of helpful votes, lower bound",
    when(_n > 0, (_p + _z2 / (2 * _n) - _z * sqrt(_p * (1 - _p) / _n + _z2 / (4 * _n * _n))) / (1 + _z2 / _n), 0),
    stored=False,
    about="The lower bound of the Wilson score interval (z = {WILSON_Z}, 80%) for the weighted share "
    "of helpful votes: 2 of 2 ranks below 90 of 100. No votes: 0.",
)
helpfulness = Term(
    "helpfulness",
    "Helpfulness (80% confidence lower bound)",
    rnd(wilson.ref),
    weight=Param("W_HELPFULNESS"),
    about="How sure we are that readers find it helpful: the lower bound of the 80% confidence "
    "interval of the weighted share of helpful votes (0 with no votes).",
)
length_signal = Term(
    "length_signal",
    "Length",
    rnd(1 - exp(-Ref("body_length") / Param("LENGTH_SCALE_CHARS"))),
    weight=Param("CONTENT_WEIGHTS", "length"),
    key="length",
    about="Longer is better, up to a point: 0.63 at {LENGTH_SCALE_CHARS} characters, 0.95 at three times that.",
)
photo_signal = Term(
    "photo_signal",
    "Photos",
    rnd(least(Ref("photo_count"), Param("PHOTO_SATURATION")) / Param("PHOTO_SATURATION")),
    weight=Param("CONTENT_WEIGHTS", "photos"),
    key="photos",
    about="Photos, up to {PHOTO_SATURATION}.",
)
text_signal = Term(
    "text_signal",
    "Rating explained in text",
    when(Ref("body_length") >= Param("TEXT_MIN_CHARS"), 1, 0),
    weight=Param("CONTENT_WEIGHTS", "text"),
    key="text",
    about="1 when the rating is explained in at least {TEXT_MIN_CHARS} characters.",
)
content = weighted_sum(
    "content",
    "Content",
    (length_signal, photo_signal, text_signal),
    weight=Param("W_CONTENT"),
    about="Length, photos and a rating explained in text.",
)
author_prior = Term(
    "author_prior",
    "Author's standing",
    rnd((Ref("author_level") - 1) / 9),
    weight=Param("W_AUTHOR"),
    about="The author's level: 0 at level 1, 1 at level 10 (a prior before readers vote).",
)
# Readers find a review more helpful when its rating is close to the product's consensus
# (Danescu-Niculescu-Mizil et al., "How opinions are received by online communities", WWW 2009);
# measured on real Amazon votes (bench/quality/prior_study.py): Spearman ~0.2 with held-out
# helpfulness on both files, where length and the author prior carry ~0.04-0.1. Symmetric on
# purpose: the rating itself would carry as much, but would rank praise above criticism.
_rating, _average = Ref("rating"), Ref("product_average_rating")
agreement = Term(
    "agreement",
    "Agrees with the product's average rating",
    rnd(1 - greatest(_rating - _average, _average - _rating) / 4),
    weight=Param("W_AGREEMENT"),
    about="How close its rating is to the product's average rating over its published reviews "
    "(this one included): 1 at the average, 0 four stars away (a prior before readers vote).",
)
floor = Term(
    "floor", "Base", Num(1.0), weight=Param("QUALITY_FLOOR"), stored=False, about="Every ranked review starts here."
)
merit = weighted_sum(
    "merit", "Merit", (helpfulness, content), about="The quality without the author's standing (reputation points)."
)
quality = weighted_sum(
    "quality", "Quality", (helpfulness, content, author_prior, agreement, floor), about='The "most helpful" order.'
)
discover = Term(
    "discover",
    "Discover",
    rnd(ln(quality.ref) + (Ref("created_epoch") - Param("EPOCH_ORIGIN")) / Param("DISCOVER_TAU_SECONDS")),
    about="The discover order: ordering by it equals ordering by quality × exp(−age / τ) at any "
    "moment, and it changes only when the review does (before a moderator's feature boost).",
)

REVIEW = Formula(
    "review",
    "A review's score",
    inputs=(
        # Where the review belongs: copied to the score row for the aggregates (no figure reads them).
        Input("product_id", "Product", INT, reads=(f"{REVIEW_TABLE}.product_id",)),
        Input("category_id", "Category", INT, reads=(f"{REVIEW_TABLE}.product_id", f"{PRODUCT_TABLE}.category_id")),
        Input("author_id", "Author", INT, reads=(f"{REVIEW_TABLE}.author_id",)),
        Input("created_at", "Written at", reads=(f"{REVIEW_TABLE}.created_at",)),
        Input("rating", "Rating", INT, reads=(f"{REVIEW_TABLE}.rating",)),
        Input(
            "ranked", "Published (hidden and removed reviews are never ranked)", FLAG, reads=(f"{REVIEW_TABLE}.status",)
        ),
        Input("helpful_weight", "Weighted helpful votes", reads=_VOTES_READ),
        Input("unhelpful_weight", "Weighted not-helpful votes", reads=_VOTES_READ),
        Input("body_length", "Characters of text", INT, reads=(f"{REVIEW_TABLE}.body_length",)),
        Input("photo_count", "Photos", INT, reads=(f"{PHOTO_TABLE}.review_id",)),
        Input("author_level", "Author's level", INT, reads=("ranking_reviewerstanding.level",)),
        # The mean rating of the product's published reviews (the review's own rating when none
        # is). It reads its siblings too: the engine rescores a product's reviews when one of
        # them is created, deleted, or changes rating, status or product (find_changes).
        Input(
            "product_average_rating",
            "The product's average rating",
            reads=(f"{REVIEW_TABLE}.rating", f"{REVIEW_TABLE}.status", f"{REVIEW_TABLE}.product_id"),
        ),
        Input("created_epoch", "Written at (seconds since 1970)", reads=(f"{REVIEW_TABLE}.created_at",), stored=False),
    ),
    terms=(
        votes,
        share,
        wilson,
        helpfulness,
        length_signal,
        photo_signal,
        text_signal,
        content,
        author_prior,
        agreement,
        floor,
        merit,
        quality,
        discover,
    ),
)

FEATURED = Formula(
    "featured",
    "A featured review's discover score",
    inputs=(
        Input("discover", "Discover score"),
        Input(
            "featured", "Featured by a moderator, until it expires", FLAG, reads=("ranking_reviewscore.featured_until",)
        ),
    ),
    terms=(
        Term(
            "feature_boost",
            "Featured by a moderator",
            ln(Param("FEATURE_BOOST")),
            stored=False,
            about="Added to the discover score: the discover quality counts {FEATURE_BOOST} times.",
        ),
        Term(
            "featured_discover",
            "Discover, with a feature",
            rnd(Ref("discover") + when(Ref("featured"), Ref("feature_boost"), 0)),
            about="The stored discover score: with the boost while a moderator's feature lasts.",
        ),
    ),
)

VOTER = Formula(
    "voter",
    "What a voter's votes count",
    inputs=(
        Input("young", "account younger than {YOUNG_ACCOUNT_DAYS} days", FLAG, reads=("accounts_user.date_joined",)),
        Input(
            "inactive_or_suspended",
            "Account deactivated or suspended",
            FLAG,
            reads=("accounts_user.is_active", "accounts_user.suspended_until"),
        ),
        Input("level", "Voter's level", INT, reads=("ranking_reviewerstanding.level",)),
    ),
    terms=(
        Term(
            "age_factor",
            "New account",
            when(Ref("young"), Param("YOUNG_ACCOUNT_FACTOR"), 1),
            stored=False,
            about="Accounts younger than {YOUNG_ACCOUNT_DAYS} days count {YOUNG_ACCOUNT_FACTOR}.",
        ),
        Term(
            "suspension_factor",
            "Suspended or deactivated",
            when(Ref("inactive_or_suspended"), Param("SUSPENDED_FACTOR"), 1),
            stored=False,
            about="Suspended or deactivated accounts count {SUSPENDED_FACTOR}.",
        ),
        Term(
            "level_factor",
            "Voter's level",
            lookup(Param("LEVEL_VOTE_FACTORS"), Ref("level"), 1.0),
            stored=False,
            about="Voters at a low level count less (level: factor, {LEVEL_VOTE_FACTORS}); other levels count 1.",
        ),
        Term(
            "vote_weight",
            "Vote weight",
            rnd(Ref("age_factor") * Ref("suspension_factor") * Ref("level_factor")),
            about="Stored on the voter's standing; every vote of theirs counts this much, before the "
            "cap and fraud factors.",
        ),
    ),
)

VOTE = Formula(
    "vote",
    "What one vote counts",
    inputs=(
        Input("voter_weight", "The voter's vote weight", reads=("ranking_reviewerstanding.vote_weight",)),
        Input(
            "pair_votes",
            "The voter's votes on this author's reviews",
            INT,
            reads=(f"{VOTE_TABLE}.user_id", f"{VOTE_TABLE}.review_id", f"{REVIEW_TABLE}.author_id"),
        ),
        Input("flag_confirmed", "Linked to a confirmed fraud flag", FLAG, reads=("ranking_fraudflag.status",)),
        Input("flag_open", "Linked to an open fraud flag", FLAG, reads=("ranking_fraudflag.status",)),
    ),
    terms=(
        Term(
            "cap_factor",
            "One voter cannot carry an author",
            least(1, Param("VOTER_AUTHOR_CAP") / Ref("pair_votes")),
            about="A voter's votes on one author's reviews count at most {VOTER_AUTHOR_CAP} votes in total: "
            "with n > {VOTER_AUTHOR_CAP} votes, each counts {VOTER_AUTHOR_CAP} / n.",
        ),
        Term(
            "fraud_factor",
            "Linked to a fraud flag",
            when(
                Ref("flag_confirmed"),
                Param("FLAG_CONFIRMED_FACTOR"),
                when(Ref("flag_open"), Param("FLAG_OPEN_FACTOR"), 1),
            ),
            about="Votes linked to a suspected fraud pattern count {FLAG_OPEN_FACTOR} until a moderator "
            "decides, {FLAG_CONFIRMED_FACTOR} once confirmed.",
        ),
        Term(
            "vote_value",
            "What the vote counts",
            Ref("voter_weight") * Ref("cap_factor") * Ref("fraud_factor"),
            stored=False,
            about="Summed per review into helpful_weight and unhelpful_weight (rounded once summed).",
        ),
    ),
)

POINTS = Formula(
    "points",
    "A review's reputation points",
    inputs=(
        Input("helpful_weight", "Weighted helpful votes"),
        Input("unhelpful_weight", "Weighted not-helpful votes"),
        Input("merit", "The review's merit"),
        Input("recent", "written in the last {RECENT_REVIEW_DAYS} days", FLAG, reads=(f"{REVIEW_TABLE}.created_at",)),
    ),
    terms=(
        Term(
            "vote_points",
            "Helpful votes received",
            Param("VOTE_POINTS") * (hw - Param("UNHELPFUL_PENALTY") * uw),
            stored=False,
            about="{VOTE_POINTS} per weighted helpful vote, less {UNHELPFUL_PENALTY} of that per not-helpful one.",
        ),
        Term(
            "merit_points",
            "Merit",
            Param("MERIT_POINTS") * Ref("merit"),
            stored=False,
            about="{MERIT_POINTS} × the review's merit.",
        ),
        Term(
            "age_factor",
            "Older reviews",
            when(Ref("recent"), 1, Param("OLD_REVIEW_FACTOR")),
            stored=False,
            about="Reviews older than {RECENT_REVIEW_DAYS} days count {OLD_REVIEW_FACTOR} of their points.",
        ),
        Term(
            "review_points",
            "Reputation points",
            rnd((Ref("vote_points") + Ref("merit_points")) * Ref("age_factor")),
            about="Summed (each rounded) over a reviewer's ranked reviews, and over those in one category "
            "for their standing there.",
        ),
    ),
)

REPUTATION = Formula(
    "reputation",
    "A reviewer's reputation (overall, or in one category)",
    inputs=(Input("points", "the sum of their reviews' reputation points"),),
    terms=(
        Term(
            "reputation",
            "Reputation",
            when(Ref("points") > 0, Ref("points"), 0),
            about="Led by the helpful votes readers give; it falls with not-helpful votes and removed "
            "reviews, never below 0.",
        ),
    ),
)

PRODUCT = Formula(
    "product",
    "A product's score in its category",
    inputs=(
        Input("review_count", "Ranked reviews", INT),
        Input("rating_mean", "Average rating"),
        Input("quality_sum", "Sum of the reviews' quality"),
        Input("quality_rating_sum", "Sum of quality × rating"),
        Input(
            "category_mean",
            "The category's quality-weighted mean rating",
            reads=("ranking_categorystats.mean_rating",),
            default=Param("DEFAULT_CATEGORY_MEAN"),
        ),
    ),
    terms=(
        Term("average_rating", "Average rating", rnd(Ref("rating_mean"))),
        Term("weight_sum", "Weight of its reviews", rnd(Ref("quality_sum"))),
        Term("weighted_rating_sum", "Weighted ratings", rnd(Ref("quality_rating_sum"))),
        Term(
            "bayesian_score",
            "Bayesian average rating",
            rnd(
                (Param("PRODUCT_PRIOR_WEIGHT") * Ref("category_mean") + Ref("weighted_rating_sum"))
                / (Param("PRODUCT_PRIOR_WEIGHT") + Ref("weight_sum"))
            ),
            about="Ratings weighted by review quality, starting from a weight of {PRODUCT_PRIOR_WEIGHT} at "
            "the category's mean.",
        ),
        Term(
            "eligible",
            "Enough reviews to be ranked",
            Ref("review_count") >= Param("PRODUCT_MIN_REVIEWS"),
            about="At least {PRODUCT_MIN_REVIEWS} published reviews.",
        ),
    ),
)

CATEGORY = Formula(
    "category",
    "A category's prior for its products",
    inputs=(
        Input("quality_sum", "the sum of its ranked reviews' quality", default=Num(0.0)),
        Input("quality_rating_sum", "the sum of quality × rating", default=Num(0.0)),
    ),
    terms=(
        Term(
            "mean_rating",
            "Category mean rating",
            rnd(
                when(
                    Ref("quality_sum") > 0,
                    Ref("quality_rating_sum") / Ref("quality_sum"),
                    Param("DEFAULT_CATEGORY_MEAN"),
                )
            ),
            about="The quality-weighted mean rating of the category's ranked reviews ({DEFAULT_CATEGORY_MEAN} "
            "without any), refreshed by the nightly full run: the category_mean of its products' scores.",
        ),
    ),
)

FORMULAS = (REVIEW, FEATURED, VOTER, VOTE, POINTS, REPUTATION, CATEGORY, PRODUCT)

# What a review's score row stores: its inputs, then the figures computed from them.
INPUT_COLUMNS = [i.name for i in REVIEW.inputs if i.stored]
FIGURE_COLUMNS = [t.name for t in REVIEW.stored_terms()]
