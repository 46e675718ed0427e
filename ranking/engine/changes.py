# SQL here is assembled only from table names, column names and numeric constants defined in this
# package, scoring.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""What changed since the last run: the scope of an incremental run, and the rows every run needs."""

from __future__ import annotations

from datetime import datetime, timedelta

from .. import scoring as S
from .plumbing import (
    CATSTATS,
    EVENT,
    EVENT_COLUMNS,
    FLAG,
    FLAGGED,
    PAIR,
    PRODUCT,
    PSCORE,
    REVIEW,
    REVIEW_CHANGE,
    SCORE,
    SCORE_KEY_VALUES,
    SCORE_KEYS,
    STANDING,
    TEMP_TABLES,
    USER,
    VOTE,
    WEIGHT_VERSION,
    RunResult,
)


class ChangeSteps:
    """What an incremental run must recompute (rk_review, rk_user, rk_voter, rk_product ...), taking
    the events recorded since the last run, and the score, standing and product rows every run needs."""

    def find_changes(self, since: datetime) -> None:
        """Fill rk_review / rk_voter / rk_user / rk_product with what changed since `since`."""
        self.find_changed_reviews(since, events=True)
        p = {
            "since": self.dt(since),
            "now": self.dt(self.now),
            "young_lo": self.dt(since - timedelta(days=S.YOUNG_ACCOUNT_DAYS)),
            "young_hi": self.dt(self.now - timedelta(days=S.YOUNG_ACCOUNT_DAYS)),
            "pmax": self.pending_max,
        }
        # Voters whose weight may have changed with no row changing: they turned 7 days old, a
        # suspension started or ended, or the account was deactivated.
        self.add_ids(
            "rk_voter",
            f"SELECT id FROM {USER} WHERE (date_joined > %(young_lo)s AND date_joined <= %(young_hi)s) "
            "OR suspended_until > %(since)s OR is_active = FALSE",
            p,
        )
        # Left over by earlier runs: deleted reviews and unsettled level changes.
        self.add_ids(
            "rk_user", "SELECT user_id AS id FROM ranking_rerankpending WHERE id <= %(pmax)s AND user_id IS NOT NULL", p
        )
        self.add_ids(
            "rk_product",
            "SELECT product_id AS id FROM ranking_rerankpending WHERE id <= %(pmax)s AND product_id IS NOT NULL",
            p,
        )
        self.add_ids(
            "rk_voter",
            "SELECT user_id AS id FROM ranking_rerankpending WHERE id <= %(pmax)s "
            "AND reason IN ('level_changed', 'voter_changed')",
            p,
        )
        # (with their inputs read again: the author's level is one)
        if self.add_ids(
            "rk_review_inputs",
            f"SELECT r.id FROM {REVIEW} r JOIN ranking_rerankpending pe ON pe.user_id = r.author_id "
            "WHERE pe.id <= %(pmax)s AND pe.reason = 'level_changed'",
            p,
        ):
            self.add_ids("rk_review", "SELECT id FROM rk_review_inputs")
        self.add_rating_siblings()

    def add_rating_siblings(self) -> None:
        """Put every review of a product whose average rating may have moved in rk_review_inputs
        and rk_review (each review's agreement reads it, see ranking.formula): the products, before
        and after, of the reviews in rk_review_inputs that are new or whose rating, status or
        product differ from what their score row holds, and those of deleted reviews
        (RerankPending). An edit of the text alone moves no average and rescores no sibling."""
        d = self.d
        published = "CASE WHEN r.status = 'published' THEN TRUE ELSE FALSE END"
        moved = (
            f"SELECT r.product_id, s.product_id AS old_product_id FROM rk_review_inputs i "
            f"JOIN {REVIEW} r ON r.id = i.id LEFT JOIN {SCORE} s ON s.review_id = r.id "
            f"WHERE s.review_id IS NULL OR {d.distinct('s.rating', 'r.rating')} "
            f"OR {d.distinct('s.ranked', published)} OR {d.distinct('s.product_id', 'r.product_id')}"
        )
        found = self.add_ids(
            "rk_rating_product",
            f"SELECT m.product_id AS id FROM ({moved}) m UNION ALL SELECT m.old_product_id FROM ({moved}) m "
            "UNION ALL SELECT product_id FROM ranking_rerankpending WHERE id <= %(pmax)s AND product_id IS NOT NULL",
            {"pmax": self.pending_max},
        )
        if found:
            siblings = f"SELECT r.id FROM {REVIEW} r WHERE r.product_id IN (SELECT id FROM rk_rating_product)"
            self.add_ids("rk_review_inputs", siblings)
            self.add_ids("rk_review", siblings)

    def find_changed_reviews(self, since: datetime, *, events: bool = False) -> None:
        """Add to rk_review the reviews whose own rows, votes, features or flags changed. With
        `events`, the changes are the review changes and vote events this run takes (see
        take_events); without, every review and vote updated after `since` (a split run's final
        step: whatever its parts may not have seen). The reviews whose own rows changed also go to
        rk_review_inputs."""
        p = {"since": self.dt(since), "now": self.dt(self.now)}
        if events:
            self.take_events(REVIEW_CHANGE, "review_id", into="rk_review_inputs")
        else:
            self.add_ids("rk_review_inputs", f"SELECT id FROM {REVIEW} WHERE changed_at > %(since)s", p)
        self.clear("rk_new_vote")
        if events:
            self.take_events(EVENT, EVENT_COLUMNS, into="rk_new_vote")
        else:
            self.x(
                f"INSERT INTO rk_new_vote ({EVENT_COLUMNS}) SELECT id, user_id, review_id, helpful, 'update', NULL, NULL "
                f"FROM {VOTE} WHERE updated_at > %(since)s",
                p,
            )
        # Counted, so later statements plan for them.
        self.analyze("rk_new_vote")
        # The many first, while rk_review is empty (no ON CONFLICT), then the few.
        self.add_ids("rk_review", "SELECT review_id AS id FROM rk_new_vote")
        self.add_ids("rk_review", "SELECT id FROM rk_review_inputs")
        self.add_ids("rk_review", f"SELECT review_id AS id FROM {SCORE} WHERE featured_changed_at > %(since)s", p)
        self.add_ids(
            "rk_review",
            f"SELECT review_id AS id FROM {SCORE} WHERE featured_until > %(since)s AND featured_until <= %(now)s",
            p,
        )
        self.resum_reviews(
            f"SELECT v.review_id AS id FROM {FLAGGED} fv JOIN {FLAG} f ON f.id = fv.flag_id "
            f"JOIN {VOTE} v ON v.id = fv.vote_id WHERE f.updated_at > %(since)s",
            p,
        )

    def take_events(self, table: str, columns: str, *, into: str | None) -> None:
        """Take the events of `table` (vote events or review changes) this run's snapshot sees:
        deleted, so the next run takes only later ones (a run that rolls back leaves them), and
        their `columns` copied `into` a temporary table. An id table (`id` its only column) gets
        each id once: one review may change many times between runs."""
        if into is None:
            copy = ""
        elif TEMP_TABLES[into] == "id BIGINT PRIMARY KEY":
            copy = f"INSERT INTO {into} (id) SELECT DISTINCT {columns} FROM {{}} WHERE TRUE ON CONFLICT (id) DO NOTHING"
        else:
            copy = f"INSERT INTO {into} ({columns}) SELECT {columns} FROM {{}}"
        if self.d.pg:
            # Under the run's one snapshot, DELETE removes exactly the events it sees; those of
            # votes committed meanwhile stay, as their votes stay unseen by this run.
            if into is None:
                self.x(f"DELETE FROM {table}")
            else:
                self.x(f"WITH taken AS (DELETE FROM {table} RETURNING {columns}) " + copy.format("taken"))
            return
        # SQLite has one writer at a time and increasing ids: the events up to the last one seen.
        last = self.scalar(f"SELECT MAX(id) FROM {table}")
        if last is None:
            return
        if into is not None:
            self.x(copy.format(f"(SELECT {columns} FROM {table} WHERE id <= %(last)s) taken"), {"last": last})
        self.x(f"DELETE FROM {table} WHERE id <= %(last)s", {"last": last})

    def event_voter_weights(self, result: RunResult) -> int | None:
        """Fill rk_event_voter with the voters of the taken vote events whose weight the events
        do not tell, and their vote weight (NULL: no standing). An event recorded its voter's
        weight with the vote-weight version, read together (ranking 0017); every change of a vote
        weight moves the version on in its own transaction, so while this run's snapshot shows
        the event's version, the event's weight is the voter's (see event_weight). Only the
        voters of other events (cast while an earlier run was changing weights, or before the
        voter had a standing) are looked up, not every voter of a new vote. Returns the vote-weight
        version this run sees, for vote_deltas."""
        version = self.scalar(f"SELECT version FROM {WEIGHT_VERSION} WHERE id = 1")
        result.notes["voter_weights_looked_up"] = result.notes.get("voter_weights_looked_up", 0) + self.x(
            "INSERT INTO rk_event_voter (user_id, weight) SELECT v.user_id, "
            f"(SELECT st.vote_weight FROM {STANDING} st WHERE st.user_id = v.user_id) FROM ("
            "  SELECT DISTINCT user_id FROM rk_new_vote "
            f"  WHERE weight IS NULL OR {self.d.distinct('weight_version', '%(version)s')}"
            ") v",
            {"version": version},
        )
        return version

    def event_weight(self, event: str, looked_up: str) -> str:
        """SQL for the weight of the voter of vote event `event` (a row of rk_new_vote): the one it
        recorded while its version is current, else the one looked up (`looked_up`, a row of
        rk_event_voter). Parameter: %(version)s."""
        return (
            f"CASE WHEN {event}.weight IS NOT NULL AND {event}.weight_version = %(version)s "
            f"THEN {event}.weight ELSE {looked_up}.weight END"
        )

    def resum_reviews(self, select_sql: str, params: dict | None = None) -> None:
        """Put the reviews `select_sql` yields in scope with all their votes summed again: what
        some of their votes weigh changed (a voter's weight, a cap, a fraud flag)."""
        self.add_ids("rk_review", select_sql, params)
        self.add_ids("rk_review_votes", select_sql, params)

    def vote_deltas(self, result: RunResult, *, weight_version: int | None) -> None:
        """What the votes cast since the last run (rk_new_vote) add to their reviews' stored sums
        (rk_vote_delta). Exact: a vote counts at its voter's weight, rounded like every summand.
        The reviews where that is not all that changed have all their votes summed again
        (rk_review_votes): a vote changed or withdrawn, a new vote that is capped or flagged, or
        one whose voter has no standing (_incremental gave one to every voter of a new vote, so
        the voter is gone). Every vote a stored sum holds was an event taken by an earlier run,
        which gave its voter a standing: a standing created by this run holds no earlier vote.
        `weight_version`: as event_voter_weights returned it."""
        self.add_ids("rk_review_votes", "SELECT review_id AS id FROM rk_new_vote WHERE kind <> 'insert'")
        self.add_ids(
            "rk_review_votes",
            f"SELECT e.review_id AS id FROM rk_new_vote e JOIN {PAIR} vp ON vp.voter_id = e.user_id "
            f"JOIN {REVIEW} r ON r.id = e.review_id AND r.author_id = vp.author_id "
            f"UNION ALL SELECT e.review_id FROM rk_new_vote e JOIN {FLAGGED} fv ON fv.vote_id = e.vote_id",
        )
        self.clear("rk_vote_delta")
        # Each voter's weight as the run began (a voter whose weight changed since has all their
        # votes summed again); NULL for a voter with no standing.
        w, zero = "e.weight", self.d.lit(0)
        self.x(
            "INSERT INTO rk_vote_delta (review_id, hw, uw, complete) "
            f"SELECT e.review_id, SUM(CASE WHEN e.helpful THEN {w} ELSE {zero} END), "
            f"SUM(CASE WHEN e.helpful THEN {zero} ELSE {w} END), COUNT(e.weight) = COUNT(*) FROM ("
            f"  SELECT n.review_id, n.helpful, {self.event_weight('n', 'ev')} AS weight FROM rk_new_vote n "
            "  LEFT JOIN rk_event_voter ev ON ev.user_id = n.user_id "
            "  WHERE n.review_id NOT IN (SELECT id FROM rk_review_votes)"
            ") e GROUP BY e.review_id",
            {"version": weight_version},
        )
        self.add_ids("rk_review_votes", "SELECT review_id AS id FROM rk_vote_delta WHERE NOT complete")
        moved = self.scalar("SELECT COUNT(*) FROM rk_vote_delta WHERE complete") or 0
        result.notes["reviews_moved_by_new_votes"] = result.notes.get("reviews_moved_by_new_votes", 0) + moved

    def ensure_rows_full(self, result: RunResult, *, scores: bool = True) -> None:
        # Reviews without a score row are listed first (a read), then inserted: an anti-join on
        # the very table being filled can turn quadratic.
        # A score row exists only for an existing review (one-to-one, cascading), so equal counts
        # mean none is missing: two index counts instead of an anti-join of a million rows.
        # (score_all finds the missing ones in its own pass over the reviews: `scores=False`.)
        if scores and self.count(REVIEW) != self.count(SCORE):
            self.add_ids(
                "rk_review",
                f"SELECT r.id FROM {REVIEW} r WHERE NOT EXISTS (SELECT 1 FROM {SCORE} s WHERE s.review_id = r.id)",
            )
        result.add(
            "scores_created",
            self.x(
                f"INSERT INTO {SCORE} ({SCORE_KEYS}) SELECT {SCORE_KEY_VALUES} "
                f"FROM {REVIEW} r JOIN {PRODUCT} p ON p.id = r.product_id "
                "WHERE r.id IN (SELECT id FROM rk_review) ON CONFLICT (review_id) DO NOTHING"
            ),
        )
        self.clear("rk_review")
        # Standings and product scores are one-to-one with users and products too (cascading):
        # ON CONFLICT would try, and refuse, an insertion for each of the existing rows.
        if self.count(USER) != self.count(STANDING):
            result.add(
                "standings_created",
                self.x(
                    f"INSERT INTO {STANDING} (user_id, vote_weight) SELECT u.id, {self._weight('1')} FROM {USER} u "
                    "WHERE TRUE ON CONFLICT (user_id) DO NOTHING",
                    self._weight_params(),
                ),
            )
        if self.count(PRODUCT) != self.count(PSCORE):
            result.add(
                "product_scores_created",
                self.x(
                    f"INSERT INTO {PSCORE} (product_id, category_id) SELECT p.id, p.category_id FROM {PRODUCT} p "
                    "WHERE TRUE ON CONFLICT (product_id) DO NOTHING"
                ),
            )
        self.ensure_category_stats()
        if (
            sum(result.changes.get(k, 0) for k in ("scores_created", "standings_created", "product_scores_created"))
            > 1000
        ):
            # Statistics from before a mass insert (the first run) would mislead every later plan.
            self.analyze(SCORE, STANDING, PSCORE)

    def ensure_category_stats(self) -> None:
        self.x(
            f"INSERT INTO {CATSTATS} (category_id) SELECT c.id FROM reviews_category c "
            "WHERE TRUE ON CONFLICT (category_id) DO NOTHING"
        )

    def ensure_standings(self, ids_sql: str, params: dict | None = None) -> int:
        """Create missing standing rows for the user ids `ids_sql` selects, with the weight their
        votes carry at level 1 (a new row's level)."""
        missing = self.missing(ids_sql, STANDING, "user_id")
        return self.x(
            f"INSERT INTO {STANDING} (user_id, vote_weight) SELECT u.id, {self._weight('1')} FROM ({missing}) m "
            f"JOIN {USER} u ON u.id = m.id WHERE TRUE ON CONFLICT (user_id) DO NOTHING",
            {**(params or {}), **self._weight_params()},
        )
