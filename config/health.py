"""Liveness and readiness for load balancers and orchestrators."""

import logging
import time
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import serializers
from config.database_router import mark_primary_down, mark_replica_down, replica_aliases

logger = logging.getLogger(__name__)

_check = inline_serializer(
    "HealthCheck",
    {
        "status": serializers.ChoiceField(choices=["up", "down"]),
        "latency_ms": serializers.FloatField(),
        # The kind of failure only (OperationalError, say): the details go to the log.
        "error": serializers.CharField(required=False),
    },
)


_readiness = inline_serializer(
    "Readiness",
    {
        "status": serializers.ChoiceField(choices=["up", "down"]),
        "checks": serializers.DictField(child=_check),
    },
)


def _timed(name: str, probe) -> dict:
    started = time.perf_counter()
    try:
        probe()
    except Exception as error:  # any failure at all means "down"
        # The message names hosts, ports and users: it goes to the log, not to
        # whoever asks this public endpoint.
        logger.warning("readiness: %s is down: %s: %s", name, type(error).__name__, error)
        state = {"status": "down", "error": type(error).__name__}
    else:
        state = {"status": "up"}
    state["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return state


def _database_probe(alias: str):
    def probe() -> None:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")

    return probe


def _cache_probe() -> None:
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client"):
        # django-redis swallows errors (an outage must not fail requests): ask Redis.
        client.get_client(write=True).ping()
        return
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, 1, timeout=5)
    if cache.get(key) != 1:
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)


@extend_schema(
    summary="Liveness: the process runs",
    responses={200: inline_serializer("Live", {"status": serializers.CharField()})},
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def live(request: Request) -> Response:
    """200 while the process runs."""
    return Response({"status": "up"})


@extend_schema(
    summary="Readiness: the databases and the cache answer",
    responses={200: _readiness, 503: _readiness},
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def ready(request: Request) -> Response:
    """200 when the primary database answers, else 503; lists every dependency."""
    checks = {"primary": _timed("primary", _database_probe(DEFAULT_DB_ALIAS))}
    for alias in replica_aliases():
        checks[alias] = _timed(alias, _database_probe(alias))
        if checks[alias]["status"] == "down":
            mark_replica_down(alias)
    checks["cache"] = _timed("cache", _cache_probe)
    primary_up = checks["primary"]["status"] == "up"
    if not primary_up:
        mark_primary_down()
    return Response(
        {"status": "up" if primary_up else "down", "checks": checks},
        status=200 if primary_up else 503,
    )
