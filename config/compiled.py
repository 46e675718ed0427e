"""Querysets compiled to SQL once per process, run again with other values.

For the busiest pages, turning a queryset with joins and aggregates into SQL costs the ORM more
Python (~1.5 ms for the product page's header) than PostgreSQL spends running the statement once
it is prepared. The SQL of such a queryset does not change between requests, only one or two of
its values (a slug, an id): `CompiledQuery` compiles it once per database, with a placeholder
for each value that changes, and builds the model instances as the ORM's own iterator would
(select_related objects and annotations included).

`literal_sql` writes a statement's fixed values into its text on PostgreSQL: a prepared
statement without parameters is planned once, while one with parameters may be planned again on
every run (PostgreSQL's custom plans, kept when the generic plan looks dearer).
"""

from __future__ import annotations

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators


class Placeholder(str):
    """A value standing for a parameter of a CompiledQuery (`name` in `fetch(**values)`)."""

    __slots__ = ()

    def __new__(cls, name: str):
        return super().__new__(cls, f"\x00compiled:{name}\x00")

    @property
    def name(self) -> str:
        return self[len("\x00compiled:") : -1]


class _Compiled:
    __slots__ = ("sql", "params", "slots", "converters", "init_list", "fields", "populators", "annotations")


class CompiledQuery:
    """A queryset of model instances, compiled once per database. Build it with Placeholder
    values where the queryset's filters take the values that change: `fetch(slug="...")`.

    Only for plain model querysets (select_related and annotations; no prefetch_related, no
    values(), no known related objects): the rows are turned into instances here."""

    def __init__(self, queryset: QuerySet):
        if queryset._prefetch_related_lookups or queryset._iterable_class.__name__ != "ModelIterable":
            raise ValueError("CompiledQuery takes a plain model queryset")
        self.queryset = queryset
        self.model = queryset.model
        self._by_db: dict[str, _Compiled] = {}

    def _compile(self, db: str) -> _Compiled:
        compiled = self._by_db.get(db)
        if compiled is None:
            compiler = self.queryset.query.get_compiler(using=db)
            sql, params = compiler.as_sql()
            compiled = _Compiled()
            compiled.sql = sql
            compiled.params = list(params)
            compiled.slots = [
                (index, value.name) for index, value in enumerate(params) if isinstance(value, Placeholder)
            ]
            select = compiler.select
            compiled.converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
            klass_info = compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            compiled.fields = (start, end)
            compiled.init_list = [column[0].target.attname for column in select[start:end]]
            compiled.populators = get_related_populators(klass_info, select, db)
            compiled.annotations = tuple(compiler.annotation_col_map.items())
            self._by_db[db] = compiled
        return compiled

    def fetch(self, **values) -> list[Model]:
        db = router.db_for_read(self.model)
        compiled = self._compile(db)
        if set(values) != {name for _index, name in compiled.slots}:
            raise ValueError(f"CompiledQuery takes the values {sorted(name for _i, name in compiled.slots)}")
        params = list(compiled.params)
        for index, name in compiled.slots:
            params[index] = values[name]
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = list(map(list, rows))
            for row in rows:
                for position, (functions, expression) in compiled.converters.items():
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
        start, end = compiled.fields
        instances = []
        for row in rows:
            instance = self.model.from_db(db, compiled.init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, position in compiled.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


def literal_sql(db: str, sql: str, params) -> tuple[str, tuple]:
    """`sql` with `params` written into it, on PostgreSQL (elsewhere unchanged). The result may
    take further %s parameters: a literal % is doubled."""
    connection = connections[db]
    if connection.vendor != "postgresql" or not params:
        return sql, tuple(params)
    return connection.ops.compose_sql(sql, list(params)).replace("%", "%%"), ()
