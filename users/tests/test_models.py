import pytest
from django.db import connection
from django.db.models import F

from config.api.errors import NotFound
from users.models import User
from users.selectors import user_get_by_username


def test_saving_a_user_read_earlier_keeps_the_counters_moved_since(alice):
    stale = User.objects.get(pk=alice.pk)
    User.objects.filter(pk=alice.pk).update(followers_count=F("followers_count") + 1)

    stale.first_name = "Alicia"
    stale.save()

    alice.refresh_from_db()
    assert (alice.first_name, alice.followers_count) == ("Alicia", 1)


def test_username_lookups_ignore_case(alice):
    assert User.objects.with_username("ALICE").get() == alice
    assert User.objects.get_by_natural_key("Alice") == alice


def test_email_lookups_ignore_case(alice):
    assert User.objects.with_email(alice.email.upper()).get() == alice


def test_an_account_without_email_stores_null_so_many_can_have_none(db):
    User.objects.create_user(username="first", email="")
    User.objects.create_user(username="second", email="")
    assert User.objects.filter(email__isnull=True).count() == 2


@pytest.mark.services
def test_a_username_lookup_can_use_the_unique_index(alice):
    queryset = User.objects.with_username("ALICE")
    with connection.cursor() as cursor:
        # With sequential scans priced out, the plan shows whether an index serves it.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "user_username_ci_unique" in plan


def test_a_deactivated_account_is_not_found_by_its_username(alice):
    alice.is_active = False
    alice.save()
    with pytest.raises(NotFound):
        user_get_by_username(username="alice")
