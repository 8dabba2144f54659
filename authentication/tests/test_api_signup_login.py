import pytest

from authentication.throttles import SignupIPThrottle
from users.models import User
from users.tests.factories import DEFAULT_PASSWORD, UserFactory

SIGNUP = {
    "username": "Dora",
    "email": "Dora@Example.COM",
    "password": "a sturdy passphrase",
    "first_name": "Dora",
    "last_name": "Explorer",
}


@pytest.mark.django_db
def test_signing_up_creates_the_account_and_logs_it_in(api_client, client_for):
    response = api_client.post("/api/auth/signup", SIGNUP)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"user", "access", "refresh"}
    assert body["user"] == {
        "username": "Dora",
        "email": "Dora@example.com",
        "first_name": "Dora",
        "last_name": "Explorer",
        "name": "Dora Explorer",
        "user_type": "person",
        "date_of_birth": None,
        "date_joined": body["user"]["date_joined"],
    }
    me = api_client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.json()["username"] == "Dora"


@pytest.mark.django_db
def test_a_brand_can_sign_up(api_client):
    response = api_client.post("/api/auth/signup", {**SIGNUP, "user_type": "brand"})

    assert response.json()["user"]["user_type"] == "brand"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"username": "ALICE"}, "username"),
        ({"email": "ALICE@example.com"}, "email"),
        ({"username": "dora_x"}, "username"),
        ({"username": "dora123456789012"}, "username"),
        ({"username": ""}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"user_type": "robot"}, "user_type"),
    ],
)
def test_it_rejects_a_signup_that_breaks_a_rule(api_client, alice, change, field):
    response = api_client.post("/api/auth/signup", {**SIGNUP, **change})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert not User.objects.filter(username__iexact="dora").exists()


@pytest.mark.django_db
def test_the_password_goes_through_djangos_validators(api_client):
    response = api_client.post("/api/auth/signup", {**SIGNUP, "password": "12345678"})

    assert response.status_code == 400
    assert response.json()["fields"]["password"] == [
        "This password is too common.",
        "This password is entirely numeric.",
    ]


@pytest.mark.parametrize("login", ["alice", "ALICE", "alice@example.com", "Alice@Example.com"])
def test_it_logs_in_by_username_or_email_ignoring_case(api_client, alice, login):
    response = api_client.post("/api/auth/login", {"login": login, "password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    assert response.json()["user"]["username"] == "alice"
    assert set(response.json()) == {"user", "access", "refresh"}


def test_logging_in_records_when_the_account_last_logged_in(api_client, alice):
    assert alice.last_login is None

    api_client.post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})

    alice.refresh_from_db()
    assert alice.last_login is not None


def test_a_failed_login_leaves_the_last_login_alone(api_client, alice):
    api_client.post("/api/auth/login", {"login": "alice", "password": "wrong password"})

    alice.refresh_from_db()
    assert alice.last_login is None


@pytest.mark.parametrize(
    ("login", "password"),
    [("alice", "wrong password"), ("nobody", DEFAULT_PASSWORD), ("no@body.com", DEFAULT_PASSWORD)],
)
def test_bad_credentials_get_one_answer_whether_the_account_exists_or_not(
    api_client, alice, login, password
):
    response = api_client.post("/api/auth/login", {"login": login, "password": password})

    assert response.status_code == 401
    assert response.json() == {
        "status": 401,
        "code": "invalid_credentials",
        "detail": "No active account with these credentials.",
        "fields": {},
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.django_db
def test_a_deactivated_account_cannot_log_in(api_client):
    UserFactory(username="gone", is_active=False)

    response = api_client.post("/api/auth/login", {"login": "gone", "password": DEFAULT_PASSWORD})

    assert response.status_code == 401


@pytest.mark.django_db
def test_an_account_made_by_the_greeting_cannot_log_in(api_client):
    api_client.put("/hello/Zoe", {"dateOfBirth": "1990-05-01"}, format="json")

    response = api_client.post("/api/auth/login", {"login": "Zoe", "password": "anything"})

    assert response.status_code == 401


def test_a_stale_bearer_token_does_not_block_logging_in(api_client, alice):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = api_client.post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_stale_bearer_token_does_not_block_signing_up(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = api_client.post("/api/auth/signup", SIGNUP)

    assert response.status_code == 201


@pytest.mark.django_db
def test_sign_ups_are_throttled_per_ip(api_client, monkeypatch):
    monkeypatch.setattr(SignupIPThrottle, "rate", "2/hour", raising=False)
    for name in ["ann", "ben"]:
        body = {"username": name, "email": f"{name}@example.com", "password": "long pass phrase 1"}
        assert api_client.post("/api/auth/signup", body).status_code == 201

    refused = api_client.post(
        "/api/auth/signup",
        {"username": "cid", "email": "cid@example.com", "password": "long pass phrase 1"},
    )

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert not User.objects.filter(username="cid").exists()


def test_the_sign_up_limit_is_twenty_an_hour_by_default():
    assert SignupIPThrottle().rate == "20/hour"
