import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.db.models import ProtectedError
from django.utils import timezone

from config.api.errors import ApplicationError, PermissionDenied
from records.models import AuditEntryIsAppendOnly, Record, RecordAuditEntry
from records.services import record_audit_reads, record_create, record_delete, record_update
from records.tests.factories import RecordFactory


def in_days(days: int) -> datetime.date:
    return timezone.now().date() + datetime.timedelta(days=days)


@pytest.fixture
def record(alice):
    return RecordFactory(patient=alice, diagnosis="Asthma", treatment="Inhaler", doctor="Dr. Who")


class TestRecordCreate:
    def test_it_creates_the_record_and_logs_who_created_it(self, alice, staff):
        record = record_create(
            actor=staff,
            patient=alice,
            diagnosis="Migraine",
            date_of_treatment=in_days(2),
            doctor="Dr. Who",
            request_id="abc123",
        )

        entry = RecordAuditEntry.objects.get()
        assert (entry.record_id, entry.action, entry.actor, entry.actor_username) == (
            record.id,
            "create",
            staff,
            "staff",
        )
        assert (entry.patient_username, entry.request_id, entry.changed_fields) == (
            "alice",
            "abc123",
            [],
        )

    @pytest.mark.parametrize("days", [0, -1])
    def test_it_rejects_a_date_of_treatment_that_is_not_in_the_future(self, alice, staff, days):
        with pytest.raises(ValidationError) as error:
            record_create(actor=staff, patient=alice, date_of_treatment=in_days(days), doctor="D")

        assert "date_of_treatment" in error.value.message_dict
        assert not Record.objects.exists()
        assert not RecordAuditEntry.objects.exists()

    def test_it_refuses_an_actor_who_is_not_staff(self, alice, bob):
        with pytest.raises(PermissionDenied):
            record_create(actor=bob, patient=alice, date_of_treatment=in_days(2), doctor="D")

        assert not Record.objects.exists()


class TestRecordUpdate:
    def test_it_logs_the_names_of_the_fields_that_really_changed_never_their_values(
        self, record, staff
    ):
        record_update(
            record=record,
            actor=staff,
            changes={"diagnosis": "Chronic bronchitis", "doctor": "Dr. Who"},
        )

        entry = RecordAuditEntry.objects.get()
        assert (entry.action, entry.changed_fields) == ("update", ["diagnosis"])
        stored_entry = RecordAuditEntry.objects.filter(pk=entry.pk).values().get()
        assert "bronchitis" not in json.dumps(stored_entry, default=str).lower()
        assert "asthma" not in json.dumps(stored_entry, default=str).lower()

    def test_it_compares_with_the_stored_record_not_with_the_callers_copy(self, record, staff):
        # The admin hands over an instance its form has already changed.
        record.diagnosis = "Chronic bronchitis"

        updated = record_update(
            record=record, actor=staff, changes={"diagnosis": "Chronic bronchitis"}
        )

        assert updated.diagnosis == Record.objects.get().diagnosis == "Chronic bronchitis"
        assert RecordAuditEntry.objects.get().changed_fields == ["diagnosis"]

    def test_an_update_that_changes_nothing_is_still_logged(self, record, staff):
        updated_at = record.updated_at

        record_update(record=record, actor=staff, changes={"doctor": "Dr. Who"})

        assert RecordAuditEntry.objects.get().changed_fields == []
        assert Record.objects.get().updated_at == updated_at

    def test_it_refuses_to_change_the_patient(self, record, bob, staff):
        with pytest.raises(ApplicationError):
            record_update(record=record, actor=staff, changes={"patient": bob})

        assert Record.objects.get().patient.username == "alice"
        assert not RecordAuditEntry.objects.exists()

    def test_it_refuses_the_patient_themselves(self, record, alice):
        with pytest.raises(PermissionDenied):
            record_update(record=record, actor=alice, changes={"diagnosis": "Healthy"})

        assert Record.objects.get().diagnosis == "Asthma"


class TestRecordDelete:
    def test_the_log_keeps_the_record_id_after_the_record_is_gone(self, record, staff):
        record_id = record.id

        record_delete(record=record, actor=staff)

        assert not Record.objects.exists()
        entry = RecordAuditEntry.objects.get()
        assert (entry.record_id, entry.action, entry.patient_username) == (
            record_id,
            "delete",
            "alice",
        )


class TestAuditLog:
    def test_staff_reads_are_logged_in_one_insert(self, alice, staff, django_assert_num_queries):
        records = [RecordFactory(patient=alice) for _ in range(5)]

        with django_assert_num_queries(1):
            record_audit_reads(records=records, actor=staff)

        assert RecordAuditEntry.objects.filter(action="read").count() == 5

    def test_deleting_the_actor_keeps_their_entries_and_username(self, alice, record):
        # On PostgreSQL this is also the one change the append-only trigger lets through.
        actor = type(alice).objects.create(username="temp", is_staff=True)
        record_audit_reads(records=[record], actor=actor)

        actor.delete()

        entry = RecordAuditEntry.objects.get()
        assert (entry.actor, entry.actor_username) == (None, "temp")

    def test_an_entry_cannot_be_changed_through_the_orm(self, record, staff):
        record_audit_reads(records=[record], actor=staff)
        entry = RecordAuditEntry.objects.get()
        entry.action = "delete"

        with pytest.raises(AuditEntryIsAppendOnly):
            entry.save()
        with pytest.raises(AuditEntryIsAppendOnly):
            RecordAuditEntry.objects.update(action="delete")

        assert RecordAuditEntry.objects.get().action == "read"

    def test_an_entry_cannot_be_deleted_through_the_orm(self, record, staff):
        record_audit_reads(records=[record], actor=staff)

        with pytest.raises(AuditEntryIsAppendOnly):
            RecordAuditEntry.objects.get().delete()
        with pytest.raises(AuditEntryIsAppendOnly):
            RecordAuditEntry.objects.all().delete()

        assert RecordAuditEntry.objects.count() == 1

    def test_records_and_entries_are_named_by_short_id_never_by_a_medical_value(
        self, record, staff
    ):
        record_update(record=record, actor=staff, changes={"treatment": "Rest"})
        short_id = str(record.id)[:8]

        assert str(record) == f"Record {short_id}"
        assert str(RecordAuditEntry.objects.get()) == f"staff updated record {short_id} of alice"


def test_a_patient_with_records_cannot_be_deleted_with_them(record, alice):
    with pytest.raises(ProtectedError):
        alice.delete()

    assert Record.objects.filter(patient=alice).exists()


@pytest.mark.services
class TestAuditLogInPostgreSQL:
    """The database itself refuses to rewrite history, even for raw SQL."""

    @pytest.fixture
    def entry(self, record, staff):
        record_audit_reads(records=[record], actor=staff)
        return RecordAuditEntry.objects.get()

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE records_recordauditentry SET action = 'delete'",
            "UPDATE records_recordauditentry SET actor_id = NULL, actor_username = 'x'",
            "DELETE FROM records_recordauditentry",
        ],
    )
    def test_it_refuses_updates_and_deletes(self, entry, statement):
        with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
            cursor.execute(statement)
