"""The soak: many clients read and write for a few minutes, then the data must add up.

Standard library for the traffic (threads, each with a keep-alive ``http.client``
connection, against gunicorn on 127.0.0.1); psycopg (the project's own driver) for the
checks, which read the primary with plain SQL. Prints the figures; exits 1 when any
check fails or any request answered a 5xx. ``scripts/soak.sh`` (``make soak``) starts
the services, seeds, runs gunicorn and then this.

    python scripts/soak.py --port 8000 --users soak1,soak2 --password secret
"""

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import psycopg

HOST = "127.0.0.1"  # the only host this ever talks to
ORDER_ADDRESS = {
    "street": "Andrássy út",
    "house_number": "12",
    "postal_code": "1061",
    "city": "Budapest",
    "country": "HU",
}


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(
        self, method: str, path: str, body: dict | None = None, token: str | None = None
    ) -> tuple[int, dict]:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                raw = response.read()
                return response.status, json.loads(raw) if raw else {}
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Record:
    """What the clients saw: every status, every acknowledged write."""

    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    posts: set[int] = field(default_factory=set)
    orders: set[str] = field(default_factory=set)
    # (follower, followee) -> whether the last acknowledged request followed. Only the
    # follower's own client touches a pair, so its last answer is the pair's state.
    follows: dict[tuple[str, str], bool] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)  # clients that stopped on an error
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[(kind, status)] += 1
            self.latencies.append(seconds)


def timed(record: Record, kind: str, client: Client, method: str, path: str, body=None, token=None):
    started = time.perf_counter()
    status, answer = client.request(method, path, body, token)
    record.note(kind, status, time.perf_counter() - started)
    return status, answer


def login(port: int, username: str, password: str) -> str:
    status, body = Client(port).request(
        "POST", "/api/auth/login", {"login": username, "password": password}
    )
    if status != 200:
        raise SystemExit(f"login as {username} answered {status}: {body}")
    return body["access"]


def menu(port: int) -> list[tuple[int, list[int]]]:
    """(pizza id, ids of the extras offered on it) for the whole menu."""
    client = Client(port)
    status, pizzas = client.request("GET", "/api/pizzas/?page_size=100")
    if status != 200:
        raise SystemExit(f"the menu answered {status}")
    offers = []
    for pizza in pizzas["results"]:
        _, extras = client.request("GET", f"/api/pizzas/{pizza['id']}/extras/")
        offers.append((pizza["id"], [extra["id"] for extra in extras]))
    return offers


def client_loop(
    me: str,
    port: int,
    tokens: dict[str, str],
    authors: dict[str, str],
    offers: list,
    record: Record,
    deadline: float,
) -> None:
    """One user's session: reads mostly, and posts (as any author), follows, orders."""
    rng = random.Random(me)
    client = Client(port)
    usernames = list(tokens)
    author_names = list(authors)
    recent: list[int] = []
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.30:
            status, page = timed(record, "read feed", client, "GET", "/api/posts/")
            if status == 200:
                recent = [post["id"] for post in page["results"]]
        elif roll < 0.40:
            path = f"/api/users/{rng.choice(usernames)}/"
            timed(record, "read profile", client, "GET", path)
        elif roll < 0.45:
            path = f"/api/users/{rng.choice(usernames)}/followers/"
            timed(record, "read followers", client, "GET", path)
        elif roll < 0.65:
            # Any author, from any client: the daily limit is raced for real.
            author = authors[rng.choice(author_names)]
            body: dict = {"content": f"soak by {me} at {time.time():.3f}"}
            kind = "post"
            if recent and rng.random() < 0.4:
                kind = rng.choice(["repost", "quote"])
                body = {f"{kind}_of": rng.choice(recent), **({} if kind == "repost" else body)}
            path = "/api/posts/"
            status, post = timed(record, f"write {kind}", client, "POST", path, body, author)
            if status == 201:
                with record.lock:
                    record.posts.add(post["id"])
        elif roll < 0.85:
            other = rng.choice([name for name in usernames if name != me])
            follow = rng.random() < 0.6
            method = "POST" if follow else "DELETE"
            kind = "write follow" if follow else "write unfollow"
            path = f"/api/users/{other}/follow/"
            status, _ = timed(record, kind, client, method, path, token=tokens[me])
            with record.lock:
                if 200 <= status < 300:
                    record.follows[(me, other)] = follow
                else:  # not acknowledged: the pair's state is no longer known
                    record.follows.pop((me, other), None)
        else:
            pizza, extras = rng.choice(offers)
            item = {"pizza": pizza, "quantity": rng.randint(1, 3), "extras": []}
            for extra in rng.sample(extras, k=min(len(extras), rng.randint(0, 2))):
                item["extras"].append({"extra": extra, "quantity": rng.randint(1, 2)})
            order = {
                "customer_name": me,
                "phone": "+36 30 123 4567",
                "delivery_address": ORDER_ADDRESS,
                "items": [item],
            }
            path = "/api/orders/"
            status, placed = timed(record, "write order", client, "POST", path, order, tokens[me])
            if status == 201:
                with record.lock:
                    record.orders.add(placed["id"])
                path = f"/api/orders/{placed['id']}/"
                timed(record, "read order", client, "GET", path, token=tokens[me])


# Each check: a name and a query that returns the rows that break it (none: it holds).
CHECKS = {
    "followers_count = COUNT(follows received)": """
        SELECT u.username, u.followers_count, count(f.id) FROM users_user u
        LEFT JOIN social_follow f ON f.followee_id = u.id
        GROUP BY u.id HAVING u.followers_count <> count(f.id)""",
    "following_count = COUNT(follows given)": """
        SELECT u.username, u.following_count, count(f.id) FROM users_user u
        LEFT JOIN social_follow f ON f.follower_id = u.id
        GROUP BY u.id HAVING u.following_count <> count(f.id)""",
    "posts_count = COUNT(visible posts)": """
        SELECT u.username, u.posts_count, count(p.id) FROM users_user u
        LEFT JOIN social_post p ON p.author_id = u.id AND NOT p.hidden
        GROUP BY u.id HAVING u.posts_count <> count(p.id)""",
    "repost_count = COUNT(visible reposts)": """
        SELECT o.id, o.repost_count, count(r.id) FROM social_post o
        LEFT JOIN social_post r ON r.original_id = o.id AND r.kind = 'repost' AND NOT r.hidden
        GROUP BY o.id HAVING o.repost_count <> count(r.id)""",
    "quote_count = COUNT(visible quotes)": """
        SELECT o.id, o.quote_count, count(q.id) FROM social_post o
        LEFT JOIN social_post q ON q.original_id = o.id AND q.kind = 'quote' AND NOT q.hidden
        GROUP BY o.id HAVING o.quote_count <> count(q.id)""",
    "at most 5 posts per author per UTC day": """
        SELECT author_id, (created_at AT TIME ZONE 'UTC')::date AS day, count(*)
        FROM social_post GROUP BY author_id, day HAVING count(*) > 5""",
    "order total = SUM(line totals)": """
        SELECT o.id, o.total, sum(i.line_total) FROM orders_order o
        JOIN orders_orderitem i ON i.order_id = o.id
        GROUP BY o.id HAVING o.total <> sum(i.line_total)""",
    "line total = quantity x (unit price + extras)": """
        SELECT i.id, i.line_total, i.quantity * (i.unit_price + coalesce(extras.price, 0))
        FROM orders_orderitem i LEFT JOIN (
            SELECT item_id, sum(unit_price * quantity) AS price
            FROM orders_orderitemextra GROUP BY item_id
        ) extras ON extras.item_id = i.id
        WHERE i.line_total <> i.quantity * (i.unit_price + coalesce(extras.price, 0))""",
}  # fmt: skip


def check(database_url: str, record: Record) -> list[str]:
    """Print each check with its figures; the names of those that failed."""
    failed = []
    with psycopg.connect(database_url) as connection:
        totals = connection.execute(
            "SELECT (SELECT count(*) FROM users_user), (SELECT count(*) FROM social_follow),"
            " (SELECT count(*) FROM social_post), (SELECT count(*) FROM orders_order)"
        ).fetchone()
        print("rows: {} users, {} follows, {} posts, {} orders".format(*totals))
        for name, query in CHECKS.items():
            broken = connection.execute(query).fetchall()
            print(f"  {'ok  ' if not broken else 'FAIL'} {name}: {len(broken)} rows break it")
            for row in broken[:5]:
                print(f"         {row}")
            if broken:
                failed.append(name)

        stored = {row[0] for row in connection.execute("SELECT id FROM social_post")}
        missing_posts = record.posts - stored
        stored = {str(row[0]) for row in connection.execute("SELECT id FROM orders_order")}
        missing_orders = record.orders - stored
        pairs = set(
            connection.execute(
                "SELECT a.username, b.username FROM social_follow f"
                " JOIN users_user a ON a.id = f.follower_id"
                " JOIN users_user b ON b.id = f.followee_id"
            ).fetchall()
        )
        wrong_follows = [pair for pair, on in record.follows.items() if (pair in pairs) != on]
    for name, acknowledged, wrong in (
        ("acknowledged posts stored", record.posts, missing_posts),
        ("acknowledged orders stored", record.orders, missing_orders),
        ("acknowledged follows/unfollows in effect", record.follows, wrong_follows),
    ):
        print(
            f"  {'ok  ' if not wrong else 'FAIL'} {name}: {len(acknowledged)}, {len(wrong)} wrong"
        )
        if wrong:
            print(f"         {sorted(wrong)[:5]}")
            failed.append(name)
    return failed


def print_traffic(record: Record, seconds: float) -> int:
    """Print requests by kind and status; the number of 5xx answers."""
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for (kind, status), count in record.statuses.items():
        by_kind[kind][status] = count
    total = sum(record.statuses.values())
    latencies = sorted(record.latencies)
    p50, p99 = (latencies[min(len(latencies) - 1, int(f * len(latencies)))] for f in (0.5, 0.99))
    print(f"{total} requests in {seconds:.0f} s ({total / seconds:.1f}/s), "
          f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")  # fmt: skip
    for kind in sorted(by_kind):
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(by_kind[kind].items()))
        print(f"  {kind:16} {statuses}")
    return sum(n for (_kind, status), n in record.statuses.items() if status >= 500)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", required=True, help="comma-separated usernames")
    parser.add_argument("--password", required=True)
    parser.add_argument("--authors", required=True, help="JSON file: {username: access token}")
    parser.add_argument("--duration", type=float, default=180)
    args = parser.parse_args()
    usernames = args.users.split(",")

    tokens = {name: login(args.port, name, args.password) for name in usernames}
    with open(args.authors) as file:
        authors = json.load(file)
    offers = menu(args.port)
    record = Record()
    deadline = time.monotonic() + args.duration
    print(
        f"{len(usernames)} clients, posting as {len(authors)} authors, for {args.duration:.0f} s"
        f" against 127.0.0.1:{args.port}"
    )

    def session(name: str) -> None:
        try:
            client_loop(name, args.port, tokens, authors, offers, record, deadline)
        except Exception as error:  # a client that stops early fails the soak
            with record.lock:
                record.crashes.append(f"{name}: {type(error).__name__}: {error}")
            raise

    threads = [threading.Thread(target=session, args=(name,)) for name in usernames]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server_errors = print_traffic(record, time.monotonic() - started)
    failed = check(os.environ["DATABASE_URL"], record)
    if server_errors:
        failed.append(f"{server_errors} answers were 5xx")
    if record.crashes:
        failed.append(f"{len(record.crashes)} clients stopped on an error: {record.crashes[0]}")
    print("soak: " + ("FAILED: " + "; ".join(failed) if failed else "every check holds"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
