"""Faults under traffic: real HTTP clients against a live server on the real primary,
streaming replica and Redis, while the replica stops, Redis stops and the primary
restarts (scripts/services.sh). Afterwards every acknowledged write must be in the
database, and every request must have been answered, in time, with a success or a
JSON 503 that says when to retry; never a 500.

The apps are reached only through HTTP and ``apps.get_model`` (config imports none).
"""

import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connections
from rest_framework_simplejwt.tokens import RefreshToken

from config import database_router

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, databases="__all__"),
]

HUNG_SECONDS = 5  # no request may take longer, whatever is down
RECOVERY_SECONDS = 5  # after the primary is back, every request succeeds again
OUTAGE_SECONDS = 3
WRITER_THREADS = 3
AUTHORS_PER_WRITER = 12  # 5 posts a day each: enough for every post of the run
PROBER_PASSWORD = "a-long-password-for-the-prober"
ORDER_BODY = {
    "customer_name": "Bob Follower",
    "phone": "+36 30 123 4567",
    "delivery_address": {
        "street": "Andrássy út",
        "house_number": "12",
        "postal_code": "1061",
        "city": "Budapest",
        "country": "HU",
    },
    "items": [{"quantity": 1, "extras": []}],
}


def services(*arguments: str) -> None:
    subprocess.run([os.environ["TEST_SERVICES_SCRIPT"], *arguments], check=True, timeout=90)


@dataclass
class Answer:
    client: str
    method: str
    path: str
    started: float
    seconds: float
    status: int  # 0: no HTTP answer at all (timeout, connection refused)
    body: dict
    retry_after: str | None
    content_type: str
    pinned: bool  # the client sent a valid-looking primary_pin cookie


@dataclass
class Client:
    """One user agent: a bearer token and a cookie jar (so it carries the pin cookie)."""

    name: str
    base_url: str
    log: list[Answer]
    token: str | None = None
    cookies: CookieJar = field(default_factory=CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def has_pin(self) -> bool:
        return any(
            cookie.name == database_router.PIN_COOKIE and not cookie.is_expired()
            for cookie in self.cookies
        )

    def send(self, method: str, path: str, body: dict | None = None) -> Answer:
        request = urllib.request.Request(self.base_url + path, method=method)
        request.add_header("Accept", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        pinned = self.has_pin()
        started = time.monotonic()
        try:
            response = self.opener.open(request, data=data, timeout=HUNG_SECONDS * 2)
        except urllib.error.HTTPError as error:
            response = error
        except OSError:
            response = None
        seconds = time.monotonic() - started
        if response is None:
            answer = Answer(self.name, method, path, started, seconds, 0, {}, None, "", pinned)
        else:
            raw = response.read()
            answer = Answer(
                self.name,
                method,
                path,
                started,
                seconds,
                response.status,
                json.loads(raw) if raw else {},
                response.headers.get("Retry-After"),
                response.headers.get("Content-Type", ""),
                pinned,
            )
        self.log.append(answer)
        return answer


@dataclass
class Timeline:
    """When each outage began and ended (monotonic seconds), and what /health/ready said."""

    marks: dict[str, float] = field(default_factory=dict)
    ready: dict[str, dict] = field(default_factory=dict)
    login: dict[str, Answer] = field(default_factory=dict)

    def mark(self, name: str) -> None:
        self.marks[name] = time.monotonic()


def writer_loop(client: Client, authors: list[Client], targets: list[str], pizza: int, stop):
    """Posts (rotating authors past the daily limit), follows and orders, in turn."""
    step = 0
    while not stop.is_set():
        author = authors[(step // 3) % len(authors)]
        kind = step % 3
        if kind == 0:
            author.send("POST", "/api/posts/", {"content": f"post {step} by {author.name}"})
        elif kind == 1:
            target = targets[step % len(targets)]
            if target != author.name:
                author.send("POST", f"/api/users/{target}/follow/")
        else:
            order = {**ORDER_BODY, "items": [{**ORDER_BODY["items"][0], "pizza": pizza}]}
            client.send("POST", "/api/orders/", order)
        step += 1


def reader_loop(client: Client, usernames: list[str], stop):
    step = 0
    while not stop.is_set():
        if step % 2:
            client.send("GET", f"/api/users/{usernames[step % len(usernames)]}/")
        else:
            client.send("GET", "/api/posts/?page_size=20")
        step += 1


def pinned_loop(client: Client, stop):
    """Writes, then reads its own posts: within the pin window these go to the primary."""
    step = 0
    while not stop.is_set():
        if step % 4 == 0:
            client.send("POST", "/api/posts/", {"content": f"pinned {step}"})
        else:
            client.send("GET", f"/api/posts/?author={client.name}")
        step += 1
        time.sleep(0.05)


def outage(timeline: Timeline, prober: Client, part: str) -> None:
    """Stop ``part``, ask /health/ready and log in while it is down, start it again."""
    timeline.mark(f"{part} stopping")
    services("stop", part)
    timeline.mark(f"{part} stopped")
    time.sleep(OUTAGE_SECONDS / 2)
    timeline.ready[part] = prober.send("GET", "/health/ready").body
    credentials = {"login": "prober", "password": PROBER_PASSWORD}
    timeline.login[part] = prober.send("POST", "/api/auth/login", credentials)
    time.sleep(OUTAGE_SECONDS / 2)
    timeline.mark(f"{part} starting")
    services("start", part)
    timeline.mark(f"{part} started")


@pytest.fixture
def every_service_back():
    """Whatever happens in the test, the services are up again for the next one."""
    yield
    for part in ("primary", "replica", "redis"):
        services("start", part)
    connections.close_all()
    database_router._replica_down_until.clear()
    database_router._primary_down_until = 0.0


def test_faults_under_traffic_lose_no_acknowledged_write_and_answer_503_never_500(
    vacuumed_database, live_server, every_service_back
):
    # The replica is marked down when it stops, for longer than the whole test: while
    # the primary is down, reads must find it back all the same.
    database_router._replica_down_until.clear()
    users = get_user_model().objects
    pizza = apps.get_model("orders", "Pizza").objects.create(name="Margherita", price="11.90")
    log: list[Answer] = []

    def client(username: str | None) -> Client:
        token = None
        if username is not None:
            user = users.create_user(username=username, email=f"{username}@example.com")
            token = str(RefreshToken.for_user(user).access_token)
        return Client(username or "anonymous", live_server.url, log, token=token)

    writers = [
        [client(f"writer{thread}x{index}") for index in range(AUTHORS_PER_WRITER)]
        for thread in range(WRITER_THREADS)
    ]
    targets = [author.name for authors in writers for author in authors[:4]]
    pinned = client("pinned")
    readers = [client(None), client("reader")]
    users.create_user(username="prober", password=PROBER_PASSWORD)
    prober = Client("prober", live_server.url, [])  # not part of the traffic checked below
    services("wait-replica")

    stop = threading.Event()
    loops: list[Callable[[], None]] = [
        *(lambda a=authors: writer_loop(a[0], a, targets, pizza.pk, stop) for authors in writers),
        *(lambda r=reader: reader_loop(r, targets, stop) for reader in readers),
        lambda: pinned_loop(pinned, stop),
    ]
    threads = [threading.Thread(target=loop) for loop in loops]
    timeline = Timeline()
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        outage(timeline, prober, "replica")
        time.sleep(1)
        outage(timeline, prober, "redis")
        time.sleep(1)
        outage(timeline, prober, "primary")
        time.sleep(RECOVERY_SECONDS + 2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    timeline.mark("end")
    connections.close_all()  # this thread's connections died with the primary's restart

    assert_every_request_was_answered_in_time_and_never_with_a_500(log, timeline)
    assert_reads_never_fail_and_writes_only_while_a_database_is_away(log, timeline)
    assert_reads_are_served_while_the_primary_is_down(log, timeline)
    assert_ready_named_the_part_that_was_down(timeline)
    assert_a_login_needs_only_the_primary(timeline)
    assert_every_acknowledged_write_is_in_the_database(log)


def assert_every_request_was_answered_in_time_and_never_with_a_500(
    log: list[Answer], timeline: Timeline
) -> None:
    assert len(log) > 100, "the traffic hardly ran"
    slowest = max(log, key=lambda answer: answer.seconds)
    # On failure, when the slowest request started, against the outages' marks.
    marks = {name: round(at - slowest.started, 1) for name, at in timeline.marks.items()}
    assert slowest.seconds < HUNG_SECONDS, (slowest, marks)
    for answer in log:
        assert answer.status != 0, answer
        assert answer.content_type == "application/json", answer
        if answer.status < 400:
            continue
        if answer.status == 429:  # an author's 6th post of the day: the rule, not a fault
            assert answer.body["code"] == "limit_reached", answer
            assert answer.retry_after, answer
            continue
        assert answer.status == 503, answer
        assert answer.body["code"] == "database_unavailable", answer
        assert answer.retry_after == "5", answer


def assert_reads_never_fail_and_writes_only_while_a_database_is_away(
    log: list[Answer], timeline: Timeline
) -> None:
    failed_reads = [a for a in log if a.method == "GET" and a.status != 200]
    assert not failed_reads, failed_reads
    # A write fails while the primary is away, or when the replica it read from (to
    # authenticate, say) stops in the middle of it; never because Redis is away.
    windows = [
        (timeline.marks[f"{part} stopping"] - HUNG_SECONDS, timeline.marks[f"{part} started"])
        for part in ("replica", "primary")
    ]
    failures = [answer for answer in log if answer.status == 503]
    assert failures, "no request needed the primary while it was stopped"
    outside = [a for a in failures if not any(low <= a.started <= high for low, high in windows)]
    assert not outside, outside
    # Writes and reads alike succeed again within a few seconds of the restart.
    back = timeline.marks["primary started"]
    recovered = back + RECOVERY_SECONDS
    later = [answer for answer in log if answer.started >= back]
    assert any(a.method == "POST" and a.status < 300 and a.started < recovered for a in later)
    assert any(a.method == "GET" and a.status == 200 and a.started < recovered for a in later)


def assert_reads_are_served_while_the_primary_is_down(
    log: list[Answer], timeline: Timeline
) -> None:
    down = (timeline.marks["primary stopped"], timeline.marks["primary starting"])
    reads = [a for a in log if a.method == "GET" and down[0] <= a.started <= down[1]]
    # Only the replica was there to answer them.
    assert reads, "nobody read while the primary was down"
    assert all(read.status == 200 for read in reads), reads
    pinned_reads = [read for read in reads if read.client == "pinned" and read.pinned]
    assert pinned_reads, "the pinned client read nothing while the primary was down"
    writes = [a for a in log if a.method == "POST" and down[0] <= a.started <= down[1]]
    assert writes, "nobody wrote while the primary was down"
    assert all(write.status == 503 for write in writes), writes


def assert_ready_named_the_part_that_was_down(timeline: Timeline) -> None:
    for part, name in (("replica", "replica_0"), ("redis", "cache"), ("primary", "primary")):
        checks = timeline.ready[part]["checks"]
        assert {check: state["status"] == "down" for check, state in checks.items()} == {
            "primary": name == "primary",
            "replica_0": name == "replica_0",
            "cache": name == "cache",
        }, (part, checks)


def assert_a_login_needs_only_the_primary(timeline: Timeline) -> None:
    assert timeline.login["replica"].status == 200, timeline.login["replica"]
    unavailable = timeline.login["primary"]
    assert unavailable.status == 503, unavailable
    assert unavailable.body["code"] == "database_unavailable", unavailable
    assert unavailable.retry_after == "5", unavailable


def assert_every_acknowledged_write_is_in_the_database(log: list[Answer]) -> None:
    acknowledged = [answer for answer in log if answer.method == "POST" and answer.status < 300]
    posts = {a.body.get("id") for a in acknowledged if a.path == "/api/posts/"}
    orders = {a.body.get("id") for a in acknowledged if a.path == "/api/orders/"}
    follows = {(a.client, a.path.split("/")[3]) for a in acknowledged if "/follow/" in a.path}
    assert posts, "no post was acknowledged"
    assert orders, "no order was acknowledged"
    assert follows, "no follow was acknowledged"
    # Read on the primary: the replica may still be catching up after the restart.
    stored = apps.get_model("social", "Post").objects.using("default")
    assert set(stored.filter(pk__in=posts).values_list("pk", flat=True)) == posts
    stored = apps.get_model("orders", "Order").objects.using("default")
    assert {str(pk) for pk in stored.filter(pk__in=orders).values_list("pk", flat=True)} == orders
    stored = apps.get_model("social", "Follow").objects.using("default")
    assert follows <= set(stored.values_list("follower__username", "followee__username"))
