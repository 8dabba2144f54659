"""Follows between accounts, and posts with their reposts and quotes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

CONTENT_MAX_LENGTH = 777
POSTS_PER_DAY = 5


class Follow(models.Model):
    """``follower`` follows ``followee``; any user type may follow any other."""

    # No index of their own: the indexes below lead with them. A lone one misled the
    # planner: not knowing the account (found by username in the same statement), it
    # expected 20 follows, read all 2,000 of a heavy follower by the lone index and
    # sorted them (5 ms a page, against 0.4 ms by the list's index).
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows_given",
        db_index=False,
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows_received",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # True while the follower keeps a timeline (social/timelines.py): a post is written
    # to its author's followers found by the partial index below, a few hundred, not by
    # reading all its followers (15k for the most followed account of 100k).
    follower_has_timeline = models.BooleanField(db_default=False, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="follow_not_self"),
        ]
        # One per list, in its cursor order: followers of a user, and whom a user follows.
        # Each holds the other party too: a page is then read from the index alone, a
        # plan the planner prefers whatever it expects of the account. Without it, not
        # knowing the account (found by username in the same statement), it expected
        # the average 20 follows and chose a bitmap scan of all 453 followers of the
        # 10k data set's most followed account and a sort (0.5 ms, against 0.08).
        indexes = [
            models.Index(
                fields=["followee", "-created_at", "-id"],
                include=["follower"],
                name="follow_followers_idx",
            ),
            models.Index(
                fields=["follower", "-created_at", "-id"],
                include=["followee"],
                name="follow_following_idx",
            ),
            models.Index(
                fields=["followee", "follower"],
                condition=Q(follower_has_timeline=True),
                name="follow_timeline_followers_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower} follows {self.followee}"


class Post(models.Model):
    """A post, a repost (no text of its own) or a quote (text about another post)."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        REPOST = "repost", "Repost"
        QUOTE = "quote", "Quote"

    # No index of its own: the two author indexes below lead with it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts", db_index=False
    )
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.POST)
    # NULL, not "": a repost has no text of its own and the API shows it as null.
    content = models.CharField(max_length=CONTENT_MAX_LENGTH, null=True, blank=True)  # noqa: DJ001
    # A repost or quote disappears with its original: without it there is nothing to show.
    original = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="derived"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    repost_count = models.PositiveIntegerField(default=0, editable=False)
    quote_count = models.PositiveIntegerField(default=0, editable=False)
    hidden = models.BooleanField(
        default=False, help_text="Hidden by staff: left out of every feed and of the detail."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="post", original__isnull=True, content__isnull=False)
                    | Q(kind="repost", original__isnull=False, content__isnull=True)
                    | Q(kind="quote", original__isnull=False, content__isnull=False)
                ),
                name="post_kind_matches_original_and_content",
            ),
            models.UniqueConstraint(
                fields=["author", "original"],
                condition=Q(kind="repost"),
                name="post_repost_once",
            ),
        ]
        # One per feed order (latest, by author, trending); the author one also serves
        # the daily limit, which counts the author's posts since midnight. The following
        # feed reads a page per followed author in either order: the two author indexes.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="post_latest_idx"),
            models.Index(fields=["author", "-created_at", "-id"], name="post_author_latest_idx"),
            models.Index(fields=["-repost_count", "-created_at", "-id"], name="post_trending_idx"),
            models.Index(
                fields=["author", "-repost_count", "-created_at", "-id"],
                name="post_author_trending_idx",
            ),
        ]

    def __str__(self) -> str:
        # What staff recognise a post by: its author and the start of its text.
        name = f"{self.get_kind_display()} {self.pk} by {self.author}"
        if self.content is None:
            return f"{name} of post {self.original_id}"
        text = self.content if len(self.content) <= 40 else f"{self.content[:39]}…"
        return f"{name}: “{text}”"


class TimelineEntry(models.Model):
    """A post in the following feed of a reader who follows many accounts, written when
    the post is published or the author followed (social/timelines.py); read newest
    first, at most ``FEED_TIMELINE_LENGTH`` of them. Every post, hidden or not: the feed
    reads them through the posts' own visibility rules."""

    pk = models.CompositePrimaryKey("owner", "post")
    # The primary key's index serves the owner; the post's index serves deleting a post.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    # Copies of the post's columns: an unfollow deletes by author (among the owner's
    # entries: no index of its own), a read orders by time.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["owner", "-created_at", "-post"], name="timeline_owner_latest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} in the timeline of user {self.owner_id}"
