"""The records API: who may do what, what is written, and what is logged.

Personas: alice is the patient of the record, bob another patient, carol an account
with no records, staff the staff member.
"""

import datetime
import os
import subprocess
import uuid

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from config.database_router import reads_from_primary
from records.models import Record, RecordAuditEntry
from records.tests.factories import RecordFactory

LIST_URL = "/api/records/"


def detail_url(record_id) -> str:
    return f"/api/records/{record_id}/"


def in_days(days: int) -> str:
    return (timezone.now().date() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def record(alice):
    return RecordFactory(patient=alice, diagnosis="Asthma", treatment="Inhaler", doctor="Dr. Who")


@pytest.fixture
def client_as(request, api_client, client_for):
    """``client_as("alice")``: a client for a persona, or an anonymous one."""

    def make(persona: str):
        if persona == "anonymous":
            return api_client
        return client_for(request.getfixturevalue(persona))

    return make


def stored_values(record: Record) -> dict:
    return Record.objects.filter(pk=record.pk).values().first()


class TestWritePermissionMatrix:
    """POST, PATCH and DELETE for each caller: the status, and nothing written or
    logged when refused. The record's own patient gets 403 on PATCH/DELETE (they can
    see the record, hiding it would be a lie); anyone else 404 (no existence leak)."""

    @pytest.mark.parametrize(
        ("persona", "expected_status"),
        [("anonymous", 401), ("alice", 403), ("bob", 403), ("staff", 201)],
    )
    def test_only_staff_may_create_a_record(
        self, client_as, alice, bob, staff, persona, expected_status
    ):
        body = {"patient": "alice", "date_of_treatment": in_days(3), "doctor": "Dr. Who"}

        response = client_as(persona).post(LIST_URL, body)

        assert response.status_code == expected_status
        written = int(expected_status == 201)
        assert Record.objects.count() == written
        assert RecordAuditEntry.objects.filter(action="create").count() == written
        assert RecordAuditEntry.objects.count() == written

    @pytest.mark.parametrize(
        ("persona", "expected_status"),
        [("anonymous", 401), ("alice", 403), ("bob", 404), ("carol", 404), ("staff", 200)],
    )
    def test_only_staff_may_change_a_record(
        self, client_as, record, bob, carol, staff, persona, expected_status
    ):
        before = stored_values(record)

        response = client_as(persona).patch(detail_url(record.id), {"diagnosis": "Bronchitis"})

        assert response.status_code == expected_status
        after = stored_values(record)
        if expected_status == 200:
            assert after["diagnosis"] == "Bronchitis"
            assert RecordAuditEntry.objects.get().action == "update"
        else:
            assert response.json()["status"] == expected_status
            assert after == before
            assert not RecordAuditEntry.objects.exists()

    @pytest.mark.parametrize(
        ("persona", "expected_status"),
        [("anonymous", 401), ("alice", 403), ("bob", 404), ("carol", 404), ("staff", 204)],
    )
    def test_only_staff_may_delete_a_record(
        self, client_as, record, bob, carol, staff, persona, expected_status
    ):
        response = client_as(persona).delete(detail_url(record.id))

        assert response.status_code == expected_status
        deleted = expected_status == 204
        assert Record.objects.filter(pk=record.pk).exists() is not deleted
        assert RecordAuditEntry.objects.filter(action="delete").exists() is deleted
        assert RecordAuditEntry.objects.count() == int(deleted)

    def test_it_answers_404_to_others_exactly_as_for_a_record_that_does_not_exist(
        self, client_for, record, bob
    ):
        client = client_for(bob)

        for method in ("get", "patch", "delete"):
            existing = getattr(client, method)(detail_url(record.id))
            missing = getattr(client, method)(detail_url(uuid.uuid4()))
            assert existing.status_code == missing.status_code == 404
            assert existing.json() == missing.json()

    def test_it_has_no_put(self, client_for, record, staff):
        response = client_for(staff).put(detail_url(record.id), {"diagnosis": "Bronchitis"})

        assert response.status_code == 405
        assert stored_values(record)["diagnosis"] == "Asthma"


class TestReadPermissionMatrix:
    @pytest.mark.parametrize(
        ("persona", "expected_status"),
        [("anonymous", 401), ("alice", 200), ("bob", 404), ("carol", 404), ("staff", 200)],
    )
    def test_only_staff_and_its_patient_may_read_a_record(
        self, client_as, record, bob, carol, staff, persona, expected_status
    ):
        response = client_as(persona).get(detail_url(record.id))

        assert response.status_code == expected_status
        if expected_status == 200:
            assert response.json()["id"] == str(record.id)
        else:
            assert "Asthma" not in response.content.decode()
        assert RecordAuditEntry.objects.filter(action="read").count() == int(persona == "staff")

    @pytest.mark.parametrize(
        ("persona", "expected_patients"),
        [("alice", ["alice"]), ("bob", ["bob"]), ("carol", []), ("staff", ["bob", "alice"])],
    )
    def test_each_reader_lists_only_the_records_they_may_see(
        self, client_as, record, bob, carol, staff, persona, expected_patients
    ):
        RecordFactory(patient=bob)

        response = client_as(persona).get(LIST_URL)

        assert response.status_code == 200
        results = response.json()["results"]
        assert [result["patient"]["username"] for result in results] == expected_patients
        expected_reads = len(expected_patients) if persona == "staff" else 0
        assert RecordAuditEntry.objects.filter(action="read").count() == expected_reads

    def test_an_anonymous_list_is_refused(self, api_client, record):
        response = api_client.get(LIST_URL)

        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert not RecordAuditEntry.objects.exists()


class TestRecordBody:
    def test_it_shows_the_record_with_its_patient(self, client_for, alice, record):
        alice.date_of_birth = datetime.date(1990, 4, 2)
        alice.save(update_fields=["date_of_birth"])

        body = client_for(alice).get(detail_url(record.id)).json()

        assert body == {
            "id": str(record.id),
            "patient": {"username": "alice", "name": "Alice Author"},
            "patient_date_of_birth": "1990-04-02",
            "diagnosis": "Asthma",
            "treatment": "Inhaler",
            "date_of_treatment": record.date_of_treatment.isoformat(),
            "doctor": "Dr. Who",
            "created_at": body["created_at"],
            "updated_at": body["updated_at"],
        }
        assert body["created_at"].endswith("Z")

    @pytest.mark.parametrize(
        ("method", "path"),
        [("get", LIST_URL), ("get", "detail"), ("post", LIST_URL), ("patch", "detail")],
    )
    def test_it_is_never_stored_by_shared_caches(self, client_for, record, staff, method, path):
        url = detail_url(record.id) if path == "detail" else path
        bodies = {
            "get": None,
            "post": {"patient": "alice", "date_of_treatment": in_days(3), "doctor": "Dr. Who"},
            "patch": {"doctor": "Dr. No"},
        }

        response = getattr(client_for(staff), method)(url, bodies[method])

        assert response.status_code in {200, 201}
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control

    def test_records_never_reach_the_application_cache(self, client_for, alice, staff, settings):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "records-never-cached",
            }
        }
        body = {
            "patient": "alice",
            "diagnosis": "Rare condition X",
            "date_of_treatment": in_days(3),
            "doctor": "Dr. Who",
        }
        record_id = client_for(staff).post(LIST_URL, body).json()["id"]
        for client in (client_for(staff), client_for(alice)):
            client.get(LIST_URL)
            client.get(detail_url(record_id))

        stored = b"".join(caches["default"]._cache.values())
        assert b"Rare condition X" not in stored
        assert record_id.encode() not in stored

    def test_a_refusal_is_not_cached_either(self, client_for, record, bob):
        response = client_for(bob).get(detail_url(record.id))

        assert response.status_code == 404
        assert "no-store" in response["Cache-Control"]


class TestCreate:
    def test_staff_create_a_record_for_a_patient_by_username(self, client_for, alice, staff):
        body = {
            "patient": "ALICE",
            "diagnosis": "Migraine",
            "treatment": "Rest",
            "date_of_treatment": in_days(1),
            "doctor": "Dr. Who",
        }

        response = client_for(staff).post(LIST_URL, body)

        assert response.status_code == 201
        record = Record.objects.get()
        assert record.patient == alice
        assert response.json()["id"] == str(record.id)
        assert response.json()["diagnosis"] == "Migraine"

    def test_diagnosis_and_treatment_are_optional(self, client_for, alice, staff):
        body = {"patient": "alice", "date_of_treatment": in_days(1), "doctor": "Dr. Who"}

        response = client_for(staff).post(LIST_URL, body)

        assert response.status_code == 201
        assert response.json()["diagnosis"] == response.json()["treatment"] == ""

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"patient": "nobody"}, "patient"),
            ({"date_of_treatment": in_days(0)}, "date_of_treatment"),
            ({"date_of_treatment": in_days(-30)}, "date_of_treatment"),
            ({"date_of_treatment": "next tuesday"}, "date_of_treatment"),
            ({"doctor": ""}, "doctor"),
            ({"doctor": "x" * 101}, "doctor"),
        ],
    )
    def test_it_rejects_invalid_input_and_writes_nothing(
        self, client_for, alice, staff, change, field
    ):
        body = {"patient": "alice", "date_of_treatment": in_days(3), "doctor": "Dr. Who", **change}

        response = client_for(staff).post(LIST_URL, body)

        assert response.status_code == 400
        assert list(response.json()["fields"]) == [field]
        assert not Record.objects.exists()
        assert not RecordAuditEntry.objects.exists()

    def test_a_past_date_is_reported_with_the_other_invalid_fields(self, client_for, staff):
        body = {"patient": "nobody", "date_of_treatment": in_days(-1), "doctor": ""}

        response = client_for(staff).post(LIST_URL, body)

        assert set(response.json()["fields"]) == {"patient", "date_of_treatment", "doctor"}

    def test_it_requires_the_patient_date_and_doctor(self, client_for, staff):
        response = client_for(staff).post(LIST_URL, {})

        assert response.status_code == 400
        assert set(response.json()["fields"]) == {"patient", "date_of_treatment", "doctor"}


class TestUpdate:
    def test_staff_change_some_fields_and_the_log_names_them(self, client_for, record, staff):
        new_date = in_days(-1)  # correcting the date after the fact is allowed

        response = client_for(staff).patch(
            detail_url(record.id),
            {"treatment": "Steroid inhaler", "date_of_treatment": new_date, "doctor": "Dr. Who"},
        )

        assert response.status_code == 200
        assert response.json()["treatment"] == "Steroid inhaler"
        assert response.json()["date_of_treatment"] == new_date
        entry = RecordAuditEntry.objects.get()
        assert entry.changed_fields == ["treatment", "date_of_treatment"]

    def test_it_refuses_to_move_a_record_to_another_patient(self, client_for, record, bob, staff):
        response = client_for(staff).patch(detail_url(record.id), {"patient": "bob"})

        assert response.status_code == 400
        assert list(response.json()["fields"]) == ["patient"]
        assert Record.objects.get().patient.username == "alice"
        assert not RecordAuditEntry.objects.exists()

    def test_it_rejects_an_empty_doctor(self, client_for, record, staff):
        response = client_for(staff).patch(detail_url(record.id), {"doctor": ""})

        assert response.status_code == 400
        assert stored_values(record)["doctor"] == "Dr. Who"
        assert not RecordAuditEntry.objects.exists()


class TestStaffList:
    def test_staff_filter_by_patient_ignoring_case(self, client_for, record, bob, staff):
        RecordFactory(patient=bob)

        response = client_for(staff).get(LIST_URL, {"patient": "BOB"})

        assert [row["patient"]["username"] for row in response.json()["results"]] == ["bob"]

    def test_an_unknown_patient_filter_is_an_empty_list(self, client_for, record, staff):
        response = client_for(staff).get(LIST_URL, {"patient": "nobody"})

        assert response.status_code == 200
        assert response.json()["results"] == []
        assert not RecordAuditEntry.objects.exists()

    def test_a_patient_filter_with_a_nul_character_is_invalid_not_an_error(
        self, client_for, record, staff
    ):
        response = client_for(staff).get(LIST_URL, {"patient": "ali\x00ce"})

        assert response.status_code == 400
        assert list(response.json()["fields"]) == ["patient"]

    def test_a_patient_cannot_filter_their_way_to_others(self, client_for, record, bob):
        response = client_for(bob).get(LIST_URL, {"patient": "alice"})

        assert response.json()["results"] == []

    def test_pages_follow_the_cursor_newest_first(self, client_for, alice, staff):
        records = [RecordFactory(patient=alice) for _ in range(5)]
        client = client_for(staff)

        first = client.get(LIST_URL, {"page_size": 3}).json()
        second = client.get(first["next"]).json()

        listed = [row["id"] for row in first["results"] + second["results"]]
        assert listed == [str(record.id) for record in reversed(records)]
        assert second["next"] is None

    def test_each_record_shown_to_staff_is_logged_as_read_with_the_request_id(
        self, client_for, alice, staff
    ):
        records = [RecordFactory(patient=alice) for _ in range(3)]

        client_for(staff).get(LIST_URL, {"page_size": 2}, HTTP_X_REQUEST_ID="trace-42")

        entries = RecordAuditEntry.objects.all()
        assert {entry.record_id for entry in entries} == {records[2].id, records[1].id}
        assert {(entry.action, entry.actor_username, entry.request_id) for entry in entries} == {
            ("read", "staff", "trace-42")
        }


class TestListQueryBudget:
    """The list costs the same number of queries whatever the page size: the patient
    is joined, and the staff read log is one INSERT for the whole page."""

    @pytest.fixture
    def many_records(self, alice, bob):
        for index in range(25):
            RecordFactory(patient=alice if index % 2 else bob)

    @pytest.mark.parametrize("page_size", [5, 20, 50])
    def test_the_staff_list_costs_the_same_whatever_the_page_size(
        self, client_for, staff, many_records, page_size, django_assert_max_num_queries
    ):
        client = client_for(staff)

        with django_assert_max_num_queries(3):
            response = client.get(LIST_URL, {"page_size": page_size})

        assert len(response.json()["results"]) == min(page_size, 25)

    @pytest.mark.parametrize(("persona", "budget"), [("alice", 2), ("staff", 3)])
    def test_reading_a_record_costs_a_fixed_number_of_queries(
        self, client_for, request, record, persona, budget, django_assert_max_num_queries
    ):
        client = client_for(request.getfixturevalue(persona))

        with django_assert_max_num_queries(budget):
            response = client.get(detail_url(record.id))

        assert response.status_code == 200

    def test_a_patient_lists_a_long_page_in_two_queries(
        self, client_for, alice, many_records, django_assert_max_num_queries
    ):
        client = client_for(alice)

        with django_assert_max_num_queries(2):
            response = client.get(LIST_URL, {"page_size": 50})

        assert len(response.json()["results"]) == 12


@pytest.fixture
def statements_sent(monkeypatch) -> list[tuple[str, bool]]:
    """Every statement psycopg sends, on any server, with whether its connection was in
    autocommit (a statement sent outside it comes with a BEGIN and a COMMIT of its own,
    round trips that Django's query log does not show but the server counts)."""
    sent = []
    execute = psycopg.Cursor.execute

    def recorded(cursor, query, *args, **kwargs):
        sent.append((str(query), cursor.connection.autocommit))
        return execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recorded)
    return sent


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_staff_page_is_logged_by_one_insert_outside_any_transaction(
    client_for, alice, staff, statements_sent
):
    """What the server sees of a staff page of 20, as the benchmark counts it
    (pg_stat_statements): the user, the page, the audit INSERT, and the primary's
    connection check, nothing per record. The INSERT was once wrapped in BEGIN and
    COMMIT, and each entry's actor was checked at COMMIT by a statement of its own
    (the deferred foreign key): 26 statements for one page."""
    for _ in range(25):
        RecordFactory(patient=alice)
    subprocess.run([os.environ["TEST_SERVICES_SCRIPT"], "wait-replica"], check=True)
    client = client_for(staff)
    client.get(LIST_URL)  # connects; its audit INSERT pins staff to the primary
    statements_sent.clear()

    response = client.get(LIST_URL)

    assert len(response.json()["results"]) == 20
    inserts = [autocommit for query, autocommit in statements_sent if query.startswith("INSERT")]
    assert inserts == [True]
    assert len(statements_sent) <= 4
    with reads_from_primary():
        assert RecordAuditEntry.objects.filter(action="read").count() == 40


@pytest.mark.services
def test_the_actor_of_an_audit_entry_is_checked_within_its_insert(db):
    # A deferred foreign key is checked at COMMIT, one statement per row inserted.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT condeferrable FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = 'records_recordauditentry'::regclass"
        )
        assert cursor.fetchall() == [(False,)]
