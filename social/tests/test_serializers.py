"""The written-out shapes of the hot reads give exactly what the serializers give."""

import pytest
from django.http import QueryDict

from social import selectors
from social.models import Follow
from social.profile_cache import profile_user_get
from social.serializers import (
    FeedFilterSerializer,
    PostSerializer,
    ProfileSerializer,
    UserSummarySerializer,
    post_data,
    profile_data,
    user_summary_row,
)
from social.tests.factories import FollowFactory, PostFactory, QuoteFactory, RepostFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_post_a_repost_a_quote_and_a_quote_of_a_hidden_post_read_as_the_serializer_has_them():
    original = PostFactory(author=UserFactory(first_name="Ann", last_name="Lee"), quote_count=1)
    hidden = PostFactory(hidden=True)
    posts = [
        original,
        RepostFactory(original=original),
        QuoteFactory(original=original),
        QuoteFactory(original=hidden),
        QuoteFactory(
            original=RepostFactory(original=original, author=UserFactory(user_type="brand"))
        ),
    ]

    for post in posts:
        read = selectors.post_get(post_id=post.pk)
        assert post_data(read) == PostSerializer(read).data


@pytest.mark.parametrize(
    ("follows_of", "party"),
    [(selectors.follower_list, "follower"), (selectors.following_list, "followee")],
)
def test_a_follow_list_row_shows_each_user_as_the_summary_serializer_does(alice, follows_of, party):
    for other in (
        UserFactory(first_name="", last_name="Solo"),
        UserFactory(first_name="Ann", last_name=""),
        UserFactory(user_type="brand"),
    ):
        if party == "follower":
            FollowFactory(follower=other, followee=alice)
        else:
            FollowFactory(follower=alice, followee=other)

    rows, _ = (
        follows_of(username="alice")
        .order_by("created_at", "id")
        .keyset_page(after=None, position=None, limit=10, snapshot=None)
    )
    users = [
        getattr(follow, party)
        for follow in Follow.objects.filter(pk__in=[row["id"] for row in rows]).order_by(
            "created_at", "id"
        )
    ]

    assert [user_summary_row(row, party) for row in rows] == (
        UserSummarySerializer(users, many=True).data
    )


@pytest.mark.parametrize("is_following", [True, False])
def test_a_profile_read_or_cached_shows_as_the_profile_serializer_does(alice, is_following):
    profile_user_get(username="alice")  # the second read comes from the cache
    for user in (alice, profile_user_get(username="alice")):
        context = {"is_following": is_following}
        assert profile_data(user, is_following=is_following) == (
            ProfileSerializer(user, context=context).data
        )


PLAIN_FEED_QUERIES = [
    "",
    "scope=following",
    "scope=mine&sort=trending",
    "sort=latest&cursor=abc&page_size=5",
    "scope=all&scope=following",  # the last value, as the serializer reads it
]
OTHER_FEED_QUERIES = [
    "scope=",
    "scope=Following",
    "sort=hot",
    "scope=following&sort=",
    "scope=all&author=bob",
    "q=tea",
    "since=2026-01-01",
    "until=x",
    "format=json",
]


@pytest.mark.parametrize("query", PLAIN_FEED_QUERIES + OTHER_FEED_QUERIES)
def test_a_plain_feed_query_reads_as_the_filter_serializer_reads_it(query):
    serializer = FeedFilterSerializer(data=QueryDict(query))
    plain = FeedFilterSerializer.plain_values(QueryDict(query))

    if query in PLAIN_FEED_QUERIES:
        assert serializer.is_valid(), serializer.errors
        assert plain == serializer.validated_data
    else:
        assert plain is None
