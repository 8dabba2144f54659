"""Writes of accounts: creation, profile changes, dates of birth."""

import re
from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from config.api.errors import ApplicationError, PermissionDenied
from users.birthdays import validate_date_of_birth
from users.models import USERNAME_MAX_LENGTH, User, username_validator
from users.selectors import birthdays_today_new_version

# The legacy greeting accepts names of letters only (accounts may also have digits).
GREETING_USERNAME = re.compile(r"[A-Za-z]+")
USER_EDITABLE_FIELDS = frozenset({"first_name", "last_name", "email", "user_type", "date_of_birth"})
# What the cached birthdays of the day show of an account, or decide by, besides the
# date of birth: a change of one of them must not wait until midnight to show.
BIRTHDAY_LIST_FIELDS = frozenset({"username", "first_name", "last_name", "user_type", "is_active"})


def birthdays_today_invalidate() -> None:
    """Forget the cached birthdays of the day once the current transaction commits."""
    transaction.on_commit(birthdays_today_new_version)


def _normalized_email(email: str | None) -> str | None:
    return User.objects.normalize_email((email or "").strip())


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError.invalid({field: [message]})


def _check_username_is_free(username: str) -> None:
    if User.objects.with_username(username).exists():
        raise _field_error("username", "A user with that username already exists.")


def _check_email_is_free(email: str | None, *, exclude: User | None = None) -> None:
    if email is None:
        return
    others = User.objects.with_email(email)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise _field_error("email", "A user with that email already exists.")


def _validate_date_of_birth(value: date, *, field: str) -> None:
    try:
        validate_date_of_birth(value)
    except DjangoValidationError as error:
        raise ApplicationError.invalid({field: error.messages}) from None


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    user_type: str = User.UserType.PERSON,
) -> User:
    """A new account that can log in; usernames and emails are unique ignoring case
    and the password goes through Django's validators."""
    try:
        username_validator(username)
    except DjangoValidationError as error:
        raise ApplicationError.invalid({"username": error.messages}) from None
    user = User(
        username=username,
        email=_normalized_email(email),
        first_name=first_name,
        last_name=last_name,
        user_type=user_type,
    )
    _check_username_is_free(user.username)
    _check_email_is_free(user.email)
    try:
        validate_password(password, user=user)
    except DjangoValidationError as error:
        raise ApplicationError.invalid({"password": error.messages}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Someone took the name or the email in the meantime: say which one.
        _check_username_is_free(user.username)
        _check_email_is_free(user.email)
        raise
    return user


@transaction.atomic
def user_date_of_birth_set(
    *, user: User, date_of_birth: date | None, field: str = "date_of_birth"
) -> User:
    """The one place where a date of birth changes (the admin form aside, which
    calls ``birthdays_today_invalidate`` itself). ``field`` names the request
    field in errors."""
    if date_of_birth is not None:
        _validate_date_of_birth(date_of_birth, field=field)
    if user.date_of_birth != date_of_birth:
        user.date_of_birth = date_of_birth
        user.save(update_fields=["date_of_birth"])
        birthdays_today_invalidate()
    return user


@transaction.atomic
def user_update(*, user: User, data: dict[str, Any]) -> User:
    """Change the fields of ``USER_EDITABLE_FIELDS`` present in ``data``."""
    unknown = set(data) - USER_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    changes = dict(data)
    if "email" in changes:
        changes["email"] = _normalized_email(changes["email"])
        _check_email_is_free(changes["email"], exclude=user)
    if "date_of_birth" in changes:
        user_date_of_birth_set(user=user, date_of_birth=changes.pop("date_of_birth"))
    changed = {field for field, value in changes.items() if getattr(user, field) != value}
    if changed & BIRTHDAY_LIST_FIELDS and user.date_of_birth is not None:
        birthdays_today_invalidate()
    for field, value in changes.items():
        setattr(user, field, value)
    if changes:
        try:
            with transaction.atomic():
                user.save(update_fields=list(changes))
        except IntegrityError:
            _check_email_is_free(user.email, exclude=user)
            raise
    return user


def user_may_be_changed_by(*, user: User, actor: User | None) -> bool:
    """An account nobody can log in to (made by the greeting) is anybody's to
    change; one with a password only its owner's and staff's."""
    if not user.has_usable_password():
        return True
    return actor is not None and (actor.pk == user.pk or actor.is_staff)


def _validate_greeting_username(username: str) -> None:
    if not GREETING_USERNAME.fullmatch(username):
        raise _field_error("username", "A name has only letters.")
    if len(username) > USERNAME_MAX_LENGTH:
        raise _field_error("username", f"A name has at most {USERNAME_MAX_LENGTH} characters.")


def _locked_user(username: str) -> User | None:
    return User.objects.select_for_update().with_username(username).first()


@transaction.atomic
def greeting_set(*, username: str, date_of_birth: date, actor: User | None) -> User:
    """``PUT /hello/<username>``: record the date of birth of ``username``, creating
    an account without email or usable password when the name is free. The name
    keeps the case it was first given with; later calls ignore case. ``PermissionDenied``
    when the account can log in and ``actor`` is neither its owner nor staff."""
    _validate_greeting_username(username)
    _validate_date_of_birth(date_of_birth, field="dateOfBirth")
    user = _locked_user(username)
    if user is None:
        user = User(username=username, email=None)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # A concurrent request created it first: change theirs, if allowed.
            user = _locked_user(username)
            if user is None:
                raise
    if not user_may_be_changed_by(user=user, actor=actor):
        raise PermissionDenied("Only this account and staff may change its date of birth.")
    return user_date_of_birth_set(user=user, date_of_birth=date_of_birth, field="dateOfBirth")
