"""wrk against the product and its floor at every data size, in interleaved rounds.

For each size and each of its endpoints (``bench/prepare.py``): first a check that the
product and the floor answer the same status and body (pagination links aside), a
warm-up, and the SQL statements per request from pg_stat_statements on that size's
primary and replica (the delta over 20 requests sent one at a time). Then ROUNDS rounds
of wrk runs of DURATION seconds each: per endpoint (matched across sizes by name), per
size, the product then the floor. Interleaving the sizes keeps the drift of a shared
machine over minutes out of the ratio of the largest size to the smallest (issue 11's
target); interleaving the servers keeps it out of the ratio to the floor. An endpoint
the floor does not answer (a page past the first: the floor has no cursors) is run on
the product alone. Medians of the rounds go to each size's ``out``, one file per size.
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


def check(size: dict, endpoints: list[dict]) -> None:
    """Per endpoint of one size: the same status and body from the product and the floor,
    a warm-up, and the statements per request (``endpoint["same_body"]``,
    ``endpoint["queries"]``)."""
    for endpoint in endpoints:
        app_status, app_body = fetch(size["app"], endpoint)
        endpoint["same_body"] = None
        verdict = "no floor"
        if endpoint["floor"]:
            floor_status, floor_body = fetch(size["floor"], endpoint)
            endpoint["same_body"] = app_status == floor_status and comparable(
                app_body, size["app"]
            ) == comparable(floor_body, size["floor"])
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
        for server, base in servers(size, endpoint).items():
            wrk(base, endpoint, duration=1, threads=1, connections=4)
            before = settled_statements(size["pg"])
            for _ in range(QUERY_SAMPLE):
                fetch(base, endpoint)
            endpoint["queries"][server] = (settled_statements(size["pg"]) - before) / QUERY_SAMPLE
        print(f"{'':<28} queries/request: {endpoint['queries']}", flush=True)


def servers(size: dict, endpoint: dict) -> dict[str, str]:
    return {"app": size["app"]} | ({"floor": size["floor"]} if endpoint["floor"] else {})


def medians(server_runs: list[dict]) -> dict:
    return {
        key: statistics.median(run[key] for run in server_runs)
        for key in ("rps", "p50_ms", "p99_ms", "cpu_ms")
    } | {"errors": sum(run["errors"] for run in server_runs)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "sizes",
        help="a file of JSON lines, one per size: name, users, posts, targets, app, floor, "
        "pg (the primary's and the replica's ports), app_pid, floor_pid, out",
    )
    args = parser.parse_args()
    sizes = [json.loads(line) for line in Path(args.sizes).read_text().splitlines() if line]
    rounds = int(os.environ.get("ROUNDS", 3))
    options = {
        "duration": int(os.environ.get("DURATION", 3)),
        "threads": int(os.environ.get("WRK_THREADS", 2)),
        "connections": int(os.environ.get("CONNECTIONS", 32)),
    }
    only = [name.strip() for name in os.environ.get("ONLY", "").split(",") if name.strip()]
    for size in sizes:
        size["targets"] = json.loads(Path(size["targets"]).read_text())
        size["endpoints"] = {
            e["name"]: e for e in size["targets"]["endpoints"] if not only or e["name"] in only
        }
        print(
            f"{size['name']}: readers: {size['targets']['readers']}; "
            f"rows: {size['targets']['counts']}",
            flush=True,
        )
        check(size, list(size["endpoints"].values()))

    # Endpoints are matched across sizes by name; a size without one skips it.
    names = list(dict.fromkeys(name for size in sizes for name in size["endpoints"]))
    runs = {
        (size["name"], name, server): []
        for size in sizes
        for name, endpoint in size["endpoints"].items()
        for server in servers(size, endpoint)
    }
    for size in sizes:
        settled_statements(size["pg"])
    for round_number in range(1, rounds + 1):
        for name in names:
            for size in sizes:
                endpoint = size["endpoints"].get(name)
                if endpoint is None:
                    continue
                for server, base in servers(size, endpoint).items():
                    master = size[f"{server}_pid"]
                    cpu = workers_cpu_seconds(master)
                    run = wrk(base, endpoint, **options)
                    # The CPU the workers spent serving, per request: unlike latency,
                    # hardly changed by whatever else runs on the machine. Read as wrk
                    # stops, before the workers serve the requests it left in flight.
                    cpu = workers_cpu_seconds(master) - cpu
                    run["cpu_ms"] = cpu * 1000 / max(run["requests"], 1)
                    runs[size["name"], name, server].append(run)
                    print(
                        f"round {round_number} {name:<28} {size['name']:<13} {server:<5} "
                        f"{run['rps']:8.0f} req/s "
                        f"p50 {run['p50_ms']:6.1f} ms p99 {run['p99_ms']:6.1f} ms "
                        f"errors {run['errors']} CPU {run['cpu_ms']:.2f} ms/req",
                        flush=True,
                    )
                    # Let the server finish the requests wrk left in flight before the
                    # next run, of whichever size and server.
                    settled_statements(size["pg"])

    for size in sizes:
        targets = size["targets"]
        by_server = {
            e["name"]: {
                server: runs[size["name"], e["name"], server] for server in servers(size, e)
            }
            for e in size["endpoints"].values()
        }
        Path(size["out"]).write_text(
            json.dumps(
                {
                    "name": size["name"],
                    "users": targets["counts"]["users"],
                    "posts": size["posts"],
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
                            "app": medians(by_server[e["name"]]["app"])
                            | {"queries": e["queries"]["app"]},
                            "floor": medians(by_server[e["name"]]["floor"])
                            | {"queries": e["queries"]["floor"]}
                            if e["floor"]
                            else None,
                            "runs": by_server[e["name"]],
                        }
                        for e in size["endpoints"].values()
                    ],
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    sys.exit(main())
