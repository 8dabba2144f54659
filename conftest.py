"""Fixtures every app's tests share: an API client and the named personas."""

import os

import pytest
from django.core.cache import caches
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from config.tests.live_server import LiveServer
from users.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts and ends with an empty cache: it outlives each test's rolled-back
    database (Redis in `make test`), and cached profiles, birthdays, menus or throttle
    counts of one test must not leak into the next."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session")
def live_gunicorn(tmp_path_factory) -> LiveServer:
    """gunicorn (2 workers) on a free loopback port over the real services, with a
    migrated database of its own: one per session, for the tests that use it (mark
    them ``services``). ``.url`` is its base URL; its log is in the session's tmp dir."""
    if not os.environ.get("REDIS_URL"):
        pytest.fail("needs the services of `make test` (or deselect: -m 'not services')")
    server = LiveServer.start(tmp_path_factory.mktemp("live_gunicorn"))
    yield server
    server.stop()


def _vacuum_analyze() -> None:
    """VACUUM ANALYZE the test database (PostgreSQL; outside any transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


@pytest.fixture(scope="module")
def tables_vacuumed_afterwards(django_db_setup, django_db_blocker):
    """For a module whose tests insert many rows and roll them back: the dead rows are
    vacuumed away after it. Left behind, a later test's planner saw a table of zero rows
    over thousands of pages and chose a nested loop of sequential scans: seconds a feed
    page, on a replica above all (it cannot prune the dead rows)."""
    yield
    with django_db_blocker.unblock():
        _vacuum_analyze()


@pytest.fixture
def vacuumed_database(transactional_db) -> None:
    """A test that measures time starts from tables whose statistics are true (see
    ``tables_vacuumed_afterwards``), whatever ran before it."""
    _vacuum_analyze()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for():
    """``client_for(user)``: an API client sending that user's bearer access token."""

    def make(user) -> APIClient:
        client = APIClient()
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", first_name="Alice", last_name="Author")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", first_name="Bob", last_name="Follower")


@pytest.fixture
def carol(db):
    return UserFactory(username="carol", first_name="Carol", last_name="Stranger")


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", first_name="Sam", last_name="Staff", is_staff=True)


def pytest_runtest_setup(item) -> None:
    """Tests marked ``services`` need the real PostgreSQL primary, replica and Redis
    that ``make test`` starts: without them they fail loudly, never skip quietly.
    For a quick loop on SQLite, deselect them with ``-m "not services"``."""
    if item.get_closest_marker("services") and not os.environ.get("REDIS_URL"):
        pytest.fail("needs the services of `make test` (or deselect: -m 'not services')")
    if item.get_closest_marker("pgbouncer") and os.environ.get("DATABASE_PGBOUNCER") != "True":
        pytest.fail("runs through PgBouncer only: `make test` deselects it in its first run")
