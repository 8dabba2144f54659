"""Profiles are a hot read: the account with its counters is cached per username.

Every write of this app that moves a counter writes the fresh account into the cache
once its transaction commits, read from the primary. Writing rather than deleting
matters with replicas: after a delete, the next reader could fill the cache from a
replica that has not replayed the write yet and keep the old counts for the whole
timeout. Readers only ``add`` (never overwrite a writer's fresher entry). Changes
made by the users app (a new name, a deleted account) reach the cache the same way,
through the receivers in ``social.counter_and_profile_sync``.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from config.database_router import reads_from_primary
from users.models import User
from users.selectors import user_get_by_username

PROFILE_CACHE_SECONDS = 60
# Only what a profile shows: no password hash or email goes into the cache.
PROFILE_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "user_type",
    "date_joined",
    "followers_count",
    "following_count",
    "posts_count",
)


def profile_user_get(*, username: str) -> User:
    """The account behind a profile, with its counters; ``NotFound`` if unknown.

    From the cache, it is an unsaved ``User`` holding only ``PROFILE_FIELDS``.
    """
    key = _cache_key(username)
    fields = cache.get(key)
    if fields is None:
        user = user_get_by_username(username=username)
        cache.add(
            key, {name: getattr(user, name) for name in PROFILE_FIELDS}, PROFILE_CACHE_SECONDS
        )
        return user
    return User(**fields)


def profiles_refresh_on_commit(*, user_ids: Iterable[int]) -> None:
    """After the current transaction commits, cache these users' fresh profiles."""
    user_ids = set(user_ids)
    transaction.on_commit(lambda: _refresh(user_ids))


def profile_forget_on_commit(*, username: str) -> None:
    """After the current transaction commits, drop this user's cached profile."""
    transaction.on_commit(lambda: cache.delete(_cache_key(username)))


def _refresh(user_ids: set[int]) -> None:
    with reads_from_primary():
        profiles = list(User.objects.filter(pk__in=user_ids).values(*PROFILE_FIELDS))
    cache.set_many(
        {_cache_key(profile["username"]): profile for profile in profiles}, PROFILE_CACHE_SECONDS
    )


def _cache_key(username: str) -> str:
    return f"social:profile:{username.lower()}"
