"""Real threads for the concurrency tests (marked ``services``: they need PostgreSQL)."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection

Result = TypeVar("Result")


def run_together(tasks: list[Callable[[], Result]]) -> list[Result]:
    """Each task in its own thread, all released at the same instant; their results, in
    order. Each thread closes its database connection when its task is done."""
    barrier = threading.Barrier(len(tasks))

    def run(task: Callable[[], Result]) -> Result:
        try:
            barrier.wait(timeout=30)
            return task()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return list(pool.map(run, tasks))
