"""A small load generator for the running app (standard library only).

Threads, each with its own keep-alive connection, send a fixed mix of GET requests
to 127.0.0.1 until ``--requests`` are done or ``--duration`` seconds have passed,
then print per endpoint: requests, errors, throughput and p50/p95/p99 latency, and
the RSS of the gunicorn workers before and after the load.

    python bench/load.py --port 8000 --master-pid 1234 --login scale7 --password secret
"""

import argparse
import http.client
import itertools
import json
import statistics
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

HOST = "127.0.0.1"  # the only host this ever talks to
DEEP_PAGES = 50


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects once if the server closed it."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get_json(self, path: str) -> dict:
        status, body = self.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {body[:300]!r}")
        return json.loads(body)


def local_path(url: str) -> str:
    """The path and query of a ``next`` link, which is absolute."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def deep_page(client: Client, first: str) -> tuple[int, str]:
    """Page DEEP_PAGES (or the last, if fewer), reached by following ``next`` links."""
    path = first
    for number in range(1, DEEP_PAGES):
        link = client.get_json(path)["next"]
        if link is None:
            return number, path
        path = local_path(link)
    return DEEP_PAGES, path


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if Client(port).request("GET", "/health/live")[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"nothing answers on {HOST}:{port} after {seconds} s")
        time.sleep(0.2)


def endpoint_mix(args: argparse.Namespace, token: str) -> list[tuple[str, str, bool]]:
    """(name, path, authenticated) for every endpoint of the mix; deep pages resolved now."""
    lists = [
        ("feed", "/api/posts/", False),
        ("feed trending", "/api/posts/?sort=trending", False),
        ("feed scope=following", "/api/posts/?scope=following", True),
        ("followers", f"/api/users/{args.popular}/followers/", False),
    ]
    mix = []
    for name, first, needs_token in lists:
        number, path = deep_page(Client(args.port, token if needs_token else None), first)
        mix.append((f"{name} page 1", first, needs_token))
        mix.append((f"{name} page {number}", path, needs_token))
    return [
        *mix,
        ("feed q=pizza", "/api/posts/?q=pizza", False),
        ("feed q=<no match>", "/api/posts/?q=zzzqqq", False),
        ("profile", f"/api/users/{args.popular}/", False),
        ("menu /api/pizzas/", "/api/pizzas/", False),
        ("hello", f"/hello/{args.login}", False),
        ("birthdays today", "/api/birthdays/today/", False),
    ]


def login(port: int, username: str, password: str) -> str:
    status, body = Client(port).request(
        "POST", "/api/auth/login", {"login": username, "password": password}
    )
    if status != 200:
        raise SystemExit(f"login as {username} answered {status}: {body[:300]!r}")
    return json.loads(body)["access"]


def run_load(
    args: argparse.Namespace, mix: list, token: str, *, threads: int, requests: int
) -> tuple[dict, float]:
    """Send the mix round-robin from every thread; latencies in seconds per endpoint."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    tickets = itertools.count()  # next() on it is atomic in CPython: one shared budget
    deadline = time.monotonic() + args.duration

    def worker(offset: int) -> None:
        anonymous, authenticated = Client(args.port), Client(args.port, token)
        for number in itertools.count(offset):
            if next(tickets) >= requests or time.monotonic() > deadline:
                return
            name, path, needs_token = mix[number % len(mix)]
            started = time.perf_counter()
            try:
                status, _body = (authenticated if needs_token else anonymous).request("GET", path)
                failed = status != 200
            except OSError:
                failed = True
            elapsed = time.perf_counter() - started
            with lock:
                latencies[name].append(elapsed)
                errors[name] += failed

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started = time.monotonic()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {name: (latencies[name], errors[name]) for name, _path, _auth in mix}, (
        time.monotonic() - started
    )


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def print_results(results: dict, elapsed: float) -> None:
    print(f"{'endpoint':28} {'requests':>8} {'errors':>6} {'req/s':>7} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")  # fmt: skip
    total = 0
    for name, (values, errors) in results.items():
        total += len(values)
        if not values:
            print(f"{name:28} {0:>8}")
            continue
        ordered = sorted(values)
        p50, p95, p99 = (percentile(ordered, f) * 1000 for f in (0.50, 0.95, 0.99))
        print(
            f"{name:28} {len(values):>8} {errors:>6} {len(values) / elapsed:>7.1f} "
            f"{p50:>8.1f} {p95:>8.1f} {p99:>8.1f}"
        )
    all_values = sorted(v for values, _errors in results.values() for v in values)
    print(
        f"{'all':28} {total:>8} {sum(e for _v, e in results.values()):>6} "
        f"{total / elapsed:>7.1f} {statistics.median(all_values) * 1000:>8.1f} "
        f"{percentile(all_values, 0.95) * 1000:>8.1f} {percentile(all_values, 0.99) * 1000:>8.1f}"
    )
    print(f"({elapsed:.1f} s of load)")


def worker_memory(master_pid: int) -> dict[int, tuple[int, int]]:
    """{worker pid: (VmRSS, VmHWM) in kB} for the children of the gunicorn master."""
    memory = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master_pid:  # fields[1] is the parent pid
                continue
            status = dict(
                line.split(":", 1) for line in (stat.parent / "status").read_text().splitlines()
            )
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
        memory[int(stat.parent.name)] = (
            int(status["VmRSS"].split()[0]),
            int(status["VmHWM"].split()[0]),
        )
    return memory


def print_memory(label: str, master_pid: int) -> None:
    workers = worker_memory(master_pid)
    parts = [f"pid {pid}: RSS {rss / 1024:.1f} MiB (peak {hwm / 1024:.1f})"
             for pid, (rss, hwm) in sorted(workers.items())]  # fmt: skip
    print(f"gunicorn workers {label}: " + ("; ".join(parts) or "none found"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--master-pid", type=int, help="gunicorn master, to report worker RSS")
    parser.add_argument("--login", required=True, help="user for scope=following and hello")
    parser.add_argument("--password", required=True)
    parser.add_argument("--popular", default="scale1", help="user whose profile is read")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--serial", type=int, default=20, help="requests per endpoint, alone")
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--duration", type=float, default=60, help="seconds at most")
    args = parser.parse_args()

    wait_until_up(args.port)
    if args.master_pid:
        print_memory("before", args.master_pid)
    token = login(args.port, args.login, args.password)
    mix = endpoint_mix(args, token)
    # One request at a time first: the cost of a request when nothing else runs.
    print(f"serial: 1 thread, {args.serial} requests per endpoint")
    print_results(*run_load(args, mix, token, threads=1, requests=args.serial * len(mix)))
    print(f"load: {args.threads} threads, at most {args.requests} requests or "
          f"{args.duration:.0f} s, {len(mix)} endpoints in turn")  # fmt: skip
    print_results(*run_load(args, mix, token, threads=args.threads, requests=args.requests))
    if args.master_pid:
        print_memory("after", args.master_pid)


if __name__ == "__main__":
    main()
