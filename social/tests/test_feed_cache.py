"""The feed's first page is cached, and every change it shows reaches it at once."""

import pytest
from rest_framework.test import APIClient

from social.models import Post
from social.services import post_create, post_repost, post_set_hidden
from social.tests.factories import PostFactory
from users.services import user_update

pytestmark = pytest.mark.django_db


def first_page(query: str = "") -> list[dict]:
    return APIClient().get(f"/api/posts/{query}").json()["results"]


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what the block's transactions do once they commit (cache refreshes)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_first_page_read_again_comes_from_the_cache(alice, django_assert_num_queries):
    post_create(author=alice, content="hello")
    first = first_page()

    with django_assert_num_queries(0):
        assert first_page() == first


@pytest.mark.parametrize("query", ["?sort=trending", "?sort=latest"])
def test_the_first_page_of_either_sort_read_again_comes_from_the_cache(
    alice, django_assert_num_queries, query
):
    post_create(author=alice, content="hello")
    first = first_page(query)

    with django_assert_num_queries(0):
        assert first_page(query) == first


@pytest.mark.parametrize(
    "query", ["?page_size=5", "?sort=trending&page_size=10", "?sort=%74rending"]
)
def test_a_page_with_other_parameters_or_spellings_is_not_taken_from_the_cache(
    alice, django_assert_num_queries, query
):
    post_create(author=alice, content="hello")
    first_page(query)

    with django_assert_num_queries(1):
        APIClient().get(f"/api/posts/{query}")


def test_a_new_post_and_a_repost_are_on_the_first_page_at_once(alice, bob, commits):
    with commits():
        original = post_create(author=alice, content="first")
    first_page()

    with commits():
        post_repost(author=bob, original_id=original.pk)

    page = first_page()
    assert [post["kind"] for post in page] == ["repost", "post"]
    assert page[1]["repost_count"] == 1


def test_a_hidden_post_leaves_the_first_page_at_once(alice, commits):
    with commits():
        post = post_create(author=alice, content="oops")
    assert [p["content"] for p in first_page()] == ["oops"]

    with commits():
        post_set_hidden(post=post, hidden=True)

    assert first_page() == []


def test_a_deleted_post_and_a_renamed_author_show_at_once(alice, bob, commits):
    with commits():
        kept = post_create(author=alice, content="kept")
        gone = post_create(author=bob, content="gone")
    first_page()

    with commits():
        Post.objects.get(pk=gone.pk).delete()
        user_update(user=alice, data={"first_name": "Alicia"})

    assert [(p["id"], p["author"]["name"]) for p in first_page()] == [(kept.pk, "Alicia Author")]


def test_a_repost_reorders_the_cached_trending_page_at_once(alice, bob, commits):
    with commits():
        older = post_create(author=alice, content="older")
        post_create(author=alice, content="newer")
    assert [p["content"] for p in first_page("?sort=trending")] == ["newer", "older"]

    with commits():
        post_repost(author=bob, original_id=older.pk)

    page = first_page("?sort=trending")
    assert (page[0]["content"], page[0]["repost_count"]) == ("older", 1)


def test_a_walk_from_the_cached_trending_page_shows_each_post_once(commits):
    with commits():
        posts = PostFactory.create_batch(13)
    client = APIClient()
    first = client.get("/api/posts/?sort=trending").json()  # computed, then cached
    assert client.get("/api/posts/?sort=trending").json() == first

    second = client.get(first["next"]).json()

    seen = [p["id"] for p in first["results"] + second["results"]]
    assert sorted(seen) == sorted(post.pk for post in posts)
