"""Staff acting on the same record at the same moment, on the real PostgreSQL.

The checks read from the primary: the replica may not have replayed the writes yet.
"""

import os
import subprocess
from functools import partial

import pytest

from config.database_router import reads_from_primary
from config.tests.concurrency import run_together
from records.models import Record, RecordAuditEntry
from records.tests.factories import RecordFactory
from users.tests.factories import UserFactory


def send_together(requests: list) -> list[int]:
    """Send each ``(client, method, url, body)`` from its own thread, all at once,
    once the replica (where the requests' first reads go) has the test's data."""
    subprocess.run([os.environ["TEST_SERVICES_SCRIPT"], "wait-replica"], check=True)
    return run_together([partial(_send, *request) for request in requests])


def _send(client, method: str, url: str, body: dict | None) -> int:
    return getattr(client, method)(url, body).status_code


@pytest.fixture
def two_staff(client_for):
    return [client_for(UserFactory(username=name, is_staff=True)) for name in ("nurse", "doctor")]


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_two_deletes_at_once_delete_and_log_once(alice, two_staff):
    record = RecordFactory(patient=alice)
    url = f"/api/records/{record.id}/"

    statuses = send_together([(client, "delete", url, None) for client in two_staff])

    assert sorted(statuses) == [204, 404]
    with reads_from_primary():
        assert not Record.objects.exists()
        assert RecordAuditEntry.objects.filter(action="delete").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_two_identical_changes_at_once_are_logged_as_one_change(alice, two_staff):
    record = RecordFactory(patient=alice, diagnosis="Asthma")
    url = f"/api/records/{record.id}/"

    statuses = send_together(
        [(client, "patch", url, {"diagnosis": "Bronchitis"}) for client in two_staff]
    )

    assert statuses == [200, 200]
    with reads_from_primary():
        assert Record.objects.get().diagnosis == "Bronchitis"
        logged = sorted(entry.changed_fields for entry in RecordAuditEntry.objects.all())
    # The second one waited for the first one's lock and found nothing left to change.
    assert logged == [[], ["diagnosis"]]
