"""The audit entry's actor is checked when the entry is inserted, not at COMMIT.

Django creates every foreign key DEFERRABLE INITIALLY DEFERRED: each row inserted queues
a check of its actor that PostgreSQL runs at the end of the transaction, as a statement
of its own (pg_stat_statements counted 20 of them for a staff list page of 20 records).
Checked immediately, the same 20 lookups run inside the INSERT that logs the reads. The
actor always exists before its entries, so nothing relies on the deferral; deleting an
account still sets its entries' actor to NULL before the account goes (Django's
``on_delete=SET_NULL``, which the append-only trigger lets through).
"""

from django.db import migrations

ALTER = """
DO $$
DECLARE
    actor_key text;
BEGIN
    SELECT constraint_.conname INTO STRICT actor_key
    FROM pg_constraint AS constraint_
    JOIN pg_attribute AS column_
      ON column_.attrelid = constraint_.conrelid AND column_.attnum = ANY (constraint_.conkey)
    WHERE constraint_.conrelid = 'records_recordauditentry'::regclass
      AND constraint_.contype = 'f' AND column_.attname = 'actor_id';
    EXECUTE format('ALTER TABLE records_recordauditentry ALTER CONSTRAINT %%I %s', actor_key);
END
$$;
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("records", "0002_audit_log_append_only_in_postgresql")]

    operations = [
        migrations.RunPython(
            _on_postgresql(ALTER % "NOT DEFERRABLE"),
            _on_postgresql(ALTER % "DEFERRABLE INITIALLY DEFERRED"),
        )
    ]
