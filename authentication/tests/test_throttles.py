import pytest
from django.core.cache import cache

from authentication.throttles import (
    LoginAccountThrottle,
    LoginIPThrottle,
    PasswordAccountThrottle,
    PasswordIPThrottle,
    ResetAccountThrottle,
    ResetIPThrottle,
)
from users.tests.factories import DEFAULT_PASSWORD, UserFactory

# Requests allowed per period, as configured in settings.
LOGIN_ACCOUNT_RATE = LoginAccountThrottle().num_requests
LOGIN_IP_RATE = LoginIPThrottle().num_requests
PASSWORD_ACCOUNT_RATE = PasswordAccountThrottle().num_requests
PASSWORD_IP_RATE = PasswordIPThrottle().num_requests
RESET_ACCOUNT_RATE = ResetAccountThrottle().num_requests
RESET_IP_RATE = ResetIPThrottle().num_requests


def assert_throttled(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert (body["status"], body["code"], body["fields"]) == (429, "throttled", {})


def test_logins_on_one_account_are_throttled_whatever_the_spelling(api_client, alice):
    for attempt in range(LOGIN_ACCOUNT_RATE):
        login = "alice" if attempt % 2 else " ALICE "
        api_client.post("/api/auth/login", {"login": login, "password": "wrong"})

    response = api_client.post("/api/auth/login", {"login": "Alice", "password": DEFAULT_PASSWORD})

    assert_throttled(response)


def test_logging_in_by_username_and_by_email_counts_against_one_account(api_client, alice):
    for attempt in range(LOGIN_ACCOUNT_RATE):
        login = "alice" if attempt % 2 else alice.email.upper()
        api_client.post("/api/auth/login", {"login": login, "password": "wrong"})

    response = api_client.post(
        "/api/auth/login", {"login": alice.email, "password": DEFAULT_PASSWORD}
    )

    assert_throttled(response)
    assert_throttled(
        api_client.post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})
    )


@pytest.mark.django_db
def test_a_login_sent_as_a_json_number_is_refused_so_it_cannot_dodge_the_account_limit(
    api_client,
):
    UserFactory(username="2021")

    response = api_client.post("/api/auth/login", {"login": 2021, "password": DEFAULT_PASSWORD})

    assert response.status_code == 400
    assert response.json()["fields"] == {"login": ["Not a valid string."]}


@pytest.mark.services
@pytest.mark.django_db
def test_a_nul_character_in_an_email_login_is_a_400_not_a_500(api_client):
    # Found by schemathesis: the account throttle looked the email up in PostgreSQL,
    # whose text cannot hold a NUL, before the serializer refused it.
    response = api_client.post("/api/auth/login", {"login": "a\x00@example.com", "password": "x"})

    assert response.status_code == 400
    assert response.json()["fields"]["login"] == ["Null characters are not allowed."]


def test_another_account_is_not_throttled_by_the_first(api_client, alice, bob):
    for _ in range(LOGIN_ACCOUNT_RATE):
        api_client.post("/api/auth/login", {"login": "alice", "password": "wrong"})

    response = api_client.post("/api/auth/login", {"login": "bob", "password": DEFAULT_PASSWORD})

    assert response.status_code == 200


@pytest.mark.django_db
def test_logins_from_one_ip_are_throttled_across_accounts(api_client):
    for number in range(LOGIN_IP_RATE):
        api_client.post("/api/auth/login", {"login": f"user{number}", "password": "wrong"})

    assert_throttled(api_client.post("/api/auth/login", {"login": "last", "password": "wrong"}))


@pytest.mark.django_db
def test_another_ip_is_not_throttled_by_the_first(api_client):
    for number in range(LOGIN_IP_RATE):
        api_client.post("/api/auth/login", {"login": f"user{number}", "password": "wrong"})

    response = api_client.post(
        "/api/auth/login", {"login": "last", "password": "wrong"}, REMOTE_ADDR="10.0.0.2"
    )

    assert response.status_code == 401


@pytest.mark.django_db
def test_a_client_cannot_escape_the_ip_limit_with_a_forged_forwarded_for_header(api_client):
    for number in range(LOGIN_IP_RATE):
        api_client.post(
            "/api/auth/login",
            {"login": f"user{number}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )

    response = api_client.post(
        "/api/auth/login",
        {"login": "last", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.250",
    )

    assert_throttled(response)


@pytest.mark.django_db
def test_behind_the_load_balancer_the_ip_it_saw_is_the_one_throttled(api_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for number in range(LOGIN_IP_RATE):
        # The load balancer appends the address it saw to whatever the client sent.
        api_client.post(
            "/api/auth/login",
            {"login": f"user{number}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}, 198.51.100.7",
        )

    other = api_client.post(
        "/api/auth/login",
        {"login": "last", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    same = api_client.post(
        "/api/auth/login",
        {"login": "last", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.250, 198.51.100.7",
    )

    assert other.status_code == 401
    assert_throttled(same)


def test_successful_logins_are_never_throttled(api_client, alice):
    for _ in range(LOGIN_ACCOUNT_RATE + LOGIN_IP_RATE):
        response = api_client.post(
            "/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 200


@pytest.mark.django_db
def test_forgot_requests_on_one_email_are_throttled(api_client):
    email = "alice@example.com"
    for _ in range(PASSWORD_ACCOUNT_RATE):
        api_client.post("/api/auth/password/forgot", {"email": email})

    assert_throttled(api_client.post("/api/auth/password/forgot", {"email": email.upper()}))


def test_wrong_reset_codes_on_one_email_are_throttled_even_for_the_right_code(api_client, alice):
    api_client.post("/api/auth/password/forgot", {"email": alice.email})
    for _ in range(RESET_ACCOUNT_RATE):
        api_client.post(
            "/api/auth/password/reset",
            {"email": alice.email, "code": "000000", "password": "a-new-long-password"},
        )

    response = api_client.post(
        "/api/auth/password/reset",
        {"email": alice.email, "code": "123456", "password": "a-new-long-password"},
    )

    assert_throttled(response)


@pytest.mark.django_db
def test_wrong_reset_codes_from_one_ip_are_throttled_across_emails(api_client):
    for number in range(RESET_IP_RATE):
        api_client.post(
            "/api/auth/password/reset",
            {"email": f"user{number}@example.com", "code": "000000", "password": "x-long-pass"},
        )

    response = api_client.post(
        "/api/auth/password/reset",
        {"email": "last@example.com", "code": "000000", "password": "x-long-pass"},
    )

    assert_throttled(response)


@pytest.mark.django_db
def test_password_requests_from_one_ip_are_throttled_across_emails(api_client):
    for number in range(PASSWORD_IP_RATE):
        api_client.post("/api/auth/password/forgot", {"email": f"user{number}@example.com"})

    response = api_client.post("/api/auth/password/forgot", {"email": "last@example.com"})

    assert_throttled(response)


@pytest.mark.parametrize("emptying", ["filled", "flushed"])
def test_emptying_the_shared_cache_does_not_reset_a_login_limit(api_client, alice, emptying):
    for _ in range(LOGIN_ACCOUNT_RATE):
        api_client.post("/api/auth/login", {"login": "alice", "password": "wrong"})

    if emptying == "filled":
        # What ~1,000 distinct menu query strings leave behind: the in-process cache
        # culls its oldest entries.
        cache.set_many({f"menu:/api/pizzas/?name={n}": [n] for n in range(1_000)})
    else:
        cache.clear()  # an operator's flush of the cache (Redis: its database)

    assert_throttled(
        api_client.post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})
    )


def test_a_success_gives_back_its_slot_so_failures_alone_reach_the_limit(api_client, alice):
    for _ in range(LOGIN_ACCOUNT_RATE - 1):
        api_client.post("/api/auth/login", {"login": "alice", "password": "wrong"})
    for _ in range(3):
        ok = api_client.post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})
        assert ok.status_code == 200

    last_try = api_client.post("/api/auth/login", {"login": "alice", "password": "wrong"})

    assert last_try.status_code == 401
    assert_throttled(api_client.post("/api/auth/login", {"login": "alice", "password": "wrong"}))


def test_a_refused_login_does_not_use_up_the_ip_limit(api_client, alice, bob):
    for _ in range(LOGIN_ACCOUNT_RATE):
        api_client.post("/api/auth/login", {"login": "alice", "password": "wrong"})
    for _ in range(LOGIN_IP_RATE):
        assert_throttled(api_client.post("/api/auth/login", {"login": "alice", "password": "x"}))

    response = api_client.post("/api/auth/login", {"login": "bob", "password": "wrong"})

    assert response.status_code == 401
