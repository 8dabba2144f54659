"""Trigram indexes for the user list's ``?q=`` search (``icontains`` on three columns).

Django compiles ``icontains`` on PostgreSQL to ``UPPER(column::text) LIKE UPPER(%s)``:
with one GIN index per column on that expression, a search of every word is a bitmap
OR of the three instead of a read of every account (76-255 ms at 100k-300k users).
Without ``fastupdate`` a signup writes its trigrams into the indexes at once (accounts
are written rarely): with it they wait in a pending list that every search scans,
and the planner, costing that list, fell back to reading the whole table in the
EXPLAIN test after earlier tests had left rows in it. ``pg_trgm`` is a trusted
extension, so the database owner can create it. SQLite has no such index: the
embedded setup keeps the plain scan.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ("username", "first_name", "last_name")


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(
                f"CREATE INDEX user_{column}_trgm_idx ON users_user "
                f"USING gin (UPPER({column}::text) gin_trgm_ops) WITH (fastupdate = off)"
            )


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(f"DROP INDEX IF EXISTS user_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("users", "0002_birthdays")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
