"""CPU time and Python calls per request, through the real WSGI handler, in-process.

Wall-clock figures mean little on a shared machine; CPU time of this process and the
number of Python calls per request are steady enough to compare two versions of the
code. Each endpoint of ``bench/prepare.py`` is requested ``--requests`` times through
``config.wsgi.application`` (every middleware, the request's end and its connection
handling included): once timed by ``time.process_time``, once under cProfile.

    bench/profile.sh                      (seeds throwaway services, then runs this)
    python bench/cpu_profile.py --targets targets.json --requests 500 --top 15 --only hello
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config.wsgi import application


def environ(endpoint: dict) -> dict:
    path, _, query = endpoint["path"].partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if endpoint["token"]:
        env["HTTP_AUTHORIZATION"] = f"Bearer {endpoint['token']}"
    return env


def request(endpoint: dict) -> None:
    statuses = []
    body = application(environ(endpoint), lambda status, headers: statuses.append(status))
    try:
        b"".join(body)
    finally:
        body.close()  # request_finished: what the server does after each response
    if not statuses[0].startswith("200"):
        raise RuntimeError(f"{endpoint['path']}: {statuses[0]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", required=True)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    endpoints = json.loads(Path(args.targets).read_text())["endpoints"]
    print(f"{'endpoint':<16} {'CPU ms/req':>10} {'calls/req':>10}")
    for endpoint in endpoints:
        if only and endpoint["name"] not in only:
            continue
        for _ in range(20):  # warm: connections, caches, lazy imports
            request(endpoint)
        started = time.process_time()
        for _ in range(args.requests):
            request(endpoint)
        cpu_ms = (time.process_time() - started) * 1000 / args.requests
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            request(endpoint)
        profiler.disable()
        stats = pstats.Stats(profiler)
        print(f"{endpoint['name']:<16} {cpu_ms:10.2f} {stats.total_calls / args.requests:10.0f}")
        if args.top:
            stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
