"""Signing up, logging in, JWT pairs and their revocation, password resets."""

import secrets
from dataclasses import dataclass

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from authentication import tasks
from authentication.models import CODE_DIGITS, CODE_LIFETIME, PasswordResetCode
from config.api.errors import ApplicationError, NotAuthenticated, PermissionDenied
from config.database_router import reads_from_primary
from users.models import User
from users.selectors import user_username_for_login
from users.services import user_create, user_update


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"


class InvalidResetCode(ApplicationError):
    code = "invalid_code"


class InvalidRefreshToken(NotAuthenticated):
    code = "token_not_valid"


class WrongCurrentPassword(PermissionDenied):
    code = "wrong_password"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def token_pair_issue(*, user: User) -> TokenPair:
    """A new refresh token (recorded, so that it can be revoked) and its access token."""
    refresh = RefreshToken.for_user(user)
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


@transaction.atomic
def account_signup(**user_fields: str) -> tuple[User, TokenPair]:
    """A new account and its first token pair; the fields are ``user_create``'s,
    passed through so that its signature is the only one to keep."""
    user = user_create(**user_fields)
    return user, token_pair_issue(user=user)


def account_login(*, login: str, password: str) -> tuple[User, TokenPair]:
    """Log in by username or email; one answer for an unknown account and a wrong
    password, so that nobody learns which accounts exist."""
    login = login.strip()
    # A password just set (sign-up, reset) must work at once: no replica lag here.
    with reads_from_primary():
        username = user_username_for_login(login=login)
        # Django's backend runs the hasher for unknown names too: equal timing. Called
        # directly, not through authenticate(): that would also run django-axes, which
        # guards the admin's form and needs its request; the API has its throttles.
        user = ModelBackend().authenticate(None, username=username, password=password)
    if user is None:
        raise InvalidCredentials("No active account with these credentials.")
    # What the admin's session login records; staff look at it to spot idle accounts.
    update_last_login(None, user)
    return user, token_pair_issue(user=user)


@transaction.atomic
def token_refresh(*, refresh: str) -> TokenPair:
    """Trade a refresh token for a new pair; the old one dies. The row lock makes
    two concurrent uses of one token (a stolen copy) succeed at most once."""
    try:
        token = RefreshToken(refresh)
    except TokenError as error:
        raise InvalidRefreshToken(str(error)) from None
    outstanding = (
        OutstandingToken.objects.select_for_update()
        .filter(jti=token[jwt_settings.JTI_CLAIM])
        .order_by()  # its default ordering joins the nullable user: no FOR UPDATE there
        .first()
    )
    if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
        raise InvalidRefreshToken("Token is blacklisted")
    user = User.objects.filter(pk=token[jwt_settings.USER_ID_CLAIM], is_active=True).first()
    if user is None:
        raise InvalidRefreshToken("No active account for this token.")
    BlacklistedToken.objects.create(token=outstanding)
    return token_pair_issue(user=user)


@transaction.atomic
def token_revoke(*, user: User, refresh: str) -> None:
    """Log out: ``refresh``, one of the caller's own tokens, stops working. Revoking
    a token twice is fine (a retried logout)."""
    invalid = ApplicationError.invalid({"refresh": ["Token is invalid or expired."]})
    try:
        payload = token_backend.decode(refresh, verify=True)
    except TokenBackendError:
        raise invalid from None
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != "refresh" or str(
        payload.get(jwt_settings.USER_ID_CLAIM)
    ) != str(user.pk):
        raise invalid
    outstanding = OutstandingToken.objects.filter(jti=payload[jwt_settings.JTI_CLAIM]).first()
    if outstanding is not None:
        BlacklistedToken.objects.get_or_create(token=outstanding)


@transaction.atomic
def account_update(*, user: User, data: dict, current_password: str | None = None) -> User:
    """Change the caller's own account (``user_update``'s fields). A new email needs
    the current password: an access token alone (stolen, say) must not be enough to
    take the account over by a reset code mailed to an address of the thief's. The
    change revokes every refresh token and is told to the old address."""
    old_email = user.email
    if "email" not in data or (data["email"] or "").strip().lower() == (old_email or "").lower():
        return user_update(user=user, data=data)
    if not current_password:
        raise ApplicationError.invalid(
            {"current_password": ["Your current password is needed to change the email."]}
        )
    # The row from the primary, locked: a password just reset counts, not a replica's copy.
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(current_password):
        raise WrongCurrentPassword(
            "The current password is wrong.",
            fields={"current_password": ["The current password is wrong."]},
        )
    user = user_update(user=user, data=data)
    _revoke_all_refresh_tokens(user)
    if old_email:
        transaction.on_commit(
            lambda: tasks.account_email_changed_notify.enqueue(
                email=old_email, username=user.username
            )
        )
    return user


def account_email_changed_notify(*, email: str, username: str) -> None:
    """Tell the old address of an account that its email was changed."""
    send_mail(
        subject="The email of your account was changed",
        message=(
            f"The email of the account {username} was changed, and every session of it "
            "was logged out. Mail about the account now goes to the new address.\n\n"
            "If you did not do this, someone knows your password: contact us at once."
        ),
        from_email=None,
        recipient_list=[email],
    )


def _revoke_all_refresh_tokens(user: User) -> None:
    live = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live])


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def password_reset_request(*, email: str) -> None:
    """Have a new code mailed to the active account with this email, if any. The
    code is made, stored and mailed by a task: a known and an unknown email answer
    alike and as fast, so that nobody learns which accounts exist."""
    with reads_from_primary():  # an account made a moment ago counts
        user = User.objects.with_email(email.strip()).filter(is_active=True).first()
    # Queued for an unknown email too (a task that sends nothing): the same writes,
    # so the same time.
    tasks.password_reset_code_send.enqueue(user_id=user.pk if user else None)


@transaction.atomic
def password_reset_code_send(*, user_id: int | None) -> None:
    """Mail a new code to the account, replacing any earlier code; nothing for no
    account. Only the code's hash is stored, and not in the task's arguments."""
    # Queued a moment ago, maybe just after a sign-up: no replica lag here.
    with reads_from_primary():
        user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return  # deactivated, or its email removed, since the request
    code = _new_code()
    now = timezone.now()
    PasswordResetCode.objects.update_or_create(
        user=user,
        defaults={
            "code_hash": make_password(code),
            "created_at": now,
            "expires_at": now + CODE_LIFETIME,
            "attempts": 0,
            "used_at": None,
        },
    )
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    transaction.on_commit(
        lambda: send_mail(
            subject="Your password reset code",
            message=(
                f"Your password reset code is {code}. It is valid for {minutes} minutes "
                "and can be used once.\n\nIf you did not ask for it, ignore this message: "
                "your password has not changed."
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    )


def password_reset(*, email: str, code: str, password: str) -> None:
    """Set a new password with a mailed code. Every refresh token of the account
    is revoked. A wrong code counts against the code and that count is kept
    (committed) although the call fails."""
    with transaction.atomic():
        reset_code = (
            PasswordResetCode.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(user__in=User.objects.with_email(email.strip()).filter(is_active=True))
            .first()
        )
        now = timezone.now()
        if reset_code is None or not reset_code.is_usable(now=now):
            # The same hashing work as a real check, so timing tells nothing.
            make_password(code)
            accepted = False
        elif not check_password(code, reset_code.code_hash):
            reset_code.wrong_try_record(now=now)
            accepted = False
        else:
            _password_set_with_code(reset_code, password=password, now=now)
            accepted = True
    if not accepted:
        raise InvalidResetCode(
            "The code is wrong or has expired.",
            fields={"code": ["The code is wrong or has expired."]},
        )


def _password_set_with_code(reset_code: PasswordResetCode, *, password: str, now) -> None:
    user = reset_code.user
    try:
        validate_password(password, user=user)
    except DjangoValidationError as error:
        # A right code with a weak password is not a wrong try: the code stays usable.
        raise ApplicationError.invalid({"password": error.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    reset_code.used_at = now
    reset_code.save(update_fields=["used_at"])
    _revoke_all_refresh_tokens(user)
