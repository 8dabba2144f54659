"""Rate limits of the login and password endpoints, per client IP and per account.

The per-IP limit slows one client trying many accounts; the per-account limit
slows many clients (a botnet) trying one account. Rates are the scopes of
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``; a throttled request answers 429 with
``Retry-After``.
"""

import hashlib
from collections.abc import Mapping

from rest_framework.throttling import SimpleRateThrottle


class _IPThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _AccountThrottle(SimpleRateThrottle):
    """Keyed on the account named in the request body (``field``), normalized the
    way accounts are looked up: trimmed, ignoring case."""

    field: str

    def get_cache_key(self, request, view) -> str | None:
        value = request.data.get(self.field) if isinstance(request.data, Mapping) else None
        if not isinstance(value, str) or not value.strip():
            return None  # nothing to key on: the serializer rejects the request
        # Hashed: a cache key of bounded length that does not store the address.
        ident = hashlib.sha256(value.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginIPThrottle(_IPThrottle):
    scope = "login_ip"


class LoginAccountThrottle(_AccountThrottle):
    scope = "login_account"
    field = "login"


class PasswordIPThrottle(_IPThrottle):
    scope = "password_ip"


class PasswordAccountThrottle(_AccountThrottle):
    scope = "password_account"
    field = "email"
