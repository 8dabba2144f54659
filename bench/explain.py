"""EXPLAIN ANALYZE of the list queries the app really sends, on page 1 and a deep page.

Each page is requested in-process (Django's test client, so the real views, selectors
and pagination build the SQL); the list query is captured and explained on the
primary. If a page's cost grew with its depth or with the tables, page 50 would cost
more than page 1 and the plan would show a sequential scan or a sort of the table.

    DATABASE_URL=postgres://... python bench/explain.py --user scale7 --popular scale1
"""

import argparse
import os
import re
import sys
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from users.models import User  # noqa: E402

DEEP_PAGES = 50
PLAN_NODE = re.compile(r"(Scan|Sort|Limit|Join|Loop|Hash|Filter|Index Cond)")


def page_query(client: Client, path: str, table: str) -> tuple[str, str | None]:
    """The SQL of the list query behind ``path``, and the next page's path."""
    with ExitStack() as stack:
        captured = [
            stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in connections
        ]
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    queries = [
        query["sql"]
        for capture in captured
        for query in capture.captured_queries
        if f'FROM "{table}"' in query["sql"] and "ORDER BY" in query["sql"]
    ]
    assert len(queries) == 1, (path, queries)
    link = response.json()["next"]
    if link is None:
        return queries[0], None
    parts = urlsplit(link)
    return queries[0], f"{parts.path}?{parts.query}"


def pages(client: Client, path: str, table: str) -> dict[int, str]:
    """The list query of page 1 and of page DEEP_PAGES (fewer if the list ends first)."""
    found = {}
    for number in range(1, DEEP_PAGES + 1):
        sql, next_path = page_query(client, path, table)
        if number in (1, DEEP_PAGES) or next_path is None:
            found[number] = sql
        if next_path is None:
            break
        path = next_path
    return found


def explain(sql: str) -> tuple[str, list[str]]:
    with connections["default"].cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        lines = [row[0] for row in cursor.fetchall()]
    timing = next(line for line in lines if line.startswith("Execution Time"))
    return timing, [line for line in lines if PLAN_NODE.search(line)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", required=True, help="the reader of scope=following")
    parser.add_argument("--popular", required=True, help="whose followers are listed")
    parser.add_argument("--plans", action="store_true", help="print the plans, not only times")
    args = parser.parse_args()

    token = AccessToken.for_user(User.objects.get(username=args.user))
    anonymous = Client(HTTP_HOST="127.0.0.1")
    reader = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    lists = [
        ("feed latest", anonymous, "/api/posts/", "social_post"),
        ("feed trending", anonymous, "/api/posts/?sort=trending", "social_post"),
        ("feed scope=following", reader, "/api/posts/?scope=following", "social_post"),
        ("feed q=pizza", anonymous, "/api/posts/?q=pizza", "social_post"),
        ("feed q=<no match>", anonymous, "/api/posts/?q=zzzqqq", "social_post"),
        ("followers", anonymous, f"/api/users/{args.popular}/followers/", "social_follow"),
    ]
    for name, client, path, table in lists:
        for number, sql in pages(client, path, table).items():
            timing, plan = explain(sql)
            print(f"{name}, page {number}: {timing}")
            if args.plans:
                print("\n".join(f"    {line}" for line in plan))


if __name__ == "__main__":
    main()
