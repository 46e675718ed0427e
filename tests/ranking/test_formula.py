# SQL here is built from the declaration's names and constants; every value is a query parameter.
# ruff: noqa: S608
"""The declared formula (ranking.formula): its SQL, evaluated by the database in use, equals its
Python evaluation exactly, term by term, for generated inputs; its layers follow its
dependencies; the score columns, the rescore triggers and docs/ranking.md agree with it."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ranking import formula as F
from ranking import scoring as S
from ranking.models import ReviewScore, StagedScore

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ranking.md"


def floats(low: float, high: float):
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


def weights(high: float):
    """Weighted sums as the job stores them: rounded to 6 decimals (the smallest is 1e-6)."""
    return st.integers(0, int(high * 1e6)).map(lambda k: k / 1e6)


# The range each input is drawn from (what the job can feed the formula, with margins).
DOMAINS = {
    "helpful_weight": weights(2000),
    "unhelpful_weight": weights(2000),
    "body_length": st.integers(0, 50_000),
    "photo_count": st.integers(0, 20),
    "author_level": st.integers(1, 10),
    "rating": st.integers(1, 5),
    "product_average_rating": st.integers(1_000_000, 5_000_000).map(lambda k: k / 1e6),  # stored rounded
    "created_epoch": floats(1.5e9, 2.5e9),
    "discover": floats(-500, 5000),
    "featured": st.booleans(),
    "young": st.booleans(),
    "inactive_or_suspended": st.booleans(),
    "level": st.integers(1, 12),
    "voter_weight": weights(1),
    "pair_votes": st.integers(1, 200),
    "flag_confirmed": st.booleans(),
    "flag_open": st.booleans(),
    "merit": weights(1),
    "recent": st.booleans(),
    "points": st.integers(-500_000_000, 5_000_000_000).map(lambda k: k / 1e6),
    "review_count": st.integers(0, 1000),
    "rating_mean": floats(1, 5),
    "quality_sum": weights(5000),
    "quality_rating_sum": weights(25_000),
    "category_mean": st.one_of(st.none(), floats(1, 5)),
}
SQL_TYPES = {F.INT: "INTEGER", F.FLOAT: "DOUBLE PRECISION", F.FLAG: "BOOLEAN"}
# The terms the parity test checks: every term of every formula (by name), which a new
# declaration joins without a change here.
TERMS = [(formula, term) for formula in F.FORMULAS for term in formula.order()]


def needed_inputs(formula: F.Formula, term: F.Term) -> list[F.Input]:
    """The inputs `term` reads, directly or through other terms."""
    names, todo = set(), [term]
    while todo:
        for name in F.refs(todo.pop().expr):
            item = formula.by_name[name]
            if isinstance(item, F.Term):
                todo.append(item)
            else:
                names.add(name)
    return [i for i in formula.inputs if i.name in names]


def literal_row(inputs: list[F.Input]) -> str:
    """A one-row derived table of the inputs as query parameters, each typed as its column is."""
    columns = ", ".join(f"CAST(%s AS {SQL_TYPES[i.kind]}) AS {i.name}" for i in inputs)
    return f"SELECT {columns or '1 AS one'}"


def database_values(sql: str, params: list) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def as_stored(value):
    # SQLite has no boolean type: a true/false figure comes back as 1 or 0.
    return bool(value) if isinstance(value, int) and not isinstance(value, bool) else value


@pytest.mark.django_db
@pytest.mark.parametrize(("formula", "term"), TERMS, ids=[f"{f.name}.{t.name}" for f, t in TERMS])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_term_sql_equals_its_python_evaluation(formula, term, data):
    inputs = needed_inputs(formula, term)
    values = {i.name: data.draw(DOMAINS[i.name], label=i.name) for i in inputs}
    try:
        expected = formula.evaluate(values, [term.name], vendor=connection.vendor)[term.name]
    except ZeroDivisionError:
        # Outside the term's domain (a share of no votes): the terms using it guard it, as
        # wilson's when(votes > 0, ...) does, and are checked on these inputs too.
        assume(False)
    sql = formula.sql(term.name, connection, {i.name: f"r.{i.name}" for i in inputs})
    (stored,) = database_values(f"SELECT {sql} FROM ({literal_row(inputs)}) r", [values[i.name] for i in inputs])
    assert as_stored(stored) == expected, (term.name, values)


REVIEW_INPUTS = [i for i in F.REVIEW.inputs if i.name in DOMAINS]


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_layered_score_sql_equals_the_oracle(data):
    """The engine's SELECT (review_figures_sql), fenced layer by layer, against review_figures."""
    values = {i.name: data.draw(DOMAINS[i.name], label=i.name) for i in REVIEW_INPUTS}
    values["helpful_weight"], values["unhelpful_weight"] = (
        S.rnd(values["helpful_weight"]),
        S.rnd(values["unhelpful_weight"]),
    )
    sql = F.review_figures_sql(connection, literal_row(REVIEW_INPUTS))
    row = database_values(
        f"SELECT {', '.join(F.FIGURE_COLUMNS)} FROM ({sql}) s", [values[i.name] for i in REVIEW_INPUTS]
    )
    expected = S.review_figures(
        helpful_weight=values["helpful_weight"],
        unhelpful_weight=values["unhelpful_weight"],
        body_length=values["body_length"],
        photos=values["photo_count"],
        author_level=values["author_level"],
        created_epoch=values["created_epoch"],
        rating=values["rating"],
        product_average_rating=values["product_average_rating"],
    )
    assert dict(zip(F.FIGURE_COLUMNS, row, strict=True)) == {c: getattr(expected, c) for c in F.FIGURE_COLUMNS}


def exact_halves() -> list[float]:
    """Figures whose scaled value is exactly half-way between two integers: where PostgreSQL
    (halves to even) and SQLite (halves away from zero) round differently."""
    found = []
    for k in (0, 1, 2, 3, 12, 101, 123456):
        for value in ((k + 0.5) / 1e6, -(k + 0.5) / 1e6):
            if value * 1e6 == k + 0.5 or value * 1e6 == -(k + 0.5):
                found.append(value)
    return found


@pytest.mark.django_db
def test_rounding_of_exact_halves_matches_the_database():
    halves = exact_halves()
    assert len(halves) >= 6
    scale = F.lit(1e6)
    for value in halves:
        (stored,) = database_values(f"SELECT (ROUND((CAST(%s AS DOUBLE PRECISION)) * {scale}) / {scale})", [value])
        assert stored == F.round_figure(value, connection.vendor), value
    tie = next(v for v in halves if v > 0 and int(v * 1e6) % 2 == 0)
    assert F.round_figure(tie, "postgresql") < F.round_figure(tie, "sqlite")


def stored_needs(formula: F.Formula, term: F.Term) -> set[str]:
    """The stored terms `term` reads, directly or through unstored ones (written in place)."""
    needs, todo = set(), list(formula.depends_on(term))
    while todo:
        dep = formula.term(todo.pop())
        if dep.stored:
            needs.add(dep.name)
        else:
            todo += formula.depends_on(dep)
    return needs


def test_layers_come_in_dependency_order():
    for formula in F.FORMULAS:
        seen: set[str] = set()
        previous: list[F.Term] = []
        for layer in formula.layers():
            for term in layer:
                needs = stored_needs(formula, term)
                assert needs <= seen, (formula.name, term.name, needs - seen)
                # ... and as early as it can: it needs something from the layer just below.
                assert not previous or needs & {t.name for t in previous}, (formula.name, term.name)
            seen |= {t.name for t in layer}
            previous = layer
        assert seen == {t.name for t in formula.stored_terms()}
    first = {t.name for t in F.REVIEW.layers()[0]}
    assert {"helpfulness", "length_signal", "photo_signal", "text_signal", "author_prior"} <= first
    assert [t.name for t in F.REVIEW.layers()[-1]] == ["discover"]


def test_a_bad_declaration_is_refused():
    x = F.Input("x", "x")
    with pytest.raises(F.FormulaError, match="undeclared"):
        F.Formula("bad", "bad", (x,), (F.Term("a", "a", F.Ref("y") + 1),))
    with pytest.raises(F.FormulaError, match="depends on itself"):
        F.Formula("bad", "bad", (x,), (F.Term("a", "a", F.Ref("b") + 1), F.Term("b", "b", F.Ref("a") * x.ref)))
    with pytest.raises(F.FormulaError, match="twice"):
        F.Formula("bad", "bad", (x,), (F.Term("x", "x", F.Num(1)),))


def test_score_columns_and_model_fields_come_from_the_declaration():
    for model, default in ((ReviewScore, 0.0), (StagedScore, None)):
        for column in F.FIGURE_COLUMNS:
            field = model._meta.get_field(column)
            assert field.get_internal_type() == "FloatField"
            assert (field.default if default is not None else None) == default
        assert {f.name for f in model._meta.concrete_fields} >= set(F.INPUT_COLUMNS) - {
            "product_id",
            "category_id",
            "author_id",
        }
    assert StagedScore._meta.get_field("quality").has_default() is False


def test_the_oracle_is_the_declaration():
    assert S.vote_weight(young=True, inactive_or_suspended=False, level=1) == S.rnd(
        S.YOUNG_ACCOUNT_FACTOR * S.LEVEL_VOTE_FACTORS[1]
    )
    assert S.vote_weight(young=False, inactive_or_suspended=True, level=5) == 0.0
    assert S.vote_weight(young=False, inactive_or_suspended=False, level=7) == 1.0
    assert S.review_points(2.0, 1.0, 0.5) == S.rnd(
        S.VOTE_POINTS * (2.0 - S.UNHELPFUL_PENALTY * 1.0) + S.MERIT_POINTS * 0.5
    )
    assert (
        S.vote_value(voter_weight=1.0, pair_votes=6, flag_status="open") == S.VOTER_AUTHOR_CAP / 6 * S.FLAG_OPEN_FACTOR
    )
    assert S.vote_value(voter_weight=0.8, pair_votes=2) == 0.8
    assert S.bayesian_product_score(0.0, 0.0, None) == S.DEFAULT_CATEGORY_MEAN


def test_a_changed_constant_changes_sql_and_oracle_alike(monkeypatch):
    before = F.review_points_sql("postgresql")
    monkeypatch.setattr(S, "MERIT_POINTS", 2.0)
    assert F.review_points_sql("postgresql") != before and "CAST(2.0 AS DOUBLE PRECISION)" in F.review_points_sql(
        "postgresql"
    )
    assert S.review_points(0.0, 0.0, 0.25) == 0.5


# --- what must trigger a rescore ----------------------------------------------------------------

# NEW.col compared with OLD.col (PostgreSQL writes a VARCHAR's as "(new.col)::text").
WATCHED = re.compile(
    r"new\.(\w+)\)?(?:::[\w ]+)?\s+(?:is\s+distinct\s+from|is\s+not|<>|!=)\s+\(?old\.(\w+)", re.IGNORECASE
)


def installed_triggers(table: str) -> list[str]:
    """The text of every ranking trigger on `table` (named ranking_*; reviews' own changed_at
    triggers watch more columns for the card cache), with its function's body on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_triggerdef(t.oid) || ' ' || p.prosrc FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE NOT t.tgisinternal AND c.relname = %s AND t.tgname LIKE 'ranking!_%%' ESCAPE '!'",
                [table],
            )
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name LIKE 'ranking!_%%' ESCAPE '!'",
                [table],
            )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_triggers_watch_exactly_the_declared_review_columns():
    watch = F.rescore_watch()
    assert set(watch) == {"reviews_review", "reviews_product", "reviews_reviewphoto", "reviews_helpfulvote"}
    for table, columns in watch.items():
        triggers = installed_triggers(table)
        assert any(re.search(r"\bINSERT\b", t, re.IGNORECASE) for t in triggers) or table == "reviews_product"
        watched = set()
        for text in triggers:
            for new, old in WATCHED.findall(text):
                assert new.lower() == old.lower(), text
                watched.add(new.lower())
        assert watched == columns, table


# --- docs -----------------------------------------------------------------------------------------


def test_docs_generated_sections_are_the_rendered_declaration():
    text = DOCS.read_text()
    assert text.count("<!-- formula:begin ") == len(F.DOC_SECTIONS)
    assert text == F.render_doc(text), "run: python manage.py ranking_formula --write-docs"


def test_ranking_formula_command_prints_the_markdown(capsys):
    call_command("ranking_formula", "--markdown")
    assert capsys.readouterr().out == F.formula_markdown()
