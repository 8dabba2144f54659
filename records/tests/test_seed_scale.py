"""The medical records ``manage.py seed_scale`` adds, each audited like ``record_create``."""

from io import StringIO

import pytest
from django.core.management import call_command

from records.models import Record, RecordAuditEntry

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_each_record_is_dated_after_its_creation_and_has_its_creation_in_the_audit_log():
    call_command(
        "seed_scale", "--users=20", "--posts=0", "--orders=0", stdout=StringIO(), stderr=StringIO()
    )

    records = list(Record.objects.select_related("patient"))
    assert len(records) == 10  # users / 2
    entries = {entry.record_id: entry for entry in RecordAuditEntry.objects.all()}
    for record in records:
        assert record.patient.user_type == "person"
        assert record.date_of_treatment > record.created_at.date()
        entry = entries[record.id]
        assert (entry.action, entry.patient_username) == ("create", record.patient.username)
    assert len(entries) == len(records)
