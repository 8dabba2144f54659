"""bench/RESULTS.md and bench/latency.png from the results of bench/load.py, one per size."""

import argparse
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    postgres = subprocess.run(
        [os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin") + "/postgres", "--version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory_kb / 2**20:.0f} GiB RAM, Linux "
        f"{platform.release()}, Python {platform.python_version()}, {postgres}, "
        f"{wrk.strip()}; load average when the report was written {load[0]:.1f}"
    )


def ms(value: float) -> str:
    return f"{value:.1f}"


def size_label(result: dict) -> str:
    posts = result["posts"]
    return f"{posts // 1_000_000}M" if posts >= 1_000_000 else f"{posts // 1000}k"


def table(result: dict) -> list[str]:
    lines = [
        f"### {size_label(result)} posts ("
        + ", ".join(f"{count:,} {table}" for table, count in result["counts"].items())
        + ")",
        "",
        "Readers: " + "; ".join(f"{role}: {who}" for role, who in result["readers"].items()) + ".",
        "",
        "| endpoint | req/s | p50 ms | p99 ms | p99/p50 | errors | queries/req | CPU ms/req "
        "| floor req/s | floor p50 ms | floor queries/req | floor CPU ms/req "
        "| ratio to floor | CPU ratio | same body |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|",
    ]
    for e in result["endpoints"]:
        app, floor = e["app"], e["floor"]
        lines.append(
            f"| {e['name']} | {app['rps']:.0f} | {ms(app['p50_ms'])} | {ms(app['p99_ms'])} "
            f"| {app['p99_ms'] / max(app['p50_ms'], 0.001):.1f} | {app['errors']} "
            f"| {app['queries']:.2f} | {app['cpu_ms']:.2f} | {floor['rps']:.0f} "
            f"| {ms(floor['p50_ms'])} | {floor['queries']:.2f} | {floor['cpu_ms']:.2f} "
            f"| {app['rps'] / max(floor['rps'], 0.001):.2f} "
            f"| {floor['cpu_ms'] / max(app['cpu_ms'], 0.001):.2f} "
            f"| {'yes' if e['same_body'] else 'NO'} |"
        )
    return [*lines, ""]


def scale_table(small: dict, large: dict) -> list[str]:
    rows = {e["name"]: e for e in small["endpoints"]}
    lines = [
        f"### {size_label(large)} / {size_label(small)}",
        "",
        "| endpoint | req/s ratio | p50 ratio | p99 ratio | queries/req |",
        "|---|--:|--:|--:|--:|",
    ]
    for e in large["endpoints"]:
        if e["name"] not in rows:
            continue
        a, b = rows[e["name"]]["app"], e["app"]
        lines.append(
            f"| {e['name']} | {b['rps'] / max(a['rps'], 0.001):.2f} "
            f"| {b['p50_ms'] / max(a['p50_ms'], 0.001):.2f} "
            f"| {b['p99_ms'] / max(a['p99_ms'], 0.001):.2f} "
            f"| {a['queries']:.2f} / {b['queries']:.2f} |"
        )
    return [*lines, ""]


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [e["name"] for e in results[0]["endpoints"]]
    width = 0.8 / (2 * len(results))
    figure, axes = plt.subplots(figsize=(13, 5))
    for index, result in enumerate(results):
        by_name = {e["name"]: e for e in result["endpoints"]}
        for offset, server in enumerate(("app", "floor")):
            position = [
                n + (2 * index + offset - len(results) + 0.5) * width for n in range(len(names))
            ]
            p50 = [by_name[name][server]["p50_ms"] if name in by_name else 0 for name in names]
            p99 = [by_name[name][server]["p99_ms"] if name in by_name else 0 for name in names]
            label = f"{'product' if server == 'app' else 'floor'}, {size_label(result)} posts"
            bars = axes.bar(position, p50, width, label=f"{label} (p50; tick: p99)")
            axes.scatter(position, p99, marker="_", s=80, color=bars.patches[0].get_facecolor())
    axes.set_xticks(range(len(names)), names, rotation=30, ha="right")
    axes.set_ylabel("latency, ms")
    axes.set_title("Latency by endpoint and data size (bars p50, ticks p99)")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", required=True)
    parser.add_argument("--threads", required=True)
    parser.add_argument("--worker-class", required=True)
    parser.add_argument("results", nargs="+")
    args = parser.parse_args()
    results = sorted(
        (json.loads(Path(p).read_text()) for p in args.results), key=lambda r: r["posts"]
    )
    options = results[0]["options"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/README.md explains the method); the last run wins.",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Servers: gunicorn, {args.workers} workers x {args.threads} threads "
        f"({args.worker_class}), the same settings for the product and the floor; "
        "PostgreSQL primary + streaming replica, Redis, all on the same machine",
        f"- Load: wrk -t{options['threads']} -c{options['connections']} "
        f"-d{options['duration']:g}s per endpoint and server, {options['rounds']} "
        "interleaved rounds (product, floor, product, floor, ...), medians",
        "- Queries/req: statements counted by pg_stat_statements on the primary and the "
        "replica over 20 requests sent one at a time after the warm-up",
        "- CPU ms/req: user + system CPU time of the gunicorn workers over the wrk run, per "
        "request served (CPU ratio: the floor's over the product's; on a machine shared "
        "with other work it is steadier than req/s)",
        "",
        "![latency by endpoint and size](latency.png)",
        "",
    ]
    for result in results:
        lines += table(result)
    if len(results) > 1:
        lines += scale_table(results[0], results[-1])
    (HERE / "RESULTS.md").write_text("\n".join(lines))
    plot(results, HERE / "latency.png")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
