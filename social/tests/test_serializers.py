"""The written-out shapes of the hot reads give exactly what the serializers give."""

import pytest

from social import selectors
from social.profile_cache import profile_user_get
from social.serializers import (
    PostSerializer,
    ProfileSerializer,
    UserSummarySerializer,
    post_data,
    profile_data,
    user_summary_data,
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


def test_a_follow_list_shows_each_user_as_the_summary_serializer_does(alice):
    FollowFactory(follower=UserFactory(first_name="", last_name="Solo"), followee=alice)
    FollowFactory(follower=UserFactory(user_type="brand"), followee=alice)

    followers = [follow.follower for follow in selectors.follower_list(user=alice)]

    assert [user_summary_data(user) for user in followers] == (
        UserSummarySerializer(followers, many=True).data
    )


@pytest.mark.parametrize("is_following", [True, False])
def test_a_profile_read_or_cached_shows_as_the_profile_serializer_does(alice, is_following):
    profile_user_get(username="alice")  # the second read comes from the cache
    for user in (alice, profile_user_get(username="alice")):
        context = {"is_following": is_following}
        assert profile_data(user, is_following=is_following) == (
            ProfileSerializer(user, context=context).data
        )
