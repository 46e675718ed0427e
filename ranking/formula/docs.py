"""The formula for readers: expressions as text and the generated sections of docs/ranking.md."""

from __future__ import annotations

from .declaration import FORMULAS, REVIEW, VOTE, VOTER
from .language import (
    Cmp,
    Expr,
    Fn,
    FormulaError,
    Lookup,
    Num,
    Op,
    Param,
    Ref,
    Round,
    Term,
    When,
    _value_text,
    describe,
    params,
    refs,
)

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
