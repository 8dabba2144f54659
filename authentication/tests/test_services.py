import re

import pytest

from authentication.models import MAX_WRONG_ATTEMPTS, PasswordResetCode
from authentication.services import password_reset, password_reset_request
from config.api.errors import ApplicationError

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def code(alice, mailoutbox, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email="alice@example.com")
    return re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_six_wrong_codes_burn_the_code_so_the_right_one_no_longer_works(alice, code):
    for _ in range(6):
        with pytest.raises(ApplicationError):
            password_reset(email="alice@example.com", code=wrong(code), password=NEW_PASSWORD)

    with pytest.raises(ApplicationError, match="wrong or has expired"):
        password_reset(email="alice@example.com", code=code, password=NEW_PASSWORD)
    alice.refresh_from_db()
    assert not alice.check_password(NEW_PASSWORD)
    assert PasswordResetCode.objects.get(user=alice).attempts == MAX_WRONG_ATTEMPTS


def test_four_wrong_codes_leave_the_right_one_working(alice, code):
    for _ in range(MAX_WRONG_ATTEMPTS - 1):
        with pytest.raises(ApplicationError):
            password_reset(email="alice@example.com", code=wrong(code), password=NEW_PASSWORD)

    password_reset(email="alice@example.com", code=code, password=NEW_PASSWORD)

    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_a_new_code_starts_with_no_wrong_tries(alice, code):
    with pytest.raises(ApplicationError):
        password_reset(email="alice@example.com", code=wrong(code), password=NEW_PASSWORD)

    password_reset_request(email="alice@example.com")

    assert PasswordResetCode.objects.get(user=alice).attempts == 0
