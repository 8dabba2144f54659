from datetime import date, timedelta

import pytest
from django.utils import timezone

from users.models import User
from users.tests.factories import UserFactory


def usernames(response) -> list[str]:
    return [row["username"] for row in response.json()["results"]]


def test_it_lists_accounts_newest_first_with_public_fields(api_client, alice, bob):
    User.objects.filter(pk=alice.pk).update(date_joined=timezone.now() - timedelta(days=1))

    response = api_client.get("/api/users/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "username": "bob",
            "name": "Bob Follower",
            "user_type": "person",
            "date_joined": bob.date_joined.isoformat().replace("+00:00", "Z"),
        },
        {
            "username": "alice",
            "name": "Alice Author",
            "user_type": "person",
            "date_joined": response.json()["results"][1]["date_joined"],
        },
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ALI", ["alice"]),
        ("follow", ["bob"]),
        ("carol stranger", ["carol"]),
        ("ER", ["carol", "bob"]),
        ("ali AUTH", ["alice"]),
        ("alice bob", []),
    ],
)
def test_q_matches_usernames_and_names_ignoring_case(api_client, alice, bob, carol, text, expected):
    response = api_client.get("/api/users/", {"q": text})

    assert usernames(response) == expected


@pytest.mark.django_db
def test_a_search_of_thousands_of_words_is_a_400_not_a_500(api_client):
    response = api_client.get("/api/users/", {"q": " ".join(["a"] * 3000)})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["q"]


def test_it_filters_by_user_type(api_client, alice):
    UserFactory(username="acme", user_type=User.UserType.BRAND)

    response = api_client.get("/api/users/", {"user_type": "brand"})

    assert usernames(response) == ["acme"]


def test_an_unknown_user_type_is_invalid_input(api_client, alice):
    response = api_client.get("/api/users/", {"user_type": "robot"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["user_type"]


def test_deactivated_accounts_are_not_listed(api_client, alice):
    UserFactory(username="gone", is_active=False)

    assert usernames(api_client.get("/api/users/")) == ["alice"]


def test_nobody_sees_the_emails_of_others(api_client, client_for, alice, bob):
    assert all("email" not in row for row in api_client.get("/api/users/").json()["results"])

    rows = client_for(alice).get("/api/users/").json()["results"]

    assert {row["username"]: row.get("email") for row in rows} == {
        "alice": "alice@example.com",
        "bob": None,
    }


def test_staff_see_every_email(client_for, alice, staff):
    rows = client_for(staff).get("/api/users/").json()["results"]

    assert {row["username"]: row["email"] for row in rows} == {
        "alice": "alice@example.com",
        "staff": "staff@example.com",
    }


def test_an_account_without_email_shows_null_as_the_schema_says(api_client, client_for, staff):
    User.objects.create_user(username="greeted")

    rows = client_for(staff).get("/api/users/").json()["results"]

    assert {row["username"]: row["email"] for row in rows}["greeted"] is None
    schema = api_client.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["UserList"]["properties"]["email"]["nullable"]


@pytest.mark.django_db
def test_it_pages_with_a_cursor(api_client):
    UserFactory.create_batch(5)

    first = api_client.get("/api/users/", {"page_size": 3}).json()
    second = api_client.get(first["next"]).json()

    assert len(first["results"]) == 3
    assert len(second["results"]) == 2
    assert second["next"] is None
    assert {row["username"] for row in first["results"] + second["results"]} == set(
        User.objects.values_list("username", flat=True)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", [20, 100])
def test_the_list_costs_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, page_size
):
    viewer = UserFactory(username="viewer")
    UserFactory.create_batch(page_size + 5)
    client = client_for(viewer)

    # One query for the caller's account, one for the page.
    with django_assert_max_num_queries(2):
        response = client.get("/api/users/", {"page_size": page_size, "q": "user"})

    assert len(response.json()["results"]) == page_size


@pytest.mark.django_db
def test_the_anonymous_list_costs_one_query(api_client, django_assert_max_num_queries):
    UserFactory.create_batch(25)

    with django_assert_max_num_queries(1):
        response = api_client.get("/api/users/")

    assert len(response.json()["results"]) == 20


@pytest.mark.django_db
def test_it_lists_the_birthdays_of_today(api_client, freeze_today):
    freeze_today(date(2021, 3, 25))
    UserFactory(username="zed", first_name="Zed", last_name="Z", date_of_birth=date(1990, 3, 25))
    UserFactory(username="amy", user_type=User.UserType.BRAND, date_of_birth=date(2001, 3, 25))
    UserFactory(username="tomorrow", date_of_birth=date(1990, 3, 26))
    UserFactory(username="unknown", date_of_birth=None)

    response = api_client.get("/api/birthdays/today/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["username"] for row in body["results"]] == ["amy", "zed"]
    assert body["results"][1] == {"username": "zed", "name": "Zed Z", "user_type": "person"}


@pytest.mark.django_db
def test_29_february_birthdays_are_listed_on_28_february_of_a_common_year(api_client, freeze_today):
    UserFactory(username="leap", date_of_birth=date(2000, 2, 29))
    UserFactory(username="plain", date_of_birth=date(2000, 2, 28))

    freeze_today(date(2021, 2, 28))
    common_year = api_client.get("/api/birthdays/today/").json()["results"]
    freeze_today(date(2024, 2, 28))
    leap_year = api_client.get("/api/birthdays/today/").json()["results"]

    assert [row["username"] for row in common_year] == ["leap", "plain"]
    assert [row["username"] for row in leap_year] == ["plain"]


@pytest.mark.django_db
def test_the_birthdays_of_today_are_served_from_the_cache(
    api_client, freeze_today, django_assert_num_queries
):
    freeze_today(date(2021, 3, 25))
    UserFactory.create_batch(3, date_of_birth=date(1990, 3, 25))
    api_client.get("/api/birthdays/today/")

    with django_assert_num_queries(0):
        response = api_client.get("/api/birthdays/today/")

    assert response.json()["count"] == 3


@pytest.mark.django_db
def test_a_greeting_that_changes_a_date_of_birth_refreshes_the_birthdays_of_today(
    api_client, freeze_today, django_capture_on_commit_callbacks
):
    freeze_today(date(2021, 3, 25))
    api_client.put("/hello/zed", {"dateOfBirth": "1990-03-25"}, format="json")
    assert api_client.get("/api/birthdays/today/").json()["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        api_client.put("/hello/Zoe", {"dateOfBirth": "1990-03-25"}, format="json")
        api_client.put("/hello/zed", {"dateOfBirth": "1990-03-26"}, format="json")

    rows = api_client.get("/api/birthdays/today/").json()["results"]
    assert [row["username"] for row in rows] == ["Zoe"]


@pytest.mark.django_db
def test_the_birthdays_of_today_are_paginated(api_client, freeze_today):
    freeze_today(date(2021, 3, 25))
    UserFactory.create_batch(3, date_of_birth=date(1990, 3, 25))

    body = api_client.get("/api/birthdays/today/", {"page_size": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None


def test_the_schema_shows_the_birthdays_of_the_day_as_a_paginated_list(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/birthdays/today/"]["get"]

    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"]["items"] == {"$ref": "#/components/schemas/BirthdayUser"}
    assert {"page", "page_size"} <= {parameter["name"] for parameter in operation["parameters"]}


def test_a_stale_bearer_token_does_not_get_in_the_way_of_the_birthdays(api_client, alice):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.forged")

    assert api_client.get("/api/birthdays/today/").status_code == 200
