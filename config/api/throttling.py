"""Rate limits as slots in a counter, for every app's throttles.

Each limit is a counter per window (the rate's period from its first slot) in the
``throttles`` cache, a store of its own that nothing else fills or evicts. A request
takes its slot (an atomic increment) before it runs, so that concurrent requests can
never all pass one check and count afterwards; a request the counter refuses gives
its slot back at once. A refused request answers 429 with ``Retry-After`` (the seconds
until its window ends).

A limit with a ``failure`` counts only the requests that fail with it (a wrong
password): the others give their slot back. When the store is away, a ``fail_closed``
limit refuses with 503 and ``Retry-After``; the others let requests through.
"""

import contextlib
import math

from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from config.api.errors import LimitUnavailable

THROTTLE_CACHE = "throttles"
# What a fail-closed limit asks a client to wait while its store is away.
UNAVAILABLE_RETRY_AFTER = 10


class SlotThrottle(SimpleRateThrottle):
    """A counter per window (the rate's period from the window's first slot): at
    most ``num_requests`` slots taken in it. ``failure`` (an exception type) makes it count only the
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
