"""Counters follow deletions, and cached profiles follow accounts, whichever way they change.

Rows of this app are deleted not only by its services but also by cascades no
service sees: staff deleting a user or a post in the admin removes their follows,
reposts and quotes too. Each deleted row gives its counts back here, in the
deleting transaction.

Accounts are changed by the users app (a new name from ``PATCH /api/auth/me``, staff
in the admin), which knows nothing of this app's cache: without these receivers a
profile would show the old name, or a deleted account, until its cache entry expired.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from social.feed_cache import feed_changed_on_commit
from social.models import Follow, Post
from social.profile_cache import (
    PROFILE_FIELDS,
    profile_forget_on_commit,
    profiles_refresh_on_commit,
)
from social.services import follow_counters_move, post_counters_move
from social.timelines import timeline_follow_removed
from users.models import User


@receiver(post_delete, sender=Follow, dispatch_uid="social_follow_deleted")
def follow_deleted(sender, instance: Follow, **kwargs) -> None:
    follow_counters_move(
        follower_id=instance.follower_id, followee_id=instance.followee_id, delta=-1
    )
    # Here, not in the unfollow service: deleting an account removes its follows too.
    timeline_follow_removed(follower_id=instance.follower_id, followee_id=instance.followee_id)


@receiver(post_delete, sender=Post, dispatch_uid="social_post_deleted")
def post_deleted(sender, instance: Post, **kwargs) -> None:
    # A hidden post gave its counts back when it was hidden.
    if not instance.hidden:
        post_counters_move(post=instance, delta=-1)


@receiver(post_save, sender=User, dispatch_uid="social_user_saved")
def user_saved(sender, instance: User, created: bool, update_fields, **kwargs) -> None:
    # A new account has no cached profile; a new password or date of birth changes none.
    if created or (update_fields is not None and not set(update_fields) & set(PROFILE_FIELDS)):
        return
    profiles_refresh_on_commit(user_ids=[instance.pk])
    # Posts show their author's name.
    feed_changed_on_commit()


@receiver(post_delete, sender=User, dispatch_uid="social_user_deleted")
def user_deleted(sender, instance: User, **kwargs) -> None:
    profile_forget_on_commit(username=instance.username)
    feed_changed_on_commit()
