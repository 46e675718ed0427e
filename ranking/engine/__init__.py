"""The rerank job: set-based SQL statements that run on PostgreSQL and SQLite alike, as a
package of named steps.

Call it through ranking.services.rerank(), which takes the lock. One `Engine.run()` is one
transaction: readers keep seeing the previous ranking until it commits, and a run that fails or
is killed midway leaves the previous ranking intact (the transaction rolls back).

Shape of a run
--------------
Each step computes new values in a derived table or a temporary table and writes only rows whose
value differs (`IS DISTINCT FROM`; SQLite spells it `IS NOT`), so a second run on unchanged
data writes nothing.

1. Scope (changes.py). A full run covers every row. An incremental run starts from what changed since the
   previous successful run's start (minus settings.RANKING_WATERMARK_OVERLAP): the review
   changes it takes (ranking.models.ReviewChange: a review created, edited, its photos or its
   product's category changed, recorded by triggers; only these reviews have their inputs read
   again, the others in scope keep those on their score row), the vote events it takes
   (ranking.models.VoteEvent: every vote cast, changed or withdrawn, recorded by a trigger),
   fraud flags a moderator decided, features set or expired, deleted reviews
   (RerankPending), and voters whose weight may have changed without any row changing (7-day
   birthdays, suspensions starting or ending).
2. Voter/author pairs beyond the cap (VotePair, votes.py) are refreshed from reviews.VoteTally, which
   the vote services keep exact per voter and author (every run compares all pairs over the cap,
   a few hundred read through a partial index); pairs whose count changed put the voter's other
   votes on that author back in scope.
3. Serial voting is detected on those pairs (ring detection runs on full runs): ranking.fraud.
4. Vote weights (votes.py), review scores (scores.py), reviewer standings (standings.py) and
   per-category standings (categories.py) are recomputed for the scope. (A full run on PostgreSQL recomputes every score's inputs in one pass over the
   reviews in id order and its figures where the inputs or the formula changed: see score_all.) A level change changes the
   author's prior and the weight of their votes, so the run settles: it re-scores what those
   changes touch, up to SETTLE_ROUNDS times, and leaves anything left over in RerankPending for
   the next run. (Only the reviews whose voters' weights changed have their votes summed again;
   the others keep the sums already on their score row, and of their inputs only the author's
   level is read again.) Likewise the first pass adds a review's new votes to its stored sums
   (vote_deltas), at the weight each vote event recorded while it is still current (see
   event_voter_weights), unless something else about its votes changed.
   A scoped score write records the rows it changed, with their values before and after
   (rk_touched): only their authors, (author, category) pairs and products are recomputed, and an
   author (or an author's category) whose changed rows only changed figures has their sums moved
   by the differences (_moved_standings, _move_category_standings) instead of counted again.
5. Product scores (products.py) for touched products (full runs first refresh the category priors), then
   exact ranks for the top reviewers overall, per touched category, and the top products. A
   scoped run moves a product's sums by the differences its changed score rows recorded (exact:
   every summand is rounded to scoring.ROUND_DIGITS decimals, and so is each sum); products that
   lost reviews or changed category are counted again from their score rows.
6. Full runs only: invited-tester promotion and demotion (ranking.testers).

A full run can be split across workers (split.py): each part stages the scores of one review-id
range from its own snapshot; the final run takes those, recomputes the reviews that changed
after the earliest part began, and goes on as above.

Where things are
----------------
run.py          Engine: run(), and _full() / _incremental(), the steps in the order they run
plumbing.py     table names, temporary tables, the SQL dialect, the cursor helpers, RunResult
formula_sql.py  the formula's SQL, rendered from its declaration in ranking.formula (score
                layers, vote weight, review points, reputation, product figures); the vote
                cap and fraud factors and the feature boost are rendered from it too, where
                scores.py uses them. The level table's SQL (standings._level_sql) is built
                from scoring.LEVEL_RULES and the run's community cut-offs
changes.py, votes.py, scores.py, split.py, standings.py, categories.py, products.py: the steps,
each a mixin of Engine whose methods say what they read and write (mostly temporary rk_* tables,
listed in plumbing.TEMP_TABLES). The fraud signals (ranking.fraud), level-up notifications
(ranking.levels) and invited testers (ranking.testers) are steps kept in their own modules.
"""

from .plumbing import (
    ALL,
    CATEGORY_STANDING_COLUMNS,
    PRODUCT_SCORE_COLUMNS,
    SCORE_COLUMNS,
    STORED_STANDING_COLUMNS,
    Busy,
    RunResult,
    Scope,
    Split,
)
from .run import FULL_STEPS, INCREMENTAL_STEPS, PG_ADVISORY_KEY, Engine

__all__ = [
    "ALL",
    "CATEGORY_STANDING_COLUMNS",
    "FULL_STEPS",
    "INCREMENTAL_STEPS",
    "PG_ADVISORY_KEY",
    "PRODUCT_SCORE_COLUMNS",
    "SCORE_COLUMNS",
    "STORED_STANDING_COLUMNS",
    "Busy",
    "Engine",
    "RunResult",
    "Scope",
    "Split",
]
