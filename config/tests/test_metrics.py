import os
import socket
import subprocess
import sys
import time
import urllib.request
from ipaddress import ip_network
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import resolve
from prometheus_client.parser import text_string_to_metric_families

from config import database_router
from config.metrics import LocMemCache

PROJECT_DIR = Path(__file__).resolve().parents[2]


def parse(text: str) -> list:
    return [sample for family in text_string_to_metric_families(text) for sample in family.samples]


def total(samples: list, name: str, **labels: str) -> float:
    """The sum of the samples called ``name`` whose labels include ``labels``."""
    return sum(
        sample.value
        for sample in samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


def scrape(client) -> list:
    response = client.get("/metrics")
    assert response.status_code == 200
    return parse(response.content.decode())


def test_metrics_are_served_to_loopback(api_client):
    response = api_client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"django_http_requests_latency_seconds_by_view_method" in response.content


def test_metrics_are_not_found_from_another_address_whatever_its_headers_say(api_client):
    response = api_client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_metrics_are_served_to_a_configured_network_only(api_client, settings):
    settings.METRICS_ALLOWED_IPS = [ip_network("10.0.0.0/8")]

    assert api_client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert api_client.get("/metrics", REMOTE_ADDR="::ffff:10.1.2.3").status_code == 200
    assert api_client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_responses_are_counted_by_status_view_and_method_and_timed(api_client, db):
    labels = {"view": resolve("/hello/nobody").view_name, "method": "GET"}
    before = scrape(api_client)

    # Twice: the second goes through the middleware's kept children of the metrics.
    api_client.get("/hello/nobody")
    api_client.get("/hello/nobody")
    after = scrape(api_client)

    name = "django_http_responses_total_by_status_view_method_total"
    assert (
        total(after, name, status="404", **labels) - total(before, name, status="404", **labels)
        == 2
    )
    name = "django_http_requests_latency_seconds_by_view_method_count"
    assert total(after, name, **labels) - total(before, name, **labels) == 2


def test_the_in_process_cache_counts_hits_and_misses_and_returns_falsy_values():
    cache = LocMemCache("metrics-test", {})
    before = parse_registry()

    cache.set("empty", [])
    assert cache.get("empty") == []
    assert cache.get("absent", "default") == "default"

    after = parse_registry()
    for name in ("django_cache_get_hits_total", "django_cache_get_misses_total"):
        assert total(after, name, backend="locmem") - total(before, name, backend="locmem") == 1


def parse_registry() -> list:
    from prometheus_client import REGISTRY, generate_latest

    return parse(generate_latest(REGISTRY).decode())


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_reads_on_the_replica_and_redis_hits_are_counted(api_client):
    """The scrape shows how much reading the replica takes and how the cache does."""
    # An earlier test may have left the replica marked down in this process.
    database_router._replica_down_until.clear()
    get_user_model().objects.create(username="dora")
    subprocess.run([os.environ["TEST_SERVICES_SCRIPT"], "wait-replica"], check=True, timeout=60)
    before = scrape(api_client)

    assert api_client.get("/hello/dora").status_code == 404  # no date of birth
    api_client.get("/api/pizzas/")
    api_client.get("/api/pizzas/")
    after = scrape(api_client)

    def added(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    assert added("django_db_execute_total", alias="replica_0", vendor="postgresql") >= 1
    assert added("django_cache_get_hits_total", backend="redis") >= 1
    assert added("django_cache_get_misses_total", backend="redis") >= 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def test_gunicorn_workers_add_up_in_one_scrape(tmp_path):
    """Two workers restarted every 3 requests serve 8 requests: at least three
    processes, and the scrape still counts all 8 (multiprocess mode)."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "gunicorn-metrics-test-secret-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "1",
        "GUNICORN_MAX_REQUESTS": "3",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "config/gunicorn.conf.py",
            # Its default socket in $HOME would be shared with any other gunicorn here.
            "--no-control-socket",
            "config.wsgi:application",
        ],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"{base}/metrics")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        for _ in range(8):
            get(f"{base}/health/live")
        samples = parse(get(f"{base}/metrics").decode())
    finally:
        server.terminate()
        server.wait(timeout=30)

    name = "django_http_responses_total_by_status_view_method_total"
    assert total(samples, name, status="200", view="health-live", method="GET") == 8
