"""Bulk inserts without the ORM's per-row work, for imports of tens of thousands of rows.

`bulk_create` builds a model instance per row and compiles every value of every row into
its statement: most of an import's time (docs/performance.md, "Import"). Here the values
are prepared by the model's own fields (`get_db_prep_save`, as the ORM does), and written
with `COPY` on PostgreSQL and one `executemany` on SQLite, in the caller's transaction.
Triggers fire as for an INSERT (PostgreSQL runs a table's statement-level triggers, with
their transition tables, for `COPY` too), constraints are checked, and the rows are the
ones `bulk_create` writes (decks/tests/test_bulk_writes.py compares them).

Rows whose ids the caller needs get them from `ids_reserve` first: taken from the table's
sequence on PostgreSQL, and on SQLite the ids AUTOINCREMENT would give next (the caller's
transaction holds SQLite's write lock from its start, `transaction_mode` IMMEDIATE, so
nobody else takes them meanwhile; if one did, the insert would fail, not mix rows up).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models


def _table(model: type[models.Model]) -> str:
    return str(model._meta.db_table)


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, ascending, for rows about to be
    inserted with them in the current transaction."""
    if count <= 0:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("ids_reserve needs the transaction the rows are inserted in")
    table, column = _table(model), str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        # AUTOINCREMENT's next id: past the largest ever given (sqlite_sequence) and the
        # largest there is. Inserting explicit ids moves sqlite_sequence on.
        cursor.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608 - names from the model
            f"coalesce((SELECT max({column}) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def _concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is no column")
    return field


# Fields whose database value is the Python value itself when that is a str or an int:
# preparing each such value (most of a row) would cost more than writing it.
_AS_IS_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.AutoField)


def rows_insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
) -> None:
    """Insert `rows`, each the values of `fields` (attnames: `owner_id`) in that order, as
    the Python values the fields prepare for the database, as the ORM does; `constants`
    are the values of further fields, the same for every row (prepared once). Fields left
    out take their database default (an id from the sequence); Python-side defaults and
    auto_now are the caller's to give."""
    constants = constants or {}
    columns = [_concrete_field(model, name) for name in [*fields, *constants]]
    fixed = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(columns[len(fields) :], constants.values(), strict=True)
    ]
    prepare = [
        (isinstance(field, _AS_IS_FIELDS) or field.is_relation, field.get_db_prep_save)
        for field in columns[: len(fields)]
    ]
    names = ", ".join(connection.ops.quote_name(str(field.column)) for field in columns)
    table = connection.ops.quote_name(_table(model))

    def prepared(row: Sequence[Any]) -> list[Any]:
        values = [
            value
            if (as_is and type(value) in (str, int)) or value is None
            else to_db(value, connection)
            for (as_is, to_db), value in zip(prepare, row, strict=True)
        ]
        return values + fixed

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            rows_copy(cursor, table, names, (prepared(row) for row in rows))
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - names from the model
            [prepared(row) for row in rows],
        )


def rows_copy(cursor: Any, table: str, names: str, rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL: `COPY` database values (prepared) into `table`'s columns `names`
    (both quoted). A violated constraint raises Django's IntegrityError, as an INSERT
    through Django does (psycopg's own, unwrapped, would pass every `except` of ours)."""
    # Django's cursor counts and logs the COPY as any statement (query-count tests, DEBUG).
    with connection.wrap_database_errors, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
