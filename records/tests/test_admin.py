"""The admin: staff work with records through the audited services; the log is read-only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from records.models import Record, RecordAuditEntry
from records.services import record_audit_reads
from records.tests.factories import RecordFactory


def in_days(days: int) -> str:
    return (timezone.now().date() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def staff_browser(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def record(alice):
    return RecordFactory(patient=alice, diagnosis="Asthma", treatment="Inhaler", doctor="Dr. Who")


def audit_actions() -> list[tuple[str, list[str]]]:
    return [(entry.action, entry.changed_fields) for entry in RecordAuditEntry.objects.all()]


class TestRecordAdmin:
    def test_staff_search_records_by_patient_and_browsing_the_list_logs_no_read(
        self, staff_browser, record, bob, django_assert_max_num_queries
    ):
        # The list shows no medical value; the record page, which does, is the read.
        RecordFactory(patient=bob)

        with django_assert_max_num_queries(10):
            response = staff_browser.get(
                reverse("admin:records_record_changelist"), {"q": "Author"}
            )

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [record]
        page = response.content.decode()
        assert str(record.id)[:8] in page
        assert "Asthma" not in page
        assert not RecordAuditEntry.objects.exists()

    def test_staff_filter_records_by_typing_a_patient(self, staff_browser, record, bob):
        RecordFactory(patient=bob)

        response = staff_browser.get(reverse("admin:records_record_changelist"), {"patient": "BOB"})

        assert [row.patient for row in response.context["cl"].result_list] == [bob]

    def test_each_record_links_to_its_audit_trail(self, staff_browser, record, bob, staff):
        other = RecordFactory(patient=bob)
        record_audit_reads(records=[record, other], actor=staff)
        trail = f"{reverse('admin:records_recordauditentry_changelist')}?record={record.id}"

        listing = staff_browser.get(reverse("admin:records_record_changelist")).content.decode()
        detail = staff_browser.get(reverse("admin:records_record_change", args=[record.id]))
        entries = staff_browser.get(trail)

        assert trail in listing
        assert trail in detail.content.decode()
        assert [entry.record_id for entry in entries.context["cl"].result_list] == [
            record.id,  # the read of the record page above
            record.id,
        ]

    def test_staff_filter_records_by_doctor(self, staff_browser, record, bob):
        RecordFactory(patient=bob, doctor="Dr. No")

        response = staff_browser.get(
            reverse("admin:records_record_changelist"), {"doctor": "Dr. No"}
        )

        assert [row.patient for row in response.context["cl"].result_list] == [bob]

    def test_opening_a_record_is_logged_as_a_read(self, staff_browser, record):
        response = staff_browser.get(reverse("admin:records_record_change", args=[record.id]))

        assert response.status_code == 200
        assert audit_actions() == [("read", [])]

    def test_adding_a_record_goes_through_the_audited_service(self, staff_browser, alice):
        response = staff_browser.post(
            reverse("admin:records_record_add"),
            {
                "patient": "Alice",
                "diagnosis": "Migraine",
                "treatment": "",
                "date_of_treatment": in_days(5),
                "doctor": "Dr. Who",
            },
        )

        assert response.status_code == 302
        record = Record.objects.get()
        assert record.patient == alice
        entry = RecordAuditEntry.objects.get()
        assert (entry.record_id, entry.action, entry.actor_username) == (
            record.id,
            "create",
            "staff",
        )

    def test_adding_a_record_for_today_is_refused(self, staff_browser, alice):
        response = staff_browser.post(
            reverse("admin:records_record_add"),
            {"patient": "alice", "date_of_treatment": in_days(0), "doctor": "Dr. Who"},
        )

        assert response.status_code == 200
        assert "date_of_treatment" in response.context["adminform"].form.errors
        assert not Record.objects.exists()
        assert not RecordAuditEntry.objects.exists()

    def test_adding_a_record_for_an_unknown_username_is_refused(self, staff_browser):
        response = staff_browser.post(
            reverse("admin:records_record_add"),
            {"patient": "nobody", "date_of_treatment": in_days(3), "doctor": "Dr. Who"},
        )

        assert response.status_code == 200
        assert "patient" in response.context["adminform"].form.errors
        assert not Record.objects.exists()
        assert not RecordAuditEntry.objects.exists()

    def test_changing_a_record_is_logged_with_the_changed_fields(self, staff_browser, record, bob):
        response = staff_browser.post(
            reverse("admin:records_record_change", args=[record.id]),
            {
                "patient": "bob",  # read-only on change: ignored
                "diagnosis": "Asthma",
                "treatment": "Steroid inhaler",
                "date_of_treatment": record.date_of_treatment.isoformat(),
                "doctor": "Dr. Who",
            },
        )

        assert response.status_code == 302
        record.refresh_from_db()
        assert (record.treatment, record.patient.username) == ("Steroid inhaler", "alice")
        assert audit_actions() == [("update", ["treatment"])]

    def test_deleting_a_record_is_logged(self, staff_browser, record):
        response = staff_browser.post(
            reverse("admin:records_record_delete", args=[record.id]), {"post": "yes"}
        )

        assert response.status_code == 302
        assert not Record.objects.exists()
        assert list(RecordAuditEntry.objects.values_list("record_id", "action")) == [
            (record.id, "delete")
        ]

    def test_deleting_records_in_bulk_logs_each_one(self, staff_browser, record, bob):
        other = RecordFactory(patient=bob)

        staff_browser.post(
            reverse("admin:records_record_changelist"),
            {"action": "delete_selected", "_selected_action": [record.pk, other.pk], "post": "yes"},
        )

        assert not Record.objects.exists()
        deleted = RecordAuditEntry.objects.filter(action="delete")
        assert set(deleted.values_list("record_id", flat=True)) == {record.id, other.id}

    def test_someone_who_is_not_staff_cannot_open_it(self, client, alice, record):
        client.force_login(alice)

        response = client.get(reverse("admin:records_record_change", args=[record.id]))

        assert response.status_code == 302
        assert not RecordAuditEntry.objects.exists()


class TestAuditEntryAdmin:
    @pytest.fixture
    def entry(self, record, staff):
        RecordAuditEntry.objects.create(
            record_id=record.id,
            action="update",
            actor=staff,
            actor_username="staff",
            patient_username="alice",
            changed_fields=["diagnosis"],
        )
        return RecordAuditEntry.objects.get()

    def test_staff_can_read_the_log(self, staff_browser, entry):
        listing = staff_browser.get(reverse("admin:records_recordauditentry_changelist"))
        detail = staff_browser.get(
            reverse("admin:records_recordauditentry_change", args=[entry.pk])
        )

        assert listing.status_code == detail.status_code == 200
        assert list(listing.context["cl"].result_list) == [entry]

    @pytest.mark.parametrize("term", ["record_id", "alice", "STAFF"])
    def test_staff_can_search_the_log_by_record_patient_or_actor(self, staff_browser, entry, term):
        query = str(entry.record_id) if term == "record_id" else term

        response = staff_browser.get(
            reverse("admin:records_recordauditentry_changelist"), {"q": query}
        )

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [entry]

    @pytest.mark.parametrize(
        ("parameter", "value"), [("actor", "Staff"), ("patient", "alice"), ("record", None)]
    )
    def test_staff_filter_the_log_by_actor_patient_or_record(
        self, staff_browser, entry, bob, carol, parameter, value
    ):
        other = RecordFactory(patient=bob)
        RecordAuditEntry.objects.create(
            record_id=other.id,
            action="read",
            actor=carol,
            actor_username="carol",
            patient_username="bob",
        )

        response = staff_browser.get(
            reverse("admin:records_recordauditentry_changelist"),
            {parameter: value or str(entry.record_id)},
        )

        assert list(response.context["cl"].result_list) == [entry]
        assert str(entry.record_id)[:8] in response.content.decode()

    def test_a_record_filter_that_is_not_an_id_finds_nothing(self, staff_browser, entry):
        response = staff_browser.get(
            reverse("admin:records_recordauditentry_changelist"), {"record": "not-an-id"}
        )

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == []

    def test_nobody_can_add_an_entry(self, admin_client):
        response = admin_client.post(
            reverse("admin:records_recordauditentry_add"),
            {"record_id": "00000000-0000-0000-0000-000000000000", "action": "read"},
        )

        assert response.status_code == 403
        assert not RecordAuditEntry.objects.exists()

    def test_nobody_can_change_an_entry(self, admin_client, entry):
        response = admin_client.post(
            reverse("admin:records_recordauditentry_change", args=[entry.pk]),
            {"action": "read", "changed_fields": "[]", "actor_username": "someone"},
        )

        assert response.status_code == 403
        assert RecordAuditEntry.objects.filter(pk=entry.pk).values_list(
            "action", "actor_username"
        ).get() == ("update", "staff")

    def test_nobody_can_delete_an_entry(self, admin_client, entry):
        single = admin_client.post(
            reverse("admin:records_recordauditentry_delete", args=[entry.pk]), {"post": "yes"}
        )
        bulk = admin_client.post(
            reverse("admin:records_recordauditentry_changelist"),
            {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
        )

        assert single.status_code == 403
        assert bulk.status_code == 200  # no such action: the list is shown again
        assert RecordAuditEntry.objects.filter(pk=entry.pk).exists()
