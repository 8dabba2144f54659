import io

from django.apps import apps

from records.models import Record, RecordAuditEntry


def test_seeding_twice_creates_the_demo_records_once_through_the_audited_service(db):
    stdout = io.StringIO()
    apps.get_app_config("users").seed_demo_data(stdout=stdout)

    apps.get_app_config("records").seed_demo_data(stdout=stdout)
    apps.get_app_config("records").seed_demo_data(stdout=stdout)

    assert Record.objects.count() == 3
    assert set(RecordAuditEntry.objects.values_list("action", "actor_username")) == {
        ("create", "admin")
    }
    assert RecordAuditEntry.objects.count() == 3
