"""Counters follow deletions, whichever way they happen.

Rows of this app are deleted not only by its services but also by cascades no
service sees: staff deleting a user or a post in the admin removes their follows,
reposts and quotes too. Each deleted row gives its counts back here, in the
deleting transaction.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from social.models import Follow, Post
from social.services import follow_counters_move, post_counters_move


@receiver(post_delete, sender=Follow, dispatch_uid="social_follow_deleted")
def follow_deleted(sender, instance: Follow, **kwargs) -> None:
    follow_counters_move(
        follower_id=instance.follower_id, followee_id=instance.followee_id, delta=-1
    )


@receiver(post_delete, sender=Post, dispatch_uid="social_post_deleted")
def post_deleted(sender, instance: Post, **kwargs) -> None:
    # A hidden post gave its counts back when it was hidden.
    if not instance.hidden:
        post_counters_move(post=instance, delta=-1)
