import pytest
from django.db import IntegrityError, connection

from social.models import Follow, Post
from social.tests.factories import FollowFactory, PostFactory, QuoteFactory, RepostFactory


@pytest.mark.django_db
def test_the_database_refuses_a_self_follow(alice):
    with pytest.raises(IntegrityError):
        Follow.objects.create(follower=alice, followee=alice)


@pytest.mark.django_db
def test_the_database_refuses_a_second_identical_follow(alice, bob):
    FollowFactory(follower=bob, followee=alice)
    with pytest.raises(IntegrityError):
        Follow.objects.create(follower=bob, followee=alice)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "content", "has_original"),
    [
        ("post", "text", True),
        ("post", None, False),
        ("repost", None, False),
        ("repost", "text", True),
        ("quote", "text", False),
        ("quote", None, True),
        ("reply", "text", False),
    ],
)
def test_the_database_refuses_a_kind_that_does_not_match_original_and_content(
    alice, kind, content, has_original
):
    original = PostFactory() if has_original else None
    with pytest.raises(IntegrityError):
        Post.objects.create(author=alice, kind=kind, content=content, original=original)


@pytest.mark.django_db
def test_the_database_refuses_a_second_repost_of_the_same_post_by_one_author(alice, bob):
    repost = RepostFactory(author=bob)
    with pytest.raises(IntegrityError):
        Post.objects.create(author=bob, kind="repost", original=repost.original)


@pytest.mark.django_db
def test_two_quotes_of_the_same_post_by_one_author_are_allowed(alice, bob):
    original = PostFactory(author=alice)
    Post.objects.create(author=bob, kind="quote", content="one", original=original)
    Post.objects.create(author=bob, kind="quote", content="two", original=original)
    assert original.derived.count() == 2


@pytest.mark.django_db
def test_posts_and_follows_are_named_by_people_and_words_not_ids(alice, bob):
    post = PostFactory(author=alice, content="Pizza tonight at the old place by the river?")
    repost = RepostFactory(author=bob, original=post)
    quote = QuoteFactory(author=bob, original=post, content="Count me in")

    assert str(post) == f"Post {post.pk} by alice: “Pizza tonight at the old place by the r…”"
    assert str(repost) == f"Repost {repost.pk} by bob of post {post.pk}"
    assert str(quote) == f"Quote {quote.pk} by bob: “Count me in”"
    assert str(FollowFactory(follower=bob, followee=alice)) == "bob follows alice"


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Follow, Post])
def test_no_index_is_the_start_of_another(model):
    """Such an index costs every write and can mislead the planner: knowing neither
    account of a follow list (found by username in the statement), it read a heavy
    follower's 2,000 follows by the lone ``follower_id`` index and sorted them, 5 ms a
    page, where the list's index reads the page, 0.4 ms (1M posts, bench/explain.py)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    columns = {
        name: tuple(found["columns"])
        for name, found in constraints.items()
        if found["columns"] and (found["index"] or found["unique"])
    }
    led = [
        (name, other)
        for name, found in constraints.items()
        if name in columns and found["index"] and not found["unique"]
        for other, theirs in columns.items()
        if other != name and theirs[: len(columns[name])] == columns[name]
    ]
    assert led == []
