"""Writes of the social app: follows, posts, reposts, quotes and their moderation.

The counters shown to users (followers, following, posts on the user; reposts and
quotes on the post) move here, in the same transaction as the rows they count, with
``F()`` updates so that concurrent requests never lose an increment; the cached
profiles of the users concerned are refreshed once the transaction commits.
"""

from datetime import UTC

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from config.api.errors import ApplicationError, Conflict, LimitReached
from config.utc_days import seconds_until_next_utc_midnight, start_of_utc_day
from social.feed_cache import feed_changed_on_commit
from social.models import CONTENT_MAX_LENGTH, POSTS_PER_DAY, Follow, Post
from social.profile_cache import profiles_refresh_on_commit
from social.selectors import post_visible_queryset
from social.timelines import timeline_follow_added, timeline_post_added
from users.models import User


@transaction.atomic
def follow_create(*, follower: User, followee: User) -> tuple[Follow, bool]:
    """Make ``follower`` follow ``followee``; ``created`` is False if it already did."""
    if follower.pk == followee.pk:
        raise ApplicationError("You cannot follow yourself.", code="self_follow")
    # Without the lock, an unfollow could delete the row of a concurrent identical follow
    # between this insert failing on it and the read below (a 500).
    _lock_users(follower.pk, followee.pk)
    try:
        # A savepoint: a concurrent identical follow loses on the unique constraint
        # and reads the winner's row instead of failing the request.
        with transaction.atomic():
            follow = Follow.objects.create(follower=follower, followee=followee)
    except IntegrityError:
        return Follow.objects.get(follower=follower, followee=followee), False
    follow_counters_move(follower_id=follower.pk, followee_id=followee.pk, delta=1)
    timeline_follow_added(follower_id=follower.pk, followee_id=followee.pk)
    return follow, True


@transaction.atomic
def follow_delete(*, follower: User, followee: User) -> bool:
    """Stop following; True if there was a follow. Counters and the follower's timeline
    move in the delete signal."""
    # The delete signal fires for every row the delete collected, even one that a
    # parallel unfollow removed first: with both users locked, the second unfollow
    # collects nothing instead of taking the counters down twice.
    _lock_users(follower.pk, followee.pk)
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    return deleted > 0


def follow_counters_move(*, follower_id: int, followee_id: int, delta: int) -> None:
    # Rows are updated in primary-key order, the order of _lock_users: the delete signal
    # also calls this for follows that cascades remove without taking those locks first.
    updates = {
        follower_id: {"following_count": F("following_count") + delta},
        followee_id: {"followers_count": F("followers_count") + delta},
    }
    for user_id in sorted(updates):
        User.objects.filter(pk=user_id).update(**updates[user_id])
    profiles_refresh_on_commit(user_ids=updates)


@transaction.atomic
def post_create(*, author: User, content: str) -> Post:
    """Publish a post of the author's own."""
    _lock_author(author_id=author.pk)
    _validate_content(content, field="content")
    return _publish(author=author, kind=Post.Kind.POST, content=content, original=None)


@transaction.atomic
def post_repost(*, author: User, original_id: int) -> Post:
    """Repost a post or a quote (never a repost); each post at most once per author."""
    _lock_author(author_id=author.pk)
    original = _original_get(original_id, field="repost_of")
    if original.kind == Post.Kind.REPOST:
        raise ApplicationError(
            "A repost cannot be reposted: repost its original instead.",
            fields={"repost_of": ["This post is a repost."]},
        )
    if Post.objects.filter(author=author, kind=Post.Kind.REPOST, original=original).exists():
        raise Conflict("You have already reposted this post.", code="already_reposted")
    return _publish(author=author, kind=Post.Kind.REPOST, content=None, original=original)


@transaction.atomic
def post_quote(*, author: User, original_id: int, content: str) -> Post:
    """Quote a post or a repost (never a quote) with text of the author's own."""
    _lock_author(author_id=author.pk)
    _validate_content(content, field="content")
    original = _original_get(original_id, field="quote_of")
    if original.kind == Post.Kind.QUOTE:
        raise ApplicationError(
            "A quote cannot be quoted.", fields={"quote_of": ["This post is a quote."]}
        )
    return _publish(author=author, kind=Post.Kind.QUOTE, content=content, original=original)


@transaction.atomic
def post_set_hidden(*, post: Post, hidden: bool) -> bool:
    """Hide a post from every feed (staff moderation) or show it again; True if changed.

    A hidden post no longer counts in its author's posts nor in its original's reposts
    or quotes, so that the counters match what readers can see.
    """
    _lock_author(author_id=post.author_id)
    current = Post.objects.select_for_update().get(pk=post.pk)
    if current.hidden == hidden:
        return False
    Post.objects.filter(pk=post.pk).update(hidden=hidden)
    post.hidden = hidden
    post_counters_move(post=current, delta=-1 if hidden else 1)
    return True


def post_counters_move(*, post: Post, delta: int) -> None:
    User.objects.filter(pk=post.author_id).update(posts_count=F("posts_count") + delta)
    profiles_refresh_on_commit(user_ids=[post.author_id])
    # Every change of what a feed shows passes here: published, hidden, shown, deleted.
    feed_changed_on_commit()
    if post.kind == Post.Kind.REPOST:
        Post.objects.filter(pk=post.original_id).update(repost_count=F("repost_count") + delta)
    elif post.kind == Post.Kind.QUOTE:
        Post.objects.filter(pk=post.original_id).update(quote_count=F("quote_count") + delta)


def _lock_users(*user_ids: int) -> None:
    """Serialize the follows and unfollows between these users. Locked in primary-key
    order, like the counter updates, so that no follow or unfollow can deadlock."""
    list(
        User.objects.select_for_update(no_key=True)
        .filter(pk__in=user_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _lock_author(*, author_id: int) -> None:
    # The author's row is the lock that serializes their writes: with it held, counting
    # today's posts and checking for an earlier repost cannot race a parallel request.
    User.objects.select_for_update().filter(pk=author_id).exists()


def _validate_content(content: str, *, field: str) -> None:
    if not content or not content.strip():
        raise ApplicationError(
            "A post needs some text.",
            fields={field: [f"Write 1 to {CONTENT_MAX_LENGTH} characters, not only spaces."]},
        )
    if len(content) > CONTENT_MAX_LENGTH:
        raise ApplicationError(
            "The text is too long.",
            fields={
                field: [f"Ensure this field has no more than {CONTENT_MAX_LENGTH} characters."]
            },
        )


def _original_get(original_id: int, *, field: str) -> Post:
    # Locked so that staff cannot delete or hide it between this check and the insert.
    original = (
        post_visible_queryset().select_for_update(of=("self",)).filter(pk=original_id).first()
    )
    if original is None:
        raise ApplicationError("Unknown post.", fields={field: ["No post with this id."]})
    return original


def _publish(*, author: User, kind: str, content: str | None, original: Post | None) -> Post:
    now = timezone.now()
    start_of_day = start_of_utc_day(now.astimezone(UTC).date())
    if Post.objects.filter(author=author, created_at__gte=start_of_day).count() >= POSTS_PER_DAY:
        raise LimitReached(
            f"You can publish at most {POSTS_PER_DAY} posts a day (reposts and quotes "
            "included). Try again after midnight UTC.",
            retry_after=seconds_until_next_utc_midnight(now),
        )
    post = Post.objects.create(
        author=author, kind=kind, content=content, original=original, created_at=now
    )
    post_counters_move(post=post, delta=1)
    timeline_post_added(post=post)
    return post
