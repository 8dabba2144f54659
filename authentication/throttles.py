"""Rate limits of the login and password endpoints, per client IP and per account.

The per-IP limit slows one client trying many accounts; the per-account limit
slows many clients (a botnet) trying one account. Rates are the scopes of
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``; a throttled request answers 429 with
``Retry-After``.

Login and reset count failed attempts only (a wrong password, a wrong code): guessing
is what they slow down, and someone who logs in often must never be locked out by
their own successes. Once the failures reach the limit, every attempt is refused until
the oldest one leaves the window. "Forgot" has no failure to count: it counts every
request, which also limits the mail sent to one address.
"""

import hashlib
from collections.abc import Mapping

from rest_framework.throttling import SimpleRateThrottle

from users.selectors import user_username_for_login


class _IPThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _AccountThrottle(SimpleRateThrottle):
    """Keyed on the account named in the request body (``field``), normalized the
    way accounts are looked up: trimmed, ignoring case."""

    field: str

    def get_cache_key(self, request, view) -> str | None:
        value = request.data.get(self.field) if isinstance(request.data, Mapping) else None
        # DRF's CharField also takes a JSON number as its text: {"login": 123} names
        # the account "123" and must count against it.
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            return None  # nothing to key on: the serializer rejects the request
        account = self.account_key(value.strip()).lower()
        # Hashed: a cache key of bounded length that does not store the address.
        ident = hashlib.sha256(account.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def account_key(self, value: str) -> str:
        return value


class _FailureThrottle(SimpleRateThrottle):
    """Refuses a request once enough failures were recorded in the window; a request
    itself records nothing: the view calls ``failures_record(view, request)`` when it failed."""

    def throttle_success(self) -> bool:
        return True

    def failure_record(self, request, view) -> None:
        key = self.get_cache_key(request, view)
        if self.rate is None or key is None:
            return
        now = self.timer()
        recent = [moment for moment in self.cache.get(key, []) if moment > now - self.duration]
        self.cache.set(key, [now, *recent], self.duration)


def failures_record(view, request) -> None:
    """Count a failed attempt against every failure-counting limit of ``view``."""
    for throttle in view.get_throttles():
        if isinstance(throttle, _FailureThrottle):
            throttle.failure_record(request, view)


class LoginIPThrottle(_FailureThrottle, _IPThrottle):
    scope = "login_ip"


class LoginAccountThrottle(_FailureThrottle, _AccountThrottle):
    scope = "login_account"
    field = "login"

    def account_key(self, value: str) -> str:
        """The username of the account an email logs in to: trying a username and
        then its email must not give twice the attempts."""
        return user_username_for_login(login=value)


class PasswordIPThrottle(_IPThrottle):
    scope = "password_ip"


class PasswordAccountThrottle(_AccountThrottle):
    scope = "password_account"
    field = "email"


class ResetIPThrottle(_FailureThrottle, _IPThrottle):
    scope = "reset_ip"


class ResetAccountThrottle(_FailureThrottle, _AccountThrottle):
    scope = "reset_account"
    field = "email"
