"""Reads of accounts, for this app and for the apps that build on it."""

from datetime import UTC, date, datetime
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import Q, QuerySet

from config.api.errors import ApplicationError, NotFound
from config.cache_versions import cache_version, cache_version_replace
from config.database_router import reads_from_primary
from config.utc_days import seconds_until_next_utc_midnight
from users import birthdays
from users.models import User

BIRTHDAYS_TODAY_VERSION_KEY = "users:birthdays-today:version"
GREETING_CACHE_SECONDS = 60
# The one answer, as a 404 or as the error of a request field that names a user.
UNKNOWN_USERNAME = "No user with this username."


def user_find_by_username(*, username: str) -> User | None:
    """The active account with this username, ignoring case (a deactivated account is
    gone for every app, as it is from the user list). For a field that names a user,
    whose caller reports ``UNKNOWN_USERNAME`` in its own way (a form, a serializer)."""
    return User.objects.with_username(username).filter(is_active=True).first()


def user_get_by_username(*, username: str) -> User:
    """``user_find_by_username``, or ``NotFound``."""
    user = user_find_by_username(username=username)
    if user is None:
        raise NotFound(UNKNOWN_USERNAME)
    return user


def user_get_for_field(*, username: str, field: str) -> User:
    """``user_find_by_username``, or a 400 on the request ``field`` that named it."""
    user = user_find_by_username(username=username)
    if user is None:
        raise ApplicationError.invalid({field: [UNKNOWN_USERNAME]})
    return user


def user_username_for_login(*, login: str) -> str:
    """The username that ``login`` (a username or an email) logs in with: the username
    of the account with that email, or ``login`` itself."""
    if "@" not in login:
        return login
    username = User.objects.with_email(login).values_list("username", flat=True).first()
    return username or login


# What a row of the user list shows (``users.serializers.user_list_row_data``), and the id
# that tells the caller's own row: rows, not models, which cost more than the query.
USER_LIST_COLUMNS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "user_type",
    "date_joined",
    "email",
)


def user_list(*, q: str = "", user_type: str | None = None) -> QuerySet[User]:
    """The active accounts, as rows of ``USER_LIST_COLUMNS``; of ``user_type`` if given,
    and matching every word of ``q`` in their username, first name or last name,
    ignoring case: "ali auth" finds Alice Author. On PostgreSQL a word of three letters
    or more is served by a trigram index per column (migration users 0003); for a common
    word the planner may walk the list's own index instead."""
    queryset = User.objects.filter(is_active=True)
    if user_type:
        queryset = queryset.filter(user_type=user_type)
    for word in q.split():
        queryset = queryset.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
        )
    return queryset.values(*USER_LIST_COLUMNS)


def greeting_cached(*, username: str) -> tuple[str, date | None] | None:
    """The cache's entry for this username's greeting: the name as registered and the
    date of birth; ``None`` when it holds none. ``greeting_get`` answers from it."""
    return cache.get(_greeting_key(username))


def greeting_get(*, username: str, cached: tuple[str, date | None] | None) -> str:
    """The greeting of ``GET /hello/<username>`` from ``cached`` (what
    ``greeting_cached`` answered: the view reads the cache once), or from the database
    when that is ``None``; ``NotFound`` for an unknown name and for an account whose
    date of birth nobody gave.

    The hottest read: the name and date of birth behind it are cached per username.
    Writers refresh the entry from the primary once their change commits
    (``greeting_refresh``, called by ``users.greeting_sync``); readers only ``add``, so
    a reader served by a lagging replica never overwrites a writer's fresher entry.
    """
    found = cached
    if found is None:
        found = _greeting_row(username)
        if found is None:
            raise NotFound(UNKNOWN_USERNAME)
        cache.add(_greeting_key(username), found, GREETING_CACHE_SECONDS)
    name, date_of_birth = found
    if date_of_birth is None:
        raise NotFound("This user has not given a date of birth.")
    return birthdays.greeting_message(name, date_of_birth, birthdays.utc_today())


def greeting_refresh(*, username: str) -> None:
    """Write this username's entry afresh from the primary (or drop it: no such
    active account any more)."""
    with reads_from_primary():
        found = _greeting_row(username)
    if found is None:
        cache.delete(_greeting_key(username))
    else:
        cache.set(_greeting_key(username), found, GREETING_CACHE_SECONDS)


def _greeting_key(username: str) -> str:
    return f"users:greeting:{username.lower()}"


def _greeting_row(username: str) -> tuple[str, date | None] | None:
    # The two columns the greeting shows, not the whole account.
    return (
        User.objects.with_username(username)
        .filter(is_active=True)
        .values_list("username", "date_of_birth")
        .first()
    )


def birthdays_today_list() -> list[dict]:
    """``username, name, user_type`` of the accounts celebrating today (UTC), by
    username; cached until midnight UTC and recomputed after any change of a
    date of birth (see ``users.services.birthdays_today_invalidate``)."""
    today = birthdays.utc_today()
    version = cache_version(BIRTHDAYS_TODAY_VERSION_KEY)
    key = f"users:birthdays-today:{today.isoformat()}:{version}"
    people = cache.get(key)
    if people is None:
        people = _birthdays_on(today)
        cache.set(key, people, timeout=seconds_until_next_utc_midnight(datetime.now(UTC)))
    return people


def birthdays_today_new_version() -> str:
    """Start a new version of the cached list (the old ones are never read again)."""
    return cache_version_replace(BIRTHDAYS_TODAY_VERSION_KEY)


def _birthdays_on(today: date) -> list[dict]:
    month_days = reduce(
        or_,
        (
            Q(date_of_birth__month=month, date_of_birth__day=day)
            for month, day in birthdays.birth_days_celebrated_on(today)
        ),
    )
    # The list is cached for the rest of the day: read it where the last write is.
    with reads_from_primary():
        people = User.objects.filter(month_days, is_active=True).order_by("username")
        return [
            {"username": user.username, "name": user.name, "user_type": user.user_type}
            for user in people.only("username", "first_name", "last_name", "user_type")
        ]
