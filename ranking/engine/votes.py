# SQL here is assembled only from table names, column names and numeric constants defined in this
# package, scoring.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""Vote pairs beyond the voter/author cap, and what each voter's votes weigh."""

from __future__ import annotations

from datetime import timedelta

from .. import scoring as S
from .plumbing import PAIR, REVIEW, STANDING, TALLY, USER, VOTE, RunResult, Scope


class VoteSteps:
    """Vote pairs over the voter/author cap (VotePair, rk_pair_changed) and vote weights
    (ReviewerStanding.vote_weight, rk_weight_new)."""

    def pairs_full(self, result: RunResult) -> None:
        # reviews.VoteTally counts every voter's votes per author, kept exact in each vote's own
        # transaction: the pairs over the cap are read from it, not regrouped from every vote.
        # They are few (a few hundred of ten million tallies) and read through the partial index
        # "tally_repeat_voters", so every run compares all of them with the tracked pairs.
        self.x(
            "INSERT INTO rk_pair_new (voter_id, author_id, votes, helpful_votes) "
            f"SELECT t.voter_id, t.author_id, t.votes, t.helpful_votes FROM {TALLY} t "
            f"WHERE t.votes >= {S.PAIR_MIN_VOTES}"
        )
        self.sync_pairs(result)

    def pairs_incremental(self, result: RunResult) -> None:
        """Sync the tracked pairs (see sync_pairs) and put the votes of the pairs whose counts
        changed back in scope; rk_pair_changed then also holds the pairs of this run's vote
        events (rk_new_vote) at or above the serial-voting threshold, for fraud.detect_serial."""
        # All pairs over the cap, as on a full run: cheaper than finding the pairs of the new votes
        # (ten thousand lookups of their reviews' authors) to compare only those.
        self.pairs_full(result)
        # A pair whose count changed changes the weight of the voter's other votes on that author.
        self.resum_reviews(
            f"SELECT v.review_id AS id FROM rk_pair_changed c JOIN {REVIEW} r ON r.author_id = c.author_id "
            f"JOIN {VOTE} v ON v.review_id = r.id AND v.user_id = c.voter_id",
        )
        # Serial voting is looked for on the pairs of rk_pair_changed (fraud.detect_serial). A vote
        # withdrawn and another cast on the same author leave the pair's counts as they were, yet
        # the new vote may belong to its burst: the tracked pairs of this run's vote events that
        # reach the serial threshold are looked at too (their votes' weights are unchanged, so
        # they are added after the resum above). The tracked pairs are few: they lead the join.
        self.x(
            "INSERT INTO rk_pair_changed (voter_id, author_id) SELECT DISTINCT vp.voter_id, vp.author_id "
            f"FROM {PAIR} vp JOIN rk_new_vote e ON e.user_id = vp.voter_id "
            f"JOIN {REVIEW} r ON r.id = e.review_id AND r.author_id = vp.author_id "
            f"WHERE vp.votes >= {S.SERIAL_VOTES_PER_DAY} ON CONFLICT (voter_id, author_id) DO NOTHING"
        )

    def sync_pairs(self, result: RunResult) -> None:
        """Make the tracked pairs (VotePair) those of rk_pair_new; rk_pair_changed receives the
        pairs that came, went or changed."""
        same = "n.voter_id = vp.voter_id AND n.author_id = vp.author_id"
        self.x(
            "INSERT INTO rk_pair_changed (voter_id, author_id) "
            f"SELECT vp.voter_id, vp.author_id FROM {PAIR} vp WHERE NOT EXISTS "
            f"(SELECT 1 FROM rk_pair_new n WHERE {same} AND n.votes = vp.votes AND n.helpful_votes = vp.helpful_votes)"
        )
        self.x(
            "INSERT INTO rk_pair_changed (voter_id, author_id) SELECT n.voter_id, n.author_id FROM rk_pair_new n "
            f"WHERE NOT EXISTS (SELECT 1 FROM {PAIR} vp WHERE {same} AND n.votes = vp.votes "
            "AND n.helpful_votes = vp.helpful_votes) "
            "ON CONFLICT (voter_id, author_id) DO NOTHING"
        )
        changed = self.x(
            f"DELETE FROM {PAIR} WHERE id IN (SELECT vp.id FROM {PAIR} vp "
            f"WHERE NOT EXISTS (SELECT 1 FROM rk_pair_new n WHERE {same}))"
        )
        changed += self.x(
            f"UPDATE {PAIR} AS vp SET votes = n.votes, helpful_votes = n.helpful_votes FROM rk_pair_new n "
            f"WHERE {same} AND (vp.votes <> n.votes OR vp.helpful_votes <> n.helpful_votes)"
        )
        changed += self.x(
            f"INSERT INTO {PAIR} (voter_id, author_id, votes, helpful_votes) "
            "SELECT n.voter_id, n.author_id, n.votes, n.helpful_votes FROM rk_pair_new n "
            "WHERE TRUE ON CONFLICT (voter_id, author_id) DO NOTHING"
        )
        result.add("vote_pairs", changed)

    def _weight_params(self) -> dict:
        return {"young": self.dt(self.now - timedelta(days=S.YOUNG_ACCOUNT_DAYS)), "now": self.dt(self.now)}

    def vote_weights(self, scope: Scope, result: RunResult) -> int:
        """Recompute what each voter's votes count for; returns how many changed (in rk_weight_new)."""
        weight = self._weight("st.level")
        self.clear("rk_weight_new")
        differing = self.x(
            "INSERT INTO rk_weight_new (user_id, weight) SELECT c.user_id, c.weight FROM ("
            f"  SELECT st.user_id, st.vote_weight AS old_weight, {weight} AS weight "
            f"  FROM {STANDING} st JOIN {USER} u ON u.id = st.user_id WHERE {scope.on('st.user_id')}"
            f") c WHERE {self.d.distinct('c.old_weight', 'c.weight')}",
            self._weight_params(),
        )
        # (Not even an empty UPDATE: each moves the vote-weight version on, see event_voter_weights.)
        changed = differing and self.x(
            f"UPDATE {STANDING} AS st SET vote_weight = w.weight FROM rk_weight_new w WHERE st.user_id = w.user_id"
        )
        result.add("vote_weights", changed)
        return changed
