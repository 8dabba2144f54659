"""Cached greetings follow accounts, whichever way they change.

An account changes through the services (``PUT /hello``, ``PATCH /api/auth/me``), in
the admin, or disappears with a deletion; each time, once the transaction commits,
the greeting of its username is written afresh from the primary (a deactivated or
deleted account's is dropped). A renamed account's old name keeps its entry until it
expires (``GREETING_CACHE_SECONDS``), as profiles do.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from users.models import User
from users.selectors import greeting_refresh

GREETING_FIELDS = {"username", "date_of_birth", "is_active"}


@receiver(post_save, sender=User, dispatch_uid="users_greeting_saved")
def user_saved(sender, instance: User, created: bool, update_fields, **kwargs) -> None:
    # A new account has no entry: greetings of unknown names are never cached.
    if created or (update_fields is not None and not set(update_fields) & GREETING_FIELDS):
        return
    username = instance.username
    transaction.on_commit(lambda: greeting_refresh(username=username))


@receiver(post_delete, sender=User, dispatch_uid="users_greeting_deleted")
def user_deleted(sender, instance: User, **kwargs) -> None:
    username = instance.username
    transaction.on_commit(lambda: greeting_refresh(username=username))
