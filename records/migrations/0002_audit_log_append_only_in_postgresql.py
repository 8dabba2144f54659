"""PostgreSQL refuses to change or delete an audit entry, whatever the client.

The one change it lets through is the one Django makes when an account is deleted:
``actor`` set to NULL (``on_delete=SET_NULL``), every other column untouched.
Other databases rely on the model's guards alone.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION records_audit_entry_is_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.actor_id IS NULL
       AND (NEW.id, NEW.record_id, NEW.action, NEW.actor_username, NEW.patient_username,
            NEW.changed_fields::text, NEW.request_id, NEW.created_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.record_id, OLD.action, OLD.actor_username, OLD.patient_username,
            OLD.changed_fields::text, OLD.request_id, OLD.created_at)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'record audit entries are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER records_audit_entry_append_only
    BEFORE UPDATE OR DELETE ON records_recordauditentry
    FOR EACH ROW EXECUTE FUNCTION records_audit_entry_is_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS records_audit_entry_append_only ON records_recordauditentry;
DROP FUNCTION IF EXISTS records_audit_entry_is_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
