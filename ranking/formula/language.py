# SQL here is assembled only from the names and constants declared in this package, scoring.py and
# settings, and from SQL fragments the engine passes in; no value from outside is ever inlined.
# ruff: noqa: S608
"""The expression language of the ranking formula: immutable trees rendered to SQL (PostgreSQL,
SQLite) and evaluated in Python with the same rounding steps; `Input`, `Term` and `Formula`, the
declaration's building blocks."""

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


def _value_text(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
