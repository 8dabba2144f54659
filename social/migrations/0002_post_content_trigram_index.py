"""A trigram index for the feed's ``?q=`` search (``content__icontains``).

Django compiles ``icontains`` on PostgreSQL to ``UPPER(content::text) LIKE UPPER(%s)``:
without this index a rare word reads every post. ``pg_trgm`` is a trusted extension,
so the database owner can create it. SQLite has no such index: the embedded setup
keeps the plain scan.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "post_content_trgm_idx"


def create_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON social_post USING gin (UPPER(content::text) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("social", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
