"""The router against the real PostgreSQL primary, streaming replica and Redis that
``make test`` starts; replica lag and outages are made with real process controls."""

import os
import subprocess
import threading
import time
from collections import Counter

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import OperationalError, close_old_connections, connections, router, transaction
from rest_framework.test import APIClient

from config import database_router
from config.tests import urls as test_urls

pytestmark = [
    pytest.mark.services,
    pytest.mark.urls("config.tests.urls"),
    # Transactions really commit, so the streaming replica receives the test's data;
    # "__all__" lets the test's own reads go to the replica too.
    pytest.mark.django_db(transaction=True, databases="__all__"),
]
REPLICA = "replica_0"


def services(*arguments: str) -> None:
    """Control the services of this test run (scripts/services.sh)."""
    subprocess.run([os.environ["TEST_SERVICES_SCRIPT"], *arguments], check=True, timeout=90)


@pytest.fixture(autouse=True)
def replica_in_step():
    """Each test starts with every replica marked up and holding all committed data."""
    database_router._replica_down_until.clear()
    database_router._primary_down_until = 0.0
    services("wait-replica")
    yield
    services("lag", "0")
    database_router._replica_down_until.clear()
    database_router._primary_down_until = 0.0


@pytest.fixture
def stopped_primary():
    """Stops the primary after the test's setup wrote and the replica replayed it; the
    primary is back (and the test's kept connection dropped) once the test is done."""

    def stop() -> None:
        services("wait-replica")
        services("stop", "primary")
        # A server checks its kept connections when a request starts; the test client
        # skips that step, so this thread's connection is dropped here instead.
        connections["default"].close()

    yield stop
    start_primary()


def start_primary() -> None:
    """Start the primary and wait until this test's database URL reaches it again: through
    PgBouncer, which refuses logins for a moment after failed ones, that takes a second."""
    services("start", "primary")
    deadline = time.monotonic() + 30
    while True:
        connections["default"].close()
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT 1")
            return
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def lagging_replica():
    """The replica applies what the primary writes only 30 seconds later."""
    services("lag", "30")


@pytest.fixture
def statements_sent(monkeypatch) -> Counter:
    """Every statement psycopg sends, by the port of its server: Django's queries and
    the pings that bypass Django's cursors (``is_usable()``) alike."""
    sent = Counter()
    execute = psycopg.Cursor.execute

    def counted(cursor, *args, **kwargs):
        sent[cursor.connection.info.port] += 1
        return execute(cursor, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    return sent


def group_read_by(client: APIClient, name: str) -> tuple[int, str]:
    response = client.get(f"/groups/{name}/")
    return response.status_code, response.json()["database"]


def test_a_client_reads_its_own_write_while_a_stranger_is_served_by_the_lagging_replica(
    lagging_replica,
):
    writer = APIClient()
    assert writer.post("/groups/", {"name": "fresh"}).status_code == 201

    assert group_read_by(writer, "fresh") == (200, "default")
    # The stranger's request went to the replica: it cannot see the write yet.
    assert group_read_by(APIClient(), "fresh") == (404, REPLICA)


def test_a_bearer_client_without_cookies_reads_its_own_write(lagging_replica, client_for):
    alice = get_user_model().objects.create_user(username="alice")
    services("lag", "0")
    services("wait-replica")
    services("lag", "30")

    assert client_for(alice).post("/groups/", {"name": "mine"}).status_code == 201

    # A new client object: no cookie jar, only the same bearer token.
    assert group_read_by(client_for(alice), "mine") == (200, "default")
    assert group_read_by(APIClient(), "mine") == (404, REPLICA)


def test_the_pin_lasts_only_the_configured_window(lagging_replica, settings):
    writer = APIClient()
    writer.post("/groups/", {"name": "fresh"})
    cookie = writer.cookies[database_router.PIN_COOKIE]
    assert cookie["max-age"] == settings.DATABASE_PIN_SECONDS


def test_a_forged_pin_cookie_pins_nothing(lagging_replica):
    forger = APIClient()
    forger.cookies[database_router.PIN_COOKIE] = "1"

    assert group_read_by(forger, "anything") == (404, REPLICA)


def test_reads_inside_a_transaction_go_to_the_primary():
    assert router.db_for_read(Group) == REPLICA
    with transaction.atomic():
        assert router.db_for_read(Group) == "default"


def test_every_read_succeeds_when_the_replica_process_is_stopped():
    Group.objects.create(name="kept")
    services("wait-replica")
    assert group_read_by(APIClient(), "kept") == (200, REPLICA)

    services("stop", "replica")
    try:
        for _ in range(5):
            assert group_read_by(APIClient(), "kept") == (200, "default")
        ready = APIClient().get("/health/ready")
    finally:
        services("start", "replica")

    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert checks["primary"]["status"] == "up"
    assert checks[REPLICA]["status"] == "down"


def test_a_read_on_a_kept_alive_replica_connection_sends_only_its_own_query(statements_sent):
    Group.objects.create(name="kept")
    services("wait-replica")
    client = APIClient()
    assert group_read_by(client, "kept") == (200, REPLICA)  # connects
    statements_sent.clear()

    assert group_read_by(client, "kept") == (200, REPLICA)

    # The view's one query, on the replica: no health-check ping of the router or of
    # CONN_HEALTH_CHECKS, and nothing on the primary.
    assert statements_sent == {int(settings.DATABASES[REPLICA]["PORT"]): 1}


@pytest.fixture
def sql_sent(monkeypatch) -> list[str]:
    """The text of every statement psycopg sends, pings included."""
    sent = []
    execute = psycopg.Cursor.execute

    def recorded(cursor, query, *args, **kwargs):
        sent.append(str(query))
        return execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recorded)
    return sent


def test_a_write_on_a_kept_alive_primary_connection_sends_no_ping(sql_sent):
    client = APIClient()
    assert client.post("/groups/", {"name": "first"}).status_code == 201
    close_old_connections()  # what the server does when the next request starts
    sql_sent.clear()

    assert client.post("/groups/", {"name": "second"}).status_code == 201

    assert any("INSERT" in sql for sql in sql_sent)
    assert "SELECT 1" not in sql_sent


def test_a_new_connection_sends_no_statement_of_its_own(sql_sent):
    """The session's time zone is asked for when connecting: Django sets it with a
    statement on a new connection whose server names UTC otherwise ('Etc/UTC', initdb's
    default here). Behind PgBouncer the primary's is set on the role instead (README)."""
    client = APIClient()
    assert client.post("/groups/", {"name": "first"}).status_code == 201
    connections.close_all()
    sql_sent.clear()

    assert client.post("/groups/", {"name": "second"}).status_code == 201
    assert group_read_by(APIClient(), "first")[1] == REPLICA  # a new replica connection

    set_time_zone = connections[REPLICA].ops.set_time_zone_sql()
    expected = 1 if settings.DATABASE_PGBOUNCER else 0  # the primary's, behind PgBouncer
    assert sql_sent.count(set_time_zone) <= expected


def test_a_write_after_the_primary_restarted_between_requests_reconnects():
    client = APIClient()
    assert client.post("/groups/", {"name": "before"}).status_code == 201
    services("stop", "primary")
    services("start", "primary")
    close_old_connections()  # the next request starts on the connection kept

    response = client.post("/groups/", {"name": "after"})

    assert response.status_code == 201, response.content
    assert Group.objects.using("default").filter(name="after").exists()


def test_a_read_whose_replica_stops_mid_request_is_answered_from_the_primary():
    Group.objects.create(name="kept")
    services("wait-replica")
    test_urls.read_paused.clear()
    test_urls.read_resumed.clear()

    def stop_the_replica_mid_read() -> None:
        test_urls.read_paused.wait(timeout=60)
        services("stop", "replica")
        test_urls.read_resumed.set()

    stopper = threading.Thread(target=stop_the_replica_mid_read)
    stopper.start()
    try:
        response = APIClient().get("/groups/kept/in-two-queries/")
    finally:
        stopper.join()
        services("start", "replica")

    assert response.status_code == 200
    assert response.json()["database"] == "default"


def test_a_read_the_replica_holds_up_while_it_replays_a_lock_is_answered_from_the_primary(
    lagging_replica,
):
    # A migration or VACUUM's truncation on the primary takes an ACCESS EXCLUSIVE lock;
    # a replica replays it at once but releases it only when it replays the commit,
    # which a replica that lags (or waits on a replay conflict) does much later.
    Group.objects.create(name="kept")
    services("lag", "0")
    services("wait-replica")
    services("lag", "30")
    with transaction.atomic(), connections["default"].cursor() as cursor:
        cursor.execute("LOCK TABLE auth_group IN ACCESS EXCLUSIVE MODE")
    with connections[REPLICA].cursor() as cursor:
        for _ in range(100):
            cursor.execute(
                "SELECT 1 FROM pg_locks WHERE relation = 'auth_group'::regclass"
                " AND mode = 'AccessExclusiveLock' AND granted"
            )
            if cursor.fetchone():
                break
            time.sleep(0.1)
        else:
            pytest.fail("the replica never replayed the lock")

    started = time.monotonic()
    answer = group_read_by(APIClient(), "kept")

    assert answer == (200, "default")
    assert time.monotonic() - started < settings.DATABASE_REPLICA_LOCK_TIMEOUT_MS / 1000 + 2


def test_a_replica_back_up_serves_reads_again_after_the_retry_delay():
    Group.objects.create(name="kept")
    services("stop", "replica")
    assert group_read_by(APIClient(), "kept") == (200, "default")
    services("start", "replica")
    services("wait-replica")

    database_router._replica_down_until.clear()  # the retry delay has passed

    assert group_read_by(APIClient(), "kept") == (200, REPLICA)


def test_requests_succeed_while_redis_is_stopped(client_for):
    alice = get_user_model().objects.create_user(username="alice")
    services("stop", "redis")
    try:
        write = client_for(alice).post("/groups/", {"name": "offline"})
        read = group_read_by(client_for(alice), "offline")
        ready = APIClient().get("/health/ready")
    finally:
        services("start", "redis")

    assert write.status_code == 201
    assert read == (200, "default")
    assert ready.status_code == 200
    assert ready.json()["checks"]["cache"]["status"] == "down"


def test_migrations_never_touch_the_replica():
    assert router.allow_migrate(REPLICA, "users") is False
    assert router.allow_migrate("default", "users") is True
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)
    # A standby refuses any write: migrating it must not even try one.
    call_command("migrate", database=REPLICA, verbosity=0)


def test_ready_lists_the_primary_every_replica_and_the_cache():
    response = APIClient().get("/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "up"
    assert {name: check["status"] for name, check in response.json()["checks"].items()} == {
        "primary": "up",
        REPLICA: "up",
        "cache": "up",
    }


def test_a_pinned_client_reads_from_the_replica_while_the_primary_is_stopped(stopped_primary):
    writer = APIClient()
    assert writer.post("/groups/", {"name": "fresh"}).status_code == 201
    stopped_primary()

    # Stale by at most the replica's lag, which beats an error.
    assert group_read_by(writer, "fresh") == (200, REPLICA)


def test_a_bearer_client_pinned_in_the_cache_reads_from_the_replica_while_the_primary_is_stopped(
    stopped_primary, client_for
):
    alice = get_user_model().objects.create_user(username="alice")
    assert client_for(alice).post("/groups/", {"name": "mine"}).status_code == 201
    without_cookies = client_for(alice)  # issuing a token writes: before the stop
    stopped_primary()

    assert group_read_by(without_cookies, "mine") == (200, REPLICA)


def test_a_replica_marked_down_a_while_ago_serves_reads_once_the_primary_stops(stopped_primary):
    Group.objects.create(name="kept")
    services("wait-replica")
    services("stop", "replica")
    assert group_read_by(APIClient(), "kept") == (200, "default")  # marks the replica down
    services("start", "replica")
    stopped_primary()

    # Well within DATABASE_REPLICA_RETRY_SECONDS: the replica is still marked down.
    assert group_read_by(APIClient(), "kept") == (200, REPLICA)


def test_a_request_reads_its_own_write_on_the_primary_while_pinned_reads_avoid_it():
    # Another request found the primary down a moment ago; it is back, this one wrote.
    database_router._primary_down_until = time.monotonic() + 60

    response = APIClient().post("/groups/", {"name": "fresh"})

    assert response.json() == {"read_from": "default"}


def test_a_write_while_the_primary_is_stopped_is_a_json_503_with_retry_after(stopped_primary):
    stopped_primary()

    response = APIClient().post("/groups/", {"name": "lost"})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "database_unavailable"


def test_ready_names_the_part_that_is_down_without_the_error_text(stopped_primary):
    stopped_primary()

    response = APIClient().get("/health/ready")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert {name: check["status"] for name, check in checks.items()} == {
        "primary": "down",
        REPLICA: "up",
        "cache": "up",
    }
    assert checks["primary"]["error"] == "OperationalError"
    # The driver's message names the host and port; none of it reaches the client.
    assert "127.0.0.1" not in response.content.decode()
