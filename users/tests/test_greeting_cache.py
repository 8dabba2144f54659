"""The greeting's cache: read again without a query, and never older than a change."""

from datetime import date

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from users.models import User
from users.services import user_update
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(freeze_today):
    freeze_today(date(2021, 3, 25))


@pytest.fixture
def zoe():
    return UserFactory(username="Zoe", date_of_birth=date(1990, 3, 27))


def greeting(username: str) -> tuple[int, str | None]:
    response = APIClient().get(f"/hello/{username}")
    return response.status_code, response.json().get("message")


def test_a_greeting_read_again_comes_from_the_cache(zoe, django_assert_num_queries):
    first = greeting("zoe")
    with django_assert_num_queries(0):
        assert greeting("ZOE") == first == (200, "Hello, Zoe! Your birthday is in 2 day(s)")


def test_the_cache_holds_the_name_and_date_of_birth_only(zoe):
    greeting("zoe")
    assert cache.get("users:greeting:zoe") == ("Zoe", date(1990, 3, 27))


def test_a_new_date_of_birth_is_greeted_at_once_by_every_client(
    zoe, client_for, django_capture_on_commit_callbacks
):
    greeting("zoe")
    client = client_for(zoe)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.put("/hello/zoe", {"dateOfBirth": "1990-03-25"}, format="json")
    assert response.status_code == 204

    assert greeting("zoe") == (200, "Hello, Zoe! Happy birthday!")


def test_a_date_of_birth_changed_on_the_account_is_greeted_at_once(
    zoe, django_capture_on_commit_callbacks
):
    greeting("zoe")
    with django_capture_on_commit_callbacks(execute=True):
        user_update(user=zoe, data={"date_of_birth": date(1990, 3, 26)})

    assert greeting("zoe") == (200, "Hello, Zoe! Your birthday is in 1 day(s)")


def test_a_deactivated_or_deleted_account_is_a_404_at_once(zoe, django_capture_on_commit_callbacks):
    bob = UserFactory(username="bob", date_of_birth=date(1990, 1, 1))
    greeting("zoe"), greeting("bob")

    with django_capture_on_commit_callbacks(execute=True):
        zoe.is_active = False
        zoe.save()
        User.objects.get(pk=bob.pk).delete()

    assert greeting("zoe")[0] == 404
    assert greeting("bob")[0] == 404


def _answer(response) -> tuple[int, bytes, dict[str, str]]:
    headers = {name: value for name, value in response.items() if name != "X-Request-ID"}
    return response.status_code, response.content, headers


@pytest.mark.parametrize("username", ["Zoe", "Zoë"])
def test_a_cached_greeting_answers_as_drf_renders_it(username, django_assert_num_queries):
    # A cached greeting asked for plainly is answered without DRF's request cycle;
    # asked for with an Accept header that DRF must parse, it goes through DRF.
    UserFactory(username=username, date_of_birth=date(1990, 3, 27))
    greeting(username)

    with django_assert_num_queries(0):
        plain = APIClient().get(f"/hello/{username}")
        negotiated = APIClient().get(f"/hello/{username}", HTTP_ACCEPT="application/json, */*")
    assert _answer(plain) == _answer(negotiated)
    assert plain.json() == {"message": f"Hello, {username}! Your birthday is in 2 day(s)"}
    assert plain["Allow"] == "GET, PUT, HEAD, OPTIONS"


def test_credentials_sent_with_a_cached_greeting_are_still_checked(zoe):
    greeting("zoe")
    response = APIClient().get("/hello/zoe", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


def test_a_format_drf_does_not_know_is_still_a_404(zoe):
    greeting("zoe")
    assert APIClient().get("/hello/zoe?format=xml").status_code == 404


def test_a_cached_account_without_a_date_of_birth_is_a_404_without_a_query(
    django_assert_num_queries,
):
    UserFactory(username="anna", date_of_birth=None)
    assert greeting("anna")[0] == 404
    with django_assert_num_queries(0):
        assert greeting("anna") == (404, None)


@pytest.mark.parametrize(
    ("username", "status"), [("zoe", 200), ("nobody", 404)], ids=["not cached yet", "unknown"]
)
def test_a_greeting_the_cache_does_not_hold_reads_the_cache_once(
    zoe, monkeypatch, username, status
):
    reads = []
    read = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *args, **kwargs: reads.append(key) or read(key, *args, **kwargs)
    )

    assert greeting(username)[0] == status
    assert len(reads) == 1
