from collections import Counter
from datetime import UTC
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from social.models import POSTS_PER_DAY, Follow, Post
from users.models import User

pytestmark = pytest.mark.django_db


def seed_scale(**options) -> None:
    call_command("seed_scale", stdout=StringIO(), **options)


def test_it_sets_every_counter_to_the_real_count():
    seed_scale(users=40, posts=600, follows_per_user=5)

    posts = Post.objects.filter(hidden=False)
    for user in User.objects.all():
        assert user.followers_count == Follow.objects.filter(followee=user).count()
        assert user.following_count == Follow.objects.filter(follower=user).count() == 5
        assert user.posts_count == posts.filter(author=user).count()
    for post in Post.objects.all():
        assert post.repost_count == posts.filter(original=post, kind=Post.Kind.REPOST).count()
        assert post.quote_count == posts.filter(original=post, kind=Post.Kind.QUOTE).count()
    assert Post.objects.filter(kind=Post.Kind.REPOST).exists()
    assert Post.objects.filter(kind=Post.Kind.QUOTE).exists()
    assert Post.objects.filter(hidden=True).exists()


def test_it_fills_every_day_up_to_the_daily_limit_and_never_beyond():
    # As many posts as 2 users may publish in 90 days: every author and day is full.
    seed_scale(users=2, posts=2 * 90 * POSTS_PER_DAY, follows_per_user=1)

    per_author_day = Counter(
        (author_id, created_at.astimezone(UTC).date())
        for author_id, created_at in Post.objects.values_list("author_id", "created_at")
    )
    assert len(per_author_day) == 2 * 90
    assert set(per_author_day.values()) == {POSTS_PER_DAY}


def test_reposts_and_quotes_point_at_an_earlier_post_of_a_kind_they_may_point_at():
    seed_scale(users=20, posts=500, follows_per_user=3)

    may_point_at = {
        Post.Kind.REPOST: {Post.Kind.POST, Post.Kind.QUOTE},
        Post.Kind.QUOTE: {Post.Kind.POST, Post.Kind.REPOST},
    }
    for post in Post.objects.exclude(kind=Post.Kind.POST).select_related("original"):
        assert post.original.created_at < post.created_at
        assert post.original.kind in may_point_at[post.kind]


def test_it_refuses_to_run_twice_on_one_database():
    seed_scale(users=5, posts=10, follows_per_user=1)

    with pytest.raises(CommandError, match="has scale data already"):
        seed_scale(users=5, posts=10, follows_per_user=1)
    assert User.objects.filter(username__startswith="scale").count() == 5


def test_it_refuses_more_posts_than_the_daily_limit_allows():
    with pytest.raises(CommandError, match="do not fit"):
        seed_scale(users=2, posts=2 * 90 * POSTS_PER_DAY + 1, follows_per_user=1)
    assert not User.objects.filter(username__startswith="scale").exists()
