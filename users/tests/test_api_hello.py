from datetime import date

import pytest
from rest_framework.test import APIClient

from users.models import User
from users.tests.factories import UserFactory
from users.throttles import GreetingIPThrottle

TODAY = date(2021, 3, 25)


@pytest.fixture(autouse=True)
def _today(freeze_today):
    freeze_today(TODAY)


def put_birthday(client, username: str, date_of_birth: str):
    return client.put(f"/hello/{username}", {"dateOfBirth": date_of_birth}, format="json")


@pytest.mark.django_db
def test_it_creates_an_account_nobody_can_log_in_to_for_a_free_name(api_client):
    response = put_birthday(api_client, "Zoe", "1990-05-01")

    assert response.status_code == 204
    assert response.content == b""
    zoe = User.objects.get(username="Zoe")
    assert zoe.date_of_birth == date(1990, 5, 1)
    assert zoe.email is None
    assert not zoe.has_usable_password()


@pytest.mark.django_db
def test_it_keeps_the_name_as_registered_and_ignores_case_afterwards(api_client):
    put_birthday(api_client, "Zoe", "1990-05-01")

    response = put_birthday(api_client, "ZOE", "1990-03-26")

    assert response.status_code == 204
    assert list(User.objects.values_list("username", "date_of_birth")) == [
        ("Zoe", date(1990, 3, 26))
    ]
    greeting = api_client.get("/hello/zoe")
    assert greeting.json() == {"message": "Hello, Zoe! Your birthday is in 1 day(s)"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("date_of_birth", "message"),
    [
        ("1990-03-25", "Hello, Zoe! Happy birthday!"),
        ("1990-03-26", "Hello, Zoe! Your birthday is in 1 day(s)"),
        ("1990-03-24", "Hello, Zoe! Your birthday is in 364 day(s)"),
    ],
)
def test_it_greets_with_the_legacy_messages(api_client, date_of_birth, message):
    UserFactory(username="Zoe", date_of_birth=date.fromisoformat(date_of_birth))

    response = api_client.get("/hello/Zoe")

    assert response.status_code == 200
    assert response.json() == {"message": message}


@pytest.mark.django_db
def test_someone_born_on_29_february_is_greeted_on_28_february_of_a_common_year(
    api_client, freeze_today
):
    freeze_today(date(2021, 2, 28))
    UserFactory(username="Leap", date_of_birth=date(2000, 2, 29))

    response = api_client.get("/hello/leap")

    assert response.json() == {"message": "Hello, Leap! Happy birthday!"}


@pytest.mark.django_db
def test_an_unknown_name_is_not_found(api_client):
    response = api_client.get("/hello/nobody")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_account_without_a_date_of_birth_is_not_found_either(api_client, alice):
    assert api_client.get("/hello/alice").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/hello/Zoe/", "/hello/", "/hello"])
def test_a_trailing_slash_is_not_redirected(api_client, path):
    UserFactory(username="Zoe", date_of_birth=date(1990, 5, 1))

    response = api_client.get(path)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/hello/Zoe/", "/hello/", "/hello"])
def test_a_put_beside_the_greeting_is_a_json_404_not_a_redirect_or_a_csrf_failure(path):
    # A browser-like client that enforces CSRF, as the live server does.
    client = APIClient(enforce_csrf_checks=True)

    response = client.put(path, {"dateOfBirth": "1990-05-01"}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "date_of_birth", "field"),
    [
        ("Zoe2", "1990-05-01", "username"),
        ("Zoe_", "1990-05-01", "username"),
        ("Abcdefghijklmno", "1990-05-01", "username"),
        ("Zoe", "2021-03-25", "dateOfBirth"),
        ("Zoe", "2021-03-26", "dateOfBirth"),
        ("Zoe", "1990-02-30", "dateOfBirth"),
        ("Zoe", "01/05/1990", "dateOfBirth"),
        ("Zoe", "1990-5-1", "dateOfBirth"),
        ("Zoe", " 1990-05-01", "dateOfBirth"),
        ("Zoe", "", "dateOfBirth"),
    ],
)
def test_it_rejects_a_bad_name_or_date(api_client, username, date_of_birth, field):
    response = put_birthday(api_client, username, date_of_birth)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_accepts_a_name_of_exactly_fourteen_letters(api_client):
    assert put_birthday(api_client, "Abcdefghijklmn", "1990-05-01").status_code == 204


@pytest.mark.django_db
def test_it_rejects_a_body_that_is_not_json(api_client):
    response = api_client.put("/hello/Zoe", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"status", "code", "detail", "fields"}


@pytest.mark.django_db
def test_it_rejects_a_body_without_the_date(api_client):
    response = api_client.put("/hello/Zoe", {}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"dateOfBirth": ["This field is required."]}


def test_an_anonymous_caller_cannot_change_an_account_that_can_log_in(api_client, alice):
    response = put_birthday(api_client, "alice", "1990-05-01")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    alice.refresh_from_db()
    assert alice.date_of_birth is None


def test_another_account_cannot_change_an_account_that_can_log_in(client_for, alice, bob):
    response = put_birthday(client_for(bob), "Alice", "1990-05-01")

    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.date_of_birth is None


def test_the_account_itself_and_staff_may_change_it(client_for, alice, staff):
    assert put_birthday(client_for(alice), "alice", "1990-05-01").status_code == 204
    assert put_birthday(client_for(staff), "alice", "1991-06-02").status_code == 204

    alice.refresh_from_db()
    assert alice.date_of_birth == date(1991, 6, 2)
    assert alice.username == "alice"


def test_anybody_may_change_a_name_made_by_the_greeting(api_client, client_for, bob):
    put_birthday(api_client, "Zoe", "1990-05-01")

    assert put_birthday(client_for(bob), "Zoe", "1991-06-02").status_code == 204
    assert User.objects.get(username="Zoe").date_of_birth == date(1991, 6, 2)


@pytest.mark.django_db
def test_an_account_with_digits_in_its_name_is_greeted_too(api_client, client_for):
    user7 = UserFactory(username="User7", date_of_birth=date(1990, 3, 25))

    assert api_client.get("/hello/user7").json() == {"message": "Hello, User7! Happy birthday!"}
    assert put_birthday(client_for(user7), "User7", "1990-05-01").status_code == 400


@pytest.mark.parametrize(
    ("method", "statuses"),
    [("get", {"200", "404"}), ("put", {"204", "400", "401", "403"})],
)
def test_the_schema_names_the_error_statuses_of_the_greeting(api_client, method, statuses):
    schema = api_client.get("/api/schema/?format=json").json()

    assert statuses <= set(schema["paths"]["/hello/{username}"][method]["responses"])


@pytest.mark.django_db
def test_setting_greetings_is_throttled_per_ip_and_reading_them_is_not(api_client, monkeypatch):
    monkeypatch.setattr(GreetingIPThrottle, "rate", "2/hour", raising=False)
    for name in ["Ann", "Ben"]:
        assert put_birthday(api_client, name, "1990-05-01").status_code == 204

    refused = put_birthday(api_client, "Cid", "1990-05-01")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert api_client.get("/hello/Ann").status_code == 200
    assert not User.objects.filter(username="Cid").exists()


def test_the_greeting_limit_is_sixty_an_hour_by_default():
    assert GreetingIPThrottle().rate == "60/hour"


@pytest.mark.django_db
def test_a_greeting_costs_one_query(api_client, django_assert_num_queries):
    UserFactory(username="Zoe", date_of_birth=date(1990, 5, 1))

    with django_assert_num_queries(1):
        assert api_client.get("/hello/zoe").status_code == 200
