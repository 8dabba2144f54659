from datetime import date

import pytest
from django.test import Client

from users.tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.mark.django_db
def test_staff_log_in_to_the_admin_with_a_session():
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "BOSS", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_user_list_searches_and_filters(admin_client, alice, bob):
    response = admin_client.get("/admin/users/user/", {"q": "alice", "user_type__exact": "person"})

    assert response.status_code == 200
    assert [user.username for user in response.context["cl"].result_list] == ["alice"]


def test_an_admin_edit_of_a_date_of_birth_refreshes_the_birthdays_of_today(
    admin_client, api_client, freeze_today, django_capture_on_commit_callbacks
):
    freeze_today(date(2021, 3, 25))
    zed = UserFactory(username="zed", email="", first_name="", last_name="")
    assert api_client.get("/api/birthdays/today/").json()["count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/users/user/{zed.pk}/change/",
            {
                "username": "zed",
                "user_type": "person",
                "date_of_birth": "1990-03-25",
                "is_active": "on",
            },
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    rows = api_client.get("/api/birthdays/today/").json()["results"]
    assert [row["username"] for row in rows] == ["zed"]


def test_deactivating_an_account_in_the_admin_takes_it_off_the_birthdays_of_today(
    admin_client, api_client, freeze_today, django_capture_on_commit_callbacks
):
    freeze_today(date(2021, 3, 25))
    zed = UserFactory(username="zed", email="", date_of_birth=date(1990, 3, 25))
    assert api_client.get("/api/birthdays/today/").json()["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/users/user/{zed.pk}/change/",
            {"username": "zed", "user_type": "person", "date_of_birth": "1990-03-25"},
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert api_client.get("/api/birthdays/today/").json()["count"] == 0


def test_the_admin_refuses_a_date_of_birth_that_is_not_in_the_past(admin_client, freeze_today):
    freeze_today(date(2021, 3, 25))
    zed = UserFactory(username="zed", email="")

    response = admin_client.post(
        f"/admin/users/user/{zed.pk}/change/",
        {"username": "zed", "user_type": "person", "date_of_birth": "2021-03-25"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date_of_birth"] == [
        "A date of birth must be before today."
    ]
