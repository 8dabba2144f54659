"""Rate limits of the login and password endpoints, per client IP and per account.

The per-IP limit slows one client trying many accounts; the per-account limit
slows many clients (a botnet) trying one account. Rates are the scopes of
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``; a throttled request answers 429 with
``Retry-After`` (the seconds until its window ends).

Each limit is a counter per window (the rate's period from its first slot) in the
``throttles`` cache, a store of its own that nothing else fills or evicts. A request
takes its slot (an atomic increment) before it runs, so that concurrent requests can
never all pass one check and count afterwards; a request the counter refuses gives
its slot back at once.

Login and reset count failed attempts only (a wrong password, a wrong code): guessing
is what they slow down, and someone who logs in often must never be locked out by
their own successes, so any other outcome gives the slot back. "Forgot" has no failure
to count: it counts every request, which also limits the mail sent to one address.

When the store is away, the limits that stand between an attacker and a password
(login, reset) refuse with 503 and ``Retry-After``; the others let requests through.
"""

import contextlib
import hashlib
import math
from collections.abc import Mapping

from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from authentication.services import InvalidCredentials, InvalidResetCode, WrongCurrentPassword
from config.api.errors import ApplicationError
from users.selectors import user_username_for_login

THROTTLE_CACHE = "throttles"
# What a fail-closed limit asks a client to wait while its store is away.
UNAVAILABLE_RETRY_AFTER = 10


class LimitUnavailable(ApplicationError):
    """503: a limit that must hold cannot be counted (its store is away)."""

    status_code = 503
    code = "unavailable"


class SlotThrottle(SimpleRateThrottle):
    """A counter per fixed window of the rate's period: at most ``num_requests``
    slots taken in it. ``failure`` (an exception type) makes it count only the
    requests that fail with it: the others give their slot back."""

    failure: type[Exception] | None = None
    fail_closed = False
    key: str | None = None  # the counter of the slot taken, if any

    @property
    def cache(self):
        return caches[THROTTLE_CACHE]

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        try:
            taken = self._take(key)
        except RedisError:
            if self.fail_closed:
                raise LimitUnavailable(
                    "Too many attempts cannot be ruled out right now; try again shortly.",
                    retry_after=UNAVAILABLE_RETRY_AFTER,
                ) from None
            return True
        if taken > self.num_requests:
            self.give_back()
            return False
        return True

    def _take(self, key: str) -> int:
        """Take a slot of the window under ``key``; the count taken in it. A window
        starts with its first slot and its counter expires with it."""
        self.key = key
        self.now = self.timer()
        try:
            if not self.cache.add(key, 1, self.duration):
                return self.cache.incr(key)
        except ValueError:  # the window ended between add and incr: a new one starts
            self.cache.add(key, 1, self.duration)
        self.cache.set(f"{key}:start", self.now, self.duration)
        return 1

    def give_back(self) -> None:
        if self.key is None:
            return
        # The window ended, or the store is away: there is nothing to give back.
        with contextlib.suppress(ValueError, RedisError):
            self.cache.decr(self.key)

    def gives_back_after(self, error: Exception | None) -> bool:
        """Whether a request that ended with ``error`` (None: it succeeded) gives
        back its slot."""
        return self.failure is not None and not isinstance(error, self.failure)

    def wait(self) -> int:
        """The whole seconds until the window ends (at least 1)."""
        try:
            start = self.cache.get(f"{self.key}:start")
        except RedisError:
            start = None
        ends = (start if start is not None else self.now) + self.duration
        return max(1, math.ceil(ends - self.now))


class SlotThrottledMixin:
    """For views whose throttles are ``SlotThrottle``: a request one limit refuses
    gives back the slots it took from the others, and once the response is ready the
    failure-counting limits get theirs back unless the request failed."""

    def check_throttles(self, request) -> None:
        self.throttle_slots = []
        waits = []
        for throttle in self.get_throttles():
            if throttle.allow_request(request, self):
                self.throttle_slots.append(throttle)
            else:
                waits.append(throttle.wait())
        if waits:
            self._slots_give_back(lambda throttle: True)
            self.throttled(request, max(waits))

    def handle_exception(self, exc):
        self.throttle_error = exc
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        error = getattr(self, "throttle_error", None)
        self._slots_give_back(lambda throttle: throttle.gives_back_after(error))
        return super().finalize_response(request, response, *args, **kwargs)

    def _slots_give_back(self, condition) -> None:
        for throttle in getattr(self, "throttle_slots", ()):
            if condition(throttle):
                throttle.give_back()
        self.throttle_slots = []


class IPThrottle(SlotThrottle):
    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


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
        if not isinstance(value, str) or not value.strip():
            return None  # nothing to key on: the serializer rejects the request
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
