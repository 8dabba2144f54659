"""bench/RESULTS.md and bench/latency.png from the results of bench/load.py, one per size."""

import argparse
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The name bench/prepare.py gives the deep page of a list.
DEEP_SUFFIX = " p50"


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


# Issue 11's targets: a list's p50 at the largest size at most this times its p50 at the
# smallest, page 1 and page 50 alike; no read request sends more than MAX_QUERIES.
MAX_P50_RATIO = 1.3
MAX_QUERIES = 3


def label(e: dict, deep_page: int | None) -> str:
    """The endpoint's name, and the page it really is when the list has fewer pages."""
    page = e.get("page")
    if e["name"].endswith(DEEP_SUFFIX) and page != deep_page:
        return f"{e['name']} (page {page}, the last full one)"
    return e["name"]


def queries(value: float) -> str:
    return f"{value:.2f}" + (" ⚠" if value > MAX_QUERIES else "")


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
        row = (
            f"| {label(e, result.get('deep_page'))} | {app['rps']:.0f} | {ms(app['p50_ms'])} "
            f"| {ms(app['p99_ms'])} | {app['p99_ms'] / max(app['p50_ms'], 0.001):.1f} "
            f"| {app['errors']} | {queries(app['queries'])} | {app['cpu_ms']:.2f} "
        )
        if floor is None:
            row += "| | | | | n/a | n/a | |"
        else:
            row += (
                f"| {floor['rps']:.0f} | {ms(floor['p50_ms'])} | {floor['queries']:.2f} "
                f"| {floor['cpu_ms']:.2f} | {app['rps'] / max(floor['rps'], 0.001):.2f} "
                f"| {floor['cpu_ms'] / max(app['cpu_ms'], 0.001):.2f} "
                f"| {'yes' if e['same_body'] else 'NO'} |"
            )
        lines.append(row)
    return [*lines, ""]


def scale_table(small: dict, large: dict) -> list[str]:
    rows = {e["name"]: e for e in small["endpoints"]}
    lines = [
        f"### {size_label(large)} / {size_label(small)}",
        "",
        f"Target (issue 11): a list's p50 at most {MAX_P50_RATIO}x, page 1 and page "
        f"{large.get('deep_page') or 50} alike, and at most {MAX_QUERIES} queries per read "
        "request; ⚠ marks a miss. The page a row is at, when a list has fewer pages, is "
        f"that of {size_label(small)} / {size_label(large)}.",
        "",
        "| endpoint | req/s ratio | p50 ratio | p99 ratio | queries/req | target |",
        "|---|--:|--:|--:|--:|:-:|",
    ]
    for e in large["endpoints"]:
        if e["name"] not in rows:
            continue
        first = rows[e["name"]]
        a, b = first["app"], e["app"]
        p50_ratio = b["p50_ms"] / max(a["p50_ms"], 0.001)
        misses = []
        if e.get("page") and p50_ratio > MAX_P50_RATIO:
            misses.append(f"p50 > {MAX_P50_RATIO}x")
        if max(a["queries"], b["queries"]) > MAX_QUERIES:
            misses.append(f"> {MAX_QUERIES} queries")
        name = e["name"]
        if e["name"].endswith(DEEP_SUFFIX):
            name += f" (page {first['page']} / {e['page']})"
        lines.append(
            f"| {name} | {b['rps'] / max(a['rps'], 0.001):.2f} "
            f"| {p50_ratio:.2f}{' ⚠' if e.get('page') and p50_ratio > MAX_P50_RATIO else ''} "
            f"| {b['p99_ms'] / max(a['p99_ms'], 0.001):.2f} "
            f"| {queries(a['queries'])} / {queries(b['queries'])} "
            f"| {'⚠ ' + ', '.join(misses) if misses else 'ok'} |"
        )
    return [*lines, ""]


def plot(results: list[dict], path: Path) -> None:
    """Two panels: the first pages (product and floor), the deep pages (product only)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [e["name"] for e in results[0]["endpoints"]]
    panels = [
        ("single endpoints and page 1", [n for n in names if not n.endswith(DEEP_SUFFIX)]),
        ("deep pages (the floor has no cursors)", [n for n in names if n.endswith(DEEP_SUFFIX)]),
    ]
    panels = [(title, chosen) for title, chosen in panels if chosen]
    figure, all_axes = plt.subplots(len(panels), 1, figsize=(16, 5.5 * len(panels)), squeeze=False)
    for axes, (title, chosen) in zip(all_axes[:, 0], panels, strict=True):
        # One colour per size and server in both panels.
        series = [
            (result, server, f"C{2 * size + offset}")
            for size, result in enumerate(results)
            for offset, server in enumerate(("app", "floor"))
            if any(e["name"] in chosen and e[server] for e in result["endpoints"])
        ]
        width = 0.8 / len(series)
        for index, (result, server, colour) in enumerate(series):
            by_name = {e["name"]: e[server] for e in result["endpoints"]}
            position = [n + (index - len(series) / 2 + 0.5) * width for n in range(len(chosen))]
            p50 = [(by_name.get(n) or {}).get("p50_ms", float("nan")) for n in chosen]
            p99 = [(by_name.get(n) or {}).get("p99_ms", float("nan")) for n in chosen]
            name = f"{'product' if server == 'app' else 'floor'}, {size_label(result)} posts"
            axes.bar(position, p50, width, color=colour, label=f"{name} (p50; tick: p99)")
            axes.scatter(position, p99, marker="_", s=80, color=colour)
        axes.set_xticks(range(len(chosen)), chosen, rotation=30, ha="right")
        axes.set_ylabel("latency, ms")
        axes.set_title(f"Latency by endpoint and data size, {title} (bars p50, ticks p99)")
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
        f"-d{options['duration']:g}s per endpoint, size and server, {options['rounds']} "
        "interleaved rounds (per endpoint: each size's product, then its floor), medians",
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
