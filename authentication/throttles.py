"""Rate limits of the login and password endpoints, per client IP and per account.

The per-IP limit slows one client trying many accounts; the per-account limit
slows many clients (a botnet) trying one account. Rates are the scopes of
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``; a throttled request answers 429 with
``Retry-After`` (the seconds until its window ends).

Each is a ``SlotThrottle`` (config.api.throttling): a slot taken atomically before the
request runs, in a store of its own.

Login and reset count failed attempts only (a wrong password, a wrong code): guessing
is what they slow down, and someone who logs in often must never be locked out by
their own successes, so any other outcome gives the slot back. "Forgot" has no failure
to count: it counts every request, which also limits the mail sent to one address.

When the store is away, the limits that stand between an attacker and a password
(login, reset) refuse with 503 and ``Retry-After``; the others let requests through.
"""

import hashlib
from collections.abc import Mapping

from authentication.services import InvalidCredentials, InvalidResetCode, WrongCurrentPassword
from config.api.throttling import IPThrottle, SlotThrottle
from users.selectors import user_username_for_login


class _AccountThrottle(SlotThrottle):
    """Keyed on the account named in the request body (``field``), normalized the
    way accounts are looked up: trimmed, ignoring case."""

    field: str

    def get_cache_key(self, request, view) -> str | None:
        value = request.data.get(self.field) if isinstance(request.data, Mapping) else None
        # DRF's CharField also takes a JSON number as its text: {"login": 123} names
        # the account "123" and must count against it.
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            # Nothing to key on: the serializer rejects the request. A NUL character must
            # not reach account_key's query either: no PostgreSQL text can hold one (a 500).
            return None
        account = self.account_key(value.strip()).lower()
        # Hashed: a cache key of bounded length that does not store the address.
        ident = hashlib.sha256(account.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def account_key(self, value: str) -> str:
        return value


class _LoginFailures:
    failure = InvalidCredentials
    fail_closed = True


class LoginIPThrottle(_LoginFailures, IPThrottle):
    scope = "login_ip"


class LoginAccountThrottle(_LoginFailures, _AccountThrottle):
    scope = "login_account"
    field = "login"

    def account_key(self, value: str) -> str:
        """The username of the account an email logs in to: trying a username and
        then its email must not give twice the attempts."""
        return user_username_for_login(login=value)


class CurrentPasswordThrottle(_LoginFailures, SlotThrottle):
    """A wrong ``current_password`` (``PATCH /api/auth/me``) is a wrong password of the
    caller's account: it counts against that account's login limit."""

    scope = "login_account"
    failure = WrongCurrentPassword

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.data, Mapping) or "current_password" not in request.data:
            return None
        # The key LoginAccountThrottle gives the same account.
        ident = hashlib.sha256(request.user.username.lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PasswordIPThrottle(IPThrottle):
    scope = "password_ip"


class PasswordAccountThrottle(_AccountThrottle):
    scope = "password_account"
    field = "email"


class _ResetFailures:
    failure = InvalidResetCode
    fail_closed = True


class ResetIPThrottle(_ResetFailures, IPThrottle):
    scope = "reset_ip"


class ResetAccountThrottle(_ResetFailures, _AccountThrottle):
    scope = "reset_account"
    field = "email"


class SignupIPThrottle(IPThrottle):
    """Sign-ups per client IP: every account costs a row and a password hash, and
    mass-made accounts feed spam."""

    scope = "signup_ip"
