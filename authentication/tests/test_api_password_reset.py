from datetime import timedelta

import pytest
from django.utils import timezone

from authentication.models import PasswordResetCode
from users.tests.factories import DEFAULT_PASSWORD, UserFactory

NEW_PASSWORD = "a brand new passphrase"


def reset(client, *, code: str, email: str = "alice@example.com", password: str = NEW_PASSWORD):
    return client.post(
        "/api/auth/password/reset", {"email": email, "code": code, "password": password}
    )


def assert_wrong_code(response) -> None:
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "invalid_code",
        "detail": "The code is wrong or has expired.",
        "fields": {"code": ["The code is wrong or has expired."]},
    }


def test_forgot_mails_a_six_digit_code_to_the_account(alice, request_reset_code, mailoutbox):
    code = request_reset_code("ALICE@example.com")

    assert len(code) == 6
    assert mailoutbox[-1].to == ["alice@example.com"]
    stored = PasswordResetCode.objects.get(user=alice)
    assert code not in stored.code_hash
    assert stored.expires_at - stored.created_at == timedelta(seconds=300)


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["nobody@example.com", "gone@example.com"])
def test_forgot_answers_the_same_for_unknown_and_deactivated_accounts(
    api_client, mailoutbox, django_capture_on_commit_callbacks, email
):
    UserFactory(username="gone", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/auth/password/forgot", {"email": email})

    assert response.status_code == 202
    assert response.content == b""
    assert mailoutbox == []


def test_the_right_code_sets_the_new_password(api_client, alice, request_reset_code):
    code = request_reset_code("alice@example.com")

    response = reset(api_client, code=code)

    assert response.status_code == 204
    login = {"login": "alice", "password": NEW_PASSWORD}
    assert api_client.post("/api/auth/login", login).status_code == 200
    login["password"] = DEFAULT_PASSWORD
    assert api_client.post("/api/auth/login", login).status_code == 401


def test_a_reset_logs_out_every_session(api_client, alice, log_in, request_reset_code):
    session = log_in("alice")

    reset(api_client, code=request_reset_code("alice@example.com"))

    assert api_client.post("/api/auth/refresh", {"refresh": session["refresh"]}).status_code == 401


def test_a_code_works_once(api_client, alice, request_reset_code):
    code = request_reset_code("alice@example.com")
    reset(api_client, code=code)

    assert_wrong_code(reset(api_client, code=code, password="yet another passphrase"))


def test_a_wrong_code_is_refused(api_client, alice, request_reset_code):
    code = request_reset_code("alice@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    assert_wrong_code(reset(api_client, code=wrong))
    assert PasswordResetCode.objects.get(user=alice).attempts == 1


def test_a_code_for_another_email_is_refused(api_client, alice, bob, request_reset_code):
    code = request_reset_code("alice@example.com")

    assert_wrong_code(reset(api_client, code=code, email="bob@example.com"))


@pytest.mark.parametrize(("seconds", "works"), [(299, True), (300, False)])
def test_a_code_is_valid_for_300_seconds(
    api_client, alice, request_reset_code, monkeypatch, seconds, works
):
    code = request_reset_code("alice@example.com")
    later = timezone.now() + timedelta(seconds=seconds)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)

    response = reset(api_client, code=code)

    if works:
        assert response.status_code == 204
    else:
        assert_wrong_code(response)


def test_a_new_request_replaces_the_previous_code(
    api_client, alice, request_reset_code, monkeypatch
):
    codes = iter(["111111", "222222"])
    monkeypatch.setattr("authentication.services._new_code", lambda: next(codes))
    first = request_reset_code("alice@example.com")
    second = request_reset_code("alice@example.com")

    assert_wrong_code(reset(api_client, code=first))
    assert reset(api_client, code=second).status_code == 204


def test_a_weak_password_with_the_right_code_keeps_the_code(api_client, alice, request_reset_code):
    code = request_reset_code("alice@example.com")

    response = reset(api_client, code=code, password="alice")

    assert response.status_code == 400
    assert "password" in response.json()["fields"]
    assert reset(api_client, code=code).status_code == 204


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code", ["12345", "1234567", "abcdef", "", "\uff11\uff12\uff13\uff14\uff15\uff16"]
)
def test_a_code_has_six_digits(api_client, code):
    response = reset(api_client, code=code)

    assert response.status_code == 400
    # Refused as malformed, so it is not counted as a wrong try of the mailed code.
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["code"]


def test_a_stale_bearer_token_does_not_block_a_reset(api_client, alice, request_reset_code):
    code = request_reset_code("alice@example.com")
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert (
        api_client.post("/api/auth/password/forgot", {"email": "bob@example.com"}).status_code
        == 202
    )
    assert reset(api_client, code=code).status_code == 204


def test_wrong_codes_are_capped_per_day_across_new_codes(
    api_client, alice, request_reset_code, monkeypatch, settings
):
    settings.PASSWORD_RESET_DAILY_WRONG_TRIES = 7
    request_reset_code("alice@example.com")
    for _ in range(5):  # the first code dies after five
        assert_wrong_code(reset(api_client, code="000000"))
    request_reset_code("alice@example.com")
    for _ in range(2):
        assert_wrong_code(reset(api_client, code="000000"))
    code = request_reset_code("alice@example.com")

    assert_wrong_code(reset(api_client, code=code))

    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: tomorrow)
    code = request_reset_code("alice@example.com")
    assert reset(api_client, code=code).status_code == 204
