# SQL here is assembled only from table names, column names and numeric constants defined in this
# package, scoring.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""Review scores: their inputs, the full run's parallel score step and the writes that record what changed."""

from __future__ import annotations

import hashlib

from .. import scoring as S
from ..models import RerankRun
from .plumbing import (
    ALL,
    FLAG,
    FLAGGED,
    INPUT_COLUMNS,
    PAIR,
    PHOTO,
    PRODUCT,
    PSCORE,
    REVIEW,
    SCORE,
    SCORE_COLUMNS,
    SCORE_KEY_VALUES,
    SCORE_KEYS,
    STANDING,
    TOUCHED_COLUMNS,
    VOTE,
    RunResult,
    Scope,
)

# Above this many ids (users, products), the full run's score step reads no array parameters
# (see score_all).
MAX_LOOKUP_ARRAY = 5_000_000


class ScoreSteps:
    """Review scores: their inputs and figures, written where they differ; a scoped write records
    the rows it changed (rk_touched, rk_product_delta) for the steps after it."""

    def score_values(
        self,
        scope: Scope,
        votes_scope: Scope | None = None,
        deltas: str | None = None,
        inputs_scope: Scope | None = None,
        levels_scope: Scope | None = None,
    ) -> str:
        """SQL for the new score columns (SCORE_COLUMNS, plus review_id) of the reviews in
        `scope`, with `discover` before a moderator's feature boost (added by _write_scores from
        the score row, so this never reads the score table but for `votes_scope`). With
        `votes_scope` (a table of review ids), only those reviews' votes are summed again; the
        others keep the sums on their score row, plus what `deltas` (see vote_deltas) adds; with
        `inputs_scope` too, only its reviews have their other inputs read again (see score_inputs).
        Parameter: %(now)s."""
        votes, _ = self._vote_sums(votes_scope or scope)
        if votes_scope is not None and not self.count(votes_scope.table):
            votes = None  # no review's votes to sum again: every one keeps its stored sums
        elif scope.table is None:
            # Every vote (or a part's range of them): aggregate once, in parallel where it can.
            vote_agg = self.create_temp_as("rk_vote_agg", votes)
            votes = f"SELECT review_id, hw, uw FROM {vote_agg}"
        return self.score_layers(
            self.score_inputs(
                scope,
                votes,
                fenced=True,
                votes_scope=votes_scope,
                deltas=deltas,
                inputs_scope=inputs_scope,
                levels_scope=levels_scope,
            )
        )

    def _vote_sums(self, scope: Scope, weights: str | None = None) -> tuple[str, str | None]:
        """SQL for each review's weighted helpful and not-helpful sums (review_id, hw, uw).
        With `weights` (a float8[] parameter holding every voter's weight by user id, read instead
        of joining ten million votes with the standings; see score_all), the plain sums and, as a
        second query, the corrections to add to them; otherwise one query and None."""
        lit = self.d.lit
        # Most votes count at their voter's weight; the few capped (one voter's many votes on one
        # author) or flagged as fraud count at a fraction of it. Summed as the plain weights plus a
        # correction for those few, so the ten-million-vote pass joins only the voters' weights.
        capped = (
            f"SELECT v2.id AS vote_id, {self._cap_factor('vp.votes')} AS cap, {lit(1)} AS fraud "
            f"FROM {PAIR} vp JOIN {REVIEW} r2 ON r2.author_id = vp.author_id "
            f"JOIN {VOTE} v2 ON v2.review_id = r2.id AND v2.user_id = vp.voter_id WHERE {scope.on('r2.id')}"
        )
        flagged = (
            f"SELECT fv.vote_id, {lit(1)} AS cap, {self._fraud_factor('f.status')} AS fraud "
            f"FROM {FLAGGED} fv JOIN {FLAG} f ON f.id = fv.flag_id"
        )
        # Each factor is at most 1 (a cap applies from VOTER_AUTHOR_CAP + 1 votes on), so MIN picks
        # the vote's cap and its strongest flag.
        adjusted = (
            f"SELECT a.vote_id, MIN(a.cap) * MIN(a.fraud) AS factor FROM ({capped} UNION ALL {flagged}) a "
            "GROUP BY a.vote_id"
        )
        weight = f"COALESCE(st.vote_weight, {lit(0)})"
        corrections = (
            f"SELECT v.review_id, CASE WHEN v.helpful THEN {weight} * (adj.factor - 1) ELSE {lit(0)} END AS hw, "
            f"CASE WHEN v.helpful THEN {lit(0)} ELSE {weight} * (adj.factor - 1) END AS uw "
            f"FROM ({adjusted}) adj JOIN {VOTE} v ON v.id = adj.vote_id "
            f"LEFT JOIN {STANDING} st ON st.user_id = v.user_id WHERE {scope.on('v.review_id')}"
        )
        if weights:
            # Plain weights only, grouped on their own so PostgreSQL estimates the groups (through
            # a UNION it guesses 200 and sorts a million partial groups); see score_all.
            plain = f"COALESCE(({weights}::float8[])[v.user_id], {lit(0)})"
            return (
                f"SELECT v.review_id, COALESCE(SUM({plain}) FILTER (WHERE v.helpful), {lit(0)}) AS hw, "
                f"COALESCE(SUM({plain}) FILTER (WHERE NOT v.helpful), {lit(0)}) AS uw "
                f"FROM {VOTE} v WHERE {scope.on('v.review_id')} GROUP BY v.review_id"
            ), f"SELECT c.review_id, SUM(c.hw) AS hw, SUM(c.uw) AS uw FROM ({corrections}) c GROUP BY c.review_id"
        return (
            "SELECT q.review_id, SUM(q.hw) AS hw, SUM(q.uw) AS uw FROM ("
            f"  SELECT v.review_id, CASE WHEN v.helpful THEN {weight} ELSE {lit(0)} END AS hw, "
            f"  CASE WHEN v.helpful THEN {lit(0)} ELSE {weight} END AS uw "
            f"  FROM {VOTE} v LEFT JOIN {STANDING} st ON st.user_id = v.user_id WHERE {scope.on('v.review_id')}"
            f"  UNION ALL {corrections}"
            ") q GROUP BY q.review_id"
        ), None

    def score_inputs(
        self,
        scope: Scope,
        votes: str | None,
        *,
        fenced: bool,
        photos: str | None = None,
        averages: str | None = None,
        votes_scope: Scope | None = None,
        deltas: str | None = None,
        inputs_scope: Scope | None = None,
        levels_scope: Scope | None = None,
    ) -> str:
        """SQL for what a review's score is computed from (review_id, INPUT_COLUMNS,
        created_epoch): the review's own fields, its weighted vote sums (`votes`), photos, the
        author's level and the product's average rating (`averages`, see _product_averages).
        `fenced` keeps PostgreSQL from merging it into the layers above.

        With `votes_scope` (scoped runs), the reviews outside it keep the weighted sums their
        score row holds (moved by what their new votes add, with `deltas`), and the values carry
        the score row's figures before the write (see _write_scores). With `inputs_scope` (given with it),
        only the reviews in it have their own fields, photos, category and author's level read
        again; the others (a review in scope only for its votes) keep those their score row holds,
        which every change to them puts in `inputs_scope` (see ReviewChange), but for the level of
        an author in `levels_scope`, read again."""
        if votes_scope is not None:
            if inputs_scope is None:
                raise ValueError("a scoped score write that keeps stored sums keeps stored inputs too")
            return self._score_inputs_kept(scope, votes, votes_scope, deltas, inputs_scope, levels_scope)
        d, rnd = self.d, self.d.rnd
        fence = d.fence() if fenced else ""
        photos = photos or self._photo_counts(scope)
        averages = averages or self._product_averages(scope)
        if scope.table:
            # A few thousand reviews: each author's level and product's category by its key, not a
            # hash of every standing and product.
            author_level, level_join = self._author_level("r"), ""
            category, product_join = self._category("r"), ""
        else:
            author_level, level_join = "sa.level", f"LEFT JOIN {STANDING} sa ON sa.user_id = r.author_id "
            category, product_join = "pr.category_id", f"JOIN {PRODUCT} pr ON pr.id = r.product_id "
        return (
            f"SELECT r.id AS review_id, r.product_id, {category} AS category_id, r.author_id, r.created_at, r.rating, "
            "CASE WHEN r.status = 'published' THEN TRUE ELSE FALSE END AS ranked, "
            f"{rnd('COALESCE(va.hw, 0)')} AS helpful_weight, {rnd('COALESCE(va.uw, 0)')} AS unhelpful_weight, "
            f"r.body_length, COALESCE(ph.n, 0) AS photo_count, COALESCE({author_level}, 1) AS author_level, "
            f"{self._average_rating('pa', 'r.rating')} AS product_average_rating, "
            f"{d.epoch('r.created_at')} AS created_epoch "
            # The body's length is a stored generated column: the joins carry no review text.
            f"FROM ({self._review_fields(scope)}{fence}) r {product_join}"
            f"LEFT JOIN ({votes}) va ON va.review_id = r.id LEFT JOIN ({photos}) ph ON ph.review_id = r.id "
            f"LEFT JOIN ({averages}) pa ON pa.product_id = r.product_id "
            f"{level_join}WHERE {scope.on('r.id')}{fence}"
        )

    def _score_inputs_kept(
        self,
        scope: Scope,
        votes: str | None,
        votes_scope: Scope,
        deltas: str | None,
        inputs_scope: Scope,
        levels_scope: Scope | None,
    ) -> str:
        """score_inputs() for scoped runs: driven by the score rows of `scope` (each review in
        scope has one by now, see score_reviews); the review's own row, photos, category and
        author's level are read only for the reviews in `inputs_scope`, sparing a probe of the
        reviews, photos, products and standings for each of the others."""
        d = self.d
        hw, uw, kept_join = self._kept_sums("ks.review_id", votes, votes_scope, deltas)

        def pick(column: str, read: str) -> str:
            return f"CASE WHEN r.id IS NULL THEN ks.{column} ELSE {read} END"

        created_at = pick("created_at", "r.created_at")
        ranked = pick("ranked", "CASE WHEN r.status = 'published' THEN TRUE ELSE FALSE END")
        author_level = pick("author_level", f"COALESCE({self._author_level('r')}, 1)")
        if levels_scope is not None:
            # (a settle round: the authors whose level this run changed)
            # The table carries each one's new level: probed per review, a standing updated several
            # times in the run is a chain of row versions to walk.
            author_level = (
                f"CASE WHEN r.id IS NULL THEN COALESCE((SELECT lc.level FROM {levels_scope.table} lc "
                f"WHERE lc.id = ks.author_id), ks.author_level) ELSE {author_level} END"
            )
        return (
            f"SELECT ks.review_id, {pick('product_id', 'r.product_id')} AS product_id, "
            f"{pick('category_id', self._category('r'))} AS category_id, {pick('author_id', 'r.author_id')} AS author_id, "
            f"{created_at} AS created_at, {pick('rating', 'r.rating')} AS rating, "
            f"{ranked} AS ranked, "
            f"{hw} AS helpful_weight, {uw} AS unhelpful_weight, {pick('body_length', 'r.body_length')} AS body_length, "
            f"{pick('photo_count', 'COALESCE(ph.n, 0)')} AS photo_count, "
            f"{author_level} AS author_level, "
            f"{pick('product_average_rating', self._average_rating('pa', 'r.rating'))} AS product_average_rating, "
            + "".join(f"ks.{c} AS old_{c}, " for c in TOUCHED_COLUMNS)
            + f"{d.epoch(created_at)} AS created_epoch "
            f"FROM {SCORE} ks LEFT JOIN ({self._review_fields(inputs_scope)}{d.fence()}) r ON r.id = ks.review_id "
            f"LEFT JOIN ({self._photo_counts(inputs_scope)}) ph ON ph.review_id = ks.review_id "
            f"LEFT JOIN ({self._product_averages(inputs_scope)}) pa ON pa.product_id = r.product_id "
            f"{kept_join}WHERE {scope.on('ks.review_id')}{d.fence()}"
        )

    def _kept_sums(
        self, review_id: str, votes: str | None, votes_scope: Scope, deltas: str | None
    ) -> tuple[str, str, str]:
        """The weighted sums of a scoped run (SQL for hw and uw, and the joins they need): summed
        again by `votes` for the reviews in `votes_scope` (None: it is empty); for the others,
        those on the score row `ks` plus what `deltas` (see vote_deltas) adds."""
        rnd = self.d.rnd
        hw, uw, joins = "ks.helpful_weight", "ks.unhelpful_weight", ""
        if deltas:
            hw, uw = rnd("ks.helpful_weight + COALESCE(vd.hw, 0)"), rnd("ks.unhelpful_weight + COALESCE(vd.uw, 0)")
            joins += f"LEFT JOIN {deltas} vd ON vd.review_id = {review_id} "
        if votes is not None:
            joins += f"LEFT JOIN {votes_scope.table} vs ON vs.id = {review_id} "
            joins += f"LEFT JOIN ({votes}) va ON va.review_id = {review_id} "
            hw = f"CASE WHEN vs.id IS NULL THEN {hw} ELSE {rnd('COALESCE(va.hw, 0)')} END"
            uw = f"CASE WHEN vs.id IS NULL THEN {uw} ELSE {rnd('COALESCE(va.uw, 0)')} END"
        return hw, uw, joins

    @staticmethod
    def _review_fields(scope: Scope) -> str:
        return (
            "SELECT id, product_id, author_id, created_at, rating, status, body_length "
            f"FROM {REVIEW} WHERE {scope.on('id')}"
        )

    @staticmethod
    def _photo_counts(scope: Scope) -> str:
        return (
            f"SELECT ph.review_id, COUNT(*) AS n FROM {PHOTO} ph WHERE {scope.on('ph.review_id')} GROUP BY ph.review_id"
        )

    @staticmethod
    def _product_averages(scope: Scope) -> str:
        """SQL for the published ratings (product_id, s: their sum, n: their count) of the
        products of the reviews in `scope` (of every product for ALL): each review's agreement
        reads its product's average (see ranking.formula's product_average_rating)."""
        products = (
            "" if scope.everything else f"AND product_id IN (SELECT product_id FROM {REVIEW} WHERE {scope.on('id')}) "
        )
        return (
            f"SELECT product_id, SUM(rating) AS s, COUNT(*) AS n FROM {REVIEW} "
            f"WHERE status = 'published' {products}GROUP BY product_id"
        )

    def _average_rating(self, averages: str, rating: str) -> str:
        """SQL for the product_average_rating input from a row `averages` of _product_averages:
        the rounded mean; the review's own `rating` when its product has no published review."""
        d = self.d
        mean = d.rnd(f"{d.dbl(f'{averages}.s')} / {averages}.n")
        return f"COALESCE({mean}, {d.dbl(rating)})"

    @staticmethod
    def _author_level(review: str) -> str:
        return f"(SELECT sa.level FROM {STANDING} sa WHERE sa.user_id = {review}.author_id)"

    @staticmethod
    def _category(review: str) -> str:
        return f"(SELECT pr.category_id FROM {PRODUCT} pr WHERE pr.id = {review}.product_id)"

    def score_reviews(
        self,
        scope: Scope,
        result: RunResult,
        votes_scope: Scope | None = None,
        deltas: str | None = None,
        inputs_scope: Scope | None = None,
        levels_scope: Scope | None = None,
    ) -> int:
        """Write the new scores of the reviews in `scope` (only rows whose values differ). With
        `votes_scope`, only its reviews' votes are summed again, and with `inputs_scope` only its
        reviews' other inputs (and the levels of the authors in `levels_scope`) read again (see
        score_values)."""
        if scope.table:
            # The ids without a score row first (a probe of the score key each), then only those
            # reviews read: joined first, every review in scope was fetched to find the few new ones.
            # A review's creation is a review change (ranking 0016): in an incremental run's first
            # pass only the reviews in `inputs_scope` can lack a score row. (One that a bulk path
            # wrote with the triggers off waits for the nightly full run.) Only those are probed;
            # a settle round probes all its reviews.
            candidates = inputs_scope.table if inputs_scope and levels_scope is None else scope.table
            create = (
                f"INSERT INTO {SCORE} ({SCORE_KEYS}) SELECT {SCORE_KEY_VALUES} FROM ("
                f"{self.missing(f'SELECT id FROM {candidates}', SCORE, 'review_id')}"
                f") m JOIN {REVIEW} r ON r.id = m.id JOIN {PRODUCT} p ON p.id = r.product_id "
                "WHERE TRUE ON CONFLICT (review_id) DO NOTHING"
            )
            if votes_scope is None:
                self.x(create)
            elif self.d.pg:
                # A score row created now holds no sums nor inputs yet: its votes are summed and
                # its inputs read.
                to_inputs = (
                    f", inputs AS (INSERT INTO {inputs_scope.table} (id) SELECT review_id FROM created "
                    "ON CONFLICT (id) DO NOTHING)"
                    if inputs_scope
                    else ""
                )
                self.x(
                    f"WITH created AS ({create} RETURNING review_id){to_inputs} INSERT INTO {votes_scope.table} (id) "
                    "SELECT review_id FROM created ON CONFLICT (id) DO NOTHING"
                )
            else:
                missing = self.missing(f"SELECT id FROM {candidates}", SCORE, "review_id")
                self.add_ids(votes_scope.table, missing)
                if inputs_scope:
                    self.add_ids(inputs_scope.table, missing)
                self.x(create)
        return self._write_scores(
            self.score_values(scope, votes_scope, deltas, inputs_scope, levels_scope),
            {},
            result,
            record=scope if scope.table else None,
            old_in_values=votes_scope is not None,
        )

    def score_formula(self) -> str:
        """A fingerprint of the score formula (every expression and constant of score_layers and
        the feature boost): a full run recomputes every review's figures when it changed."""
        text = self.score_layers("inputs") + repr(sorted(self._new_score_columns().items()))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _lookup_array(self, sql: str) -> str | None:
        """The (id, value) rows of `sql` as the text of a PostgreSQL array literal indexed by id
        (arrays start at 1; NULL where no row has the id), or None when the ids are too sparse or
        many for one parameter. Text because psycopg sends a long list as an array far more slowly
        than the server reads this (repr keeps each float exact, so runs stay bit-identical)."""
        rows = self.rows(sql)
        top = max((key for key, _value in rows), default=0)
        if top > MAX_LOOKUP_ARRAY:
            return None
        values = ["NULL"] * top
        for key, value in rows:
            values[key - 1] = "NULL" if value is None else repr(value)
        return "{" + ",".join(values) + "}"

    def _lookups(self) -> dict[str, str] | None:
        """What score_all reads per vote and per review by key, as array parameters (see
        _lookup_array): each voter's weight, each author's level, each product's category and
        average rating; None when one of them cannot be an array."""
        d = self.d
        mean = d.rnd(f"{d.dbl('pa.s')} / pa.n")  # as _average_rating rounds it
        arrays = {
            "weights": self._lookup_array(f"SELECT user_id, vote_weight FROM {STANDING}"),
            "levels": self._lookup_array(f"SELECT user_id, level FROM {STANDING}"),
            "categories": self._lookup_array(f"SELECT id, category_id FROM {PRODUCT}"),
            "averages": self._lookup_array(f"SELECT pa.product_id, {mean} FROM ({self._product_averages(ALL)}) pa"),
        }
        return None if None in arrays.values() else arrays

    def score_all(self, result: RunResult) -> str:
        """The full run's score step on PostgreSQL: one pass over the reviews in id order.

        Every input of every score is recomputed from the base tables: the weighted sums of all
        votes, each review's status, length, photos, product and category, its author's level and
        its product's average rating. The votes and photos are grouped as their covering indexes
        stream them in review order and merged with the reviews and the score rows, read in the
        same order: no aggregate of a million groups is stored or hashed. What is looked up by
        key (a voter's weight, an author's level, a product's category and average rating) comes
        from array parameters (_lookups), so no join breaks that order.
        The score figures are a pure function of those inputs (score_layers), so they are
        recomputed for the reviews whose inputs differ from the stored ones, those with a
        moderator's feature (its boost depends on the time) and those never scored; all of them
        when the formula changed since the last full run (score_formula). The layered formula must
        be fenced and so runs in one backend: it is evaluated only for the rows that need it.
        When the ids are too sparse for array parameters, the portable statement scores every
        review instead (score_reviews)."""
        lookups = self._lookups()
        if lookups is None:
            self.ensure_rows_full(result)
            self.score_reviews(ALL, result)
            return self.score_formula()
        votes, corrections = self._vote_sums(ALL, "%(weights)s")
        # The few capped or flagged votes' corrections, summed once (see _vote_sums).
        corrected = self.create_temp_as("rk_vote_corrections", corrections)
        d, rnd = self.d, self.d.rnd
        inputs = (
            "SELECT r.id AS review_id, r.product_id, (%(categories)s::int8[])[r.product_id] AS category_id, "
            "r.author_id, r.created_at, r.rating, CASE WHEN r.status = 'published' THEN TRUE ELSE FALSE END AS ranked, "
            f"{rnd('COALESCE(va.hw + COALESCE(c.hw, 0), 0)')} AS helpful_weight, "
            f"{rnd('COALESCE(va.uw + COALESCE(c.uw, 0), 0)')} AS unhelpful_weight, "
            "r.body_length, COALESCE(ph.n, 0) AS photo_count, COALESCE((%(levels)s::int[])[r.author_id], 1) AS author_level, "
            f"COALESCE((%(averages)s::float8[])[r.product_id], {d.dbl('r.rating')}) AS product_average_rating, "
            f"{d.epoch('r.created_at')} AS created_epoch "
            f"FROM {REVIEW} r LEFT JOIN ({votes}) va ON va.review_id = r.id "
            f"LEFT JOIN {corrected} c ON c.review_id = r.id "
            f"LEFT JOIN ({self._photo_counts(ALL)}) ph ON ph.review_id = r.id"
        )
        formula = self.score_formula()
        last = self.last_done_run(kind=RerankRun.Kind.FULL)
        if last is None or (last.changes or {}).get("score_formula") != formula:
            result.notes["score_formula_changed"] = 1
            stale = "TRUE"
        else:
            stale = " OR ".join(
                [
                    *(self.d.distinct(f"t.{c}", f"i.{c}") for c in INPUT_COLUMNS),
                    "t.featured_until IS NOT NULL",
                    # Every computed quality is at least QUALITY_FLOOR; a new score row holds 0.
                    f"t.quality < {self.d.lit(S.QUALITY_FLOOR / 2)}",
                ]
            )
        # Merged in review order (see above): hashing would build tables of a million rows.
        for setting in ("enable_hashjoin", "enable_hashagg"):
            self.x(f"SET LOCAL {setting} = off")
        changed_inputs = self.create_temp_as(
            "rk_score_inputs",
            f"SELECT i.*, t.review_id IS NULL AS unscored FROM ({inputs}) i "
            f"LEFT JOIN {SCORE} t ON t.review_id = i.review_id WHERE t.review_id IS NULL OR {stale}",
            lookups,
        )
        for setting in ("enable_hashjoin", "enable_hashagg"):
            self.x(f"SET LOCAL {setting} TO DEFAULT")
        # Reviews with no score row yet (new since the last run): created here, from the same pass.
        created = self.x(
            f"INSERT INTO {SCORE} ({SCORE_KEYS}) SELECT {SCORE_KEYS} FROM {changed_inputs} WHERE unscored "
            "ON CONFLICT (review_id) DO NOTHING"
        )
        result.add("scores_created", created)
        if created > 1000:
            self.analyze(SCORE)
        self._write_scores(self.score_layers(f"SELECT * FROM {changed_inputs}"), {}, result, bulk=stale == "TRUE")
        return formula

    def _write_scores(
        self,
        values_sql: str,
        params: dict,
        result: RunResult,
        *,
        bulk: bool = False,
        record: Scope | None = None,
        old_in_values: bool = False,
    ) -> int:
        """Write the scores `values_sql` computes where they differ from the stored ones. With
        `record` (a scoped write: the reviews in that scope), rk_touched receives the rows that
        changed, with their keys and product inputs before and after: only those change
        standings and products (see add_touched and record_product_deltas)."""
        new = self._new_score_columns()
        changed = self.d.any_distinct((f"t.{c}", expr) for c, expr in new.items())
        params = {**params, "now": self.dt(self.now)}
        if record is not None:
            count = self._write_scores_recorded(values_sql, params, new, changed, record, old_in_values)
            result.add("review_scores", count)
            return count
        if bulk and self.d.pg:
            # A million rows: computed and compared with the stored ones by a parallel CREATE TABLE
            # AS; the (serial) UPDATE then only touches the rows that differ.
            diff = self.create_temp_as(
                "rk_score_diff",
                f"SELECT c.review_id, {', '.join(f'{expr} AS {col}' for col, expr in new.items())} "
                f"FROM ({values_sql}) c JOIN {SCORE} t ON t.review_id = c.review_id WHERE {changed}",
                params,
            )
            sets = ", ".join(f"{c} = d.{c}" for c in new)
            count = self.x(
                f"UPDATE {SCORE} AS t SET {sets}, updated_at = %(now)s FROM {diff} d WHERE t.review_id = d.review_id",
                params,
            )
        else:
            sets = ", ".join(f"{c} = {expr}" for c, expr in new.items())
            count = self.x(
                f"UPDATE {SCORE} AS t SET {sets}, updated_at = %(now)s FROM ({values_sql}) c "
                f"WHERE t.review_id = c.review_id AND {changed}",
                params,
            )
        result.add("review_scores", count)
        if count > 10_000:
            self.analyze(SCORE)  # e.g. `ranked` flipped on a million rows: stale statistics mislead
        return count

    def _write_scores_recorded(
        self, values_sql: str, params: dict, new: dict[str, str], changed: str, record: Scope, old_in_values: bool
    ) -> int:
        sets = ", ".join(f"{c} = {expr}" for c, expr in new.items())
        kept = list(TOUCHED_COLUMNS)
        touched_cols = ", ".join(["review_id", *kept, *(f"old_{c}" for c in kept)])
        self.clear("rk_touched")
        if self.d.pg:
            # The values before the write come from the score rows as the statement's snapshot
            # sees them (carried by the values from the score row they read, `old_in_values`);
            # RETURNING gives those after.
            with_old = (
                values_sql
                if old_in_values
                else (
                    f"SELECT c.*, {', '.join(f'o.{c} AS old_{c}' for c in kept)} "
                    f"FROM ({values_sql}) c JOIN {SCORE} o ON o.review_id = c.review_id"
                )
            )
            count = self.x(
                f"WITH changed AS (UPDATE {SCORE} AS t SET {sets}, updated_at = %(now)s FROM ("
                f"  {with_old}"
                f") c WHERE t.review_id = c.review_id AND {changed} "
                f"RETURNING t.review_id, {', '.join(f't.{c}' for c in kept)}, {', '.join(f'c.old_{c}' for c in kept)}"
                f") INSERT INTO rk_touched ({touched_cols}) SELECT {touched_cols} FROM changed",
                params,
            )
        else:
            count = self._write_scores_recorded_sqlite(values_sql, params, sets, changed, record, kept)
        self.record_product_deltas()
        return count

    def _write_scores_recorded_sqlite(
        self, values_sql: str, params: dict, sets: str, changed: str, record: Scope, kept: list[str]
    ) -> int:
        # SQLite's RETURNING sees only the updated table: the values before are copied first.
        self.clear("rk_old_values")
        self.x(
            f"INSERT INTO rk_old_values (review_id, {', '.join(kept)}) "
            f"SELECT review_id, {', '.join(kept)} FROM {SCORE} WHERE {record.on('review_id')}"
        )
        ids = self.rows(
            f"UPDATE {SCORE} AS t SET {sets}, updated_at = %(now)s FROM ({values_sql}) c "
            f"WHERE t.review_id = c.review_id AND {changed} RETURNING review_id",
            params,
        )
        if ids:
            self.insert_many("INSERT INTO rk_touched (review_id) VALUES (%s)", ids)
            self.x(
                f"UPDATE rk_touched SET {', '.join(f'{c} = s.{c}, old_{c} = o.{c}' for c in kept)} "
                f"FROM {SCORE} s, rk_old_values o WHERE s.review_id = rk_touched.review_id "
                "AND o.review_id = rk_touched.review_id"
            )
        return len(ids)

    def record_product_deltas(self) -> None:
        """Add what the score rows just changed (rk_touched) add to and take from their products'
        sums. Exact: every quality is rounded to ROUND_DIGITS decimals, so a sum moved by the
        differences and rounded again equals the sum recounted (see product_scores). A score row
        created in this run is not ranked before its first write, so it takes nothing away.
        A row whose category changed also records both categories, adding nothing: its product,
        moved to another category, is counted again (product_scores) even when no ranked row
        carries the new category or the old one."""
        d = self.d
        zero, moved = d.lit(0), d.distinct("old_category_id", "category_id")
        self.x(
            "INSERT INTO rk_product_delta (product_id, category_id, n, ratings, w, wr) "
            f"SELECT product_id, category_id, 1, {d.dbl('rating')}, quality, quality * rating FROM rk_touched "
            f"WHERE ranked UNION ALL SELECT old_product_id, old_category_id, -1, -{d.dbl('old_rating')}, -old_quality, "
            "-(old_quality * old_rating) FROM rk_touched WHERE old_ranked "
            f"UNION ALL SELECT product_id, category_id, 0, {zero}, {zero}, {zero} FROM rk_touched WHERE {moved} "
            f"UNION ALL SELECT old_product_id, old_category_id, 0, {zero}, {zero}, {zero} FROM rk_touched "
            f"WHERE {moved} AND old_category_id IS NOT NULL"
        )
        # Only the product of a score row created in this run (a quality of 0 before its first
        # write) or moved to it can lack a product score: the run that first wrote any other row
        # gave its product one, so only those are probed.
        self.x(
            f"INSERT INTO {PSCORE} (product_id, category_id) SELECT p.id, p.category_id FROM ("
            + self.missing(
                "SELECT product_id AS id FROM rk_touched "
                f"WHERE old_quality < {d.lit(S.QUALITY_FLOOR / 2)} OR {d.distinct('old_product_id', 'product_id')}",
                PSCORE,
                "product_id",
            )
            + f") m JOIN {PRODUCT} p ON p.id = m.id WHERE TRUE ON CONFLICT (product_id) DO NOTHING"
        )

    def add_touched(self) -> None:
        """Put the authors and categories of the score rows the last scoped write changed (before
        and after the write) in rk_user and rk_pcategory. (Their products' sums move by what
        record_product_deltas recorded; a product whose rows stayed unranked has nothing to move.)"""
        # (The "before" side only where it differs: a row seldom changes author or product.)
        d = self.d
        self.add_ids(
            "rk_user",
            "SELECT author_id AS id FROM rk_touched "
            f"UNION ALL SELECT old_author_id FROM rk_touched WHERE {d.distinct('old_author_id', 'author_id')}",
        )
        # (A score row carries its product's category: the product ranks to number again.)
        self.add_ids(
            "rk_pcategory",
            "SELECT category_id AS id FROM rk_touched "
            f"UNION ALL SELECT old_category_id FROM rk_touched WHERE {d.distinct('old_category_id', 'category_id')}",
        )

    def _new_score_columns(self) -> dict[str, str]:
        """SQL for each stored score column from the computed values `c` and the score row `t`:
        the computed value, with a moderator's feature boost added to `discover`."""
        return {c: f"c.{c}" for c in SCORE_COLUMNS} | {"discover": self._featured_discover("c.discover")}
