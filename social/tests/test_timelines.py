"""The timelines of heavy readers: kept at write time, read as the merge reads.

Here a reader with 3 follows or more is heavy (``FEED_TIMELINE_MIN_FOLLOWS``); the
proof is that every page of the timeline path equals the page of the per-account
merge for the same reader (the merge is what a reader below the threshold reads).
"""

import base64
import json
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from social.models import Post, TimelineEntry
from social.services import (
    follow_create,
    follow_delete,
    post_create,
    post_quote,
    post_repost,
    post_set_hidden,
)
from social.tests.factories import FollowFactory, PostFactory, RepostFactory
from users.tests.factories import UserFactory

HEAVY = 3
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("heavy_from_three_follows")]


@pytest.fixture
def heavy_from_three_follows(settings):
    settings.FEED_TIMELINE_MIN_FOLLOWS = HEAVY
    settings.FEED_TIMELINE_LENGTH = 1000


def minutes_ago(minutes: int) -> datetime:
    return timezone.now() - timedelta(minutes=minutes)


def walk(client, url: str) -> list[list[int]]:
    """The ids of every page of a walk from ``url``, then of every page back from its
    last one through the ``previous`` links."""
    pages, last = [], None
    while url:
        last = client.get(url).json()
        pages.append([post["id"] for post in last["results"]])
        url = last["next"]
    url = last["previous"]
    while url:
        body = client.get(url).json()
        pages.append([post["id"] for post in body["results"]])
        url = body["previous"]
    return pages


QUERIES = ["", "sort=trending", "q=tea&since=2000-01-01&until=2100-01-01"]


def assert_the_timeline_reads_as_the_merge(client, reader, *, queries=QUERIES) -> None:
    for query in [*queries, f"author={reader.followed_name}"]:
        for page_size in (6, 100):
            url = f"/api/posts/?scope=following&page_size={page_size}&{query}"
            with CaptureQueriesContext(connection) as captured:
                timeline = walk(client, url)
            # Now: the next request empties the log that the capture reads.
            read = any("social_timelineentry" in sql["sql"] for sql in captured)
            with override_settings(FEED_TIMELINE_MIN_FOLLOWS=10**6):
                merge = walk(client, url)
            assert timeline == merge, url
            assert any(page for page in merge), url
            reader.refresh_from_db()
            assert read == (reader.following_count >= HEAVY), url


def posts_of(author, *, minutes: list[int]) -> list[Post]:
    """Posts made before the reader followed, some of them hidden or reposts of hidden
    ones, with repost counts that tie."""
    made = []
    for number, ago in enumerate(minutes):
        if number % 5 == 4 and made:
            repost = RepostFactory(author=author, original=made[-4], created_at=minutes_ago(ago))
            made.append(repost)
            continue
        made.append(
            PostFactory(
                author=author,
                content=f"tea {number}" if number % 2 else f"coffee {number}",
                created_at=minutes_ago(ago),
                repost_count=number % 3,
                hidden=number % 7 == 6,
            )
        )
    return made


@pytest.mark.parametrize("length", [1000, 7])
def test_the_timeline_pages_equal_the_merge_pages_through_follows_posts_hides_and_unfollows(
    client_for, settings, alice, bob, carol, staff, length
):
    settings.FEED_TIMELINE_LENGTH = length
    # Trending ranks among the timeline's newest posts: the merge's ranking only when
    # the timeline holds them all.
    queries = QUERIES if length == 1000 else [q for q in QUERIES if "trending" not in q]
    dave, erin, frank = (UserFactory(username=name) for name in ("dave", "erin", "frank"))
    authors = [alice, carol, dave, erin, frank]
    for offset, author in enumerate(authors):
        posts_of(author, minutes=[10_000 - 37 * number - offset for number in range(12)])
    hidden_original = PostFactory(author=UserFactory(), created_at=minutes_ago(20_000))
    RepostFactory(author=alice, original=hidden_original, created_at=minutes_ago(10))
    hidden_original.hidden = True
    hidden_original.save()
    client = client_for(bob)
    bob.followed_name = "alice"

    follow_create(follower=bob, followee=alice)
    follow_create(follower=bob, followee=carol)
    assert not TimelineEntry.objects.filter(owner=bob).exists()
    assert_the_timeline_reads_as_the_merge(client, bob, queries=queries)

    follow_create(follower=bob, followee=dave)  # now heavy: the timeline is built
    assert TimelineEntry.objects.filter(owner=bob).count() == min(length, 37)
    assert_the_timeline_reads_as_the_merge(client, bob, queries=queries)

    fresh = post_create(author=alice, content="tea fresh")
    post_create(author=erin, content="tea by someone bob does not follow yet")
    shared = post_create(author=frank, content="tea to repost")
    post_repost(author=carol, original_id=shared.pk)
    post_quote(author=dave, original_id=fresh.pk, content="tea quoted")
    post_set_hidden(post=shared, hidden=True)  # carol's repost of it disappears too
    post_set_hidden(post=post_create(author=dave, content="tea hidden"), hidden=True)
    assert_the_timeline_reads_as_the_merge(client, bob, queries=queries)

    follow_create(follower=bob, followee=erin)  # followed after they posted
    follow_create(follower=bob, followee=frank)
    assert_the_timeline_reads_as_the_merge(client, bob, queries=queries)

    follow_delete(follower=bob, followee=carol)
    assert not TimelineEntry.objects.filter(owner=bob, author=carol).exists()
    assert_the_timeline_reads_as_the_merge(client, bob, queries=queries)

    follow_delete(follower=bob, followee=dave)
    follow_delete(follower=bob, followee=erin)  # below the threshold: no timeline
    post_create(author=alice, content="tea for a reader with no timeline")
    assert not TimelineEntry.objects.filter(owner=bob).exists()
    assert_the_timeline_reads_as_the_merge(client, bob, queries=queries)

    post_create(author=carol, content="tea while unfollowed")
    follow_create(follower=bob, followee=carol)  # heavy again: built again
    post_create(author=carol, content="tea after")
    assert_the_timeline_reads_as_the_merge(client, bob, queries=queries)


def make_heavy(reader, *followees) -> None:
    for followee in followees or UserFactory.create_batch(HEAVY):
        follow_create(follower=reader, followee=followee)


def test_a_followed_accounts_new_post_is_in_the_heavy_readers_feed_at_once(client_for, alice, bob):
    make_heavy(bob, alice, *UserFactory.create_batch(HEAVY - 1))

    created = client_for(alice).post("/api/posts/", {"content": "just now"}).json()

    assert TimelineEntry.objects.filter(owner=bob, post_id=created["id"]).exists()
    first = client_for(bob).get("/api/posts/?scope=following").json()["results"][0]
    assert first["id"] == created["id"]


def test_an_unfollow_takes_the_accounts_posts_out_of_the_timeline(client_for, alice, bob):
    make_heavy(bob, alice, *UserFactory.create_batch(HEAVY))
    post = post_create(author=alice, content="soon gone from bob's feed")

    assert client_for(bob).delete("/api/users/alice/follow/").status_code == 204

    assert not TimelineEntry.objects.filter(owner=bob, author=alice).exists()
    body = client_for(bob).get("/api/posts/?scope=following").json()
    assert post.pk not in [result["id"] for result in body["results"]]


def test_a_post_writes_one_entry_per_heavy_follower_only(alice, bob, carol):
    for follower in UserFactory.create_batch(30):
        FollowFactory(follower=follower, followee=alice)
    make_heavy(bob, alice, *UserFactory.create_batch(HEAVY - 1))
    make_heavy(carol, alice, *UserFactory.create_batch(HEAVY + 5))

    post = post_create(author=alice, content="to 32 followers")

    assert set(TimelineEntry.objects.filter(post=post).values_list("owner", flat=True)) == {
        bob.pk,
        carol.pk,
    }


def test_a_reader_crossing_the_threshold_gets_the_newest_posts_and_loses_them_below_it(
    settings, bob
):
    settings.FEED_TIMELINE_LENGTH = 10
    followees = UserFactory.create_batch(HEAVY)
    for number, followee in enumerate(followees):
        posts_of(followee, minutes=[100 - 3 * index - number for index in range(8)])

    make_heavy(bob, *followees)

    newest = Post.objects.filter(author__in=followees).order_by("-created_at", "-id")[:10]
    assert set(TimelineEntry.objects.filter(owner=bob).values_list("post_id", flat=True)) == {
        post.pk for post in newest
    }
    follow_delete(follower=bob, followee=followees[0])
    assert not TimelineEntry.objects.filter(owner=bob).exists()


def test_deleting_a_post_or_an_account_deletes_their_entries(alice, bob):
    make_heavy(bob, alice, *UserFactory.create_batch(HEAVY - 1))
    post_create(author=alice, content="first")
    post = post_create(author=alice, content="second")

    post.delete()
    assert TimelineEntry.objects.filter(owner=bob).count() == 1
    alice.delete()
    assert not TimelineEntry.objects.filter(owner=bob).exists()


def test_a_heavy_readers_page_takes_the_queries_of_the_merge(client_for, alice, bob):
    PostFactory.create_batch(25, author=alice)
    make_heavy(bob, alice, *UserFactory.create_batch(HEAVY - 1))
    follow_create(follower=bob, followee=UserFactory())  # a backfill of no posts
    client = client_for(bob)
    for query in ["", "sort=trending"]:
        url = f"/api/posts/?scope=following&page_size=10&{query}"
        for last in (False, False, True):
            with CaptureQueriesContext(connection) as captured:
                body = client.get(url).json()
            timeline = len(captured)
            with (
                override_settings(FEED_TIMELINE_MIN_FOLLOWS=10**6),
                CaptureQueriesContext(connection) as merge,
            ):
                client.get(url)
            # The last page of the timeline, short of a full page, is read again with
            # the merge: the timeline may not hold every older post.
            page_queries = len(merge) - 1  # all but the caller's account
            assert timeline == len(merge) + (page_queries if last else 0)
            url = body["next"]
        assert url is None


@pytest.mark.parametrize(
    "position",
    [
        ["not a time", 1],
        [5, 1],
        ["2026-01-01T00:00:00+00:00", "x"],
        ["2026-01-01T00:00:00+00:00", 10**20],
    ],
)
def test_a_forged_cursor_of_a_heavy_readers_feed_is_a_400_on_cursor(client_for, bob, position):
    make_heavy(bob)
    cursor = base64.b64encode(urlencode({"p": json.dumps(position)}).encode()).decode()

    response = client_for(bob).get(
        f"/api/posts/?{urlencode({'scope': 'following', 'cursor': cursor})}"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"cursor": ["Invalid cursor."]}
