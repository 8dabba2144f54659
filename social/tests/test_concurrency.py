"""Real threads against the real PostgreSQL: the limits and counters hold under load.

The checks read from the primary: outside a request, reads go to the streaming replica,
which may not have replayed the last commits yet.
"""

from collections import Counter

import pytest

from config.database_router import reads_from_primary
from config.tests.concurrency import run_together
from social.models import Follow, Post, TimelineEntry
from social.services import follow_create, post_create
from users.tests.factories import UserFactory

REQUESTS = 20


def statuses_of(requests: list) -> Counter:
    """Send every request from its own thread, all at once; how many got each status."""
    return Counter(response.status_code for response in run_together(requests))


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_20_simultaneous_posts_from_one_author_create_exactly_5(client_for, alice):
    clients = [client_for(alice) for _ in range(REQUESTS)]
    requests = [
        lambda client=client, number=number: client.post("/api/posts/", {"content": f"#{number}"})
        for number, client in enumerate(clients)
    ]

    statuses = statuses_of(requests)

    assert statuses == {201: 5, 429: REQUESTS - 5}
    with reads_from_primary():
        alice.refresh_from_db()
        assert Post.objects.filter(author=alice).count() == alice.posts_count == 5


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_20_simultaneous_follows_leave_the_counter_equal_to_the_follow_rows(client_for, alice):
    followers = UserFactory.create_batch(REQUESTS // 2)
    # every follower sends the same follow twice, so duplicates race as well
    clients = [client_for(follower) for follower in followers * 2]
    requests = [lambda client=client: client.post("/api/users/alice/follow/") for client in clients]

    statuses = statuses_of(requests)

    assert statuses == {201: len(followers), 200: len(followers)}
    with reads_from_primary():
        alice.refresh_from_db()
        rows = Follow.objects.filter(followee=alice).count()
        assert alice.followers_count == rows == len(followers)
        for follower in followers:
            follower.refresh_from_db()
            assert follower.following_count == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_20_simultaneous_reposts_of_one_post_count_exactly(client_for, alice):
    original = post_create(author=alice, content="worth sharing")
    clients = [client_for(user) for user in UserFactory.create_batch(REQUESTS)]
    requests = [
        lambda client=client: client.post("/api/posts/", {"repost_of": original.pk})
        for client in clients
    ]

    statuses = statuses_of(requests)

    assert statuses == {201: REQUESTS}
    with reads_from_primary():
        original.refresh_from_db()
        assert original.repost_count == original.derived.count() == REQUESTS


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_simultaneous_unfollows_of_one_follow_take_the_counters_down_once(client_for, alice, bob):
    carol = UserFactory(username="carol")
    follow_create(follower=bob, followee=alice)
    follow_create(follower=carol, followee=alice)
    clients = [client_for(bob) for _ in range(REQUESTS)]
    requests = [
        lambda client=client: client.delete("/api/users/alice/follow/") for client in clients
    ]

    statuses = statuses_of(requests)

    assert statuses == {204: len(clients)}
    with reads_from_primary():
        alice.refresh_from_db()
        bob.refresh_from_db()
        assert alice.followers_count == Follow.objects.filter(followee=alice).count() == 1
        assert bob.following_count == 0


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_follows_and_unfollows_both_ways_at_once_never_deadlock_and_keep_the_counters(
    client_for, alice, bob
):
    requests = []
    for follower, followee in [(alice, bob), (bob, alice)] * (REQUESTS // 4):
        client = client_for(follower)
        path = f"/api/users/{followee.username}/follow/"
        requests += [lambda client=client, path=path: client.post(path)]
        requests += [lambda client=client, path=path: client.delete(path)]

    statuses = statuses_of(requests)

    assert set(statuses) <= {200, 201, 204}
    with reads_from_primary():
        for user in (alice, bob):
            user.refresh_from_db()
            assert user.followers_count == Follow.objects.filter(followee=user).count()
            assert user.following_count == Follow.objects.filter(follower=user).count()


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_follows_racing_unfollows_of_one_pair_never_fail(client_for, alice, bob):
    clients = [client_for(bob) for _ in range(REQUESTS)]
    path = "/api/users/alice/follow/"
    for _ in range(5):
        requests = [
            lambda client=client, number=number: (client.post if number % 2 else client.delete)(
                path
            )
            for number, client in enumerate(clients)
        ]

        statuses = statuses_of(requests)

        assert set(statuses) <= {200, 201, 204}
    with reads_from_primary():
        alice.refresh_from_db()
        bob.refresh_from_db()
        follows = Follow.objects.filter(follower=bob, followee=alice).count()
        assert alice.followers_count == bob.following_count == follows


def timeline_of(reader) -> set[int]:
    return set(TimelineEntry.objects.filter(owner=reader).values_list("post_id", flat=True))


def posts_followed_by(reader) -> set[int]:
    followed = Follow.objects.filter(follower=reader).values("followee_id")
    return set(Post.objects.filter(author__in=followed).values_list("pk", flat=True))


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_follows_unfollows_and_posts_at_once_leave_the_timeline_equal_to_the_followed_posts(
    client_for, settings, alice, bob
):
    settings.FEED_TIMELINE_MIN_FOLLOWS = 3
    carol = UserFactory(username="carol")
    for followee in (alice, carol):
        post_create(author=followee, content="before")
        follow_create(follower=bob, followee=followee)
    reader, alices, carols = client_for(bob), client_for(alice), client_for(carol)
    # Each round bob follows a new account (the first follow makes him a heavy reader:
    # his timeline is built) while it posts, and while alice, followed, posts too.
    for round_number in range(4):
        followee = UserFactory()
        post_create(author=followee, content="older")
        path, followees = f"/api/users/{followee.username}/follow/", client_for(followee)
        requests = [
            lambda path=path: reader.post(path),
            lambda client=followees: client.post("/api/posts/", {"content": "now"}),
            lambda text=f"#{round_number}": alices.post("/api/posts/", {"content": text}),
        ]

        assert statuses_of(requests) == {201: 3}
        with reads_from_primary():
            assert timeline_of(bob) == posts_followed_by(bob)
    # An unfollow while the account posts leaves none of its posts behind.
    requests = [
        lambda: reader.delete("/api/users/carol/follow/"),
        lambda: carols.post("/api/posts/", {"content": "after"}),
    ]

    assert statuses_of(requests) == {204: 1, 201: 1}
    with reads_from_primary():
        assert timeline_of(bob) == posts_followed_by(bob)
        assert not TimelineEntry.objects.filter(owner=bob, author=carol).exists()
