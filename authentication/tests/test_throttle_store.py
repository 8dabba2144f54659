"""The throttles on the real Redis of `make test`: concurrent guesses and an outage,
made with real threads and a real process stop."""

import os
import subprocess

import pytest
from rest_framework.test import APIClient

from authentication.tests.test_throttles import LOGIN_ACCOUNT_RATE, assert_throttled
from config.tests.concurrency import run_together
from users.tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, databases="__all__")]


def services(*arguments: str) -> None:
    subprocess.run([os.environ["TEST_SERVICES_SCRIPT"], *arguments], check=True, timeout=90)


def test_concurrent_wrong_passwords_get_no_more_tries_than_the_limit(alice):
    def wrong_password():
        return APIClient().post("/api/auth/login", {"login": "alice", "password": "wrong"})

    responses = run_together([wrong_password] * (LOGIN_ACCOUNT_RATE + 9))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [401] * LOGIN_ACCOUNT_RATE + [429] * 9
    for response in responses:
        if response.status_code == 429:
            assert_throttled(response)
    assert_throttled(
        APIClient().post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})
    )


@pytest.fixture
def redis_stopped():
    services("stop", "redis")
    try:
        yield
    finally:
        services("start", "redis")


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "unavailable"


def test_without_redis_login_and_reset_refuse_and_forgot_still_answers(alice, redis_stopped):
    client = APIClient()

    login = client.post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})
    reset = client.post(
        "/api/auth/password/reset",
        {"email": alice.email, "code": "000000", "password": "a-new-long-password"},
    )
    forgot = client.post("/api/auth/password/forgot", {"email": alice.email})

    assert_unavailable(login)
    assert_unavailable(reset)
    assert forgot.status_code == 202
