"""Reads of accounts, for this app and for the apps that build on it."""

from config.api.errors import NotFound
from users.models import User


def user_get_by_username(*, username: str) -> User:
    """The account with this username, ignoring case; ``NotFound`` otherwise."""
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise NotFound("No user with this username.")
    return user
