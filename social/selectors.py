"""Reads of the social app: profiles, follow lists and feeds, shaped for one query each."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connections, router
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from config.sql_rows import row_shape
from config.utc_days import start_of_utc_day
from social.models import Follow, Post, TimelineEntry
from social.timelines import timeline_kept
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
    return (relation, *_summary_columns_of(relation))


def _summary_columns_of(relation: str) -> tuple[str, ...]:
    return tuple(f"{relation}__{column}" for column in SUMMARY_COLUMNS)


# A follow list reads rows, not models: building two model instances per row cost more
# than the query itself. Each row holds the follow's cursor key and the summary columns
# of the user listed, under ``<party>__<column>`` (``user_summary_row`` shapes them).
FOLLOW_LIST_KEY = ("created_at", "id")
_FOLLOW_LIST_ORDERINGS = {("-created_at", "-id"): False, ("created_at", "id"): True}
# The listed user's column and the column holding the user whose list it is, by party.
_FOLLOW_LIST_COLUMNS = {
    "follower": ("follower_id", "followee_id"),
    "followee": ("followee_id", "follower_id"),
}


class FollowListRows:
    """The rows of a follow list, paged by ``KeysetPagination``: one statement a page,
    written out.

    It reads what ``Follow.objects.filter(followee=<the id of the active account with
    this username>).values(...)`` with the keyset condition would (the user found
    inside it, the page's follows from the ``(party, created_at, id)`` index, then
    their users), but building and compiling that queryset took more CPU than running
    it (bench/profile.sh: 1.2 ms of the 3 ms a followers page cost). ``order_by`` takes
    the pagination's ordering, ``keyset_page`` reads the page.
    """

    def __init__(self, *, username: str, party: str):
        self.username = username
        self.party = party
        self.reverse = False

    def order_by(self, *ordering: str) -> "FollowListRows":
        self.reverse = _FOLLOW_LIST_ORDERINGS[ordering]
        return self

    def keyset_page(
        self, *, after: Q | None, position: list | None, limit: int, snapshot: datetime | None
    ) -> tuple[list[dict], None]:
        """The first ``limit`` rows after ``position`` (``after`` is the pagination's
        condition for it, written out here); no snapshot."""
        alias = router.db_for_read(Follow)
        connection = connections[alias]
        listed, owner = _FOLLOW_LIST_COLUMNS[self.party]
        before, direction = (">", "ASC") if self.reverse else ("<", "DESC")
        params: list = [self.username.lower()]
        beyond = ""
        if position is not None:
            # The cursor's values as the ORM's lookups read them: a forged one fails
            # here with ValidationError, TypeError or ValueError (a 400).
            created_at = Follow._meta.get_field("created_at").get_db_prep_value(
                position[0], connection
            )
            follow_id = Follow._meta.pk.get_db_prep_value(position[1], connection)
            if not -(2**63) <= follow_id < 2**63:
                raise ValueError("no follow has this id")
            beyond = (
                f' AND f."created_at" {before}= %s'
                f' AND (f."created_at" {before} %s OR f."id" {before} %s)'
            )
            params += [created_at, created_at, follow_id]
        params.append(limit)
        user_columns = [f'"{column}"' for column in SUMMARY_COLUMNS]
        if connection.vendor == "postgresql":
            # The page's follows first, then each one's user by its key. With the users
            # joined before the LIMIT, the planner expected the average 20 follows: it
            # hashed every user and sorted all 999 follows of the 10k data set's
            # heaviest follower (1.7 ms a page, against 0.3).
            users = (
                f'CROSS JOIN LATERAL (SELECT {", ".join(user_columns)} FROM "users_user"'
                f' WHERE "id" = f."{listed}" LIMIT 1) u'
            )
        else:
            users = f'INNER JOIN "users_user" u ON (u."id" = f."{listed}")'
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT f."created_at", f."id", {", ".join(f"u.{c}" for c in user_columns)}'
                f' FROM (SELECT f."created_at", f."id", f."{listed}" FROM "social_follow" f'
                f' WHERE f."{owner}" = (SELECT "id" FROM "users_user"'
                f' WHERE LOWER("username") = %s AND "is_active" LIMIT 1){beyond}'
                f" ORDER BY 1 {direction}, 2 {direction} LIMIT %s) f {users}"
                f" ORDER BY 1 {direction}, 2 {direction}",
                params,
            )
            rows = cursor.fetchall()
        # What the ORM does to the values read: nothing on PostgreSQL, parse the
        # timestamps on SQLite.
        field = Follow._meta.get_field("created_at")
        column = field.get_col(Follow._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        names = ("created_at", "id", *_summary_columns_of(self.party))
        page = []
        for values in rows:
            row = dict(zip(names, values, strict=True))
            for convert in converters:
                row["created_at"] = convert(row["created_at"], column, connection)
            page.append(row)
        return page, None


def follower_list(*, username: str) -> FollowListRows:
    """Who follows the active account named ``username`` (ignoring case), as rows; the
    pagination orders by the newest follow first."""
    return FollowListRows(username=username, party="follower")


def following_list(*, username: str) -> FollowListRows:
    """Whom the active account named ``username`` (ignoring case) follows, as rows; the
    pagination orders by the newest follow first."""
    return FollowListRows(username=username, party="followee")


def post_visible_queryset(posts: QuerySet[Post] | None = None) -> QuerySet[Post]:
    """Posts readers may see: not hidden by staff, and no repost of a hidden post
    (a repost shows nothing but its original)."""
    posts = Post.objects.all() if posts is None else posts
    return posts.filter(hidden=False).exclude(kind=Post.Kind.REPOST, original__hidden=True)


# The columns of a post that ``post_data`` shows (and the feed's cursors read).
POST_COLUMNS = ("kind", "content", "created_at", "repost_count", "quote_count")


def post_feed_queryset(posts: QuerySet[Post] | None = None) -> QuerySet[Post]:
    """Visible posts with the columns ``post_data`` shows, their authors' and their
    originals' in the same query (no password hash or email read)."""
    return (
        post_visible_queryset(posts)
        .select_related("author", "original", "original__author")
        .only(
            *POST_COLUMNS,
            *_summary_of("author"),
            "original",
            *(f"original__{column}" for column in (*POST_COLUMNS, "hidden", "original")),
            *_summary_of("original__author"),
        )
    )


class FeedQuerySet(QuerySet):
    """The feed's posts, ordered and filtered by the pagination, which then asks
    ``keyset_page`` for a page: one query whose cost does not grow with the data.

    - The following feed reads, for each followed account, at most a page of its posts
      from the ``(author, order...)`` index, and merges them: a LATERAL join with a
      LIMIT per account. Reading every post of every followed account and sorting them
      would grow with how much they posted (docs/SCALING.md has the figures).
    - A reader who follows hundreds has a timeline (``social/timelines.py``): a page
      of newest posts is read among the four pages of entries after the cursor, a
      trending page ranks the posts of its newest ``FEED_TIMELINE_LENGTH`` entries as
      of its ``snapshot``; same filters, same cursors (with no other filter,
      ``TimelineFeed`` reads most pages without this queryset). A page of newest posts
      that runs short of them (a walk deeper than the timeline, or hidden posts and
      filters that leave less than a page) is read with the merge instead, and so is a
      page backwards.
    - Trending ranks by a counter that moves while a reader pages. Each walk ranks as
      of its first page (``snapshot``): posts published since are left out, and a post
      reposted since is ranked by its count minus those reposts. So no post is shown
      twice nor skipped. A repost hidden or deleted during the walk, made before it,
      still moves its original by one.
    """

    follower_id: int | None = None
    timeline_owner_id: int | None = None
    ranks_ids_first = False

    def _clone(self):
        clone = super()._clone()
        clone.follower_id = self.follower_id
        clone.timeline_owner_id = self.timeline_owner_id
        clone.ranks_ids_first = self.ranks_ids_first
        return clone

    def following(self, viewer: User) -> "FeedQuerySet":
        """The posts of the accounts ``viewer`` follows."""
        posts = self.filter(author__in=Follow.objects.filter(follower=viewer).values("followee_id"))
        posts.follower_id = viewer.pk
        if timeline_kept(following_count=viewer.following_count):
            posts.timeline_owner_id = viewer.pk
        return posts

    def keyset_page(
        self, *, after: Q | None, position: list | None, limit: int, snapshot: datetime | None
    ) -> tuple[list[Post], datetime | None]:
        """The first ``limit`` posts after the cursor (``after`` is its condition), and
        the moment the walk ranks as of (trending only), in one query (two for a page
        the reader's timeline falls short of)."""
        trending = self.query.order_by[0].lstrip("-") == "repost_count"
        forwards = self.query.order_by[0].startswith("-")
        if trending:
            snapshot = snapshot or timezone.now()
        if self.timeline_owner_id is not None and (trending or forwards):
            if trending:
                timeline = self._in_timeline(snapshot)
                page = timeline._page(
                    after=after, position=position, limit=limit, snapshot=snapshot
                )
            else:
                # Newest first: the entries right after the cursor, a few pages of them,
                # hold the page unless hidden posts or filters leave less than a page.
                timeline = self._in_timeline(None, after=position, length=limit * 4)
                page = timeline._page(after=after, position=position, limit=limit, snapshot=None)
            # A full page holds the newest posts after the cursor: the timeline holds
            # every post of the followed accounts from its oldest entry on.
            if len(page) == limit or not forwards:
                return page, snapshot
        return self._page(after=after, position=position, limit=limit, snapshot=snapshot), snapshot

    def _in_timeline(
        self, snapshot: datetime | None, *, after: list | None = None, length: int | None = None
    ) -> "FeedQuerySet":
        """These posts among the newest ``length`` entries of the reader's timeline (all
        ``FEED_TIMELINE_LENGTH`` by default; as of ``snapshot``, when ranked as of it;
        older than the newest-first cursor position ``after``, when given), read as a
        plain filtered queryset."""
        entries = TimelineEntry.objects.filter(owner_id=self.timeline_owner_id)
        if snapshot is not None:
            entries = entries.filter(created_at__lte=snapshot)
        if after is not None:
            created_at, post_id = after
            entries = entries.filter(
                Q(created_at__lte=created_at)
                & (Q(created_at__lt=created_at) | Q(post_id__lt=post_id))
            )
        newest = entries.order_by("-created_at", "-post_id").values("post_id")
        posts = self.filter(pk__in=newest[: length or settings.FEED_TIMELINE_LENGTH])
        posts.follower_id = posts.timeline_owner_id = None
        # Ranking a thousand posts with their authors and originals joined read five
        # times the blocks: the page's ids first, then its rows.
        posts.ranks_ids_first = True
        return posts

    def _page(
        self, *, after: Q | None, position: list | None, limit: int, snapshot: datetime | None
    ) -> list[Post]:
        posts, moved = self, None
        if self.query.order_by[0].lstrip("-") == "repost_count":
            posts = posts.filter(created_at__lte=snapshot)
            if position is not None:
                posts, moved = posts._moved_apart(snapshot)
        if after is not None:
            posts = posts.filter(after)
        if moved is not None:
            posts = posts.annotate(reposts_since=Value(0))
        if posts._reads_per_author():
            page = posts._per_author_page(limit)
        elif posts.ranks_ids_first:
            page = posts.filter(pk__in=posts.values("pk")[:limit])[:limit]
        else:
            page = posts[:limit]
        if moved is None:
            return list(page)
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            rows = list(page.union(moved, all=True))
        else:
            rows = [*page, *moved]
        descending = self.query.order_by[0].startswith("-")
        cursor = (int(position[0]), datetime.fromisoformat(position[1]), int(position[2]))
        beyond = [
            post
            for post in rows
            if (_ranking_key(post) < cursor if descending else _ranking_key(post) > cursor)
        ]
        return sorted(beyond, key=_ranking_key, reverse=descending)[:limit]

    def _moved_apart(self, snapshot: datetime) -> tuple["FeedQuerySet", "FeedQuerySet"]:
        """The posts whose repost count is as it was at ``snapshot``; and those reposted
        since, with ``reposts_since``: their rank is their count minus those."""
        since = Post.objects.filter(kind=Post.Kind.REPOST, hidden=False, created_at__gt=snapshot)
        reposts_since = (
            since.filter(original=OuterRef("pk")).order_by().values("original")
            .annotate(count=Count("pk")).values("count")
        )  # fmt: skip
        moved = (
            self.filter(pk__in=since.values("original_id"))
            .annotate(reposts_since=Subquery(reposts_since))
            .order_by()
        )
        return self.exclude(pk__in=since.values("original_id")), moved

    def _reads_per_author(self) -> bool:
        return self.follower_id is not None and connections[self.db].vendor == "postgresql"

    def _per_author_page(self, limit: int) -> "FeedQuerySet":
        """The page as a merge of each followed account's first ``limit`` posts."""
        ordering = self.query.order_by
        columns = [name.lstrip("-") for name in ordering]
        per_author = self.filter(author_id=RawSQL("follow.followee_id", ())).values(*columns)
        inner, params = per_author[:limit].query.sql_with_params()
        order = ", ".join(
            f"page.{name.lstrip('-')} {'DESC' if name.startswith('-') else 'ASC'}"
            for name in ordering
        )
        candidates = RawSQL(
            f"SELECT page.id FROM {Follow._meta.db_table} AS follow "
            f"CROSS JOIN LATERAL ({inner}) AS page "
            f"WHERE follow.follower_id = %s ORDER BY {order} LIMIT %s",
            (*params, self.follower_id, limit),
        )
        return self.filter(pk__in=candidates)[:limit]


# The models of a timeline page's row: post, author, original, original's author.
_TIMELINE_PAGE_PARTS = (
    ("p", Post, ("id", "author_id", "original_id", *POST_COLUMNS)),
    ("a", User, ("id", *SUMMARY_COLUMNS)),
    ("o", Post, ("id", "author_id", "original_id", "hidden", *POST_COLUMNS)),
    ("oa", User, ("id", *SUMMARY_COLUMNS)),
)


class TimelineFeed:
    """The following feed of a reader who has a timeline, with no other filter, paged
    by ``KeysetPagination`` like a ``FeedQuerySet``: the newest-first pages and the
    first trending page are read by ``timeline_page``, and the queryset (``posts``,
    built only then) reads the pages it cannot serve. Building that queryset (the
    feed's filters, joins and columns, the follows' subquery) took a fifth of such a
    request's CPU time."""

    def __init__(self, *, owner_id: int, posts: Callable[[], FeedQuerySet]):
        self.owner_id = owner_id
        self.posts = posts
        self.ordering: tuple[str, ...] = ()

    def order_by(self, *ordering: str) -> "TimelineFeed":
        self.ordering = ordering
        return self

    def keyset_page(
        self, *, after: Q | None, position: list | None, limit: int, snapshot: datetime | None
    ) -> tuple[list[Post], datetime | None]:
        """``FeedQuerySet.keyset_page``, a timeline page when the timeline holds it."""
        trending = self.ordering[0].lstrip("-") == "repost_count"
        forwards = self.ordering[0].startswith("-")
        if not forwards or (trending and position is not None):
            # Backwards, or trending as of a snapshot: the queryset's timeline pages.
            return self._posts().keyset_page(
                after=after, position=position, limit=limit, snapshot=snapshot
            )
        if trending:
            snapshot = snapshot or timezone.now()
        page = timeline_page(
            owner_id=self.owner_id,
            limit=limit,
            after=position,
            snapshot=snapshot if trending else None,
        )
        if len(page) < limit:
            # Past the timeline's end, or hidden posts left less than a page: the merge.
            page = self._posts()._page(
                after=after, position=position, limit=limit, snapshot=snapshot
            )
        return page, snapshot

    def _posts(self) -> FeedQuerySet:
        return self.posts().order_by(*self.ordering)


def timeline_page(
    *, owner_id: int, limit: int, after: list | None, snapshot: datetime | None
) -> list[Post]:
    """A page of a reader's timeline with no filter but the scope, its posts read with
    their authors and originals as ``post_feed_queryset`` reads them.

    Newest first (no ``snapshot``): the first ``limit`` visible posts among the four
    pages of entries after the cursor position ``after`` (fewer when hidden posts leave
    less: the caller reads on with the merge). Trending (the first page, ranked as of
    ``snapshot``): the first ``limit`` of its newest ``FEED_TIMELINE_LENGTH`` entries.

    One statement, written out: the page's ids ranked among the entries, then its rows.
    The ORM's, with the timeline and the follows as subqueries, took 3 ms to compile
    and 3 ms for PostgreSQL to plan (bench/explain.py at 1M posts), for a newest-first
    page it reads in 0.4 ms.
    """
    connection = connections[router.db_for_read(Post)]
    created_at_field = TimelineEntry._meta.get_field("created_at")
    conditions, params = ['"owner_id" = %s'], [owner_id]
    if snapshot is None:
        length, order = limit * 4, ("created_at", "id")
    else:
        length, order = settings.FEED_TIMELINE_LENGTH, ("repost_count", "created_at", "id")
        conditions.append('"created_at" <= %s')
        params.append(created_at_field.get_db_prep_value(snapshot, connection))
    if after is not None:
        # As the ORM's lookups read the cursor: a forged one fails here (a 400).
        created_at = created_at_field.get_db_prep_value(after[0], connection)
        post_id = Post._meta.pk.get_db_prep_value(after[1], connection)
        if not -(2**63) <= post_id < 2**63:
            raise ValueError("no post has this id")
        conditions.append('"created_at" <= %s AND ("created_at" < %s OR "post_id" < %s)')
        params += [created_at, created_at, post_id]

    def ordered(table: str) -> str:
        return ", ".join(f'{table}."{column}" DESC' for column in order)

    rows = row_shape(connection.alias, *_TIMELINE_PAGE_PARTS)
    posts, users = Post._meta.db_table, User._meta.db_table
    if connection.vendor == "postgresql":
        # Each entry's post, and its original, by its key: joined plainly, PostgreSQL
        # chose a merge join that walked every post id between a trending page's 1,000
        # entries (18k rows, 4.4 ms at 1M posts, against 2.5 ms), and at 10k posts
        # hashed all of them to find the originals (1.9 ms of 3.7).
        entry_posts = (
            f'CROSS JOIN LATERAL (SELECT "id", "repost_count", "created_at", "kind",'
            f' "original_id", "hidden" FROM "{posts}" WHERE "id" = e."post_id" LIMIT 1) r'
            f' LEFT OUTER JOIN LATERAL (SELECT "hidden" FROM "{posts}"'
            f' WHERE "id" = r."original_id" LIMIT 1) h ON TRUE'
        )
    else:
        entry_posts = (
            f'INNER JOIN "{posts}" r ON (r."id" = e."post_id")'
            f' LEFT OUTER JOIN "{posts}" h ON (h."id" = r."original_id")'
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT {rows.columns} FROM "{posts}" p INNER JOIN (SELECT r."id"'
            f' FROM (SELECT "post_id" FROM "{TimelineEntry._meta.db_table}"'
            f" WHERE {' AND '.join(conditions)}"
            f' ORDER BY "created_at" DESC, "post_id" DESC LIMIT %s) e {entry_posts}'
            ' WHERE NOT r."hidden" AND (r."kind" <> %s OR NOT h."hidden")'
            f' ORDER BY {ordered("r")} LIMIT %s) page ON (p."id" = page."id")'
            f' INNER JOIN "{users}" a ON (a."id" = p."author_id")'
            f' LEFT OUTER JOIN "{posts}" o ON (o."id" = p."original_id")'
            f' LEFT OUTER JOIN "{users}" oa ON (oa."id" = o."author_id")'
            f" ORDER BY {ordered('p')}",
            [*params, length, Post.Kind.REPOST, limit],
        )
        found = cursor.fetchall()
    page = []
    for row in found:
        post, author, original, original_author = rows.instances(row)
        post.author = author
        if original is not None:
            original.author = original_author
            post.original = original
        page.append(post)
    return page


def _ranking_key(post: Post) -> tuple:
    """Where a post ranks in a walk as of a snapshot; the pagination's next cursor."""
    post.keyset_values = (
        post.repost_count - (getattr(post, "reposts_since", 0) or 0),
        post.created_at,
        post.pk,
    )
    return post.keyset_values


def post_get(*, post_id: int) -> Post | None:
    return post_feed_queryset().filter(pk=post_id).first()


def feed_list(*, viewer: User, filters: FeedFilters) -> FeedQuerySet | TimelineFeed:
    """The feed with its filters applied; the pagination orders it (latest or trending)."""
    if filters == FeedFilters(scope="following") and timeline_kept(
        following_count=viewer.following_count
    ):
        return TimelineFeed(owner_id=viewer.pk, posts=lambda: _feed_queryset(viewer, filters))
    return _feed_queryset(viewer, filters)


def _feed_queryset(viewer: User, filters: FeedFilters) -> FeedQuerySet:
    posts = post_feed_queryset(FeedQuerySet(model=Post))
    if filters.scope == "following":
        posts = posts.following(viewer)
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
