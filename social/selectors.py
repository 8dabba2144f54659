"""Reads of the social app: profiles, follow lists and feeds, shaped for one query each."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Subquery

from config.utc_days import start_of_utc_day
from social.models import Follow, Post
from users.models import User


@dataclass(frozen=True)
class FeedFilters:
    """The feed's filters, already validated; ``None`` means "not filtered"."""

    scope: str = "all"
    author: User | None = None
    since: date | None = None
    until: date | None = None
    q: str | None = None


def follow_exists(*, follower: User, followee: User) -> bool:
    if not follower.is_authenticated:
        return False
    return Follow.objects.filter(follower=follower, followee=followee).exists()


# What a list or a post shows of a user (``user_summary_data``): no password hash, no
# email, none of the other columns crosses the wire or becomes a model field.
SUMMARY_COLUMNS = ("username", "first_name", "last_name", "user_type")


def _summary_of(relation: str) -> tuple[str, ...]:
    return (relation, *(f"{relation}__{column}" for column in SUMMARY_COLUMNS))


def follower_list(*, user: User | Subquery) -> QuerySet[Follow]:
    """Who follows ``user``; the pagination orders by the newest follow first."""
    return (
        Follow.objects.filter(followee=user)
        .select_related("follower")
        .only("created_at", *_summary_of("follower"))
    )


def following_list(*, user: User | Subquery) -> QuerySet[Follow]:
    """Whom ``user`` follows; the pagination orders by the newest follow first."""
    return (
        Follow.objects.filter(follower=user)
        .select_related("followee")
        .only("created_at", *_summary_of("followee"))
    )


def post_visible_queryset() -> QuerySet[Post]:
    """Posts readers may see: not hidden by staff, and no repost of a hidden post
    (a repost shows nothing but its original)."""
    return Post.objects.filter(hidden=False).exclude(kind=Post.Kind.REPOST, original__hidden=True)


# The columns of a post that ``post_data`` shows (and the feed's cursors read).
POST_COLUMNS = ("kind", "content", "created_at", "repost_count", "quote_count")


def post_feed_queryset() -> QuerySet[Post]:
    return (
        post_visible_queryset()
        .select_related("author", "original", "original__author")
        .only(
            *POST_COLUMNS,
            *_summary_of("author"),
            "original",
            *(f"original__{column}" for column in (*POST_COLUMNS, "hidden", "original")),
            *_summary_of("original__author"),
        )
    )


def post_get(*, post_id: int) -> Post | None:
    return post_feed_queryset().filter(pk=post_id).first()


def feed_list(*, viewer: User, filters: FeedFilters) -> QuerySet[Post]:
    """The feed with its filters applied; the pagination orders it (latest or trending)."""
    posts = post_feed_queryset()
    if filters.scope == "following":
        posts = posts.filter(
            author__in=Follow.objects.filter(follower=viewer).values("followee_id")
        )
    elif filters.scope == "mine":
        posts = posts.filter(author=viewer)
    if filters.author is not None:
        posts = posts.filter(author=filters.author)
    if filters.since is not None:
        posts = posts.filter(created_at__gte=start_of_utc_day(filters.since))
    if filters.until is not None and filters.until < date.max:
        posts = posts.filter(created_at__lt=start_of_utc_day(filters.until + timedelta(days=1)))
    if filters.q:
        # Reposts have no text of their own: a search finds the original instead.
        posts = posts.filter(
            Q(kind=Post.Kind.POST) | Q(kind=Post.Kind.QUOTE), content__icontains=filters.q
        )
    return posts
