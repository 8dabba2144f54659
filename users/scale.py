"""The users of ``manage.py seed_scale``: people and brands named scale1, scale2...

The number is also the account's popularity rank: the other apps make scale1 the
most followed and most active account, and the higher numbers ever quieter.
"""

from datetime import date, timedelta
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import connection

from config.scale_seed import ScaleSeed
from users.models import User

USERNAME_PREFIX = "scale"
BRAND_EVERY = 20  # one account in 20 is a brand
JOINED_WITHIN_DAYS = 3 * 365
FIRST_NAMES = [
    "Ada", "Bela", "Cleo", "Dora", "Emil", "Frida", "Gabor", "Hana", "Ivo", "Juno", "Kata",
    "Lajos", "Mira", "Noel", "Olga", "Pal", "Rita", "Soma", "Tunde", "Vera", "Zoltan",
]  # fmt: skip
LAST_NAMES = [
    "Kovacs", "Lind", "Moreau", "Nagy", "Okafor", "Petrov", "Quinn", "Rossi", "Szabo",
    "Toth", "Varga", "Horvath", "Keller", "Dubois", "Novak", "Fischer", "Jensen", "Silva",
]  # fmt: skip


class ScaleUser(NamedTuple):
    id: int
    username: str
    name: str
    is_person: bool


def users_seed_scale(*, seed: ScaleSeed) -> None:
    """``seed.users`` new accounts, numbered after the scale accounts already there;
    ``seed.shared["users"]`` lists them, the most popular first."""
    first = _highest_scale_number() + 1
    # One hash for all: hashing each password would take minutes.
    password_hash = make_password(seed.password)
    ids = seed.reserve_ids(User, seed.users)
    users, rows = [], []
    for number, user_id in enumerate(ids, start=first):
        username = f"{USERNAME_PREFIX}{number}"
        is_person = number % BRAND_EVERY != 0
        first_name = seed.rng.choice(FIRST_NAMES) if is_person else f"Brand {number}"
        last_name = seed.rng.choice(LAST_NAMES) if is_person else ""
        date_of_birth = (
            date(1950, 1, 1) + timedelta(days=seed.rng.randrange(55 * 365)) if is_person else None
        )
        joined = seed.now - timedelta(seconds=seed.rng.randrange(JOINED_WITHIN_DAYS * 86_400))
        users.append(ScaleUser(user_id, username, f"{first_name} {last_name}".strip(), is_person))
        rows.append(
            (
                user_id, username, f"{username}@example.com", password_hash,
                (User.UserType.PERSON if is_person else User.UserType.BRAND).value,
                first_name, last_name, date_of_birth, joined,
                False, False, True, 0, 0, 0,
            )
        )  # fmt: skip
    fields = [
        "id", "username", "email", "password", "user_type", "first_name", "last_name",
        "date_of_birth", "date_joined", "is_superuser", "is_staff", "is_active",
        "followers_count", "following_count", "posts_count",
    ]  # fmt: skip
    seed.copy(User, fields, rows, label="users")
    seed.shared["users"] = users


def _highest_scale_number() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(substring(username FROM %s)::bigint) FROM {User._meta.db_table}",
            [f"^{USERNAME_PREFIX}([0-9]+)$"],
        )
        return cursor.fetchone()[0] or 0
