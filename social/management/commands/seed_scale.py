"""A scaled data set for benchmarks and EXPLAIN: many users, follows, posts, reposts, quotes.

The rows are generated in Python from a seeded random generator (the same arguments
give the same data) and written in batches: with COPY on PostgreSQL (ORM inserts of
300k rows spend most of their time building SQL), with ``bulk_create`` elsewhere. The
counter columns are then set from the real rows with set-based UPDATEs, so they are
exact however the rows were made.
"""

import random
import time
from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.database_router import reads_from_primary
from social.models import POSTS_PER_DAY, Follow, Post
from users.models import User

USERNAME_PREFIX = "scale"
DAYS = 90
BATCH_SIZE = 20_000
BRAND_EVERY = 20  # one account in 20 is a brand
HIDDEN_EVERY = 500  # staff hid one post in 500
# Of the posts that could point at an earlier one: this share are reposts, this quotes.
REPOST_SHARE = 0.15
QUOTE_SHARE = 0.10
FIRST_NAMES = ["Ada", "Bela", "Cleo", "Dora", "Emil", "Frida", "Gabor", "Hana", "Ivo", "Juno"]
LAST_NAMES = ["Kovacs", "Lind", "Moreau", "Nagy", "Okafor", "Petrov", "Quinn", "Rossi", "Szabo"]
WORDS = [
    "pizza", "coffee", "morning", "run", "lakes", "station", "corner", "margherita",
    "cursor", "keyset", "index", "python", "django", "feed", "weekend", "music",
    "book", "rain", "sunny", "train", "garden", "market",
]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Generate a scaled data set (users, follows, posts, reposts, quotes over the last "
        f"{DAYS} days) and set every counter exactly. Refuses to run twice on one database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--posts", type=int, default=100_000)
        parser.add_argument("--follows-per-user", type=int, default=20)
        parser.add_argument(
            "--password",
            default=None,
            help="Give every generated user this password (default: none, they cannot log in).",
        )
        parser.add_argument("--random-seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        users, posts = options["users"], options["posts"]
        follows_per_user = options["follows_per_user"]
        if users < 2 or posts < 0 or not 0 <= follows_per_user < users:
            raise CommandError("Give at least 2 users, and fewer follows per user than users.")
        if posts > users * DAYS * POSTS_PER_DAY:
            raise CommandError(
                f"{posts} posts do not fit in {POSTS_PER_DAY} a day per user over {DAYS} days."
            )
        # Everything in one transaction: all of it or nothing, and every read on the primary.
        with reads_from_primary(), transaction.atomic():
            if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
                raise CommandError(
                    f"This database has scale data already (users named {USERNAME_PREFIX}...): "
                    "run seed_scale on a fresh database."
                )
            generator = ScaleGenerator(
                rng=random.Random(options["random_seed"]),
                now=timezone.now(),
                write=self.stdout.write,
            )
            user_ids = generator.create_users(count=users, password=options["password"])
            generator.create_follows(user_ids=user_ids, per_user=follows_per_user)
            generator.create_posts(user_ids=user_ids, count=posts)
            counters_set(write=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("seed_scale: done"))


class ScaleGenerator:
    def __init__(self, *, rng: random.Random, now: datetime, write) -> None:
        self.rng = rng
        self.now = now
        self.write = write

    def create_users(self, *, count: int, password: str | None) -> list[int]:
        # One hash for all: hashing each password would take minutes.
        password_hash = make_password(password)
        joined_before = self.now - timedelta(days=DAYS)
        users = []
        for number in range(1, count + 1):
            brand = number % BRAND_EVERY == 0
            username = f"{USERNAME_PREFIX}{number}"
            users.append(
                User(
                    username=username,
                    email=f"{username}@example.com",
                    password=password_hash,
                    user_type=User.UserType.BRAND if brand else User.UserType.PERSON,
                    first_name=f"Brand {number}" if brand else self.rng.choice(FIRST_NAMES),
                    last_name="" if brand else self.rng.choice(LAST_NAMES),
                    date_of_birth=None if brand else self._date_of_birth(),
                    date_joined=joined_before - timedelta(seconds=self.rng.randrange(10**8)),
                )
            )
        # Few enough, and with many columns: the ORM's insert is simplest here.
        created = User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        self.write(f"users: {len(created)}")
        return [user.pk for user in created]

    def create_follows(self, *, user_ids: list[int], per_user: int) -> None:
        follows = []
        for follower_id in user_ids:
            followees = set()
            while len(followees) < per_user:
                followee_id = self._popular(user_ids)
                if followee_id != follower_id:
                    followees.add(followee_id)
            follows.extend(
                (follower_id, followee_id, self._moment()) for followee_id in sorted(followees)
            )
        self._insert(Follow, ["follower_id", "followee_id", "created_at"], follows, "follows")

    def create_posts(self, *, user_ids: list[int], count: int) -> None:
        """Posts first, then reposts of posts, then quotes of posts or reposts.

        Each kind is inserted after the kinds it points at, so that their ids are known.
        A repost or quote points at a post made before it; one whose pick does not fit
        (a repost of a repost, a second repost of one post) stays a plain post.
        """
        slots = sorted(self._post_slots(user_ids=user_ids, count=count))
        times = [created_at for created_at, _author_id in slots]
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
                    if kinds[original] == Post.Kind.POST and (author_id, original) not in reposted:
                        kind = Post.Kind.REPOST
                        reposted.add((author_id, original))
                elif kinds[original] != Post.Kind.QUOTE:
                    kind = Post.Kind.QUOTE
            kinds.append(kind)
            originals.append(None if kind == Post.Kind.POST else original)

        ids: dict[int, int] = {}  # slot number: id of the inserted post
        for kind in (Post.Kind.POST, Post.Kind.REPOST, Post.Kind.QUOTE):
            numbers = [number for number, each in enumerate(kinds) if each == kind]
            rows = [
                (
                    slots[number][1],
                    kind,
                    None if kind == Post.Kind.REPOST else self._text(number),
                    None if originals[number] is None else ids[originals[number]],
                    slots[number][0],
                    number % HIDDEN_EVERY == HIDDEN_EVERY - 1,
                    0,
                    0,
                )
                for number in numbers
            ]
            fields = ["author_id", "kind", "content", "original_id", "created_at", "hidden"]
            fields += ["repost_count", "quote_count"]
            ids.update(zip(numbers, self._insert(Post, fields, rows, f"{kind}s"), strict=True))

    def _post_slots(self, *, user_ids: list[int], count: int) -> list[tuple[datetime, int]]:
        """``count`` (time, author) pairs, at most POSTS_PER_DAY per author and UTC day."""
        today = self.now.date()
        per_author_day: dict[tuple[int, date], int] = {}
        slots = []
        while len(slots) < count:
            author_id = self._popular(user_ids)
            day = today - timedelta(days=self.rng.randrange(DAYS))
            if per_author_day.get((author_id, day), 0) >= POSTS_PER_DAY:
                continue
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            seconds = int(min(self.now - start, timedelta(days=1)).total_seconds())
            created_at = start + timedelta(seconds=self.rng.randrange(max(seconds, 1)))
            per_author_day[(author_id, day)] = per_author_day.get((author_id, day), 0) + 1
            slots.append((created_at, author_id))
        return slots

    def _popular(self, user_ids: list[int]) -> int:
        # Half the picks favour a few accounts, which are then followed and post much more
        # than the rest, as on real sites; the other half keeps every account reachable.
        if self.rng.random() < 0.5:
            return user_ids[self._skewed(len(user_ids))]
        return self.rng.choice(user_ids)

    def _skewed(self, size: int) -> int:
        """An index below ``size``, small ones much more likely."""
        return min(int(size * self.rng.random() ** 3), size - 1)

    def _moment(self) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(DAYS * 86_400))

    def _date_of_birth(self) -> date:
        return date(1950, 1, 1) + timedelta(days=self.rng.randrange(55 * 365))

    def _text(self, number: int) -> str:
        words = " ".join(self.rng.choices(WORDS, k=self.rng.randint(3, 12)))
        return f"{words.capitalize()} (#{number})"

    def _insert(self, model, fields: list[str], rows: list[tuple], label: str) -> list[int]:
        """Insert ``rows`` (tuples of ``fields``, attnames) in batches; their new ids."""
        started = time.monotonic()
        ids: list[int] = []
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            if connection.vendor == "postgresql":
                ids.extend(_copy(model, fields, batch))
            else:
                objects = [model(**dict(zip(fields, row, strict=True))) for row in batch]
                ids.extend(each.pk for each in model.objects.bulk_create(objects))
            elapsed = time.monotonic() - started
            self.write(f"{label}: {len(ids)}/{len(rows)} ({elapsed:.1f} s)")
        return ids


def _copy(model, fields: list[str], rows: list[tuple]) -> list[int]:
    """COPY ``rows`` into the model's table with ids taken from its sequence."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(["id", *(model._meta.get_field(f).column for f in fields)])
        # The psycopg cursor under Django's wrapper: Django has no API for COPY.
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in zip(ids, rows, strict=True):
                copy.write_row((row[0], *row[1]))
    return ids


def counters_set(*, write) -> None:
    """Every counter from the rows it counts; hidden posts count nowhere, as in the services."""
    visible = Post.objects.filter(hidden=False)
    derived = visible.exclude(kind=Post.Kind.POST)
    User.objects.update(
        followers_count=_count(Follow.objects.filter(followee=OuterRef("pk")), "followee"),
        following_count=_count(Follow.objects.filter(follower=OuterRef("pk")), "follower"),
        posts_count=_count(visible.filter(author=OuterRef("pk")), "author"),
    )
    write("counters: users")
    # Only the posts that are counted, or were: rewriting every row would take longer
    # than generating them, and the others are 0 already.
    counted = Q(repost_count__gt=0) | Q(quote_count__gt=0) | Q(pk__in=derived.values("original"))
    Post.objects.filter(counted).update(
        repost_count=_count(
            visible.filter(original=OuterRef("pk"), kind=Post.Kind.REPOST), "original"
        ),
        quote_count=_count(
            visible.filter(original=OuterRef("pk"), kind=Post.Kind.QUOTE), "original"
        ),
    )
    write("counters: posts")


def _count(rows, group_by: str) -> Coalesce:
    counted = rows.order_by().values(group_by).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted), Value(0), output_field=IntegerField())
