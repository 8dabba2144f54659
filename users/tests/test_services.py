from datetime import date

import pytest

from config.api.errors import ApplicationError, PermissionDenied
from users.selectors import birthdays_today_list, birthdays_today_new_version
from users.services import (
    greeting_set,
    user_create,
    user_date_of_birth_set,
    user_update,
)


@pytest.fixture(autouse=True)
def _today(freeze_today):
    freeze_today(date(2021, 3, 25))


def test_an_update_never_touches_fields_outside_the_safe_ones(alice):
    with pytest.raises(ApplicationError, match="is_staff"):
        user_update(user=alice, data={"first_name": "Al", "is_staff": True})

    alice.refresh_from_db()
    assert (alice.first_name, alice.is_staff) == ("Alice", False)


def test_the_same_date_of_birth_again_keeps_the_cached_birthdays(
    alice, django_capture_on_commit_callbacks
):
    user_date_of_birth_set(user=alice, date_of_birth=date(1990, 5, 1))

    with django_capture_on_commit_callbacks() as callbacks:
        user_date_of_birth_set(user=alice, date_of_birth=date(1990, 5, 1))

    assert callbacks == []


def test_a_new_date_of_birth_forgets_the_cached_birthdays_after_commit(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        user_date_of_birth_set(user=alice, date_of_birth=date(1990, 5, 1))

    # Beside the greeting's refresh (users.greeting_sync).
    assert callbacks.count(birthdays_today_new_version) == 1


def test_a_new_name_of_someone_with_a_birthday_shows_in_the_cached_birthdays(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user_date_of_birth_set(user=alice, date_of_birth=date(1990, 3, 25))
    assert [entry["name"] for entry in birthdays_today_list()] == ["Alice Author"]

    with django_capture_on_commit_callbacks(execute=True):
        user_update(user=alice, data={"first_name": "Alice", "email": "new@example.com"})
        user_update(user=alice, data={"last_name": "Renamed"})

    assert [entry["name"] for entry in birthdays_today_list()] == ["Alice Renamed"]


def test_a_greeting_for_an_account_that_can_log_in_needs_its_owner_or_staff(alice, bob, staff):
    for actor in (None, bob):
        with pytest.raises(PermissionDenied):
            greeting_set(username="ALICE", date_of_birth=date(1990, 5, 1), actor=actor)

    greeting_set(username="ALICE", date_of_birth=date(1990, 5, 1), actor=staff)

    alice.refresh_from_db()
    assert alice.date_of_birth == date(1990, 5, 1)


@pytest.mark.django_db
def test_a_new_account_gets_its_email_normalized_and_its_password_hashed():
    user = user_create(username="Dora", email=" Dora@EXAMPLE.com ", password="a sturdy passphrase")

    assert user.email == "Dora@example.com"
    assert user.check_password("a sturdy passphrase")
    assert user.password != "a sturdy passphrase"


def test_usernames_clash_ignoring_case(alice):
    with pytest.raises(ApplicationError) as error:
        user_create(username="Alice", email="other@example.com", password="a sturdy passphrase")

    assert error.value.fields == {"username": ["A user with that username already exists."]}
