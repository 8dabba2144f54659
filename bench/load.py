"""wrk against the product and its floor, endpoint by endpoint, in interleaved rounds.

For each endpoint of ``bench/prepare.py``: first a check that the product and the floor
answer the same status and body (pagination links aside), then ROUNDS rounds of
(product, floor) wrk runs of DURATION seconds each. An endpoint the floor does not
answer (a page past the first: the floor has no cursors) is run on the product alone.
The SQL statements per request come from pg_stat_statements on the primary and the
replica: the delta over 20 requests sent one at a time after the warm-up. Medians of
the rounds go to ``--out``.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
QUERY_SAMPLE = 20


def fetch(base: str, endpoint: dict) -> tuple[int, object]:
    request = urllib.request.Request(base + endpoint["path"])
    if endpoint["token"]:
        request.add_header("Authorization", f"Bearer {endpoint['token']}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:300]


def comparable(body, base: str):
    """The body with its links reduced to whether they are there, and no host."""
    if isinstance(body, dict) and "results" in body:
        body = {**body, "next": bool(body.get("next")), "previous": bool(body.get("previous"))}
    return json.loads(json.dumps(body).replace(base, ""))


def statements(ports: list[int]) -> int:
    total = 0
    for port in ports:
        with psycopg.connect(
            f"host=127.0.0.1 port={port} user=postgres dbname=app", autocommit=True
        ) as conn:
            total += int(
                conn.execute(
                    "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                    "WHERE query NOT LIKE '%pg_stat_statements%'"
                ).fetchone()[0]
            )
    return total


def settled_statements(ports: list[int]) -> int:
    """The count once the server has finished the requests still queued when wrk
    stopped, so that they are not counted in the next run."""
    count = statements(ports)
    while True:
        time.sleep(0.2)
        latest = statements(ports)
        if latest == count:
            return count
        count = latest


def workers_cpu_seconds(master_pid: int) -> float:
    """User + system CPU time of a gunicorn master's workers (its child processes)."""
    total = 0
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, endpoint: dict, *, duration: float, threads: int, connections: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:.0f}s", "--timeout", "10s"]
    command += ["-s", str(HERE / "report.lua")]
    if endpoint["token"]:
        command += ["-H", f"Authorization: Bearer {endpoint['token']}"]
    output = subprocess.run(
        [*command, url + endpoint["path"]], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^BENCH (.*)$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk said:\n{output}")
    result = json.loads(match.group(1))
    seconds = result["duration_us"] / 1e6
    return {
        "requests": result["requests"],
        "rps": result["requests"] / seconds,
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": result["status_errors"] + result["socket_errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--posts", type=int, required=True)
    parser.add_argument("--targets", required=True)
    parser.add_argument("--app", required=True)
    parser.add_argument("--floor", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--pg", type=int, action="append", required=True)
    parser.add_argument("--app-pid", type=int, required=True)
    parser.add_argument("--floor-pid", type=int, required=True)
    args = parser.parse_args()
    rounds = int(os.environ.get("ROUNDS", 3))
    options = {
        "duration": int(os.environ.get("DURATION", 3)),
        "threads": int(os.environ.get("WRK_THREADS", 2)),
        "connections": int(os.environ.get("CONNECTIONS", 32)),
    }
    targets = json.loads(Path(args.targets).read_text())
    only = [name.strip() for name in os.environ.get("ONLY", "").split(",") if name.strip()]
    endpoints = [e for e in targets["endpoints"] if not only or e["name"] in only]
    print(f"readers: {targets['readers']}; rows: {targets['counts']}", flush=True)

    masters = {"app": args.app_pid, "floor": args.floor_pid}

    def servers(endpoint: dict) -> dict[str, str]:
        return {"app": args.app} | ({"floor": args.floor} if endpoint["floor"] else {})

    for endpoint in endpoints:
        app_status, app_body = fetch(args.app, endpoint)
        endpoint["same_body"] = None
        verdict = "no floor"
        if endpoint["floor"]:
            floor_status, floor_body = fetch(args.floor, endpoint)
            endpoint["same_body"] = app_status == floor_status and comparable(
                app_body, args.app
            ) == comparable(floor_body, args.floor)
            verdict = "same body" if endpoint["same_body"] else "DIFFERENT BODY"
        print(f"{endpoint['name']:<28} {app_status} {verdict}")
        if app_status != 200:
            print(f"  app:   {json.dumps(app_body, default=str)[:400]}")
        if endpoint["same_body"] is False:
            print(f"  app:   {json.dumps(app_body)[:400]}\n  floor: {json.dumps(floor_body)[:400]}")
        # Warm both (connections open, code paths and caches filled), then count the
        # statements of a few requests one at a time: exact, unlike a count under load
        # that wrk stops in the middle of requests.
        endpoint["queries"] = {}
        for server, base in servers(endpoint).items():
            wrk(base, endpoint, duration=1, threads=1, connections=4)
            before = settled_statements(args.pg)
            for _ in range(QUERY_SAMPLE):
                fetch(base, endpoint)
            endpoint["queries"][server] = (settled_statements(args.pg) - before) / QUERY_SAMPLE
        print(f"{'':<28} queries/request: {endpoint['queries']}")

    runs = {(e["name"], server): [] for e in endpoints for server in servers(e)}
    for round_number in range(1, rounds + 1):
        for endpoint in endpoints:
            for server, base in servers(endpoint).items():
                settled_statements(args.pg)
                cpu = workers_cpu_seconds(masters[server])
                run = wrk(base, endpoint, **options)
                # The CPU the workers spent serving, per request: unlike latency, hardly
                # changed by whatever else runs on the machine. Read as wrk stops, before
                # the workers serve the requests it left in flight.
                cpu = workers_cpu_seconds(masters[server]) - cpu
                run["cpu_ms"] = cpu * 1000 / max(run["requests"], 1)
                runs[endpoint["name"], server].append(run)
                print(
                    f"round {round_number} {endpoint['name']:<28} {server:<5} "
                    f"{run['rps']:8.0f} req/s "
                    f"p50 {run['p50_ms']:6.1f} ms p99 {run['p99_ms']:6.1f} ms "
                    f"errors {run['errors']} CPU {run['cpu_ms']:.2f} ms/req",
                    flush=True,
                )

    def medians(server_runs: list[dict]) -> dict:
        return {
            key: statistics.median(run[key] for run in server_runs)
            for key in ("rps", "p50_ms", "p99_ms", "cpu_ms")
        } | {"errors": sum(run["errors"] for run in server_runs)}

    Path(args.out).write_text(
        json.dumps(
            {
                "name": args.name,
                "users": targets["counts"]["users"],
                "posts": args.posts,
                "counts": targets["counts"],
                "readers": targets["readers"],
                "options": options | {"rounds": rounds},
                "deep_page": targets.get("deep_page"),
                "endpoints": [
                    {
                        "name": e["name"],
                        "path": e["path"],
                        "page": e.get("page"),
                        "same_body": e["same_body"],
                        "app": medians(runs[e["name"], "app"]) | {"queries": e["queries"]["app"]},
                        "floor": medians(runs[e["name"], "floor"])
                        | {"queries": e["queries"]["floor"]}
                        if e["floor"]
                        else None,
                        "runs": {server: runs[e["name"], server] for server in servers(e)},
                    }
                    for e in endpoints
                ],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
