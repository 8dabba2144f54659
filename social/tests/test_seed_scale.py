"""``manage.py seed_scale`` on a small scale: its rows keep every rule of the services."""

from collections import Counter, defaultdict
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q

from social.models import POSTS_PER_DAY, Follow, Post, TimelineEntry
from users.models import User

pytestmark = [pytest.mark.services, pytest.mark.django_db]

UNTIL = "2026-03-01T15:30:00+00:00"


def seed_scale(**options) -> None:
    options = {"orders": 0, "records": 0, "until": UNTIL, **options}
    arguments = [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
    call_command("seed_scale", *arguments, stdout=StringIO(), stderr=StringIO())


def test_every_counter_equals_the_count_of_its_rows():
    seed_scale(users=60, posts=2_000, follows_per_user=6)

    visible = Post.objects.filter(hidden=False)
    for user in User.objects.annotate(
        followers=Count("follows_received", distinct=True),
        following=Count("follows_given", distinct=True),
    ):
        assert (user.followers_count, user.following_count) == (user.followers, user.following)
        assert user.posts_count == visible.filter(author=user).count()
    for post in Post.objects.annotate(
        reposts=Count("derived", filter=Q(derived__kind="repost", derived__hidden=False)),
        quotes=Count("derived", filter=Q(derived__kind="quote", derived__hidden=False)),
    ):
        assert (post.repost_count, post.quote_count) == (post.reposts, post.quotes)
    assert set(Post.objects.values_list("kind", flat=True)) == set(Post.Kind)
    assert Post.objects.filter(hidden=True).exists()


def test_reposts_quotes_follows_and_days_keep_the_rules_of_the_services():
    seed_scale(users=60, posts=2_000, follows_per_user=6)

    for post in Post.objects.exclude(kind=Post.Kind.POST).select_related("original"):
        assert post.original.created_at < post.created_at
        if post.kind == Post.Kind.REPOST:
            assert post.original.kind != Post.Kind.REPOST
            assert post.content is None
        else:
            assert post.original.kind != Post.Kind.QUOTE
    reposts = Post.objects.filter(kind=Post.Kind.REPOST)
    assert reposts.count() == len(set(reposts.values_list("author_id", "original_id")))
    assert not Follow.objects.filter(follower=F("followee")).exists()
    per_author_day = Counter(
        (author_id, created_at.astimezone(UTC).date())
        for author_id, created_at in Post.objects.values_list("author_id", "created_at")
    )
    assert max(per_author_day.values()) <= POSTS_PER_DAY
    assert Post.objects.filter(created_at__gt=datetime.fromisoformat(UNTIL)).count() == 0


def test_follows_are_skewed_a_few_followed_by_many_one_following_hundreds():
    seed_scale(users=2_000, posts=0, follows_per_user=20)

    followers = sorted(User.objects.values_list("followers_count", flat=True), reverse=True)
    following = sorted(User.objects.values_list("following_count", flat=True), reverse=True)
    assert followers[0] > 20 * followers[len(followers) // 2]
    assert following[0] >= 500  # the heavy followers: 0.3% of the users
    assert 15 <= sum(following) / len(following) <= 25


def test_it_fills_every_day_up_to_the_daily_limit_and_never_beyond():
    # As many posts as 2 users may publish in 90 days: every author and day is full.
    seed_scale(users=2, posts=2 * 90 * POSTS_PER_DAY, follows_per_user=1)

    per_author_day = Counter(
        (author_id, created_at.astimezone(UTC).date())
        for author_id, created_at in Post.objects.values_list("author_id", "created_at")
    )
    assert len(per_author_day) == 2 * 90
    assert set(per_author_day.values()) == {POSTS_PER_DAY}


def snapshot() -> tuple:
    users = sorted(
        User.objects.filter(username__startswith="scale").values_list(
            "username", "first_name", "date_of_birth", "date_joined", "followers_count",
            "following_count", "posts_count",
        )
    )  # fmt: skip
    follows = sorted(
        Follow.objects.values_list("follower__username", "followee__username", "created_at")
    )
    posts = sorted(
        Post.objects.values_list(
            "author__username", "kind", "content", "created_at", "hidden",
            "original__author__username", "original__created_at", "repost_count",
        ),
        key=repr,
    )  # fmt: skip
    return users, follows, posts


def snapshot_of_a_discarded_run(random_seed: int) -> tuple:
    with transaction.atomic():
        seed_scale(users=30, posts=300, follows_per_user=4, random_seed=random_seed)
        taken = snapshot()
        transaction.set_rollback(True)
    return taken


def test_the_same_random_seed_gives_the_same_data_and_another_seed_other_data():
    first = snapshot_of_a_discarded_run(7)
    other = snapshot_of_a_discarded_run(8)

    seed_scale(users=30, posts=300, follows_per_user=4, random_seed=7)

    assert snapshot() == first
    assert other != first


def test_a_second_run_adds_new_users_with_their_own_follows_and_posts():
    seed_scale(users=10, posts=50, follows_per_user=2)
    seed_scale(users=10, posts=50, follows_per_user=2)

    assert User.objects.filter(username__startswith="scale").count() == 20
    assert User.objects.filter(username="scale20").exists()
    assert Post.objects.count() == 100
    for user in User.objects.all():
        assert user.following_count == Follow.objects.filter(follower=user).count()


def test_it_refuses_more_posts_than_the_daily_limit_allows_and_writes_nothing():
    with pytest.raises(CommandError, match="do not fit"):
        seed_scale(users=2, posts=2 * 90 * POSTS_PER_DAY + 1, follows_per_user=1)
    assert not User.objects.filter(username__startswith="scale").exists()


def timelines() -> dict[int, list[int]]:
    """Each owner's timeline, newest first."""
    entries = TimelineEntry.objects.order_by("owner_id", "-created_at", "-post_id")
    owners = defaultdict(list)
    for owner_id, post_id in entries.values_list("owner_id", "post_id"):
        owners[owner_id].append(post_id)
    return dict(owners)


def newest_followed_posts(owner_id: int, length: int) -> list[int]:
    followed = Follow.objects.filter(follower_id=owner_id).values("followee_id")
    posts = Post.objects.filter(author__in=followed).order_by("-created_at", "-id")
    return list(posts.values_list("pk", flat=True)[:length])


def test_the_heavy_readers_get_their_timelines_and_rebuild_timelines_makes_them_again(settings):
    settings.FEED_TIMELINE_MIN_FOLLOWS = 20
    settings.FEED_TIMELINE_LENGTH = 50
    seed_scale(users=60, posts=2_000, follows_per_user=6)

    heavy = User.objects.filter(following_count__gte=20).values_list("pk", flat=True)
    seeded = timelines()
    assert seeded
    assert set(seeded) == set(heavy)
    marked = Follow.objects.filter(follower_has_timeline=True).values_list("follower_id")
    assert set(marked.distinct().values_list("follower_id", flat=True)) == set(heavy)
    assert seeded == {owner_id: newest_followed_posts(owner_id, 50) for owner_id in heavy}

    TimelineEntry.objects.all().delete()
    call_command("rebuild_timelines", stdout=StringIO(), stderr=StringIO())
    assert timelines() == seeded

    settings.FEED_TIMELINE_LENGTH = 10
    call_command("rebuild_timelines", "--trim", stdout=StringIO(), stderr=StringIO())
    assert timelines() == {owner_id: posts[:10] for owner_id, posts in seeded.items()}

    settings.FEED_TIMELINE_MIN_FOLLOWS = 10**6
    call_command("rebuild_timelines", stdout=StringIO(), stderr=StringIO())
    assert not TimelineEntry.objects.exists()
    assert not Follow.objects.filter(follower_has_timeline=True).exists()
