import pytest
from django.core.cache import cache

from social.services import follow_create, post_create


@pytest.mark.django_db
def test_a_profile_read_again_comes_from_the_cache(api_client, alice, django_assert_num_queries):
    first = api_client.get("/api/users/alice/").json()
    with django_assert_num_queries(0):
        assert api_client.get("/api/users/ALICE/").json() == first


@pytest.mark.django_db
def test_the_cache_holds_no_password_hash_or_email(api_client, alice):
    api_client.get("/api/users/alice/")
    cached = cache.get("social:profile:alice")
    assert cached["username"] == "alice"
    assert not {"password", "email"} & set(cached)


@pytest.mark.django_db
def test_is_following_stays_per_caller_when_the_profile_is_cached(
    api_client, client_for, alice, bob, carol
):
    follow_create(follower=bob, followee=alice)
    api_client.get("/api/users/alice/")

    assert client_for(bob).get("/api/users/alice/").json()["is_following"] is True
    assert client_for(carol).get("/api/users/alice/").json()["is_following"] is False


@pytest.mark.django_db
def test_a_follow_refreshes_both_cached_profiles_once_committed(
    api_client, client_for, alice, bob, django_capture_on_commit_callbacks
):
    api_client.get("/api/users/alice/")
    api_client.get("/api/users/bob/")

    with django_capture_on_commit_callbacks(execute=True):
        client_for(bob).post("/api/users/alice/follow/")

    assert api_client.get("/api/users/alice/").json()["followers_count"] == 1
    assert api_client.get("/api/users/bob/").json()["following_count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        client_for(bob).delete("/api/users/alice/follow/")

    assert api_client.get("/api/users/alice/").json()["followers_count"] == 0


@pytest.mark.django_db
def test_a_new_post_and_its_deletion_refresh_the_authors_cached_profile(
    api_client, alice, django_capture_on_commit_callbacks
):
    api_client.get("/api/users/alice/")

    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=alice, content="x")
    assert api_client.get("/api/users/alice/").json()["posts_count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert api_client.get("/api/users/alice/").json()["posts_count"] == 0


@pytest.mark.django_db
def test_a_new_name_shows_on_the_cached_profile_at_once(
    api_client, client_for, alice, django_capture_on_commit_callbacks
):
    api_client.get("/api/users/alice/")

    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).patch("/api/auth/me", {"first_name": "Alicia"})

    assert api_client.get("/api/users/alice/").json()["name"] == "Alicia Author"


@pytest.mark.django_db
def test_a_deleted_account_has_no_profile_at_once(
    api_client, alice, django_capture_on_commit_callbacks
):
    api_client.get("/api/users/alice/")

    with django_capture_on_commit_callbacks(execute=True):
        alice.delete()

    assert api_client.get("/api/users/alice/").status_code == 404


@pytest.mark.django_db
def test_a_profile_not_cached_yet_costs_one_query_and_a_caller_two_more(
    api_client, client_for, alice, bob, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert api_client.get("/api/users/alice/").status_code == 200
    cache.clear()
    bob_client = client_for(bob)
    # the caller's account (the bearer token), the account, whether the caller follows it
    with django_assert_num_queries(3):
        assert bob_client.get("/api/users/alice/").status_code == 200
