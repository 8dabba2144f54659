"""Races that only a real PostgreSQL shows: run with the services of `make test`."""

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from authentication.models import MAX_WRONG_ATTEMPTS, PasswordResetCode
from authentication.services import password_reset, password_reset_request
from config.api.errors import ApplicationError
from config.database_router import reads_from_primary
from config.tests.concurrency import run_together
from users.tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_a_refresh_token_used_twice_at_once_buys_one_pair_only(alice):
    login = APIClient().post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})
    token = login.json()["refresh"]

    def use_token() -> int:
        return APIClient().post("/api/auth/refresh", {"refresh": token}).status_code

    assert sorted(run_together([use_token] * 4)) == [200, 401, 401, 401]


def test_concurrent_wrong_codes_never_get_more_than_five_tries(alice):
    password_reset_request(email="alice@example.com")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    def try_wrong_code() -> str:
        try:
            password_reset(email="alice@example.com", code=wrong, password="new passphrase 1")
        except ApplicationError as error:
            return error.code
        return "accepted"

    assert run_together([try_wrong_code] * 8) == ["invalid_code"] * 8
    with reads_from_primary():  # the streaming replica may lag behind
        assert PasswordResetCode.objects.get(user=alice).attempts == MAX_WRONG_ATTEMPTS
    with pytest.raises(ApplicationError):
        password_reset(email="alice@example.com", code=code, password="new passphrase 1")
