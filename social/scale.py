"""The follows and posts of ``manage.py seed_scale``, skewed like a real network.

Follows: a few accounts are followed by tens of thousands, most by a handful; a few
hundred users follow 500 to 2,000 accounts each, the most active among them (the
reader whose following feed costs most). Posts: the popular accounts post most, up
to the daily limit; reposts and quotes point at earlier posts and keep the rules of
the services (no repost of a repost, no quote of a quote, one repost per author and
original). Every counter is computed here from these rows.
"""

import heapq
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from config.scale_seed import ScaleSeed
from social.models import POSTS_PER_DAY, Follow, Post, TimelineEntry
from social.timelines import timeline_kept
from users.models import User

DAYS = 90
FOLLOWED_WITHIN_DAYS = 365
HEAVY_FOLLOWERS_SHARE = 0.003  # 300 of 100k users follow hundreds
HEAVY_FOLLOWS = (500, 2_000)
MOST_ACTIVE = 100  # the accounts every heavy follower follows
HIDDEN_EVERY = 500  # staff hid one post in 500
# Of the posts that could point at an earlier one: this share are reposts, this quotes.
REPOST_SHARE = 0.15
QUOTE_SHARE = 0.10
WORDS = [
    "pizza", "coffee", "morning", "run", "lakes", "station", "corner", "margherita",
    "cursor", "keyset", "index", "python", "django", "feed", "weekend", "music",
    "book", "rain", "sunny", "train", "garden", "market",
]  # fmt: skip


def social_seed_scale(*, seed: ScaleSeed) -> None:
    user_ids = [user.id for user in seed.shared["users"]]
    if seed.posts > len(user_ids) * DAYS * POSTS_PER_DAY:
        raise CommandError(
            f"{seed.posts} posts do not fit in {POSTS_PER_DAY} a day per user over {DAYS} days."
        )
    generator = _Generator(seed=seed, user_ids=user_ids)
    follows = generator.follows()
    following = Counter(follower_id for follower_id, _, _ in follows)
    seed.copy(
        Follow,
        ["follower_id", "followee_id", "created_at", "follower_has_timeline"],
        ((*follow, timeline_kept(following_count=following[follow[0]])) for follow in follows),
        label="follows",
    )
    posts = generator.posts()
    fields = ["id", "author_id", "kind", "content", "original_id", "created_at", "hidden"]
    seed.copy(Post, [*fields, "repost_count", "quote_count"], posts, label="posts")
    _user_counters_add(follows=follows, posts=posts)
    entries = _timeline_entries(follows=follows, posts=posts)
    fields = ["owner_id", "post_id", "author_id", "created_at"]
    seed.copy(TimelineEntry, fields, entries, label="timelines", counted=False)


class _Generator:
    def __init__(self, *, seed: ScaleSeed, user_ids: list[int]) -> None:
        self.seed = seed
        self.rng = seed.rng
        self.user_ids = user_ids

    def follows(self) -> list[tuple]:
        count = len(self.user_ids)
        heavy_count = max(1, round(count * HEAVY_FOLLOWERS_SHARE))
        heavy_every = count // heavy_count
        heavy_total = heavy_count * min(sum(HEAVY_FOLLOWS) // 2, count - 1)
        others_mean = max(self.seed.follows - heavy_total, 0) / max(count - heavy_count, 1)
        follows = []
        for index, follower_id in enumerate(self.user_ids):
            if index % heavy_every == 2 % heavy_every and index // heavy_every < heavy_count:
                wanted = min(self.rng.randint(*HEAVY_FOLLOWS), count - 1)
                # The most active accounts first: the feed that costs most to read.
                followees = {rank for rank in range(min(MOST_ACTIVE, wanted + 1)) if rank != index}
            else:
                wanted = (
                    min(int(self.rng.expovariate(1 / others_mean)), count - 1) if others_mean else 0
                )
                followees = set()
            while len(followees) < wanted:
                rank = self._popular(count)
                if rank != index:
                    followees.add(rank)
            follows.extend(
                (follower_id, self.user_ids[rank], self._followed_at()) for rank in followees
            )
        return follows

    def posts(self) -> list[tuple]:
        """Rows of Post (with their counters), oldest first."""
        slots = sorted(self._post_slots())
        times = [created_at for created_at, _author_id in slots]
        ids = self.seed.reserve_ids(Post, len(slots))
        kinds: list[str] = []
        originals: list[int | None] = []
        reposted: set[tuple[int, int]] = set()
        for number, (created_at, author_id) in enumerate(slots):
            kind, original = Post.Kind.POST, None
            earlier = bisect_left(times, created_at, hi=number)
            draw = self.rng.random()
            if earlier and draw < REPOST_SHARE + QUOTE_SHARE:
                original = earlier - 1 - self._skewed(earlier)
                if draw < REPOST_SHARE:
                    if (
                        kinds[original] != Post.Kind.REPOST
                        and (author_id, original) not in reposted
                    ):
                        kind = Post.Kind.REPOST
                        reposted.add((author_id, original))
                elif kinds[original] != Post.Kind.QUOTE:
                    kind = Post.Kind.QUOTE
            kinds.append(kind)
            originals.append(None if kind == Post.Kind.POST else original)

        hidden = [number % HIDDEN_EVERY == HIDDEN_EVERY - 1 for number in range(len(slots))]
        # Hidden posts count nowhere, as in the services.
        reposts = Counter(
            originals[number]
            for number, kind in enumerate(kinds)
            if kind == Post.Kind.REPOST and not hidden[number]
        )
        quotes = Counter(
            originals[number]
            for number, kind in enumerate(kinds)
            if kind == Post.Kind.QUOTE and not hidden[number]
        )
        return [
            (
                ids[number],
                author_id,
                kinds[number].value,
                None if kinds[number] == Post.Kind.REPOST else self._text(number),
                None if originals[number] is None else ids[originals[number]],
                created_at,
                hidden[number],
                reposts[number],
                quotes[number],
            )
            for number, (created_at, author_id) in enumerate(slots)
        ]

    def _post_slots(self) -> list[tuple[datetime, int]]:
        """(time, author) pairs, at most POSTS_PER_DAY per author and UTC day."""
        count = len(self.user_ids)
        capacity = DAYS * POSTS_PER_DAY
        per_day = [bytearray(DAYS) for _ in range(count)]  # by rank, then days ago
        per_author = [0] * count
        now = self.seed.now.astimezone(UTC)
        today = datetime(now.year, now.month, now.day, tzinfo=UTC)
        seconds_today = max(int((now - today).total_seconds()), 1)
        slots = []
        for _ in range(self.seed.posts):
            rank = self._popular(count)
            while per_author[rank] == capacity:
                rank = self.rng.randrange(count)
            days_ago = self.rng.randrange(DAYS)
            # The next day back with room: there is one, the author is not full.
            while per_day[rank][days_ago] == POSTS_PER_DAY:
                days_ago = (days_ago + 1) % DAYS
            per_day[rank][days_ago] += 1
            per_author[rank] += 1
            seconds = seconds_today if days_ago == 0 else 86_400
            created_at = today - timedelta(days=days_ago, seconds=-self.rng.randrange(seconds))
            slots.append((created_at, self.user_ids[rank]))
        return slots

    def _popular(self, count: int) -> int:
        # Half the picks favour a few accounts, which are then followed and post much more
        # than the rest, as on real sites; the other half keeps every account reachable.
        if self.rng.random() < 0.5:
            return self._skewed(count)
        return self.rng.randrange(count)

    def _skewed(self, size: int) -> int:
        """An index below ``size``, small ones much more likely."""
        return min(int(size * self.rng.random() ** 3), size - 1)

    def _followed_at(self) -> datetime:
        return self.seed.now - timedelta(seconds=self.rng.randrange(FOLLOWED_WITHIN_DAYS * 86_400))

    def _text(self, number: int) -> str:
        words = " ".join(self.rng.choices(WORDS, k=self.rng.randint(3, 12)))
        return f"{words.capitalize()} (#{number})"


def _timeline_entries(*, follows: list[tuple], posts: list[tuple]) -> Iterator[tuple]:
    """The timelines of the readers who follow enough accounts to have one, as the
    services keep them: each one's newest posts of the accounts it follows, hidden
    ones included (``social/timelines.py``). Rows of TimelineEntry."""
    followees = defaultdict(list)
    for follower_id, followee_id, _ in follows:
        followees[follower_id].append(followee_id)
    # Each author's posts, newest first: the rows are oldest first, ids in their order.
    newest_first = defaultdict(list)
    for post in reversed(posts):
        newest_first[post[1]].append((post[5], post[0], post[1]))
    for owner_id, authors in followees.items():
        if not timeline_kept(following_count=len(authors)):
            continue
        merged = heapq.merge(*(newest_first[author] for author in authors), reverse=True)
        for created_at, post_id, author_id in islice(merged, settings.FEED_TIMELINE_LENGTH):
            yield owner_id, post_id, author_id, created_at


def _user_counters_add(*, follows: list[tuple], posts: list[tuple]) -> None:
    """Add the new rows to the users' counters: one set-based UPDATE from a COPY."""
    followers = Counter(followee_id for _, followee_id, _ in follows)
    following = Counter(follower_id for follower_id, _, _ in follows)
    posts_count = Counter(post[1] for post in posts if not post[6])
    user_ids = followers.keys() | following.keys() | posts_count.keys()
    table = User._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE scale_counters (id bigint, followers int, following int, "
            "posts int)"
        )
        with cursor.cursor.copy("COPY scale_counters FROM STDIN") as copy:
            for user_id in user_ids:
                copy.write_row(
                    (user_id, followers[user_id], following[user_id], posts_count[user_id])
                )
        cursor.execute(
            f"UPDATE {table} AS account SET followers_count = followers_count + added.followers, "
            "following_count = following_count + added.following, "
            "posts_count = posts_count + added.posts "
            "FROM scale_counters AS added WHERE account.id = added.id"
        )
        cursor.execute("DROP TABLE scale_counters")
