"""Model instances from the rows of a statement written out by hand.

The hottest reads (the bearer of a token, a heavy reader's timeline page) are single
statements whose ORM querysets cost more CPU to build and compile than PostgreSQL takes
to run them. They are written out, and their rows become model instances as the ORM
would make them: ``Model.from_db`` with the values converted by the backend's and the
fields' converters (timestamps and booleans on SQLite; nothing on PostgreSQL).
"""

from functools import cache

from django.db import connections
from django.db.models import Model


class RowShape:
    """The columns of a statement that reads several models in one row, each under its
    table alias, and the model instances of a row (``None`` for one a LEFT JOIN found
    nothing for). Built once per database alias (``row_shape``)."""

    def __init__(self, alias: str, parts: tuple[tuple[str, type[Model], tuple[str, ...]], ...]):
        connection = connections[alias]
        self.alias = alias
        self.parts = []
        columns = []
        for table, model, names in parts:
            # Model.from_db takes the values in the order of the model's fields.
            fields = [field for field in model._meta.concrete_fields if field.attname in names]
            converters = []
            for position, field in enumerate(fields, len(columns)):
                column = field.get_col(model._meta.db_table)
                for convert in connection.ops.get_db_converters(column) + field.get_db_converters(
                    connection
                ):
                    converters.append((position, convert, column))
            start = len(columns)
            columns += [f'{table}."{field.column}"' for field in fields]
            attnames = [field.attname for field in fields]
            self.parts.append((model, attnames, start, len(columns), converters))
        self.columns = ", ".join(columns)

    def instances(self, row: tuple) -> list:
        connection = connections[self.alias]
        values = list(row)
        instances = []
        for model, attnames, start, end, converters in self.parts:
            for position, convert, column in converters:
                values[position] = convert(values[position], column, connection)
            instances.append(
                None
                if values[start] is None
                else model.from_db(self.alias, attnames, values[start:end])
            )
        return instances


@cache
def row_shape(alias: str, *parts: tuple[str, type[Model], tuple[str, ...]]) -> RowShape:
    """The ``RowShape`` of ``parts`` (table alias, model, attribute names) on the
    database ``alias``: its columns and converters are worked out once."""
    return RowShape(alias, parts)
