"""The timelines of heavy readers: their following feed, kept at write time.

A reader who follows ``FEED_TIMELINE_MIN_FOLLOWS`` accounts or more has a timeline, one
``TimelineEntry`` per post of the accounts they follow; the feed reads a page among its
entries (``social.selectors.FeedQuerySet``: newest first, the entries after the cursor;
trending, the newest ``FEED_TIMELINE_LENGTH``) instead of merging a page of each of
hundreds of accounts. Everyone else's feed is that merge, which costs
them 2-3 ms: so a post writes one entry per heavy follower of its author, never one per
follower (docs/SCALING.md, section 2). The follows of a heavy reader are marked
(``Follow.follower_has_timeline``): a post finds its author's heavy followers in a
partial index instead of reading all its followers.

Each write runs in the transaction of the change it follows, under the locks that
serialize it (a post locks its author's row, a follow both users' rows), so a reader
reads their own writes. What the reads rely on: for every account the reader follows,
the timeline holds each of its posts from the timeline's oldest entry on. Hidden posts
are kept and left out at read time; deleted posts take their entries with them.
"""

from django.conf import settings
from django.db import connection

from social.models import Follow, Post, TimelineEntry
from users.models import User

ENTRIES = TimelineEntry._meta.db_table
POSTS = Post._meta.db_table
FOLLOWS = Follow._meta.db_table
USERS = User._meta.db_table
COLUMNS = "owner_id, post_id, author_id, created_at"


def timeline_kept(*, following_count: int) -> bool:
    """Whether a reader who follows this many accounts has a timeline."""
    return following_count >= settings.FEED_TIMELINE_MIN_FOLLOWS


def timeline_post_added(*, post: Post) -> None:
    """The new post in the timeline of each heavy follower of its author."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ENTRIES} ({COLUMNS}) "
            f"SELECT follower_id, %s, %s, %s FROM {FOLLOWS} "
            "WHERE followee_id = %s AND follower_has_timeline",
            [post.pk, post.author_id, post.created_at, post.author_id],
        )


def timeline_follow_added(*, follower_id: int, followee_id: int) -> None:
    """After a follow: the followee's posts in the follower's timeline, or the whole
    timeline built if this follow makes the follower a heavy reader."""
    following_count = _following_count(follower_id)
    if not timeline_kept(following_count=following_count):
        return
    if following_count == _min_follows() or not _has_entries(follower_id):
        timeline_build(owner_id=follower_id)
        return
    Follow.objects.filter(follower_id=follower_id, followee_id=followee_id).update(
        follower_has_timeline=True
    )
    # Only down to the timeline's oldest entry: older posts of this account would sit
    # among posts of the others that the timeline does not hold.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ENTRIES} ({COLUMNS}) "
            f"SELECT %s, post.id, post.author_id, post.created_at FROM {POSTS} AS post "
            "WHERE post.author_id = %s AND (post.created_at, post.id) >= "
            f"(SELECT created_at, post_id FROM {ENTRIES} WHERE owner_id = %s "
            "ORDER BY created_at, post_id LIMIT 1) "
            "ORDER BY post.created_at DESC, post.id DESC LIMIT %s ON CONFLICT DO NOTHING",
            [follower_id, followee_id, follower_id, _length()],
        )


def timeline_follow_removed(*, follower_id: int, followee_id: int) -> None:
    """After an unfollow: the account's posts out of the follower's timeline, or the
    whole timeline deleted if the follower no longer follows enough accounts."""
    if timeline_kept(following_count=_following_count(follower_id)):
        TimelineEntry.objects.filter(owner_id=follower_id, author_id=followee_id).delete()
        return
    _timeline_delete(owner_id=follower_id)


def timeline_build(*, owner_id: int) -> None:
    """The owner's timeline made again from the posts: the newest entries of the
    following feed, as the per-account merge reads them."""
    # A post being published by a followed account either commits before this reads
    # the posts, or finds the owner's follows marked after: never neither.
    _lock_followees(owner_id)
    TimelineEntry.objects.filter(owner_id=owner_id).delete()
    Follow.objects.filter(follower_id=owner_id, follower_has_timeline=False).update(
        follower_has_timeline=True
    )
    if connection.vendor == "postgresql":
        # Each followed account's newest posts merged, as the feed reads them.
        newest = (
            f"SELECT page.id, page.author_id, page.created_at FROM {FOLLOWS} AS follow "
            "CROSS JOIN LATERAL (SELECT id, author_id, created_at "
            f"FROM {POSTS} WHERE author_id = follow.followee_id "
            "ORDER BY created_at DESC, id DESC LIMIT %s) AS page "
            "WHERE follow.follower_id = %s "
            "ORDER BY page.created_at DESC, page.id DESC LIMIT %s"
        )
        params = [_length(), owner_id, _length()]
    else:
        newest = (
            f"SELECT id, author_id, created_at FROM {POSTS} WHERE author_id IN "
            f"(SELECT followee_id FROM {FOLLOWS} WHERE follower_id = %s) "
            "ORDER BY created_at DESC, id DESC LIMIT %s"
        )
        params = [owner_id, _length()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ENTRIES} ({COLUMNS}) "
            f"SELECT %s, newest.id, newest.author_id, newest.created_at FROM ({newest}) AS newest",
            [owner_id, *params],
        )


def timeline_rebuild(*, owner_id: int) -> bool:
    """The owner's timeline built again from the posts if they follow enough accounts,
    otherwise deleted (``manage.py rebuild_timelines``); True if built. Call it in a
    transaction: the owner's row is locked as by a follow."""
    following_count = (
        User.objects.select_for_update(no_key=True)
        .filter(pk=owner_id)
        .values_list("following_count", flat=True)
        .first()
    )
    if following_count is not None and timeline_kept(following_count=following_count):
        timeline_build(owner_id=owner_id)
        return True
    _timeline_delete(owner_id=owner_id)
    return False


def timeline_trim(*, owner_id: int) -> int:
    """Delete the entries beyond the newest ``FEED_TIMELINE_LENGTH``, which no read
    reaches; how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {ENTRIES} WHERE owner_id = %s AND (created_at, post_id) < "
            f"(SELECT created_at, post_id FROM {ENTRIES} WHERE owner_id = %s "
            "ORDER BY created_at DESC, post_id DESC LIMIT 1 OFFSET %s)",
            [owner_id, owner_id, _length() - 1],
        )
        return cursor.rowcount


def _timeline_delete(*, owner_id: int) -> None:
    _lock_followees(owner_id)
    TimelineEntry.objects.filter(owner_id=owner_id).delete()
    Follow.objects.filter(follower_id=owner_id, follower_has_timeline=True).update(
        follower_has_timeline=False
    )


def _min_follows() -> int:
    return settings.FEED_TIMELINE_MIN_FOLLOWS


def _length() -> int:
    return settings.FEED_TIMELINE_LENGTH


def _following_count(user_id: int) -> int:
    # Read after the counter moved, under the lock of the follow or unfollow.
    count = User.objects.filter(pk=user_id).values_list("following_count", flat=True).first()
    return count or 0


def _has_entries(owner_id: int) -> bool:
    return TimelineEntry.objects.filter(owner_id=owner_id).exists()


def _lock_followees(owner_id: int) -> None:
    """Wait for the posts being published by the accounts the owner follows: a post
    locks its author's row for update, which this share lock waits for and then holds
    off until the owner's timeline has been built or deleted. It does not conflict
    with the locks of follows (``FOR NO KEY UPDATE``), so it cannot deadlock them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {USERS} WHERE id IN "
            f"(SELECT followee_id FROM {FOLLOWS} WHERE follower_id = %s) "
            "ORDER BY id FOR KEY SHARE",
            [owner_id],
        )
