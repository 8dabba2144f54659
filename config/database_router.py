"""Reads to replicas, writes to the primary, and every client reads its own writes.

A read goes to the primary when it runs inside a transaction, when the same request
has already written, or when the client wrote less than ``DATABASE_PIN_SECONDS``
ago: browsers carry a signed pin cookie, bearer-token clients are pinned by user id in
the cache. Otherwise the request sticks to one healthy replica. A replica that refuses
a connection is marked down for ``DATABASE_REPLICA_RETRY_SECONDS`` and its reads go
to another replica, then to the primary, so a dead replica fails no request.

While the primary cannot be reached, a pinned client reads from a replica: its own
last write may be missing for the replica's lag, which beats an error. Reads that
must be fresh (``reads_from_primary``, transactions) still go to the primary and
fail, as writes do; the API answers those with a 503 (``config.api.errors``).
"""

import logging
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken

logger = logging.getLogger(__name__)

PIN_COOKIE = "primary_pin"


@dataclass
class _RoutingState:
    """What the router knows about the current request (or command)."""

    pinned: bool = False
    # Set by ``reads_from_primary``: a stale answer would be wrong, not just old.
    fresh: bool = False
    wrote: bool = False
    replica: str | None = None
    # A query failed because its database could not be reached.
    database_failed: bool = False


_state: ContextVar[_RoutingState | None] = ContextVar("database_routing", default=None)
# Monotonic time until which a replica is considered down, per process.
_replica_down_until: dict[str, float] = {}
# Likewise for the primary, for pinned reads only: writes always try it. Short, so
# that pinned clients read their own writes again soon after the primary is back,
# long enough that an unreachable host does not cost each read a connect timeout.
PRIMARY_RETRY_SECONDS = 1.0
_primary_down_until = 0.0
# Methods that change nothing: answering one a second time is safe.
_RETRYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _current_state() -> _RoutingState:
    state = _state.get()
    if state is None:
        # Outside a request (commands, shell, tests) every call starts fresh.
        return _RoutingState()
    return state


def replica_aliases() -> list[str]:
    return [alias for alias in connections if alias != DEFAULT_DB_ALIAS]


def mark_replica_down(alias: str) -> None:
    """Send no reads to this replica for a while; its broken connection is dropped."""
    connections[alias].close()
    _replica_down_until[alias] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
    logger.warning("replica %s is down, reads go elsewhere", alias)


def _replica_is_marked_down(alias: str) -> bool:
    return _replica_down_until.get(alias, 0.0) > time.monotonic()


def _connects(alias: str) -> bool:
    """True when the replica answers; a failure marks it down."""
    connection = connections[alias]
    try:
        # A kept-alive connection to a replica that went away since the last
        # request must be noticed here, not by the first query of this one.
        # is_usable() asks the server only when the socket says it went away
        # (config/database_backend).
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
    except DatabaseError:
        mark_replica_down(alias)
        return False
    return True


def mark_primary_down() -> None:
    """Send pinned reads to a replica for a moment; the broken connection is dropped."""
    global _primary_down_until
    connections[DEFAULT_DB_ALIAS].close()
    _primary_down_until = time.monotonic() + PRIMARY_RETRY_SECONDS
    logger.warning("the primary is down, pinned reads go to a replica")


def _primary_answers() -> bool:
    """True when the primary can be reached; a failure marks it down for a moment.

    The check is Django's own ``CONN_HEALTH_CHECKS`` test of a kept connection, done
    once per request before its first query, only done earlier (and without a query
    unless the server went away: config/database_backend).
    """
    if _primary_down_until > time.monotonic():
        return False
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError:
        mark_primary_down()
        return False
    return True


def _choose_replica() -> str:
    candidates = [alias for alias in replica_aliases() if not _replica_is_marked_down(alias)]
    random.shuffle(candidates)
    for alias in candidates:
        if _connects(alias):
            return alias
    if _primary_down_until > time.monotonic():
        # With the primary gone too, a replica marked down a while ago is the only hope,
        # and it may well be back before its retry delay is over.
        for alias in replica_aliases():
            if alias not in candidates and _connects(alias):
                _replica_down_until.pop(alias, None)
                return alias
    return DEFAULT_DB_ALIAS


def _must_read_primary(state: _RoutingState) -> bool:
    # A request that wrote shows what it wrote, so it reads where it wrote, even while
    # the primary is marked down for pinned reads: it has just answered this request.
    if state.fresh or state.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return True
    return state.pinned and _primary_answers()


# Always the primary: the task queue (django_tasks_db's label) is work to claim, not
# data to show (its worker locks rows inside a transaction on the database it reads
# from, and a task queued a moment ago must be seen at once); django-axes counts
# failed admin logins, and a count read from a lagging replica lets guesses through.
PRIMARY_ONLY_APPS = {"django_tasks_database", "axes"}


class PrimaryReplicaRouter:
    """Django database router: see the module docstring."""

    def db_for_read(self, model, **hints) -> str:
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        state = _current_state()
        if _must_read_primary(state):
            return DEFAULT_DB_ALIAS
        if state.replica is None or _replica_is_marked_down(state.replica):
            state.replica = _choose_replica()
        return state.replica

    def db_for_write(self, model, **hints) -> str:
        _current_state().wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Replicas hold the same data as the primary: objects from either relate.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


def note_database_unavailable() -> None:
    """Told by the error handler when a request fails on an unreachable database."""
    _current_state().database_failed = True


def _mark_failed_databases_down() -> bool:
    """Mark down every database whose connection failed in this request; any?"""
    failed = [alias for alias in connections if connections[alias].errors_occurred]
    for alias in failed:
        if alias == DEFAULT_DB_ALIAS:
            mark_primary_down()
        else:
            mark_replica_down(alias)
    return bool(failed)


@contextmanager
def reads_from_primary():
    """Send every read in the block to the primary (a read that must be fresh)."""
    state = _state.get()
    token = _state.set(
        _RoutingState(pinned=True, fresh=True, wrote=state.wrote if state else False)
    )
    try:
        yield
    finally:
        _state.reset(token)


def _user_pin_key(user_id) -> str:
    return f"database-pin:user:{user_id}"


def _bearer_user_id(request: HttpRequest):
    """The user id of a valid bearer access token, read without touching a database."""
    # From META: request.headers would parse every header into a new mapping.
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, raw_token = header.partition(" ")
    if scheme not in jwt_settings.AUTH_HEADER_TYPES or not raw_token:
        return None
    try:
        token = AccessToken(raw_token.strip())
    except TokenError:
        return None
    # Decoded once: the authentication of the request takes it from here.
    request.bearer_access_token = token
    return token.get(jwt_settings.USER_ID_CLAIM)


def _client_is_pinned(request: HttpRequest, bearer_user_id) -> bool:
    # Signed, and its age checked here too: a client cannot pin itself (and load the
    # primary) with a cookie it made up or kept past the pin's window.
    pin = request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_COOKIE, max_age=settings.DATABASE_PIN_SECONDS
    )
    if pin is not None:
        return True
    if bearer_user_id is None:
        return False
    # has_key answers None, not False, when Redis cannot be reached (django-redis
    # IGNORE_EXCEPTIONS). Not knowing is read as pinned: while the cache is down,
    # a bearer client still reads its own writes.
    return cache.has_key(_user_pin_key(bearer_user_id)) is not False


class PrimaryPinMiddleware:
    """Routes each request's reads and pins a client to the primary after it writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bearer_user_id = _bearer_user_id(request)
        pinned = _client_is_pinned(request, bearer_user_id)
        state, response = self._routed(request, pinned)
        if (
            state.database_failed
            and request.method in _RETRYABLE_METHODS
            and _mark_failed_databases_down()
        ):
            # A database went away while this read ran (a replica stopped mid-request):
            # answered once more, the read goes to another database instead of failing.
            state, response = self._routed(request, pinned)
        if state.wrote:
            self._pin(request, response, bearer_user_id)
        return response

    def _routed(self, request: HttpRequest, pinned: bool) -> tuple[_RoutingState, HttpResponse]:
        state = _RoutingState(pinned=pinned)
        token = _state.set(state)
        try:
            return state, self.get_response(request)
        finally:
            _state.reset(token)

    @staticmethod
    def _pin(request: HttpRequest, response: HttpResponse, bearer_user_id) -> None:
        seconds = settings.DATABASE_PIN_SECONDS
        response.set_signed_cookie(
            PIN_COOKIE,
            "1",
            salt=PIN_COOKIE,
            max_age=seconds,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else bearer_user_id
        if user_id is not None:
            cache.set(_user_pin_key(user_id), 1, timeout=seconds)
