from datetime import date

import pytest
from rest_framework.test import APIClient

from authentication.tests.test_throttles import LOGIN_ACCOUNT_RATE, assert_throttled
from users.tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("users.birthdays.utc_today", lambda: date(2021, 3, 25))


def test_it_shows_the_own_account_with_email_and_date_of_birth(client_for, alice):
    response = client_for(alice).get("/api/auth/me")

    assert response.status_code == 200
    assert response.json() == {
        "username": "alice",
        "email": "alice@example.com",
        "first_name": "Alice",
        "last_name": "Author",
        "name": "Alice Author",
        "user_type": "person",
        "date_of_birth": None,
        "date_joined": response.json()["date_joined"],
    }


def test_it_needs_an_account(api_client, db):
    response = api_client.get("/api/auth/me")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_it_changes_the_safe_fields(client_for, alice):
    response = client_for(alice).patch(
        "/api/auth/me",
        {
            "first_name": "Alicia",
            "last_name": "",
            "email": "Alicia@Example.org",
            "user_type": "brand",
            "date_of_birth": "1990-05-01",
            "current_password": DEFAULT_PASSWORD,
        },
    )

    assert response.status_code == 200
    alice.refresh_from_db()
    assert (alice.name, alice.email, alice.user_type, alice.date_of_birth) == (
        "Alicia",
        "Alicia@example.org",
        "brand",
        date(1990, 5, 1),
    )
    assert response.json()["email"] == "Alicia@example.org"


def test_it_never_changes_staff_status_username_or_password(client_for, alice):
    password = alice.password

    client_for(alice).patch(
        "/api/auth/me",
        {"is_staff": True, "is_superuser": True, "username": "admin", "password": "x"},
    )

    alice.refresh_from_db()
    assert (alice.is_staff, alice.is_superuser, alice.username) == (False, False, "alice")
    assert alice.password == password


def test_an_email_taken_by_another_account_ignoring_case_is_refused(client_for, alice, bob):
    response = client_for(alice).patch(
        "/api/auth/me", {"email": "BOB@example.com", "current_password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"email": ["A user with that email already exists."]}


def test_keeping_the_own_email_in_another_case_is_fine(client_for, alice):
    response = client_for(alice).patch("/api/auth/me", {"email": "ALICE@example.com"})

    assert response.status_code == 200


@pytest.mark.parametrize("date_of_birth", ["2021-03-25", "2030-01-01", "not a date"])
def test_a_date_of_birth_must_be_a_date_before_today(client_for, alice, date_of_birth):
    response = client_for(alice).patch("/api/auth/me", {"date_of_birth": date_of_birth})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["date_of_birth"]


def test_a_new_date_of_birth_refreshes_the_birthdays_of_today(
    client_for, alice, api_client, django_capture_on_commit_callbacks
):
    UserFactory(username="zed", date_of_birth=date(1990, 3, 25))
    assert api_client.get("/api/birthdays/today/").json()["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).patch("/api/auth/me", {"date_of_birth": "2000-03-25"})

    rows = api_client.get("/api/birthdays/today/").json()["results"]
    assert [row["username"] for row in rows] == ["alice", "zed"]


@pytest.mark.django_db
def test_removing_the_date_of_birth_refreshes_the_birthdays_of_today(
    client_for, api_client, django_capture_on_commit_callbacks
):
    zed = UserFactory(username="zed", date_of_birth=date(1990, 3, 25))
    assert api_client.get("/api/birthdays/today/").json()["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        client_for(zed).patch("/api/auth/me", {"date_of_birth": None})

    assert api_client.get("/api/birthdays/today/").json()["count"] == 0


@pytest.mark.django_db
def test_a_new_name_shows_at_once_in_the_birthdays_of_today(
    client_for, api_client, django_capture_on_commit_callbacks
):
    zed = UserFactory(
        username="zed", first_name="Zed", last_name="", date_of_birth=date(1990, 3, 25)
    )
    assert api_client.get("/api/birthdays/today/").json()["results"][0]["name"] == "Zed"

    with django_capture_on_commit_callbacks(execute=True):
        client_for(zed).patch("/api/auth/me", {"first_name": "Zedd", "user_type": "brand"})

    rows = api_client.get("/api/birthdays/today/").json()["results"]
    assert [(row["name"], row["user_type"]) for row in rows] == [("Zedd", "brand")]


def test_changing_the_email_needs_the_current_password(client_for, alice):
    response = client_for(alice).patch("/api/auth/me", {"email": "thief@example.org"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["current_password"]
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_a_wrong_current_password_changes_nothing(client_for, alice):
    response = client_for(alice).patch(
        "/api/auth/me", {"email": "thief@example.org", "current_password": "guess"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "wrong_password"
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_wrong_current_passwords_count_against_the_login_limit(client_for, alice):
    for _ in range(LOGIN_ACCOUNT_RATE):
        client_for(alice).patch(
            "/api/auth/me", {"email": "thief@example.org", "current_password": "guess"}
        )

    login = APIClient().post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})

    assert_throttled(login)


def test_a_new_email_logs_out_every_session_and_tells_the_old_address(
    client_for, alice, mailoutbox, django_capture_on_commit_callbacks
):
    sessions = [
        APIClient().post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})
        for _ in range(2)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).patch(
            "/api/auth/me", {"email": "new@example.org", "current_password": DEFAULT_PASSWORD}
        )

    assert response.status_code == 200
    for session in sessions:
        refresh = APIClient().post("/api/auth/refresh", {"refresh": session.json()["refresh"]})
        assert refresh.status_code == 401
    assert [message.to for message in mailoutbox] == [["alice@example.com"]]
    assert "was changed" in mailoutbox[0].body


def test_other_fields_change_without_the_password_and_keep_the_sessions(
    client_for, alice, mailoutbox
):
    login = APIClient().post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})

    response = client_for(alice).patch("/api/auth/me", {"first_name": "Alicia"})

    assert response.status_code == 200
    refresh = APIClient().post("/api/auth/refresh", {"refresh": login.json()["refresh"]})
    assert refresh.status_code == 200
    assert mailoutbox == []


def test_the_own_account_and_tokens_are_never_stored_by_a_cache(client_for, alice, api_client):
    read = client_for(alice).get("/api/auth/me")
    change = client_for(alice).patch("/api/auth/me", {"first_name": "Alicia"})
    login = api_client.post("/api/auth/login", {"login": "alice", "password": DEFAULT_PASSWORD})
    refresh = api_client.post("/api/auth/refresh", {"refresh": login.json()["refresh"]})

    for response in (read, change, login, refresh):
        assert response["Cache-Control"] == "private, no-store"


def test_a_name_longer_than_its_limit_is_refused_even_when_the_excess_is_whitespace(
    client_for, alice
):
    # 150 letters and a space: the schema's maxLength is 150, so this is invalid.
    response = client_for(alice).patch("/api/auth/me", {"first_name": "A" * 150 + " "})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "first_name": ["Ensure this field has no more than 150 characters."]
    }
    alice.refresh_from_db()
    assert alice.first_name != "A" * 150


def test_surrounding_whitespace_within_the_limit_is_trimmed(client_for, alice):
    response = client_for(alice).patch("/api/auth/me", {"first_name": " Alicia "})

    assert response.status_code == 200
    assert response.json()["first_name"] == "Alicia"
