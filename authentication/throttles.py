"""Rate limits of the login and password endpoints, per client IP and per account.

The per-IP limit slows one client trying many accounts; the per-account limit
slows many clients (a botnet) trying one account. Rates are the scopes of
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``; a throttled request answers 429 with
``Retry-After``.
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


class LoginIPThrottle(_IPThrottle):
    scope = "login_ip"


class LoginAccountThrottle(_AccountThrottle):
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
