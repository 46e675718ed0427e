# SQL here is assembled only from the names and constants declared in this module, scoring.py and
# settings, and from SQL fragments the engine passes in; no value from outside is ever inlined.
# ruff: noqa: S608
"""The ranking formula, declared once, as data.

Every figure the rerank job computes by formula (a review's score, what a vote counts, a review's
reputation points, a product's Bayesian score) is declared below exactly once: a `Term` with its
name (the stored column, where there is one), a reader-facing label, a weight where it has one,
and one expression over its inputs and other terms. From these declarations come:

- the SQL the engine runs, for PostgreSQL and SQLite (`review_figures_sql`, `vote_weight_sql`,
  `vote_factor_sql`, `review_points_sql`, `product_figures_sql`, `featured_discover_sql`);
- the Python oracle (`Formula.evaluate`; ranking.scoring's functions are thin calls to it), which
  takes exactly the same steps, rounding included, so both agree to the last stored digit;
- the score columns (`FIGURE_COLUMNS`, `INPUT_COLUMNS`, the model fields in ranking.models);
- the review columns whose change must trigger a rescore (`rescore_watch`), checked against the
  installed triggers by tests/ranking/test_formula.py;
- the "why it is ranked here" explanation (ranking.selectors.score_explanation) and the formula
  section of docs/ranking.md (`formula_markdown`, `manage.py ranking_formula --markdown`).

The numbers (weights, scales, thresholds) are the constants of ranking.scoring; an expression
names them with `Param`, read when the SQL is built or the oracle runs, so a changed constant
changes both (and the full run's formula fingerprint, see the engine's score_formula).

The expression language is a small immutable tree: references (`Ref`, an input or another term),
literals, parameters, + - * / and negation, exp / ln / sqrt, least / greatest, `when(cond, a, b)`
with comparisons, a `lookup` in a parameter's table, and `rnd`: rounding to ROUND_DIGITS decimals
in floating point (`ROUND(x * 1e6) / 1e6`), which is what makes a second run bit-identical.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce

# --- the expression language ------------------------------------------------------------------


class Expr:
    """A node of a formula's expression tree. Python operators build new nodes."""

    __slots__ = ()

    def __add__(self, other) -> Expr:
        return Op("+", self, _wrap(other))

    def __radd__(self, other) -> Expr:
        return Op("+", _wrap(other), self)

    def __sub__(self, other) -> Expr:
        return Op("-", self, _wrap(other))

    def __rsub__(self, other) -> Expr:
        return Op("-", _wrap(other), self)

    def __mul__(self, other) -> Expr:
        return Op("*", self, _wrap(other))

    def __rmul__(self, other) -> Expr:
        return Op("*", _wrap(other), self)

    def __truediv__(self, other) -> Expr:
        return Op("/", self, _wrap(other))

    def __rtruediv__(self, other) -> Expr:
        return Op("/", _wrap(other), self)

    def __neg__(self) -> Expr:
        return Fn("neg", (self,))

    def __ge__(self, other) -> Cmp:
        return Cmp(">=", self, _wrap(other))

    def __gt__(self, other) -> Cmp:
        return Cmp(">", self, _wrap(other))

    def __le__(self, other) -> Cmp:
        return Cmp("<=", self, _wrap(other))

    def __lt__(self, other) -> Cmp:
        return Cmp("<", self, _wrap(other))

    def children(self) -> tuple[Expr, ...]:
        return ()


@dataclass(frozen=True, eq=False)
class Num(Expr):
    value: float


# The module whose constants the formula's parameters name: ranking.scoring binds itself when it
# is imported (it builds its oracle from this module, so this one does not import it back).
_constants = None


def bind_constants(module) -> None:
    global _constants
    _constants = module


def constants():
    if _constants is None:
        raise FormulaError("ranking.scoring is not imported: the formula's constants are not bound")
    return _constants


@dataclass(frozen=True, eq=False)
class Param(Expr):
    """A constant of ranking.scoring (or, with source="settings", a Django setting), read at use.
    With `key`, one entry of a table-valued constant (CONTENT_WEIGHTS["length"])."""

    name: str
    key: object = None
    source: str = "scoring"

    def value(self, overrides: Mapping[str, object] | None = None):
        if overrides and self.name in overrides:
            value = overrides[self.name]
        elif self.source == "settings":
            from django.conf import settings

            value = getattr(settings, self.name)
        else:
            # Read at use: a constant patched on ranking.scoring (an operator's change, a test's)
            # reaches the SQL and the oracle alike.
            value = getattr(constants(), self.name)
        return value if self.key is None else value[self.key]

    def text(self) -> str:
        return self.name if self.key is None else f"{self.name}[{self.key!r}]"


@dataclass(frozen=True, eq=False)
class Ref(Expr):
    """An input of the formula or another of its terms, by name."""

    name: str


@dataclass(frozen=True, eq=False)
class Op(Expr):
    op: str  # + - * /
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, eq=False)
class Fn(Expr):
    name: str  # neg exp ln sqrt least greatest
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, eq=False)
class Cmp(Expr):
    """A comparison: only a condition of `when` (or a term whose value is true or false)."""

    op: str  # >= > <= < =
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, eq=False)
class When(Expr):
    cond: Expr  # a Cmp or a Ref to a flag input
    then: Expr
    other: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.cond, self.then, self.other)


@dataclass(frozen=True, eq=False)
class Lookup(Expr):
    """`table[key]` for an integer key (a level), `default` for keys the table lacks."""

    table: Param
    key: Expr
    default: float

    def children(self) -> tuple[Expr, ...]:
        return (self.key,)


@dataclass(frozen=True, eq=False)
class Round(Expr):
    arg: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


def _wrap(value) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a formula expression: {value!r}")
    return Num(float(value))


def exp(x) -> Expr:
    return Fn("exp", (_wrap(x),))


def ln(x) -> Expr:
    return Fn("ln", (_wrap(x),))


def sqrt(x) -> Expr:
    return Fn("sqrt", (_wrap(x),))


def least(a, b) -> Expr:
    return Fn("least", (_wrap(a), _wrap(b)))


def greatest(a, b) -> Expr:
    return Fn("greatest", (_wrap(a), _wrap(b)))


def when(cond: Expr, then, other) -> Expr:
    return When(cond, _wrap(then), _wrap(other))


def eq(a, b) -> Cmp:
    return Cmp("=", _wrap(a), _wrap(b))


def rnd(x) -> Expr:
    return Round(_wrap(x))


def lookup(table: Param, key: Expr, default: float) -> Expr:
    return Lookup(table, key, default)


def refs(expr: Expr) -> set[str]:
    """The names an expression refers to directly."""
    found = {expr.name} if isinstance(expr, Ref) else set()
    for child in expr.children():
        found |= refs(child)
    return found


def params(expr: Expr) -> list[Param]:
    """The parameters an expression reads, in order of appearance."""
    found = [expr] if isinstance(expr, Param) else []
    if isinstance(expr, Lookup):
        found.append(expr.table)
    for child in expr.children():
        found += [p for p in params(child) if p not in found]
    return found


# --- rounding, as each database does it -------------------------------------------------------


def round_scale() -> float:
    return float(10 ** constants().ROUND_DIGITS)


def round_figure(value: float, vendor: str) -> float:
    """`ROUND(value * 1e6) / 1e6` as `vendor` computes it. PostgreSQL's round(double precision)
    is C's rint(): halves to even, like Python's round(); SQLite's adds 0.5 away from zero and
    truncates. Only exact halves (after the multiplication) differ."""
    scale = round_scale()
    scaled = value * scale
    if vendor == "sqlite" and abs(scaled) <= 4503599627370496.0:
        scaled = float(math.trunc(scaled - 0.5 if scaled < 0 else scaled + 0.5))
    elif vendor != "sqlite":
        scaled = float(round(scaled))
    return scaled / scale


# --- declarations -----------------------------------------------------------------------------

INT, FLOAT, FLAG = "int", "float", "flag"


@dataclass(frozen=True, eq=False)
class Input:
    """What a formula is computed from. `reads` names the base-table columns ("table.column") it
    is read from: a change to one of a review's must put the review back in an incremental run
    (see rescore_watch). `stored`: also a column of the score row. `default`: its value when the
    row has none (SQL NULL)."""

    name: str
    label: str
    kind: str = FLOAT
    reads: tuple[str, ...] = ()
    stored: bool = True
    default: Expr | None = None

    @property
    def ref(self) -> Ref:
        return Ref(self.name)


@dataclass(frozen=True, eq=False)
class Term:
    """One figure of a formula. `stored`: a column (of the score row, the standing, the product
    score); otherwise it is written into the SQL where it is used. `weight`: how much it counts
    in the weighted sum of its `parts`' parent. `key`: its short name in the API and in
    CONTENT_WEIGHTS, where it differs from the column's. `parts`: the terms a weighted sum adds
    (see weighted_sum)."""

    name: str
    label: str
    expr: Expr
    weight: Expr | None = None
    stored: bool = True
    key: str | None = None
    parts: tuple[str, ...] = ()
    about: str = ""

    @property
    def ref(self) -> Ref:
        return Ref(self.name)

    @property
    def short(self) -> str:
        return self.key or self.name

    def describe(self) -> str:
        """`about` for readers: each {NAME} replaced by that constant's value (ranking.scoring)."""
        return describe(self.about)


class _Constants(dict):
    def __missing__(self, name: str) -> str:
        return _value_text(Param(name, source="scoring" if hasattr(constants(), name) else "settings").value())


def describe(text: str) -> str:
    return text.format_map(_Constants())


def weighted_sum(name: str, label: str, parts: Iterable[Term], **kwargs) -> Term:
    """A term that is the (rounded) sum of its parts, each times its declared weight."""
    parts = tuple(parts)
    total = reduce(lambda acc, part: acc + part.weight * part.ref, parts[1:], parts[0].weight * parts[0].ref)
    return Term(name, label, rnd(total), parts=tuple(p.name for p in parts), **kwargs)


class FormulaError(ValueError):
    pass


@dataclass(frozen=True, eq=False)
class Formula:
    """A group of terms computed together from the same inputs (one row at a time)."""

    name: str
    label: str
    inputs: tuple[Input, ...]
    terms: tuple[Term, ...]
    by_name: dict = field(init=False, repr=False)

    def __post_init__(self):
        by_name: dict[str, Input | Term] = {}
        for item in (*self.inputs, *self.terms):
            if item.name in by_name:
                raise FormulaError(f"{self.name}: {item.name} is declared twice")
            by_name[item.name] = item
        object.__setattr__(self, "by_name", by_name)
        for term in self.terms:
            unknown = refs(term.expr) - by_name.keys()
            if unknown:
                raise FormulaError(f"{self.name}.{term.name} refers to undeclared {sorted(unknown)}")
        self.order()  # refuses a cycle

    def input(self, name: str) -> Input:
        item = self.by_name[name]
        if not isinstance(item, Input):
            raise KeyError(name)
        return item

    def term(self, name: str) -> Term:
        item = self.by_name[name]
        if not isinstance(item, Term):
            raise KeyError(name)
        return item

    def depends_on(self, term: Term) -> set[str]:
        """The terms `term` refers to directly."""
        return {name for name in refs(term.expr) if isinstance(self.by_name[name], Term)}

    def order(self) -> list[Term]:
        """Every term after the terms it refers to (declaration order where free)."""
        done: dict[str, Term] = {}
        visiting: set[str] = set()

        def visit(term: Term) -> None:
            if term.name in done:
                return
            if term.name in visiting:
                raise FormulaError(f"{self.name}: {term.name} depends on itself")
            visiting.add(term.name)
            for dep in sorted(self.depends_on(term)):
                visit(self.term(dep))
            visiting.discard(term.name)
            done[term.name] = term

        for term in self.terms:
            visit(term)
        return list(done.values())

    def layers(self) -> list[list[Term]]:
        """The stored terms by layer: each one's layer is one more than the deepest stored term
        it needs (through unstored ones, which are written where they are used), so a layer
        only reads the inputs and the layers below it."""
        depth: dict[str, int] = {}
        for term in self.order():
            below = max((depth[d] for d in self.depends_on(term)), default=0)
            depth[term.name] = below + 1 if term.stored else below
        layers: list[list[Term]] = [[] for _ in range(max(depth.values(), default=0))]
        for term in self.terms:  # declaration order within a layer
            if term.stored:
                layers[depth[term.name] - 1].append(term)
        return [layer for layer in layers if layer]

    def stored_terms(self) -> list[Term]:
        return [term for term in self.terms if term.stored]

    # --- SQL ------------------------------------------------------------------------------------

    def sql(self, name: str, dialect, bindings: Mapping[str, str]) -> str:
        """SQL for term `name`, with each input (and any term) in `bindings` read from the SQL
        given there; the other terms it needs are written in place."""
        return _Sql(self, _is_pg(dialect), bindings).render(self.term(name).expr)

    def layered_sql(self, dialect, inputs_sql: str) -> str:
        """SQL for the rows of `inputs_sql` with every stored term added as a column, layer by
        layer, each fenced so PostgreSQL evaluates every expression once per row (merged, it would
        evaluate the layer below again at each reference)."""
        pg = _is_pg(dialect)
        fence = " OFFSET 0" if pg else " LIMIT -1 OFFSET 0"
        sql, alias = inputs_sql, "l1"
        for number, layer in enumerate(self.layers(), start=2):
            known = [i.name for i in self.inputs] + [t.name for t in self.stored_terms()]
            bindings = {name: f"{alias}.{name}" for name in known}
            columns = ", ".join(f"{_Sql(self, pg, bindings).render(t.expr)} AS {t.name}" for t in layer)
            sql = f"SELECT {alias}.*, {columns} FROM ({sql}) {alias}{fence}"
            alias = f"l{number}"
        return sql

    # --- Python ---------------------------------------------------------------------------------

    def evaluate(
        self,
        values: Mapping[str, object],
        names: Iterable[str] | None = None,
        *,
        vendor: str | None = None,
        overrides: Mapping[str, object] | None = None,
    ) -> dict[str, object]:
        """The terms `names` (default: every term) from `values` (the inputs, and any term given
        instead of computed), as the SQL computes them on `vendor` (default: the database in
        use). `overrides` replaces parameters by name."""
        run = _Eval(self, values, vendor or current_vendor(), overrides)
        wanted = [t.name for t in self.order()] if names is None else list(names)
        return {name: run.value(name) for name in wanted}


def _is_pg(dialect) -> bool:
    """`dialect`: the engine's Dialect, a database connection, or a vendor name."""
    if hasattr(dialect, "pg"):
        return bool(dialect.pg)
    vendor = getattr(dialect, "vendor", dialect)
    if vendor not in {"postgresql", "sqlite"}:
        raise NotImplementedError(f"the ranking formula runs on PostgreSQL and SQLite, not {vendor}")
    return vendor == "postgresql"


def current_vendor() -> str:
    from django.db import connection

    return connection.vendor


def lit(value: float) -> str:
    """A float literal, as the engine spells it (exact: repr round-trips)."""
    return f"CAST({float(value)!r} AS DOUBLE PRECISION)"


class _Sql:
    def __init__(self, formula: Formula, pg: bool, bindings: Mapping[str, str]):
        self.formula, self.pg, self.bindings = formula, pg, bindings

    def render(self, expr: Expr) -> str:
        if isinstance(expr, Cmp | Ref) and self._is_condition(expr):
            # A true/false figure (a flag input, or a term that is a comparison) as a value.
            return f"CASE WHEN {self.cond(expr)} THEN TRUE ELSE FALSE END"
        return self.value(expr)

    def _is_condition(self, expr: Expr) -> bool:
        if isinstance(expr, Cmp):
            return True
        item = self.formula.by_name[expr.name]
        return isinstance(item, Input) and item.kind == FLAG

    def value(self, expr: Expr) -> str:
        match expr:
            case Num(value=v):
                return lit(v)
            case Param():
                return lit(expr.value())
            case Ref(name=name):
                return self.ref(name)
            case Op(op=op, left=a, right=b):
                return f"({self.value(a)} {op} {self.value(b)})"
            case Fn(name="neg", args=(a,)):
                return f"(-{self.value(a)})"
            case Fn(name="least" | "greatest" as name, args=(a, b)):
                # SQLite's two-argument MIN/MAX are scalar (neither input is ever NULL here).
                fn = name.upper() if self.pg else {"least": "MIN", "greatest": "MAX"}[name]
                return f"{fn}({self.value(a)}, {self.value(b)})"
            case Fn(name=name, args=(a,)):
                return f"{name.upper()}({self.value(a)})"
            case When(cond=c, then=a, other=b):
                return f"CASE WHEN {self.cond(c)} THEN {self.value(a)} ELSE {self.value(b)} END"
            case Lookup(table=table, key=key, default=default):
                whens = " ".join(f"WHEN {int(k)} THEN {lit(v)}" for k, v in sorted(table.value().items()))
                return f"CASE {self.raw(key)} {whens} ELSE {lit(default)} END"
            case Round(arg=a):
                scale = lit(round_scale())
                return f"(ROUND(({self.value(a)}) * {scale}) / {scale})"
        raise FormulaError(f"not a value: {expr!r}")

    def cond(self, expr: Expr) -> str:
        match expr:
            case Cmp(op=op, left=a, right=b):
                return f"({self.value(a)} {op} {self.value(b)})"
            case Ref(name=name) if name in self.bindings:
                return f"({self.bindings[name]})"
            case Ref(name=name):
                return self.cond(self.formula.term(name).expr)
        raise FormulaError(f"not a condition: {expr!r}")

    def raw(self, expr: Expr) -> str:
        """An integer key as the row holds it (a CASE key compares with integer literals)."""
        if isinstance(expr, Ref) and expr.name in self.bindings:
            return self.bindings[expr.name]
        return self.value(expr)

    def ref(self, name: str) -> str:
        item = self.formula.by_name[name]
        if name not in self.bindings:
            if isinstance(item, Input):
                raise FormulaError(f"{self.formula.name}: no SQL given for input {name}")
            return f"({self.render(item.expr)})"
        sql = self.bindings[name]
        if isinstance(item, Input):
            if item.kind == INT:
                sql = f"CAST({sql} AS DOUBLE PRECISION)"
            if item.default is not None:
                sql = f"COALESCE({sql}, {self.value(item.default)})"
        return sql


class _Eval:
    def __init__(self, formula: Formula, values: Mapping[str, object], vendor: str, overrides):
        self.formula, self.values, self.vendor, self.overrides = formula, values, vendor, overrides
        self.done: dict[str, object] = {}

    def value(self, name: str):
        if name in self.values:
            item = self.formula.by_name[name]
            value = self.values[name]
            if isinstance(item, Input):
                if value is None and item.default is not None:
                    return self.eval(item.default)
                if item.kind == FLAG:
                    return bool(value)
                if value is None:
                    return None
                return float(value)
            return value
        if name not in self.done:
            item = self.formula.by_name[name]
            if isinstance(item, Input):
                raise FormulaError(f"{self.formula.name}: no value given for input {name}")
            self.done[name] = self.eval(item.expr)
        return self.done[name]

    def eval(self, expr: Expr):
        match expr:
            case Num(value=v):
                return float(v)
            case Param():
                return float(expr.value(self.overrides))
            case Ref(name=name):
                return self.value(name)
            case Op(op="+", left=a, right=b):
                return self.eval(a) + self.eval(b)
            case Op(op="-", left=a, right=b):
                return self.eval(a) - self.eval(b)
            case Op(op="*", left=a, right=b):
                return self.eval(a) * self.eval(b)
            case Op(op="/", left=a, right=b):
                return self.eval(a) / self.eval(b)
            case Fn(name="neg", args=(a,)):
                return -self.eval(a)
            case Fn(name="exp", args=(a,)):
                return math.exp(self.eval(a))
            case Fn(name="ln", args=(a,)):
                return math.log(self.eval(a))
            case Fn(name="sqrt", args=(a,)):
                return math.sqrt(self.eval(a))
            case Fn(name="least", args=(a, b)):
                return min(self.eval(a), self.eval(b))
            case Fn(name="greatest", args=(a, b)):
                return max(self.eval(a), self.eval(b))
            case When(cond=c, then=a, other=b):
                return self.eval(a) if self.eval(c) else self.eval(b)
            case Cmp(op=op, left=a, right=b):
                x, y = self.eval(a), self.eval(b)
                return {">=": x >= y, ">": x > y, "<=": x <= y, "<": x < y, "=": x == y}[op]
            case Lookup(table=table, key=key, default=default):
                return float(table.value(self.overrides).get(int(self.eval(key)), default))
            case Round(arg=a):
                return round_figure(self.eval(a), self.vendor)
        raise FormulaError(f"cannot evaluate {expr!r}")


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
            Ref("review_count") >= Param("RANKING_PRODUCT_MIN_REVIEWS", source="settings"),
            about="At least {RANKING_PRODUCT_MIN_REVIEWS} published reviews.",
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


# --- SQL for the engine -----------------------------------------------------------------------


def review_figures_sql(dialect, inputs_sql: str) -> str:
    """SQL for every row of `inputs_sql` (which must yield INPUT_COLUMNS' figure inputs and
    created_epoch) with FIGURE_COLUMNS added, layer by layer (REVIEW.layers())."""
    return REVIEW.layered_sql(dialect, inputs_sql)


def featured_discover_sql(dialect, discover_sql: str, featured_sql: str) -> str:
    """SQL for the stored discover figure: `discover_sql` plus the feature boost while the
    condition `featured_sql` holds."""
    return FEATURED.sql("featured_discover", dialect, {"discover": discover_sql, "featured": featured_sql})


def vote_weight_sql(
    dialect,
    level_sql: str,
    *,
    young_sql: str = "u.date_joined > %(young)s",
    inactive_sql: str = "u.is_active = FALSE OR (u.suspended_until IS NOT NULL AND u.suspended_until > %(now)s)",
) -> str:
    """SQL for the vote weight of user `u` at level `level_sql`. Parameters (with the default
    conditions): %(young)s, the moment YOUNG_ACCOUNT_DAYS ago, and %(now)s."""
    return VOTER.sql(
        "vote_weight", dialect, {"young": young_sql, "inactive_or_suspended": inactive_sql, "level": level_sql}
    )


def vote_factor_sql(dialect, factor: str, *, pair_votes_sql: str = "", status_sql: str = "") -> str:
    """SQL for one of a vote's factors: "cap_factor" from the voter's vote count on the author
    (`pair_votes_sql`), or "fraud_factor" from its fraud flag's status (`status_sql`)."""
    bindings = {
        "pair_votes": pair_votes_sql,
        "flag_confirmed": f"{status_sql} = 'confirmed'",
        "flag_open": f"{status_sql} = 'open'",
    }
    return VOTE.sql(factor, dialect, bindings)


def review_points_sql(dialect, row_prefix: str = "sc.") -> str:
    """SQL for the reputation points of one ranked score row; `row_prefix` prefixes its columns
    ("sc." for a score row, "t.old_" for the values before a write). Parameter: %(old)s, the
    moment RECENT_REVIEW_DAYS ago."""
    p = row_prefix
    bindings = {
        "helpful_weight": f"{p}helpful_weight",
        "unhelpful_weight": f"{p}unhelpful_weight",
        "merit": f"{p}merit",
        "recent": f"{p}created_at >= %(old)s",
    }
    return POINTS.sql("review_points", dialect, bindings)


def reputation_sql(dialect, points_sql: str) -> str:
    """SQL for a reputation from the sum of its review points."""
    return REPUTATION.sql("reputation", dialect, {"points": points_sql})


def category_mean_sql(dialect, *, w: str, wr: str) -> str:
    """SQL for a category's mean rating from the sums over its ranked reviews (NULL: none):
    quality `w` and quality × rating `wr`."""
    return CATEGORY.sql("mean_rating", dialect, {"quality_sum": w, "quality_rating_sum": wr})


def product_figures_sql(
    dialect, *, n: str, avg_rating: str, w: str, wr: str, category_mean: str = "cs.mean_rating"
) -> dict[str, str]:
    """SQL for each stored product figure but its category (review_count, average_rating,
    weight_sum, weighted_rating_sum, bayesian_score, eligible) from the sums over its ranked
    reviews: count `n`, average rating, quality `w` and quality × rating `wr`, and the category's
    mean (NULL: DEFAULT_CATEGORY_MEAN). The Bayesian score is computed from the rounded sums, so
    sums moved by differences and recounted ones give the same figures."""
    bindings = {
        "review_count": n,
        "rating_mean": avg_rating,
        "quality_sum": w,
        "quality_rating_sum": wr,
        "category_mean": category_mean,
    }
    return {"review_count": n} | {t.name: PRODUCT.sql(t.name, dialect, bindings) for t in PRODUCT.stored_terms()}


# --- what must trigger a rescore --------------------------------------------------------------


def rescore_watch() -> dict[str, set[str]]:
    """The base-table columns a review's score inputs read, by table: what the triggers recording
    review changes (ranking 0016) and vote events (ranking 0015/0017) must watch. The job's own
    tables (ranking_*) and the accounts change only inside a run or are rescanned by it."""
    watch: dict[str, set[str]] = {}
    for item in REVIEW.inputs:
        for read in item.reads:
            table, column = read.split(".")
            if table.startswith("reviews_"):
                watch.setdefault(table, set()).add(column)
    return watch


# --- for readers ------------------------------------------------------------------------------

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def expression_text(expr: Expr, parent: int = 0, right: bool = False) -> str:
    """An expression as a reader writes it (parameters by name)."""
    match expr:
        case Num(value=v):
            return f"{v:g}"
        case Param():
            return expr.text()
        case Ref(name=name):
            return name
        case Op(op=op, left=a, right=b):
            level = _PRECEDENCE[op]
            text = f"{expression_text(a, level)} {op} {expression_text(b, level, right=True)}"
            return f"({text})" if level < parent or (right and level == parent) else text
        case Fn(name="neg", args=(a,)):
            return f"-{expression_text(a, 3)}"
        case Fn(name=name, args=args):
            return f"{name}({', '.join(expression_text(a) for a in args)})"
        case Cmp(op=op, left=a, right=b):
            return f"{expression_text(a)} {op} {expression_text(b)}"
        case When(cond=c, then=a, other=b):
            return f"when({expression_text(c)}, {expression_text(a)}, {expression_text(b)})"
        case Lookup(table=table, key=key, default=default):
            return f"{table.text()}.get({expression_text(key)}, {default:g})"
        case Round(arg=a):
            return f"rnd({expression_text(a)})"
    raise FormulaError(f"cannot write {expr!r}")


def _value_text(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _weight_text(term: Term) -> str:
    return _value_text(term.weight.value()) if term.weight is not None else ""


def quality_markdown() -> str:
    """The table of a review's quality parts (docs/ranking.md), from the declaration."""
    quality = REVIEW.term("quality")
    out = ["| part | weight | what it measures |", "| --- | --- | --- |"]
    for name in quality.parts:
        term = REVIEW.term(name)
        out.append(f"| {term.label} | {_weight_text(term)} | {term.describe()} |")
        for sub in term.parts:
            part = REVIEW.term(sub)
            out.append(f"| · {part.label} | {_weight_text(part)} of {term.label.lower()} | {part.describe()} |")
    return "\n".join(out) + "\n"


def formula_markdown() -> str:
    """The complete formula (docs/ranking.md), rendered from the declaration: per formula, its
    inputs, each term's expression, label, weight and description, then every constant."""
    out = []
    for formula in FORMULAS:
        out.append(f"#### {formula.label}\n")
        used = [i for i in formula.inputs if any(i.name in refs(t.expr) for t in formula.terms)]
        out.append("From: " + "; ".join(f"`{i.name}` ({describe(i.label)})" for i in used) + ".\n")
        out.append("```text")
        out.extend(f"{term.name} = {expression_text(term.expr)}" for term in formula.order())
        out.append("```\n")
        out.append("| term | label | weight | about |\n| --- | --- | --- | --- |")
        for term in formula.order():
            stored = "" if term.stored else " (in place)"
            out.append(f"| `{term.name}`{stored} | {term.label} | {_weight_text(term)} | {term.describe()} |")
        if formula is REVIEW:
            layers = " → ".join(", ".join(t.name for t in layer) for layer in formula.layers())
            out.append(f"\nComputed in layers, each reading only those before it: {layers}.")
        out.append("")
    seen: dict[str, Param] = {}
    for formula in FORMULAS:
        exprs = [t.expr for t in formula.order()] + [t.weight for t in formula.terms if t.weight is not None]
        exprs += [i.default for i in formula.inputs if i.default is not None]
        for expr in exprs:
            for p in params(expr):
                seen.setdefault(p.name, p)
    out.append("#### Constants\n")
    out.append("| constant | value | set in |\n| --- | --- | --- |")
    for name, p in seen.items():
        where = "settings" if p.source == "settings" else "`ranking/scoring.py`"
        out.append(f"| `{name}` | {_value_text(Param(name, source=p.source).value())} | {where} |")
    out.append(
        "\n`rnd(x)` rounds to 6 decimals in floating point (`ROUND(x * 1e6) / 1e6`), so a second run on "
        "unchanged data stores bit-identical figures. `(in place)`: not stored, written into the "
        "expressions that use it."
    )
    return "\n".join(out) + "\n"


# The generated sections of docs/ranking.md, by the name in their markers
# (<!-- formula:begin NAME --> ... <!-- formula:end -->).
def votes_markdown() -> str:
    """What makes a vote count less (docs/ranking.md), from the declaration."""
    factors = [VOTER.term(n) for n in ("age_factor", "suspension_factor", "level_factor")]
    factors += [VOTE.term(n) for n in ("cap_factor", "fraud_factor")]
    return "\n".join(f"- **{term.label}**: {term.describe()}" for term in factors) + "\n"


DOC_SECTIONS = {"quality": quality_markdown, "votes": votes_markdown, "formula": formula_markdown}


def render_doc(text: str) -> str:
    """`text` (docs/ranking.md) with every generated section rendered again."""
    out, rest = [], text
    while (begin := rest.find("<!-- formula:begin ")) >= 0:
        head_end = rest.index("-->", begin) + 3
        name = rest[begin + len("<!-- formula:begin ") : head_end - 3].strip()
        end = rest.index("<!-- formula:end -->", head_end)
        out.append(rest[:head_end] + "\n" + DOC_SECTIONS[name]())
        rest = rest[end:]
    return "".join(out) + rest
