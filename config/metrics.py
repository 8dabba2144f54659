"""Prometheus metrics (django-prometheus): the ``/metrics`` page, for scrapers only.

The counters themselves come from django-prometheus' middleware, database backends
and cache backends (see settings). Under gunicorn every worker writes them to files in
``PROMETHEUS_MULTIPROC_DIR`` and the page adds all workers up (config/gunicorn.conf.py).
"""

from collections.abc import Callable
from ipaddress import ip_address
from timeit import default_timer

from django.conf import settings
from django.core.cache.backends import locmem
from django.http import HttpRequest, HttpResponse
from django_prometheus.cache.metrics import (
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)
from django_prometheus.conf import PROMETHEUS_LATENCY_BUCKETS
from django_prometheus.exports import ExportToDjangoView
from django_prometheus.middleware import Metrics
from prometheus_client import Counter, Histogram

from config.api.errors import page_not_found

_MISSING = object()
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class _RequestMetrics(Metrics):
    """The two request metrics a dashboard needs, under django-prometheus' names.

    Its own pair of middlewares updates 19 metrics per request (body sizes, charsets,
    transports...), which costs several times these two.
    """

    def register(self) -> None:
        self.responses = self.register_metric(
            Counter,
            "django_http_responses_total_by_status_view_method",
            "Count of responses by status, view, method.",
            ["status", "view", "method"],
        )
        self.latency = self.register_metric(
            Histogram,
            "django_http_requests_latency_seconds_by_view_method",
            "Histogram of request processing time labelled by view.",
            ["view", "method"],
            buckets=PROMETHEUS_LATENCY_BUCKETS,
        )


class RequestMetricsMiddleware:
    """Counts every response by status, view name and method, and times it (first in
    MIDDLEWARE, so the time covers every other middleware). Labels are view names, not
    paths, so their number stays bounded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.metrics = _RequestMetrics.get_instance()
        # The metrics' children by label values: ``labels()`` checks and joins its
        # values and takes a lock on every call; the children themselves live as long
        # as their metric. Bounded: view names, statuses and methods are few.
        self._children: dict[tuple[int, str, str], tuple] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = default_timer()
        response = self.get_response(request)
        match = request.resolver_match
        view = (match.view_name if match is not None else None) or "<unnamed view>"
        method = request.method if request.method in _METHODS else "<invalid method>"
        key = (response.status_code, view, method)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.metrics.responses.labels(str(response.status_code), view, method),
                self.metrics.latency.labels(view, method),
            )
        count, latency = children
        count.inc()
        latency.observe(default_timer() - started)
        return response


def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics page for addresses in ``METRICS_ALLOWED_IPS``; a 404 for any other,
    so the page is not even known to exist. Only the socket's address counts: a header
    such as X-Forwarded-For is set by whoever sends the request."""
    address = ip_address(request.META.get("REMOTE_ADDR") or "0.0.0.0")
    # A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
    address = getattr(address, "ipv4_mapped", None) or address
    if not any(address in network for network in settings.METRICS_ALLOWED_IPS):
        return page_not_found(request)
    return ExportToDjangoView(request)


class LocMemCache(locmem.LocMemCache):
    """The in-process cache, counting hits and misses under django-prometheus' names.

    django-prometheus' own locmem wrapper answers the default for any falsy cached
    value, so a cached empty list (no birthdays today) would be recomputed every time.
    """

    def get(self, key, default=None, version=None):
        django_cache_get_total.labels(backend="locmem").inc()
        value = super().get(key, _MISSING, version)
        if value is _MISSING:
            django_cache_misses_total.labels(backend="locmem").inc()
            return default
        django_cache_hits_total.labels(backend="locmem").inc()
        return value
