"""The admin's login form is locked per username and client IP after too many
failures (django-axes, config/admin_login.py)."""

import pytest
from django.conf import settings
from django.test import Client

from users.tests.factories import DEFAULT_PASSWORD, UserFactory

LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def staff_member(db):
    return UserFactory(username="staff", is_staff=True)


def admin_login(password: str, *, username: str = "staff", ip: str = "10.0.0.1", **headers):
    return Client(REMOTE_ADDR=ip).post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        **headers,
    )


def fail_up_to_the_limit(**where) -> None:
    responses = [admin_login("wrong", **where) for _ in range(LIMIT)]
    # The form again, with its error; the failure that reaches the limit says so.
    assert [response.status_code for response in responses] == [200] * (LIMIT - 1) + [429]


def test_the_eleventh_wrong_admin_login_is_locked_even_with_the_right_password(staff_member):
    fail_up_to_the_limit()

    response = admin_login(DEFAULT_PASSWORD)

    assert LIMIT == 10
    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "Too many failed logins" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_a_script_is_told_in_json(staff_member):
    fail_up_to_the_limit()

    response = admin_login(DEFAULT_PASSWORD, HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert int(response["Retry-After"]) > 0


def test_the_lock_holds_for_that_username_and_address_only(staff_member):
    UserFactory(username="other", is_staff=True)
    fail_up_to_the_limit()

    from_elsewhere = admin_login(DEFAULT_PASSWORD, ip="10.0.0.2")
    other_username = admin_login(DEFAULT_PASSWORD, username="other")

    assert from_elsewhere.status_code == 302
    assert other_username.status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(staff_member):
    for number in range(LIMIT):
        admin_login("wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")

    response = admin_login(DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.250")

    assert response.status_code == 429


def test_api_logins_are_not_counted_by_the_admin_lock(api_client, staff_member):
    for _ in range(LIMIT):
        api_client.post("/api/auth/login", {"login": "staff", "password": "wrong"})

    assert admin_login(DEFAULT_PASSWORD, ip="127.0.0.1").status_code == 302
